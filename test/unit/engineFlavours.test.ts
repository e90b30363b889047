import { readFileSync } from 'node:fs';
import { ENGINE_FLAVOURS, engineFlavourFrom } from '../../scripts/engine.js';

describe('ENGINE_FLAVOUR', () => {
  it.each([
    [undefined, 'camunda'],
    ['', 'camunda'],
    ['camunda', 'camunda'],
    ['operaton', 'operaton'],
  ])('%p picks the %s engine', (value, flavour) => {
    expect(engineFlavourFrom(value)).toBe(flavour);
  });

  it.each(['Operaton', 'zeebe', 'camunda8'])('refuses %p, naming the choices', (value) => {
    expect(() => engineFlavourFrom(value)).toThrow(`ENGINE_FLAVOUR must be camunda or operaton, not "${value}"`);
  });
});

describe('the engines the contract suite runs on', () => {
  it('are Camunda 7.24.0 and Operaton 1.0.3, each built from its own Maven project', () => {
    expect(Object.values(ENGINE_FLAVOURS).map(({ product, version, label }) => [product, version, label])).toEqual([
      ['Camunda', '7.24.0', 'camunda 7.24'],
      ['Operaton', '1.0.3', 'operaton 1.0.3'],
    ]);
    expect(readFileSync(`${ENGINE_FLAVOURS.camunda.dir}/pom.xml`, 'utf8')).toContain('<camunda.version>7.24.0</camunda.version>');
    expect(readFileSync(`${ENGINE_FLAVOURS.operaton.dir}/pom.xml`, 'utf8')).toContain('<operaton.version>1.0.3</operaton.version>');
  });

  it('each have a contract project named after the engine, Camunda first', async () => {
    const jestConfig: string = '../../jest.config.js'; // plain JavaScript: no types to check
    const { default: config } = (await import(jestConfig)) as {
      default: { projects: { displayName: string; globals?: { engineFlavour?: string } }[] };
    };
    const contract = config.projects.filter((project) => project.globals?.engineFlavour);
    expect(contract.map((project) => [project.globals!.engineFlavour, project.displayName])).toEqual([
      ['camunda', 'contract (camunda 7.24)'],
      ['operaton', 'contract (operaton 1.0.3)'],
    ]);
  });
});
