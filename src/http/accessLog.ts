import type { RequestHandler } from 'express';
import morgan from 'morgan';
import type { LogSink } from './log.js';
import { contextOf } from './requestContext.js';

/**
 * One JSON line per request. Only the path is logged, never the query string or headers, so
 * no token can end up in the log.
 */
export function accessLog(sink: LogSink): RequestHandler {
  return morgan(
    (tokens, req, res) => {
      const context = contextOf(res as unknown as { locals: object });
      return JSON.stringify({
        time: new Date().toISOString(),
        level: 'info',
        msg: 'request',
        requestId: context.requestId,
        // Only when tracing is on: the trace to open for this line.
        traceId: context.trace?.traceId,
        pid: process.pid,
        method: req.method,
        path: ((req as unknown as { originalUrl?: string }).originalUrl ?? req.url ?? '').split('?')[0],
        route: context.routeId ?? null,
        status: Number(tokens.status?.(req, res)) || null,
        durationMs: Number(tokens['response-time']?.(req, res)) || 0,
        userId: context.principal?.id ?? null,
        engineStatus: context.engineStatus ?? null,
        error: context.errorCode ?? undefined,
      });
    },
    { stream: { write: (line: string) => sink.write(line.endsWith('\n') ? line : `${line}\n`) } },
  ) as RequestHandler;
}
