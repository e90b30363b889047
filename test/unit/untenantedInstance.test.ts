import request from 'supertest';
import { createLogger } from '../../src/http/log.js';
import { testUsers } from '../support/clerkTokens.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxyHarness.js';

/**
 * With INSTANCE_ORG=tenant an instance the engine starts without the organisation as tenant (an
 * engine without OrganisationTenants) is out of every organisation's reach: the proxy cannot undo
 * the start, but it says why in its log, once per such start, naming the fix.
 */
const alice = testUsers.alice;
const started = (tenantId: string | null) => ({ status: 200, body: { links: [], id: 'instance-1', definitionId: 'order:1:x', businessKey: null, ended: false, suspended: false, tenantId } });

describe.each(['tenant', 'stamp'] as const)('a start with INSTANCE_ORG=%s', (instanceOrg) => {
  let h: ProxyHarness;
  const lines: string[] = [];
  beforeAll(async () => {
    h = await startProxyHarness({ INSTANCE_ORG: instanceOrg }, { deps: { log: createLogger('info', { write: (line: string) => lines.push(line) }) } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.engine.reset();
    lines.length = 0;
    h.engine.answer('GET', '/engine-rest/process-definition/count', { status: 200, body: { count: 0 } });
  });
  const start = () => request(h.app).post('/api/processes/order/start').set('Authorization', h.bearer(alice)).send({ variables: { amount: 1 } });
  const untenanted = () => lines.filter((line) => line.includes('untenanted instance'));

  it('an instance without the organisation as tenant is answered as started, and logged as untenanted only in tenant mode', async () => {
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', started(null));
    expect((await start()).status).toBe(201);
    if (instanceOrg === 'stamp') {
      expect(untenanted()).toEqual([]);
      return;
    }
    expect(untenanted()).toHaveLength(1);
    expect(JSON.parse(untenanted()[0]!)).toMatchObject({ level: 'error', processInstanceId: 'instance-1', expectedTenant: alice.orgId, tenantId: null });
  });

  it('an instance with the organisation as tenant is not logged', async () => {
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', started(alice.orgId!));
    expect((await start()).status).toBe(201);
    expect(untenanted()).toEqual([]);
  });

  it("another organisation's tenant is logged too (tenant mode)", async () => {
    h.engine.answer('POST', '/engine-rest/process-definition/key/order/start', started('org_someone_else'));
    expect((await start()).status).toBe(201);
    expect(untenanted()).toHaveLength(instanceOrg === 'tenant' ? 1 : 0);
  });
});
