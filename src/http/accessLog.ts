import type { RequestHandler } from 'express';
import morgan from 'morgan';
import type { Principal } from '../auth/principal.js';
import type { LogSink } from './log.js';

/**
 * One JSON line per request. Only the path is logged, never the query string or headers, so
 * no token can end up in the log.
 */
export function accessLog(sink: LogSink): RequestHandler {
  return morgan(
    (tokens, req, res) => {
      const locals = (res as unknown as { locals: Record<string, unknown> }).locals;
      const principal = locals.principal as Principal | undefined;
      return JSON.stringify({
        time: new Date().toISOString(),
        level: 'info',
        msg: 'request',
        requestId: locals.requestId,
        pid: process.pid,
        method: req.method,
        path: ((req as unknown as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0],
        route: locals.routeId ?? null,
        status: Number(tokens.status?.(req, res)) || null,
        durationMs: Number(tokens['response-time']?.(req, res)) || 0,
        userId: principal?.id ?? null,
        engineStatus: locals.engineStatus ?? null,
        error: locals.errorCode ?? undefined,
      });
    },
    { stream: { write: (line: string) => sink.write(line.endsWith('\n') ? line : `${line}\n`) } },
  ) as RequestHandler;
}
