import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { securityHeaders } from '../../src/http/securityHeaders.js';

/** The headers a response carries, without the ones that change per response. */
async function headersOf(app: express.Express): Promise<Record<string, unknown>> {
  const res = await request(app).get('/').expect(200);
  const { date: _date, etag: _etag, ...stable } = res.headers;
  return stable;
}

function appWith(middleware: express.RequestHandler): express.Express {
  const app = express();
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

describe('security headers, worked out once at start', () => {
  it("are exactly helmet's own headers, X-Powered-By removed", async () => {
    const recorded = await headersOf(appWith(securityHeaders()));
    expect(recorded).toEqual(await headersOf(appWith(helmet())));
    expect(recorded['x-powered-by']).toBeUndefined();
    expect(recorded['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(recorded['content-security-policy']).toContain("default-src 'self'");
  });

  it("follow helmet's options, as helmet would", async () => {
    const options = { contentSecurityPolicy: { directives: { defaultSrc: ["'none'"] } }, frameguard: { action: 'deny' as const } };
    const recorded = await headersOf(appWith(securityHeaders(options)));
    expect(recorded).toEqual(await headersOf(appWith(helmet(options))));
    expect(recorded['x-frame-options']).toBe('DENY');
  });

  it('refuse at start an option helmet refuses', () => {
    expect(() => securityHeaders({ contentSecurityPolicy: { directives: { defaultSrc: ["'self'; script-src *"] } } })).toThrow(/invalid/i);
  });
});
