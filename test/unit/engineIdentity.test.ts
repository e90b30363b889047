import { createHmac } from 'node:crypto';
import { createIdentitySigner, type EngineIdentity } from '../../src/engine/engineIdentity.js';

const secret = 'identity-secret-for-tests-0123456789abcdef';
const fixedClock = { now: () => 1_767_225_600_000, nonce: () => 'bm9uY2Utbm9uY2Utbm9uY2U' };
const sign = createIdentitySigner(secret, fixedClock);

const alice: EngineIdentity = { userId: 'user_2alice', groups: ['managers'], tenants: ['org_acme'] };

/** The header split back into what the plugin reads: the payload's five fields and the signature. */
function parts(header: string): { version: string; fields: string[]; signature: string } {
  const [version, payload, signature] = header.split('.');
  return { version: version!, fields: Buffer.from(payload!, 'base64url').toString('utf8').split('\n'), signature: signature! };
}

const hmac = (key: string, message: string) => createHmac('sha256', key).update(message).digest('base64url');

describe('the signed identity header', () => {
  // The same vector is checked by the plugin's IdentityVerifierTest: both sides speak one format.
  it('is byte for byte what the engine plugin verifies', () => {
    expect(sign(alice, 'POST', '/engine-rest/task/t-1/claim')).toBe(
      'v1.dXNlcl8yYWxpY2UKbWFuYWdlcnMKb3JnX2FjbWUKMTc2NzIyNTYwMDAwMApibTl1WTJVdGJtOXVZMlV0Ym05dVkyVQ.jUmZIC4BTF__nwkzRn1-CnhJ45UeRtfGSEBVGetwY4U',
    );
  });

  // The table is the spec of the payload: user, groups, tenants, time, nonce, one per line.
  it.each<[string, EngineIdentity, string[]]>([
    ['an organisation member', alice, ['user_2alice', 'managers', 'org_acme']],
    ['a caller who reaches every tenant', { userId: 'user_2op', groups: [], tenants: 'all' }, ['user_2op', '', '*']],
    ['a personal session', { userId: 'user_2me', groups: [], tenants: [] }, ['user_2me', '', '']],
    ['several groups', { userId: 'u', groups: ['managers', 'finance'], tenants: ['org_1'] }, ['u', 'managers,finance', 'org_1']],
    ['a comma or newline inside an id', { userId: 'a\nb', groups: ['x,y'], tenants: ['org_1'] }, ['a%0Ab', 'x%2Cy', 'org_1']],
    ['a tenant literally named *', { userId: 'u', groups: ['*'], tenants: ['*'] }, ['u', '%2A', '%2A']],
    ['non-ASCII and spaces', { userId: 'ü ser', groups: ['a+b'], tenants: [] }, ['%C3%BC%20ser', 'a%2Bb', '']],
    ['a lone surrogate (never throws)', { userId: 'u\uD800', groups: [], tenants: [] }, ['u%EF%BF%BD', '', '']],
  ])('encodes %s', (_name, identity, expected) => {
    const { version, fields } = parts(sign(identity, 'GET', '/engine-rest/task'));
    expect(version).toBe('v1');
    expect(fields).toEqual([...expected, '1767225600000', 'bm9uY2Utbm9uY2Utbm9uY2U']);
  });

  it('signs the version, method, path with query, and payload with the shared secret', () => {
    const header = sign(alice, 'DELETE', '/engine-rest/process-instance/p-1?skipCustomListeners=true');
    const { fields, signature } = parts(header);
    expect(signature).toBe(hmac(secret, `v1\nDELETE\n/engine-rest/process-instance/p-1?skipCustomListeners=true\n${fields.join('\n')}`));
  });

  it.each([
    ['another method', 'GET', '/engine-rest/task/t-1/claim'],
    ['another path', 'POST', '/engine-rest/task/t-2/claim'],
    ['another query', 'POST', '/engine-rest/task/t-1/claim?x=1'],
  ])('gives %s another signature', (_name, method, path) => {
    expect(parts(sign(alice, method, path)).signature).not.toBe(parts(sign(alice, 'POST', '/engine-rest/task/t-1/claim')).signature);
  });

  it('treats an empty query as none, as the servlet container may', () => {
    expect(sign(alice, 'GET', '/engine-rest/task?')).toBe(sign(alice, 'GET', '/engine-rest/task'));
  });

  it('another secret gives another signature', () => {
    const other = createIdentitySigner(`${secret}-other`, fixedClock);
    expect(parts(other(alice, 'GET', '/engine-rest/task')).signature).not.toBe(parts(sign(alice, 'GET', '/engine-rest/task')).signature);
  });

  it('uses the time of signing and a fresh nonce each time', () => {
    const live = createIdentitySigner(secret);
    const before = Date.now();
    const first = parts(live(alice, 'GET', '/engine-rest/task')).fields;
    const second = parts(live(alice, 'GET', '/engine-rest/task')).fields;
    expect(Number(first[3])).toBeGreaterThanOrEqual(before);
    expect(Number(first[3])).toBeLessThanOrEqual(Date.now());
    expect(first[4]).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(second[4]).not.toBe(first[4]);
  });
});
