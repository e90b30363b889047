import type { ErrorEnvelope as ContractEnvelope, ProxyErrorCode } from './contract.js';

/**
 * Codes the client makes up when no envelope arrived: the request never got an answer
 * (offline, DNS, a CORS refusal), or the answer was not the proxy's (e.g. a gateway's HTML page).
 */
export type ClientErrorCode = 'network_error' | 'unexpected_response';

/** The proxy's envelope, or one the client made up (`network_error`, `unexpected_response`). */
export type ErrorEnvelope = ContractEnvelope<ProxyErrorCode | ClientErrorCode>;

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
