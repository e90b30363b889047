import { Ajv2020 } from 'ajv/dist/2020.js';
import request from 'supertest';
import type { ProxyHarness } from './proxyHarness.js';

/** Validates an answer against the schema the served OpenAPI document gives for that path and status. */
export async function expectDocumented(h: ProxyHarness, path: string, res: request.Response): Promise<void> {
  const document = (await request(h.app).get('/openapi.json').expect(200)).body as {
    paths: Record<string, { get: { responses: Record<string, { content: { 'application/json': { schema: object } } }> } }>;
    components: object;
  };
  const response = document.paths[path]!.get.responses[String(res.status)];
  expect({ path, status: res.status, documented: response !== undefined }).toEqual({ path, status: res.status, documented: true });
  const ajv = new Ajv2020({ strict: false, validateFormats: false });
  const validate = ajv.compile({ ...response!.content['application/json'].schema, components: document.components });
  expect({ path, body: res.body, errors: validate(res.body) ? null : validate.errors }).toEqual({ path, body: res.body, errors: null });
}
