/** The proxy's error codes (src/http/errors.ts; test/unit/client.test.ts keeps them equal). */
export const proxyErrorCodes = [
  'invalid_request',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'engine_error',
  'engine_unavailable',
  'engine_timeout',
  'internal_error',
] as const;
export type ProxyErrorCode = (typeof proxyErrorCodes)[number];

/**
 * Codes the client makes up when no envelope arrived: the request never got an answer
 * (offline, DNS, a CORS refusal), or the answer was not the proxy's (e.g. a gateway's HTML page).
 */
export type ClientErrorCode = 'network_error' | 'unexpected_response';

export interface ErrorEnvelope {
  error: ProxyErrorCode | ClientErrorCode;
  detail: string;
  timestamp: string;
  requestId: string;
}

/** Every failed call: `status` is the HTTP status, 0 when no answer arrived. */
export class CamundaProxyError extends Error {
  override name = 'CamundaProxyError';
  constructor(
    readonly status: number,
    readonly envelope: ErrorEnvelope,
    options?: { cause?: unknown },
  ) {
    super(`${envelope.error}: ${envelope.detail}`, options);
  }
}

export function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  if (typeof body !== 'object' || body === null) return false;
  const { error, detail } = body as Record<string, unknown>;
  return typeof error === 'string' && typeof detail === 'string';
}
