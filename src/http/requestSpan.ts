import type { RequestHandler } from 'express';
import type { RequestTrace, Tracing } from '../tracing/tracing.js';
import { contextOf } from './requestContext.js';

declare module './requestContext.js' {
  interface RequestContext {
    /** The request's server span, when tracing is on: engine calls become its children. */
    trace?: RequestTrace;
  }
}

/**
 * One server span per request, from the request id on (mounted only when tracing is on). It ends
 * when the answer is done or the client left, with the route id, the status and the user as far as
 * the request got.
 */
export function traceRequests(tracing: Tracing): RequestHandler {
  return (req, res, next) => {
    const context = contextOf(res);
    const traceparent = req.headers.traceparent;
    const trace = tracing.startRequest(req.method, req.originalUrl, typeof traceparent === 'string' ? traceparent : undefined);
    context.trace = trace;
    res.once('close', () => {
      trace.end({
        status: res.headersSent ? res.statusCode : undefined,
        routeId: context.routeId,
        userId: context.principal?.id,
        requestId: context.requestId,
        aborted: !res.writableFinished,
      });
    });
    next();
  };
}
