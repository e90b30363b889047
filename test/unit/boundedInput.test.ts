import request from 'supertest';
import { MAX_JSON_DEPTH } from '../../src/engine/variables.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(() => h.close());
beforeEach(() => h.engine.reset());

/** Raw text, because JSON.stringify itself overflows the stack on 5,000 levels. */
const startWithRawBody = (text: string) =>
  request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer()).set('Content-Type', 'application/json').send(text);
const nested = (levels: number) => `{"variables":{"deep":${'['.repeat(levels)}${']'.repeat(levels)}}}`;

describe('deeply nested Json variables', () => {
  it('refuses 5,000 levels (10 KB) with a 400 naming the variable, and the engine never sees it', async () => {
    const res = await startWithRawBody(nested(5_000));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_request', detail: `variable 'deep': Json value is nested deeper than ${MAX_JSON_DEPTH} levels` });
    expect(h.engine.requests).toHaveLength(0);
  });

  it('refuses the same depth given as Json text', async () => {
    const text = JSON.stringify('['.repeat(5_000) + ']'.repeat(5_000));
    const res = await startWithRawBody(`{"variables":{"deep":{"type":"Json","value":${text}}}}`);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/nested deeper than/);
    expect(h.engine.requests).toHaveLength(0);
  });

  it(`starts with a value nested exactly ${MAX_JSON_DEPTH} levels deep`, async () => {
    const res = await startWithRawBody(nested(MAX_JSON_DEPTH));
    expect(res.status).toBe(201);
    const sent = h.engine.lastRequest()!.json as { variables: { deep: { type: string; value: string } } };
    expect(sent.variables.deep).toEqual({ type: 'Json', value: '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH) });
  });
});
