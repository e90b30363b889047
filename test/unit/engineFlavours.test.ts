import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_FLAVOURS, engineFlavourFrom, IDENTITY_PLUGIN_DIR, IDENTITY_PLUGIN_OPERATON_DIR } from '../../scripts/engine.js';

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

  it('each depend on their own build of the engine identity plugin, made from the same sources', () => {
    const pom = (dir: string) => readFileSync(join(dir, 'pom.xml'), 'utf8');
    expect(ENGINE_FLAVOURS.camunda.identityPluginDir).toBe(IDENTITY_PLUGIN_DIR);
    expect(ENGINE_FLAVOURS.operaton.identityPluginDir).toBe(IDENTITY_PLUGIN_OPERATON_DIR);
    expect(pom(IDENTITY_PLUGIN_DIR)).toContain('<artifactId>engine-identity-plugin</artifactId>');
    expect(pom(IDENTITY_PLUGIN_OPERATON_DIR)).toContain('<artifactId>engine-identity-plugin-operaton</artifactId>');
    expect(pom(IDENTITY_PLUGIN_OPERATON_DIR)).toContain('<replacestring from="org.camunda.bpm." to="org.operaton.bpm."/>');
    expect(pom(ENGINE_FLAVOURS.camunda.dir)).toContain('<artifactId>engine-identity-plugin</artifactId>');
    expect(pom(ENGINE_FLAVOURS.operaton.dir)).toContain('<artifactId>engine-identity-plugin-operaton</artifactId>');
    // A change of the shared sources makes both engine jars stale.
    for (const { sources } of Object.values(ENGINE_FLAVOURS)) expect(sources).toContain(join(IDENTITY_PLUGIN_DIR, 'src'));
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
