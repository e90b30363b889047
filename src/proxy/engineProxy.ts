import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createProxyMiddleware, proxyEventsPlugin } from 'http-proxy-middleware';
import { EngineTimeout, type EngineConnection } from '../engine/engineConnection.js';
import { EngineError, engineFailure, normaliseEngineError, parseEngineError } from '../engine/engineErrors.js';
import { ENGINE_IDENTITY_HEADER } from '../engine/engineIdentity.js';
import { ProxyError, sendError } from '../http/errors.js';
import type { Logger } from '../http/log.js';
import type { ProxyMetrics } from '../http/metrics.js';
import { clientLinks, sendWithClientLinks } from './clientLinks.js';
import { headersForClient, scrubRequestToEngine } from './headerHygiene.js';
import { readBounded } from './boundedRead.js';
import { bodilessMethods, type EngineCall } from './engineCall.js';
import { sendShapedAnswer } from './shapedAnswer.js';
import { contextOf } from '../http/requestContext.js';
import { engineDeadlines, type RunningCall } from './engineDeadlines.js';
import type { EngineSpan } from '../tracing/tracing.js';

declare module '../http/requestContext.js' {
  interface RequestContext {
    engineRequest?: ClientRequest;
    engineStartedAt?: number;
    engineDeadlinePassed?: boolean;
    /** The deadlines of ENGINE_TIMEOUT (or the rule's) the call waits in, until the answer is done. */
    engineDeadline?: RunningCall<Response>;
    /** The engine call's span, when the request is traced. */
    engineSpan?: EngineSpan;
  }
}

const MAX_ERROR_BODY = 64 * 1024;

function engineDeadlinePassed(res: Response): void {
  const context = contextOf(res);
  context.engineDeadline = undefined;
  context.engineDeadlinePassed = true;
  context.engineRequest?.destroy(new EngineTimeout('engine timeout'));
}

/** The call the route stage planned; the proxy only ever runs after one was. */
function engineCallOf(res: ServerResponse): EngineCall {
  return contextOf(res as Response).engineCall!;
}

/**
 * The engine request's method, headers and body are the proxy's own: the client's framing headers
 * never cross, and the client's stream was read to its end before the call (see requestBody.ts), so
 * http-proxy-middleware's pipe of it only ends the request after this body.
 */
function frameEngineRequest(proxyReq: ClientRequest, call: EngineCall): void {
  if (call.method) proxyReq.method = call.method;
  if (call.body !== undefined) {
    proxyReq.setHeader('content-type', call.contentType ?? 'application/json');
    proxyReq.setHeader('content-length', Buffer.byteLength(call.body));
    proxyReq.write(call.body);
  } else if (!bodilessMethods.has(proxyReq.method)) {
    proxyReq.setHeader('content-length', 0);
  }
}

/**
 * The one http-proxy-middleware instance of the app. It forwards to `contextOf(res).engineCall.path`
 * on the shared keep-alive agent, swaps credentials, and turns engine errors into the envelope.
 * Successful answers stream through untouched.
 */
export function createEngineProxy(connection: EngineConnection, log: Logger, metrics?: ProxyMetrics): RequestHandler {
  const observeEngineCall = (res: Response, status: string) => {
    if (!metrics) return;
    const context = contextOf(res);
    const now = performance.now();
    metrics.engineDuration.observe({ route: context.routeId ?? 'unmatched', status }, (now - (context.engineStartedAt ?? now)) / 1000);
  };
  const proxy = createProxyMiddleware<IncomingMessage, ServerResponse>({
    target: connection.origin,
    agent: connection.agent,
    changeOrigin: true,
    xfwd: false,
    selfHandleResponse: true,
    // The default plugins would answer errors in their own format and log to the console; we keep
    // only the one that wires `on` below, and render errors ourselves.
    ejectPlugins: true,
    plugins: [proxyEventsPlugin],
    followRedirects: false,
    pathRewrite: (_path, _req, res) => (res ? engineCallOf(res).path : undefined),
    on: {
      proxyReq(proxyReq, req, res) {
        const call = engineCallOf(res);
        const context = contextOf(res as Response);
        context.engineStartedAt = performance.now();
        scrubRequestToEngine(proxyReq);
        proxyReq.setHeader('authorization', connection.authorization);
        proxyReq.setHeader('accept', call.passthrough ? (req.headers.accept ?? 'application/json') : 'application/json');
        proxyReq.setHeader('x-request-id', context.requestId);
        // The signed-in user, for the engine identity plugin; machines (M2M workers) stay the service account.
        if (connection.signIdentity) {
          const { principal } = context;
          if (principal && 'engineIdentity' in principal) {
            proxyReq.setHeader(ENGINE_IDENTITY_HEADER, connection.signIdentity(principal.engineIdentity, call.method ?? proxyReq.method, proxyReq.path));
          }
        }
        if (context.engineDeadlinePassed) return void proxyReq.destroy(new EngineTimeout('engine timeout'));
        context.engineRequest = proxyReq;
        // After the allowlist above: the engine gets the proxy's traceparent, never a client's.
        const span = context.trace?.engineCall('forward', proxyReq.method, call.path);
        if (span) {
          proxyReq.setHeader('traceparent', span.traceparent);
          context.engineSpan = span;
          proxyReq.once('close', () => span.end(context.engineStatus));
        }
        frameEngineRequest(proxyReq, call);
      },
      async proxyRes(proxyRes, _req, res) {
        const response = res as Response;
        const status = proxyRes.statusCode ?? 502;
        contextOf(response).engineStatus = status;
        observeEngineCall(response, String(status));
        const call = engineCallOf(res);
        if (call.gate) {
          try {
            await call.gate;
          } catch (refusal) {
            // The read ran beside its check and the check said no: its answer is never sent.
            proxyRes.resume();
            sendError(response, refusal instanceof ProxyError ? refusal : engineFailure(refusal));
            return;
          }
        }
        // The engine refusing our own credentials is a proxy failure, even on the passthrough.
        if (status < 300 && call.answer) {
          await sendShapedAnswer(proxyRes, response, status, call.answer).catch((error: unknown) => sendError(response, error instanceof ProxyError ? error : engineFailure(error)));
          return;
        }
        if (status < 300 && call.clientPath) {
          const { clientPath } = call;
          await sendWithClientLinks(proxyRes, response, call.successStatus ? call.successStatus(status) : status, (links) =>
            clientLinks(links, connection.basePath, clientPath),
          ).then(
            ({ createdId, createdTenantId }) => {
              if (createdId === undefined) return;
              contextOf(response).createdId = createdId;
              if (call.createdInTenant !== undefined && createdTenantId !== call.createdInTenant) {
                log.error('untenanted instance: INSTANCE_ORG=tenant, but the engine did not give the started instance its organisation as tenant; install OrganisationTenantsPlugin on the engine (README "Which question the proxy asks"), or set INSTANCE_ORG=stamp', {
                  requestId: contextOf(response).requestId,
                  processInstanceId: createdId,
                  expectedTenant: call.createdInTenant,
                  tenantId: createdTenantId ?? null,
                });
              }
            },
          ).catch((error: unknown) => (response.headersSent ? response.destroy() : sendError(response, engineFailure(error))));
          return;
        }
        if (status < 300 || (call.passthrough && status >= 400 && status !== 401)) {
          response.writeHead(call.successStatus ? call.successStatus(status) : status, headersForClient(proxyRes.headers));
          proxyRes.pipe(response);
          return;
        }
        if (status < 400) {
          // A redirect would point the client at the engine, which must never face browsers.
          proxyRes.resume();
          sendError(response, new EngineError('engine_error', `the engine answered with a redirect (${status})`));
          return;
        }
        try {
          const raw = (await readBounded(proxyRes, MAX_ERROR_BODY)).toString('utf8');
          sendError(response, normaliseEngineError(status, parseEngineError(raw)));
        } catch (error) {
          if (!response.headersSent) sendError(response, engineFailure(error));
        }
      },
      error(error, _req, res) {
        // httpxy resolves instead of rejecting once an error listener exists, so the answer is given here.
        const response = res as Response;
        contextOf(response).engineSpan?.end(undefined, error);
        log.debug('engine call failed', { requestId: contextOf(response).requestId, reason: (error as Error).message });
        if (typeof response.status !== 'function') return;
        if (contextOf(response).engineStartedAt !== undefined) observeEngineCall(response, 'error');
        if (response.headersSent) response.destroy();
        else sendError(response, engineFailure(error));
      },
    },
  });

  /**
   * ENGINE_TIMEOUT (or the passthrough rule's timeout) bounds the whole engine call: waiting for a
   * free socket, sending, and the whole answer. A socket timeout alone starts only once a socket is
   * assigned and restarts with every byte, so queueing and trickling answers would escape it.
   * No timer or closure per request: see engineDeadlines.ts.
   */
  const deadlines = engineDeadlines<Response>(engineDeadlinePassed);
  /** A 'close' listener of the response (`this`), made once. */
  function endEngineDeadline(this: Response): void {
    const context = contextOf(this);
    if (context.engineDeadline) deadlines.end(context.engineDeadline);
    context.engineDeadline = undefined;
  }
  function startDeadline(res: Response, call: EngineCall): void {
    contextOf(res).engineDeadline = deadlines.start(res, call.timeoutMs ?? connection.timeoutMs);
    res.on('close', endEngineDeadline);
  }

  return (req: Request, res: Response, next: NextFunction) => {
    startDeadline(res, contextOf(res).engineCall!);
    // http-proxy-middleware copies the client's headers into the engine request; an `Expect`
    // header would make Node send them at once, before the proxy could replace them.
    delete req.headers.expect;
    return proxy(req, res, (error?: unknown) => next(error === undefined ? undefined : engineFailure(error)));
  };
}
