import cors from 'cors';
import express from 'express';
import request from 'supertest';
import { crossOrigin } from '../../src/http/crossOrigin.js';

const options = {
  origin: ['http://localhost:3000'],
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id', 'traceparent'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};

function appWith(middleware: express.RequestHandler, before?: express.RequestHandler): express.Express {
  const app = express();
  if (before) app.use(before);
  app.use(middleware);
  app.all('/', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

/** The headers a response carries, without the ones that change per response. */
async function headersOf(app: express.Express, method: 'get' | 'post' | 'options', origin?: string, requestHeaders?: string): Promise<Record<string, unknown>> {
  let call = request(app)[method]('/');
  if (origin) call = call.set('Origin', origin);
  if (requestHeaders) call = call.set('Access-Control-Request-Method', 'POST').set('Access-Control-Request-Headers', requestHeaders);
  const res = await call;
  const { date: _date, etag: _etag, ...stable } = res.headers;
  return { status: res.status, ...stable };
}

describe("cross-origin headers, a request without Origin's worked out once at start", () => {
  it.each([
    ['a GET without Origin', 'get', undefined],
    ['a POST without Origin', 'post', undefined],
    ['a GET from an allowed origin', 'get', 'http://localhost:3000'],
    ['a GET from another origin', 'get', 'https://elsewhere.example'],
    ['a preflight from an allowed origin', 'options', 'http://localhost:3000'],
  ] as const)('answer %s exactly as cors does', async (_name, method, origin) => {
    const preflight = method === 'options' ? 'authorization, content-type' : undefined;
    expect(await headersOf(appWith(crossOrigin(options)), method, origin, preflight)).toEqual(await headersOf(appWith(cors(options)), method, origin, preflight));
  });

  it('add Origin to a Vary an earlier stage set, as cors does', async () => {
    const variesByLanguage: express.RequestHandler = (_req, res, next) => {
      res.setHeader('Vary', 'Accept-Language');
      next();
    };
    const ours = await headersOf(appWith(crossOrigin(options), variesByLanguage), 'get');
    expect(ours.vary).toBe('Accept-Language, Origin');
    expect(ours).toEqual(await headersOf(appWith(cors(options), variesByLanguage), 'get'));
  });

  it('say Vary: Origin and expose X-Request-Id without an Origin', async () => {
    const headers = await headersOf(appWith(crossOrigin(options)), 'get');
    expect(headers.vary).toBe('Origin');
    expect(headers['access-control-expose-headers']).toBe('X-Request-Id');
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });
});
