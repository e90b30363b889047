import Sequencer from '@jest/test-sequencer';

// Engines in the order CI runs their contract suites: Camunda 7.24 in full, then Operaton in full.
const ENGINE_ORDER = ['camunda', 'operaton'];

/**
 * Jest's own order (failed first, then slowest first) within each engine, but no engine's contract
 * test files mixed with another's: the projects without an engine (unit, browser) first, then each
 * engine's contract project (jest.config.js: globals.engineFlavour) whole, in ENGINE_ORDER.
 */
export default class EngineOrderSequencer extends Sequencer {
  async sort(tests) {
    const rank = (test) => ENGINE_ORDER.indexOf(test.context.config.globals.engineFlavour) + 1;
    return [...(await super.sort(tests))].sort((a, b) => rank(a) - rank(b));
  }
}
