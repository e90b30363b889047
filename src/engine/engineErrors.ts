import { errorStatuses, type ProxyErrorCode } from '@clerk-camunda-proxy/client/contract';
import { EngineTimeout } from './engineConnection.js';

/**
 * What an engine answer or an engine failure means for the caller: one of the contract's error
 * codes, with the engine's own words in `detail`. The engine layer knows no HTTP response; the
 * error renderer (http/errors.ts) answers it like any other refusal.
 */
export class EngineError extends Error {
  override name = 'EngineError';
  readonly status: number;
  constructor(
    readonly error: ProxyErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.status = errorStatuses[error];
  }
}

/** The engine's error body: `{type, message}` (plus `code` on newer engines). */
export interface EngineErrorBody {
  type?: string;
  message?: string;
}

interface NotFoundRule {
  status: number;
  type?: RegExp;
  message: RegExp;
  /** Where the engine answers this way, so the rule can be re-checked when the engine changes. */
  seenIn: string;
}

/**
 * The engine answers "not found" inconsistently. Each rule turns one such answer into a 404.
 * Seen against Camunda 7.24 engine-rest; test/engine/engine-answers.json records the raw answers and
 * test/contract pins the mapping through the proxy.
 */
export const notFoundAnswers: readonly NotFoundRule[] = [
  { status: 400, type: /BadUserRequestException/, message: /^Cannot find task with id/, seenIn: "GET /task/{id}/form-variables: 400 \"Cannot find task with id 'x'.: task is null\"" },
  { status: 400, type: /NotFoundException/, message: /^Cannot find task with id/, seenIn: 'POST /task/{id}/unclaim and /assignee: 400 NotFoundException' },
  { status: 500, type: /NullValueException/, message: /^Cannot find task with id/, seenIn: 'POST /task/{id}/claim: 500 NullValueException' },
  { status: 500, type: /RestException/, message: /^Cannot (complete task|submit task form) \S+: Cannot find task with id/, seenIn: 'POST /task/{id}/complete and /submit-form: 500 RestException' },
  { status: 500, type: /NullValueException/, message: /^(execution|task) \S+ doesn't exist: \1 is null$/, seenIn: 'GET /process-instance/{id}/variables and /task/{id}/variables: 500 NullValueException' },
  { status: 500, type: /RestException/, message: /^Cannot get process instance variable .*: execution \S+ doesn't exist: execution is null$/, seenIn: 'GET /process-instance/{id}/variables/{name}: 500 RestException' },
];

const HTML_PAGE = /^\s*(<!doctype html|<html)/i;
const PAGE_HEADING = /<title[^>]*>([^<]{1,200})<\/title>|<h1[^>]*>([^<]{1,200})<\/h1>/i;

/**
 * Tomcat, the engine's web server, answers some requests before Camunda sees them, with an HTML
 * page instead of `{type, message}`: an encoded `/` in a path segment (`/task/abc%2Fdef`) is a 400
 * "HTTP Status 400 – Bad Request" page. Its heading is the only part worth a client's eyes.
 */
function describeErrorPage(raw: string): string {
  const match = PAGE_HEADING.exec(raw);
  const heading = (match?.[1] ?? match?.[2] ?? '').replace(/\s+/g, ' ').trim();
  return `the engine's web server answered with an error page${heading ? `: ${heading}` : ''}`;
}

export function parseEngineError(raw: string): EngineErrorBody {
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (parsed && typeof parsed === 'object') return parsed as EngineErrorBody;
  } catch {
    // not JSON: keep the text, trimmed below
  }
  if (HTML_PAGE.test(raw)) return { message: describeErrorPage(raw) };
  return { message: raw.slice(0, 500) };
}

function isNotFound(status: number, body: EngineErrorBody): boolean {
  const type = body.type ?? '';
  const message = body.message ?? '';
  return notFoundAnswers.some((rule) => rule.status === status && (!rule.type || rule.type.test(type)) && rule.message.test(message));
}

const describe = (body: EngineErrorBody, fallback: string) => (body.message ? body.message : fallback);

/**
 * Maps an engine error answer onto the contract's error codes, keeping the engine's message in
 * `detail`. The earlier proxy turned every engine error into 502 and lost the message.
 */
export function normaliseEngineError(status: number, body: EngineErrorBody): EngineError {
  if (status === 404 || isNotFound(status, body)) return new EngineError('not_found', describe(body, 'not found in the engine'));
  if (status === 401) {
    // Our service credentials, or our signed identity header, were refused: a proxy
    // misconfiguration (or clocks apart), not the caller's fault.
    return new EngineError(
      'engine_unavailable',
      'the engine rejected the proxy\'s service credentials (check ENGINE_USER/ENGINE_PASS; with the engine identity plugin also ENGINE_IDENTITY_SECRET and the clocks)',
    );
  }
  if (/TaskAlreadyClaimedException/.test(body.type ?? '') || /is already claimed/i.test(body.message ?? '')) {
    return new EngineError('conflict', describe(body, 'task already claimed'));
  }
  // Completing or claiming a task of a suspended instance: 500 "ENGINE-03043 task with id '…' is
  // suspended" (seen by the fuzz run after a suspend). The task exists; its state forbids the action.
  if (/ENGINE-03043|\bis suspended\b/.test(body.message ?? '')) {
    return new EngineError('conflict', describe(body, 'the task or instance is suspended'));
  }
  // Two completions of one task at once: the loser gets OptimisticLockingException (ENGINE-03005),
  // "list of executions is empty", or a NullPointerException in ExecutionEntity.removeTask because
  // the execution is already gone (all three seen in test/contract engineErrors "concurrent
  // completion"; the NullPointerException names the variable `execution` on Camunda 7.24, `exec` on
  // Operaton 1.0.3). Either way someone else got there first.
  if (
    /OptimisticLocking/.test(body.type ?? '') ||
    /updated by another transaction concurrently|list of executions is empty|ExecutionEntity\.removeTask\(.*because "\w+" is null/i.test(body.message ?? '')
  ) {
    return new EngineError('conflict', describe(body, 'changed concurrently by another request'));
  }
  // A start without a variable the process model reads answers 500 "Cannot instantiate process
  // definition …: Unknown property used in expression: ${order…}. Cause: Cannot resolve identifier
  // 'order'" (test/engine/engine-answers.json). The caller left the variable out: their input, not an engine failure.
  if (status === 500 && /^Cannot instantiate process definition \S+: Unknown property used in expression: .*Cause: Cannot resolve identifier '[^']+'$/s.test(body.message ?? '')) {
    return new EngineError('invalid_request', describe(body, 'the process needs a variable the request did not give'));
  }
  if (status === 403) return new EngineError('forbidden', describe(body, 'the engine refused the operation'));
  if (status === 409) return new EngineError('conflict', describe(body, 'conflict in the engine'));
  if (status === 413) return new EngineError('payload_too_large', describe(body, 'body too large for the engine'));
  if (status === 415) return new EngineError('unsupported_media_type', describe(body, 'unsupported media type'));
  if (status >= 400 && status < 500) return new EngineError('invalid_request', describe(body, `the engine rejected the request (${status})`));
  return new EngineError('engine_error', `engine error ${status}${body.type ? ` ${body.type}` : ''}: ${describe(body, 'no detail')}`);
}

/** Network-level failures reaching the engine (refused, reset, past ENGINE_TIMEOUT), as the client should see them. */
export function engineFailure(error: unknown): EngineError {
  if (error instanceof EngineError) return error;
  if (error instanceof EngineTimeout) return new EngineError('engine_timeout', 'the engine did not answer within ENGINE_TIMEOUT');
  const code = (error as NodeJS.ErrnoException)?.code ?? 'unknown';
  return new EngineError('engine_unavailable', `the engine is unreachable (${code})`);
}
