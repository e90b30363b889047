import { errorStatuses, type ErrorEnvelope as ContractEnvelope, type ProxyErrorCode } from '@clerk-camunda-proxy/client/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { EngineError } from '../engine/engineErrors.js';
import { closeAfterLingering } from './lingeringClose.js';
import type { Logger } from './log.js';
import { contextOf } from './requestContext.js';

/** The error codes a client can switch on, shared with the client package; `detail` is for humans. */
export type ErrorCode = ProxyErrorCode;
export type ErrorEnvelope = ContractEnvelope<ErrorCode>;
export { errorStatuses };

/** The one error type of the proxy: thrown anywhere, rendered once by `renderErrors`. */
export class ProxyError extends Error {
  override name = 'ProxyError';
  constructor(
    readonly status: number,
    readonly error: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

// The names engine-rest itself uses for these refusals, so a Camunda client logs a familiar reason.
const camundaTypes: Readonly<Record<number, string>> = {
  400: 'InvalidRequestException',
  401: 'AuthenticationException',
  403: 'AuthorizationException',
  404: 'NotFoundException',
};

/** A refusal as the client sees it: the proxy's own, or the engine's (see engine/engineErrors.ts). */
export type ClientError = Pick<ProxyError, 'status' | 'error' | 'detail'>;

export const badRequest = (detail: string) => new ProxyError(400, 'invalid_request', detail);
export const notFound = (detail: string) => new ProxyError(404, 'not_found', detail);
export const forbidden = (detail: string) => new ProxyError(403, 'forbidden', detail);

/** body-parser and friends throw errors with `type`/`status`; give them our shape. */
function fromFrameworkError(err: unknown): ClientError | undefined {
  if (err instanceof ProxyError || err instanceof EngineError) return err;
  const candidate = err as { type?: string; status?: number; message?: string };
  switch (candidate?.type) {
    case 'entity.too.large':
      return new ProxyError(413, 'payload_too_large', 'request body is larger than the configured limit');
    case 'entity.parse.failed':
      return badRequest('request body is not valid JSON');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProxyError(415, 'unsupported_media_type', candidate.message ?? 'unsupported encoding');
    case 'request.aborted':
      return badRequest('request aborted by the client');
  }
  if (typeof candidate?.status === 'number' && candidate.status >= 400 && candidate.status < 500) {
    return new ProxyError(candidate.status, candidate.status === 404 ? 'not_found' : 'invalid_request', candidate.message ?? 'bad request');
  }
  return undefined;
}

export function sendError(res: Parameters<RequestHandler>[1], error: ClientError): void {
  const body: ErrorEnvelope = {
    error: error.error,
    detail: error.detail,
    timestamp: new Date().toISOString(),
    requestId: contextOf(res).requestId ?? '',
    ...(contextOf(res).camundaErrorFields === true && { type: camundaTypes[error.status] ?? 'RestException', message: error.detail }),
  };
  contextOf(res).errorCode = error.error;
  // Refused before the client finished sending its body: close, but only after reading what it still sends.
  if (!res.req.complete) closeAfterLingering(res);
  res.status(error.status).type('application/json').send(JSON.stringify(body));
}

export const unknownRoute: RequestHandler = (req) => {
  throw notFound(`no route for ${req.method} ${req.path}`);
};

export function renderErrors(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      // Too late for an envelope: the engine's response was already streaming.
      log.warn('response aborted after headers were sent', { requestId: contextOf(res).requestId, reason: String(err) });
      res.destroy();
      return;
    }
    const known = fromFrameworkError(err);
    if (known) return sendError(res, known);
    log.error('unexpected error', { requestId: contextOf(res).requestId, path: req.path, error: err instanceof Error ? err.stack : String(err) });
    sendError(res, new ProxyError(500, 'internal_error', 'unexpected error in the proxy'));
    void next;
  };
}
