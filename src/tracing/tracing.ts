import type { TracingConfig } from '../config/env.js';

/**
 * What the rest of the proxy knows of tracing: these types and `startTracing`. The OpenTelemetry
 * SDK itself lives in openTelemetry.ts and is imported only when tracing is on, so that with
 * OTEL_EXPORTER_OTLP_ENDPOINT unset not one @opentelemetry module is loaded and the request path
 * has no tracing code on it at all (app.ts does not mount the span stage; every other hook is a
 * check for an undefined `trace`).
 */
export interface Tracing {
  /**
   * The server span of one request. `traceparent` is the client's header: a well-formed one is
   * continued (see the README's Tracing section); anything else starts a new trace.
   */
  startRequest(method: string, path: string, traceparent: string | undefined): RequestTrace;
  /** Sends every span still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/** Which of the proxy's engine calls a span stands for. */
export type EngineCallKind =
  /** The proxy's own questions (the authorization queries, the statistics' counts): engine/engineConnection.ts. */
  | 'query'
  /**
   * The call the request was planned into, through http-proxy-middleware (proxy/engineProxy.ts),
   * or the one upload of a deployment (deployments/deploymentsRoute.ts).
   */
  | 'forward';

export interface RequestTrace {
  /** 32 hex digits, as the access log shows it beside the request id. */
  readonly traceId: string;
  /** A child span for one engine call, and the W3C `traceparent` header that carries it to the engine. */
  engineCall(kind: EngineCallKind, method: string, path: string): EngineSpan;
  /** Ends the server span with what the request came to. */
  end(outcome: RequestOutcome): void;
}

export interface RequestOutcome {
  /** The answer's status; undefined when the client left before any answer was sent. */
  status: number | undefined;
  /** The route id from the route map (`process.start`), or a built-in name. */
  routeId?: string;
  /** The principal's id; only a hash of it leaves the process. */
  userId?: string;
  requestId: string;
  /** The client went away before its answer was complete. */
  aborted: boolean;
}

export interface EngineSpan {
  /** The header value for the engine request, e.g. `00-<trace id>-<this span's id>-01`. */
  readonly traceparent: string;
  /** With the engine's status, or the error that ended the call. */
  end(status: number | undefined, error?: unknown): void;
}

/** Where tracing reports its own trouble (an unreachable collector); a Logger fits. */
export interface TracingLog {
  warn(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
}

export interface TracingSetting {
  /** ENGINE_URL: the engine spans name the server they call. */
  engineUrl: string;
  log: TracingLog;
}

/** OpenTelemetry when configured, else nothing: the SDK is only imported here, and only then. */
export async function startTracing(config: TracingConfig | undefined, setting: TracingSetting): Promise<Tracing | undefined> {
  if (!config) return undefined;
  const { openTelemetryTracing } = await import('./openTelemetry.js');
  return openTelemetryTracing(config, setting);
}
