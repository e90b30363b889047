import { Validator } from '@seriousme/openapi-schema-validator';
import request from 'supertest';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { loadRouteMap, parseRouteMap, type RouteMap } from '../../src/routes/routeMap.js';
import { errorStatuses } from '../../src/http/errors.js';
import { completeTaskBodySchema, startProcessBodySchema } from '../../src/intercepts/variableBody.js';
import { openApiDocument, type OpenApiDocument } from '../../src/openapi/index.js';
import type { Operation, Response } from '../../src/openapi/types.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

const shippedPath = fileURLToPath(new URL('../../routes.config.json', import.meta.url));
const shippedJson = JSON.parse(readFileSync(shippedPath, 'utf8')) as { routes: object[] };
const shipped = loadRouteMap(shippedPath);
const document = openApiDocument(shipped);

const historyRoute = { method: 'GET', path: '/api/history/instances', engine: '/history/process-instance' };
const withHistory: RouteMap = parseRouteMap({ ...shippedJson, routes: [...shippedJson.routes, historyRoute] });

const operation = (doc: OpenApiDocument, method: string, path: string): Operation => {
  const found = doc.paths[path]?.[method.toLowerCase() as 'get'];
  if (!found) throw new Error(`no ${method} ${path} in the document`);
  return found;
};
const operationById = (id: string): Operation => {
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item)) if (op.operationId === id) return op;
  }
  throw new Error(`no operation ${id}`);
};
const resolve = (response: unknown): Response => {
  const target = (response as { $ref?: string }).$ref;
  return target ? document.components.responses[target.split('/').pop()!]! : (response as Response);
};
const asOpenApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

describe('the OpenAPI document of the route map', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document) as never);
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('has exactly the routes of routes.config.json, its passthrough paths and the built-in routes, by route id', () => {
    const described = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => `${op.operationId} ${method.toUpperCase()} ${path}`),
    );
    const expected = [
      'health GET /health',
      'ready GET /ready',
      'metrics GET /metrics',
      'user.get GET /api/user',
      'deployments.create POST /api/deployments',
      'statistics.get GET /api/statistics',
      'audit.list GET /api/audit',
      ...shipped.routes.map((route) => `${route.id} ${route.method} ${asOpenApiPath(route.path)}`),
      ...shipped.passthrough.map((entry) => `${entry.id} ${entry.method} /engine-rest${asOpenApiPath(entry.path)}`),
    ];
    expect(described.sort()).toEqual(expected.sort());
    expect(shipped.routes.length).toBeGreaterThanOrEqual(13);
  });

  it('declares every {param} of a path as a required path parameter', () => {
    for (const [path, item] of Object.entries(document.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      for (const op of Object.values(item)) {
        const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(declared.map((p) => [p.name, p.required])).toEqual(names.map((name) => [name, true]));
      }
    }
    expect(operationById('task.complete').parameters?.map((p) => p.name)).toEqual(['id']);
  });

  it('names common filters on list routes, and never a query parameter the route map fixes', () => {
    const queryOf = (id: string) => (operationById(id).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(queryOf('tasks.list')).toEqual(expect.arrayContaining(['assignee', 'processInstanceId', 'processDefinitionKey', 'firstResult', 'maxResults']));
    expect(queryOf('instances.list')).toEqual(expect.arrayContaining(['processDefinitionKey', 'firstResult', 'maxResults']));
    expect(queryOf('processes.list')).not.toContain('latestVersion');
    expect(operationById('processes.list').description).toContain('`latestVersion=true`');
    expect(queryOf('instances.variables')).not.toContain('deserializeValues');
  });

  it('requires bearer authentication everywhere except /health, /ready and /metrics', () => {
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(operation(document, 'GET', '/health').security).toEqual([]);
    const open = new Set(['health', 'ready', 'metrics']);
    const secured = Object.values(document.paths).flatMap((item) => Object.values(item)).filter((op) => !open.has(op.operationId));
    expect(secured.every((op) => op.security === undefined && op.responses['401'] !== undefined)).toBe(true);
  });

  it('describes the bodies the intercepts validate, derived from their own schemas', () => {
    const schemaOf = (id: string) => {
      const target = (operationById(id).requestBody?.content['application/json']?.schema as { $ref: string }).$ref;
      return document.components.schemas[target.split('/').pop()!] as { additionalProperties: unknown; properties: Record<string, { additionalProperties?: unknown }> };
    };
    const start = schemaOf('process.start');
    expect(start.additionalProperties).toBe(false);
    expect(Object.keys(start.properties).sort()).toEqual(Object.keys(startProcessBodySchema.properties).sort());
    expect(Object.keys(start.properties).sort()).toEqual(['businessKey', 'variables', 'withVariablesInReturn']);
    expect(start.properties.variables!.additionalProperties).toEqual({ $ref: '#/components/schemas/VariableInput' });
    const complete = schemaOf('task.complete');
    expect(complete.additionalProperties).toBe(false);
    expect(Object.keys(complete.properties).sort()).toEqual(Object.keys(completeTaskBodySchema.properties).sort());
    expect(Object.keys(schemaOf('task.claim').properties)).toEqual(['userId']);
    expect(operationById('process.start').requestBody?.required).toBe(true);
    expect(operationById('tasks.get').requestBody).toBeUndefined();
  });

  it('answers 201 for start, 200 JSON for every action and everything else', () => {
    const successes = (id: string) => Object.keys(operationById(id).responses).filter((status) => status.startsWith('2'));
    expect(successes('process.start')).toEqual(['201']);
    const actions = ['task.complete', 'task.claim', 'task.unclaim', 'instance.suspend', 'instance.activate', 'instance.delete'];
    const reads = ['processes.list', 'processes.get', 'processes.xml', 'instances.get', 'instances.activities', 'history.activities', 'tasks.list', 'tasks.form', 'user.get', 'statistics.get'];
    expect(Object.keys(operationById('task.complete').responses['200'] as object)).toContain('content');
    expect((resolve(operationById('task.claim').responses['200']).content!['application/json']!.schema as { required: string[] }).required).toEqual(['id', 'assignee']);
    for (const id of [...actions, ...reads]) {
      expect(successes(id)).toEqual(['200']);
      expect(resolve(operationById(id).responses['200']).content?.['application/json']).toBeDefined();
    }
  });

  it('describes errors as the envelope, with the codes of src/http/errors.ts', () => {
    const envelope = document.components.schemas.ErrorEnvelope as { required: string[]; properties: { error: { enum: string[] } } };
    expect(envelope.required.sort()).toEqual(['detail', 'error', 'requestId', 'timestamp']);
    expect(envelope.properties.error.enum.sort()).toEqual(Object.keys(errorStatuses).sort());
    const statuses = (id: string) => Object.keys(operationById(id).responses).filter((status) => Number(status) >= 400);
    expect(statuses('process.start')).toEqual(['400', '401', '403', '404', '409', '413', '415', '429', '502', '503', '504']);
    expect(statuses('tasks.get')).toEqual(['400', '401', '404', '429', '502', '503', '504']);
    expect(statuses('task.claim')).toEqual(expect.arrayContaining(['403', '409']));
    const badGateway = resolve(operationById('tasks.get').responses['502']).content!['application/json']!.schema as { properties: { error: { enum: string[] } } };
    expect(badGateway.properties.error.enum.sort()).toEqual(['engine_error', 'engine_unavailable']);
  });

  it("mentions a route's policy and allow rule in its description, counting user ids rather than listing them", () => {
    expect(operationById('task.claim').description).toContain('`taskClaim`');
    const locked = openApiDocument(
      parseRouteMap({ routes: [{ ...historyRoute, id: 'history.instances', allow: { roles: ['org:auditors'], users: ['user_2secretTESTtest'] } }] }),
    );
    const description = operation(locked, 'GET', '/api/history/instances').description;
    expect(description).toContain('`org:auditors`');
    expect(description).toContain('1 named user');
    expect(description).not.toContain('user_2secretTESTtest');
    expect(Object.keys(operation(locked, 'GET', '/api/history/instances').responses)).toContain('403');
    const open = openApiDocument(parseRouteMap({ routes: [{ ...historyRoute, id: 'history.instances' }] }));
    expect(operation(open, 'GET', '/api/history/instances').description).toContain('every signed-in user');
  });
});

describe('/openapi.json and /docs', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness({}, { routeMap: withHistory });
  });
  afterAll(() => h.close());

  it('serve the document of the route map the app was built with, a config-added route included, without a token', async () => {
    const response = await request(h.app).get('/openapi.json').expect(200).expect('Content-Type', /application\/json/);
    const served = response.body as OpenApiDocument;
    const history = operation(served, 'GET', '/api/history/instances');
    expect(history.operationId).toBe('GET /api/history/instances');
    expect(history.parameters?.map((p) => p.name)).toEqual(expect.arrayContaining(['processDefinitionKey', 'firstResult', 'maxResults']));
    expect(operation(served, 'POST', '/api/processes/{key}/start').operationId).toBe('process.start');
    expect((await new Validator().validate(served as never)).valid).toBe(true);
    expect(h.engine.requests).toHaveLength(0);
  });

  it('serve Swagger UI from this server (no CDN) without a token', async () => {
    const redirect = await request(h.app).get('/docs').expect(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await request(h.app).get('/docs/').expect(200).expect('Content-Type', /text\/html/);
    const assets = [...page.text.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map((match) => match[1]!);
    expect(assets).toEqual(expect.arrayContaining(['./swagger-ui.css', './swagger-ui-bundle.js', './swagger-ui-init.js']));
    expect(assets.filter((asset) => /^(https?:)?\/\//.test(asset))).toEqual([]);
    await request(h.app).get('/docs/swagger-ui-bundle.js').expect(200).expect('Content-Type', /javascript/);
    const init = await request(h.app).get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/api/history/instances');
    expect(init.text).toContain('"validatorUrl": null');
  });

  it('leave the API behind authentication, with its CSP unchanged', async () => {
    const api = await request(h.app).get('/api/processes').expect(401);
    expect(api.body.error).toBe('unauthenticated');
    const directives = (csp: string) => csp.split(';').sort();
    const apiPolicy = directives(api.headers['content-security-policy']!);
    expect(apiPolicy).toEqual(expect.arrayContaining(["default-src 'self'", "script-src 'self'", 'upgrade-insecure-requests']));
    // The docs page only drops the upgrade, which would break its own assets over plain HTTP.
    for (const path of ['/docs/', '/docs/swagger-ui-bundle.js']) {
      const docs = await request(h.app).get(path);
      expect(directives(docs.headers['content-security-policy']!)).toEqual(apiPolicy.filter((directive) => directive !== 'upgrade-insecure-requests'));
    }
    await request(h.app).post('/docs/').expect(401);
  });
});

describe('the rest of what the proxy serves', () => {
  const document = openApiDocument(loadRouteMap('routes.config.json')) as unknown as { paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>> };

  it('describes /ready and /metrics, without Clerk security', () => {
    expect(document.paths['/ready']?.get?.security).toEqual([]);
    expect(document.paths['/metrics']?.get?.security).toEqual([]);
  });

  it('describes every passthrough path of the route map under /engine-rest', () => {
    const operationIds = Object.values(document.paths).flatMap((item) => Object.values(item).map((operation) => operation.operationId));
    for (const entry of loadRouteMap('routes.config.json').passthrough) expect(operationIds).toContain(entry.id);
    expect(document.paths['/engine-rest/external-task/{id}/complete']?.post?.operationId).toBe('worker.complete');
  });

  it('stays a valid OpenAPI 3.1 document with a config-added /** passthrough', async () => {
    const shipped = JSON.parse(readFileSync('routes.config.json', 'utf8')) as { passthrough: object[] };
    shipped.passthrough.push({ id: 'history.read', method: 'GET', path: '/history/**', allow: { roles: ['org:admin'] } });
    const withHistory = openApiDocument(parseRouteMap(shipped)) as unknown as { paths: Record<string, unknown> };
    expect(withHistory.paths['/engine-rest/history/{rest}']).toBeDefined();
    const validator = new Validator();
    const result = await validator.validate(structuredClone(withHistory) as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
