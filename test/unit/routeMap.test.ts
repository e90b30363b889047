import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../src/config/env.js';
import { routesSchemaFile, routesSchemaText } from '../../scripts/routesSchema.js';
import { policies } from '../../src/authz/policies/index.js';
import { checkedRouteMap, routeMapSchemaFor, type RouteVocabulary } from '../../src/config/routeMap.js';
import { loadRouteMap, parseRouteMap, routeVocabulary, type RouteDefinition } from '../../src/routes/routeMap.js';

const shippedPath = fileURLToPath(new URL('../../routes.config.json', import.meta.url));

/** The ConfigError thrown by `run`, or a failure if it returned. */
const configErrorOf = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, but the route map was accepted');
};

describe('the shipped routes.config.json', () => {
  const shipped = loadRouteMap(shippedPath);
  const byId = new Map(shipped.routes.map((route) => [route.id, route]));

  // The spec's /api surface: id, method, path, engine template, intercept.
  const spec: readonly [string, RouteDefinition['method'], string, string, RouteDefinition['intercept']][] = [
    ['processes.list', 'GET', '/api/processes', '/process-definition', undefined],
    ['processes.get', 'GET', '/api/processes/:key', '/process-definition/key/:key', undefined],
    ['processes.form', 'GET', '/api/processes/:key/form', '/process-definition/key/:key/form-variables', undefined],
    ['process.start', 'POST', '/api/processes/:key/start', '/process-definition/key/:key/start', 'startProcess'],
    ['instances.list', 'GET', '/api/instances', '/process-instance', undefined],
    ['instances.get', 'GET', '/api/instances/:id', '/process-instance/:id', undefined],
    ['instances.variables', 'GET', '/api/instances/:id/variables', '/process-instance/:id/variables', undefined],
    ['tasks.list', 'GET', '/api/tasks', '/task', undefined],
    ['tasks.get', 'GET', '/api/tasks/:id', '/task/:id', undefined],
    ['tasks.form', 'GET', '/api/tasks/:id/form', '/task/:id/form-variables', undefined],
    ['task.complete', 'POST', '/api/tasks/:id/complete', '/task/:id/complete', 'completeTask'],
  ];
  // Added with per-user authorization (claim/unclaim of group tasks); not part of the original eleven.
  const added: readonly [string, RouteDefinition['method'], string, string, RouteDefinition['intercept']][] = [
    ['task.claim', 'POST', '/api/tasks/:id/claim', '/task/:id/claim', undefined],
    ['task.unclaim', 'POST', '/api/tasks/:id/unclaim', '/task/:id/unclaim', undefined],
    // What the earlier proxy's pages and hooks call (issue 14).
    ['processes.xml', 'GET', '/api/processes/:key/xml', '/process-definition/key/:key/xml', undefined],
    ['instances.activities', 'GET', '/api/instances/:id/activity-instances', '/process-instance/:id/activity-instances', undefined],
    ['instance.suspend', 'POST', '/api/instances/:id/suspend', '/process-instance/:id/suspended', undefined],
    ['instance.activate', 'POST', '/api/instances/:id/activate', '/process-instance/:id/suspended', undefined],
    ['instance.delete', 'DELETE', '/api/instances/:id', '/process-instance/:id', 'deleteInstance'],
    ['history.activities', 'GET', '/api/history/activity-instances', '/history/activity-instance', undefined],
  ];

  it.each(spec)('serves %s as %s %s → %s (intercept %s)', (id, method, path, engine, intercept) => {
    const route = byId.get(id);
    expect(route).toBeDefined();
    expect({ method: route!.method, path: route!.path, engine: route!.engine, intercept: route!.intercept }).toEqual({
      method,
      path,
      engine,
      intercept,
    });
  });

  it('has exactly the spec routes (plus the added ones), each once', () => {
    const expected = [...spec, ...added].map(([, method, path, engine]) => `${method} ${path} -> ${engine}`).sort();
    expect(shipped.routes.map((route) => `${route.method} ${route.path} -> ${route.engine}`).sort()).toEqual(expected);
  });

  it('lists only the latest version of each process definition', () => {
    expect(byId.get('processes.list')?.query).toEqual({ latestVersion: 'true' });
  });

  it('puts an intercept on exactly the two routes that carry variables, and on delete (its reason)', () => {
    expect(shipped.routes.filter((route) => route.intercept !== undefined).map((route) => route.id).sort()).toEqual(['instance.delete', 'process.start', 'task.complete']);
  });

  it('suspends and activates with PUT {"suspended": true|false} on the engine', () => {
    expect(byId.get('instance.suspend')).toMatchObject({ engineMethod: 'PUT', engineBody: { suspended: true } });
    expect(byId.get('instance.activate')).toMatchObject({ engineMethod: 'PUT', engineBody: { suspended: false } });
  });

  it('answers every action and form with a shaped JSON answer', () => {
    const shaped = Object.fromEntries(shipped.routes.filter((route) => route.answer).map((route) => [route.id, route.answer]));
    expect(shaped).toEqual({
      'processes.form': 'formVariables',
      'tasks.form': 'formVariables',
      'task.complete': 'taskCompleted',
      'task.claim': 'taskClaimed',
      'task.unclaim': 'taskUnclaimed',
      'instance.suspend': 'instanceSuspension',
      'instance.activate': 'instanceSuspension',
      'instance.delete': 'instanceDeleted',
    });
  });

  it('returns the map frozen', () => {
    expect(Object.isFrozen(shipped)).toBe(true);
    expect(Object.isFrozen(shipped.routes)).toBe(true);
    expect(shipped.routes.every((route) => Object.isFrozen(route))).toBe(true);
  });
});

describe('parseRouteMap', () => {
  const history = { method: 'GET', path: '/api/history/instances', engine: '/history/process-instance' };

  it('accepts a route added by configuration and names it METHOD path', () => {
    const map = parseRouteMap({ routes: [history] });
    expect(map.routes).toHaveLength(1);
    expect(map.routes[0]).toMatchObject({ ...history, id: 'GET /api/history/instances' });
  });

  it('keeps an explicit id, description, fixed query and intercept', () => {
    const route = {
      id: 'history.list',
      description: 'finished instances',
      method: 'POST',
      path: '/api/history/:key/start',
      engine: '/process-definition/key/:key/start',
      query: { a: 'b' },
      intercept: 'startProcess',
    };
    expect(parseRouteMap({ routes: [route] }).routes[0]).toEqual(route);
  });

  it('does not change the document it was given', () => {
    const document = { routes: [{ ...history }] };
    parseRouteMap(document);
    expect(document).toEqual({ routes: [history] });
  });

  const valid = { method: 'GET', path: '/api/things/:id', engine: '/thing/:id' };

  it.each<[string, unknown, RegExp]>([
    ['a missing engine', { routes: [{ method: 'GET', path: '/api/x' }] }, /engine/],
    ['a missing method', { routes: [{ path: '/api/x', engine: '/x' }] }, /method/],
    ['a missing routes list', {}, /routes/],
    ['an unknown top-level field', { routes: [valid], rotues: [] }, /rotues/],
    ['an unknown route field', { routes: [{ ...valid, timeout: 5 }] }, /timeout/],
    ['a misspelt route field', { routes: [{ method: 'GET', path: '/api/x', engin: '/x' }] }, /engin\b/],
    ['method TRACE', { routes: [{ ...valid, method: 'TRACE' }] }, /method/],
    ['a lower-case method', { routes: [{ ...valid, method: 'get' }] }, /method/],
    ['a path outside /api', { routes: [{ ...valid, path: '/admin/things/:id' }] }, /path/],
    ['a path that only starts like /api', { routes: [{ ...valid, path: '/apix/things/:id' }] }, /path/],
    ['/api itself', { routes: [{ ...valid, path: '/api', engine: '/thing' }] }, /path/],
    ['an engine parameter the path does not define', { routes: [{ ...valid, engine: '/thing/:thingId' }] }, /:thingId/],
    ['a dot-dot segment in the engine template', { routes: [{ ...valid, engine: '/thing/../deployment/:id' }] }, /engine/],
    ['a dot segment in the engine template', { routes: [{ ...valid, engine: '/thing/./:id' }] }, /engine/],
    ['a dot-dot segment in the path', { routes: [{ ...valid, path: '/api/things/../:id' }] }, /path/],
    ['an unknown intercept', { routes: [{ ...valid, method: 'POST', intercept: 'auditEverything' }] }, /intercept/],
    ['an unknown body kind', { routes: [{ ...valid, body: 'text' }] }, /body/],
    ['an intercept on a route that takes no body', { routes: [{ ...valid, method: 'POST', path: '/api/things/:key/start', engine: '/process-definition/key/:key/start', intercept: 'startProcess', body: 'none' }] }, /body cannot be 'none'/],
    ['a numeric query value', { routes: [{ ...valid, query: { maxResults: 50 } }] }, /query\/maxResults/],
    ['a boolean query value', { routes: [{ ...valid, query: { latestVersion: true } }] }, /query\/latestVersion/],
    [
      'a duplicate id',
      { routes: [{ ...valid, id: 'things.get' }, { ...valid, id: 'things.get', method: 'DELETE' }] },
      /duplicate id 'things\.get'/,
    ],
    ['a duplicate method and path', { routes: [valid, { ...valid, engine: '/other/:id' }] }, /GET \/api\/things\/:id/],
    [
      'the same route under another parameter name',
      { routes: [{ method: 'GET', path: '/api/x/:a', engine: '/x/:a' }, { method: 'GET', path: '/api/x/:b', engine: '/y/:b' }] },
      /GET \/api\/x\/:b/,
    ],
    ['an unknown answer', { routes: [{ ...valid, answer: 'everything' }] }, /answer/],
    ['an engineMethod TRACE', { routes: [{ ...valid, engineMethod: 'TRACE' }] }, /engineMethod/],
    ['an engineBody that is not an object', { routes: [{ ...valid, method: 'POST', engineBody: '{"suspended":true}' }] }, /engineBody/],
    ['an engineBody on a GET engine call', { routes: [{ ...valid, engineBody: { a: 1 } }] }, /GET engine call cannot carry engineBody/],
    [
      'an engineBody together with an intercept',
      { routes: [{ ...valid, method: 'POST', intercept: 'completeTask', engineBody: { a: 1 } }] },
      /engineBody and intercept/,
    ],
    [
      'an action answer on a route without :id',
      { routes: [{ method: 'POST', path: '/api/things/:key/go', engine: '/thing/:key', answer: 'taskClaimed' }] },
      /answer 'taskClaimed' needs a :id/,
    ],
    [
      'instanceSuspension without a boolean suspended body',
      { routes: [{ ...valid, method: 'POST', engineMethod: 'PUT', engineBody: { suspended: 'yes' }, answer: 'instanceSuspension' }] },
      /instanceSuspension/,
    ],
    ['a non-object document', [], /invalid/],
  ])('rejects %s with a ConfigError saying what is wrong', (_label, document, mentions) => {
    const error = configErrorOf(() => parseRouteMap(document, 'routes.test.json'));
    expect(error.message).toMatch(mentions);
    expect(error.message).toContain('routes.test.json');
  });

  it('accepts the same path under different methods', () => {
    const map = parseRouteMap({ routes: [valid, { ...valid, method: 'DELETE' }] });
    expect(map.routes.map((route) => route.id)).toEqual(['GET /api/things/:id', 'DELETE /api/things/:id']);
  });
});

describe('loadRouteMap', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'routemap-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a config file with an added route', () => {
    const path = join(dir, 'history.json');
    writeFileSync(path, JSON.stringify({ routes: [{ method: 'GET', path: '/api/history/instances', engine: '/history/process-instance' }] }));
    expect(loadRouteMap(path).routes.map((route) => route.id)).toEqual(['GET /api/history/instances']);
  });

  it.each<[string, (dir: string) => string]>([
    ['a missing file', (at) => join(at, 'does-not-exist.json')],
    ['a directory', (at) => at],
  ])('refuses %s with a ConfigError naming ROUTES_CONFIG and the path', (_label, pathIn) => {
    const path = pathIn(dir);
    const error = configErrorOf(() => loadRouteMap(path));
    expect(error.message).toContain('ROUTES_CONFIG');
    expect(error.message).toContain(path);
  });

  it.each<[string, string]>([
    ['truncated JSON', '{"routes": ['],
    ['JSON with comments', '{ // routes\n "routes": [] }'],
    ['an empty file', ''],
  ])('refuses %s with a ConfigError naming ROUTES_CONFIG', (label, text) => {
    const path = join(dir, `${label.replace(/\W+/g, '-')}.json`);
    writeFileSync(path, text);
    const error = configErrorOf(() => loadRouteMap(path));
    expect(error.message).toContain('ROUTES_CONFIG');
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/JSON/);
  });

  it('names the file when its content is invalid', () => {
    const path = join(dir, 'trace.json');
    writeFileSync(path, JSON.stringify({ routes: [{ method: 'TRACE', path: '/api/x', engine: '/x' }] }));
    const error = configErrorOf(() => loadRouteMap(path));
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/method/);
  });
});

describe('the route map knows the policies, intercepts and answers from their registries', () => {
  const schemaFile = JSON.parse(readFileSync(fileURLToPath(new URL('../../src/config/routes.schema.json', import.meta.url)), 'utf8')) as {
    $defs: { route: { properties: Record<'policy' | 'intercept' | 'answer', { enum: string[] }> } };
  };

  it.each(['policy', 'intercept', 'answer'] as const)("routes.schema.json, the editors' $schema, lists exactly the registered names for %s", (field) => {
    expect([...schemaFile.$defs.route.properties[field].enum].sort()).toEqual(Object.keys(routeVocabulary[field]).sort());
  });

  it('routes.schema.json is what `npx tsx scripts/routesSchema.ts` writes', () => {
    expect(readFileSync(routesSchemaFile, 'utf8')).toBe(routesSchemaText());
  });

  it('validates with the enums taken from the registries', () => {
    expect(routeMapSchemaFor(routeVocabulary).$defs.route.properties.policy.enum).toEqual(Object.keys(policies));
  });

  // A stand-in registry with one more policy: what the route map accepts follows from what it says of itself.
  const withAudit: RouteVocabulary = { ...routeVocabulary, policy: { ...routeVocabulary.policy, auditTrail: { param: 'key', readsBody: true } } as RouteVocabulary['policy'] };
  const audited = { method: 'POST', path: '/api/audits/:key', engine: '/audit/:key', policy: 'auditTrail' };

  it('accepts a newly registered policy by its name', () => {
    expect(checkedRouteMap({ routes: [audited] }, withAudit).routes[0]!.policy).toBe('auditTrail');
    expect(configErrorOf(() => parseRouteMap({ routes: [audited] })).message).toMatch(/policy/);
  });

  it("refuses a route without the path parameter a policy says it reads, or with body 'none' when it reads the body", () => {
    expect(configErrorOf(() => checkedRouteMap({ routes: [{ ...audited, path: '/api/audits/:id', engine: '/audit/:id' }] }, withAudit)).message).toMatch(/policy 'auditTrail' needs a :key parameter/);
    expect(configErrorOf(() => checkedRouteMap({ routes: [{ ...audited, body: 'none' }] }, withAudit)).message).toMatch(/policy 'auditTrail' reads a body, so body cannot be 'none'/);
  });
});
