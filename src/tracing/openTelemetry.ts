import { hash } from 'node:crypto';
import { hostname } from 'node:os';
import { defaultTextMapGetter, defaultTextMapSetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../config/env.js';
import type { EngineCallKind, EngineSpan, RequestOutcome, RequestTrace, Tracing, TracingLog, TracingSetting } from './tracing.js';

/**
 * The OpenTelemetry SDK, wired by hand rather than by auto-instrumentation: three kinds of span
 * (the request, the proxy's own engine queries, the forwarded engine call) made where the proxy
 * already knows everything about them. Contexts are passed explicitly in the request context,
 * so no context manager (AsyncLocalStorage) runs on every callback, and the http instrumentation
 * would not help anyway: the engine request's headers are the proxy's own allowlist
 * (proxy/headerHygiene.ts), which removes whatever an instrumentation injects.
 */

const propagator = new W3CTraceContextPropagator();

/** How long the app's close() waits for the last spans to reach the collector. */
const SHUTDOWN_WAIT_MS = 3_000;

/**
 * A pseudonym for the user: traces often go to a wider audience and a longer retention than the
 * user directory, so they carry a SHA-256 of the id (hex), never the id, the e-mail or the token.
 * Whoever knows an id can still find that user's traces: `printf %s user_… | sha256sum`.
 */
export const userHash = (userId: string): string => hash('sha256', userId);

/** The query string may hold filter values (user ids, business keys): spans get the path only. */
const pathOnly = (path: string): string => {
  const at = path.indexOf('?');
  return at === -1 ? path : path.slice(0, at);
};

/** The official OTLP/HTTP exporter for the configured encoding; only that one is loaded. */
async function otlpExporter(config: TracingConfig): Promise<SpanExporter> {
  const { OTLPTraceExporter } =
    config.protocol === 'http/json' ? await import('@opentelemetry/exporter-trace-otlp-http') : await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter({ url: config.tracesUrl });
}

/**
 * The exporter as it is, plus one log line when the collector stops taking spans and one when it
 * takes them again; the SDK itself would only tell its diagnostic logger, silent by default.
 */
export function reportingOutages(exporter: SpanExporter, log: TracingLog): SpanExporter {
  let failing = false;
  return {
    export(spans, done) {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS && !failing) {
          failing = true;
          log.warn('tracing: spans could not be exported, dropping them until the collector answers', { reason: result.error?.message });
        } else if (result.code === ExportResultCode.SUCCESS && failing) {
          failing = false;
          log.info('tracing: spans are exported again');
        }
        done(result);
      });
    },
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
}

export async function openTelemetryTracing(config: TracingConfig, { engineUrl, log }: TracingSetting): Promise<Tracing> {
  const engine = new URL(engineUrl);
  const provider = new TracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': config.serviceName, 'host.name': hostname(), 'process.pid': process.pid })),
    // Every request is recorded, whatever sampled flag a client's traceparent carries: the proxy's
    // operators decide what they trace, not its callers.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [new BatchSpanProcessor({ exporter: reportingOutages(await otlpExporter(config), log) })],
  });
  const tracer = provider.getTracer('clerk-camunda-proxy');
  const engineAttributes = { 'server.address': engine.hostname, 'server.port': Number(engine.port || (engine.protocol === 'https:' ? 443 : 80)) };

  function engineSpan(parent: Context, kind: EngineCallKind, method: string, path: string): EngineSpan {
    const span = tracer.startSpan(
      `engine.${kind}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'url.path': pathOnly(path), 'proxy.engine_call': kind, ...engineAttributes } },
      parent,
    );
    const carrier: { traceparent?: string } = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, defaultTextMapSetter);
    let ended = false;
    return {
      traceparent: carrier.traceparent!,
      end(status, error) {
        // An engine request can fail twice (an error, then its close); the first ending counts.
        if (ended) return;
        ended = true;
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (error !== undefined) {
          span.setAttribute('error.type', errorType(error));
          span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        } else if (status !== undefined && status >= 400) {
          span.setAttribute('error.type', String(status));
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  }

  function requestTrace(span: Span, method: string): RequestTrace {
    const context = trace.setSpan(ROOT_CONTEXT, span);
    return {
      traceId: span.spanContext().traceId,
      engineCall: (kind, engineMethod, path) => engineSpan(context, kind, engineMethod, path),
      end({ status, routeId, userId, requestId, aborted }: RequestOutcome) {
        span.setAttribute('proxy.request_id', requestId);
        if (status !== undefined) span.setAttribute('http.response.status_code', status);
        if (routeId) {
          span.setAttribute('proxy.route', routeId);
          span.updateName(`${method} ${routeId}`);
        }
        if (userId) span.setAttribute('user.hash', userHash(userId));
        if (aborted) span.setAttribute('proxy.client_aborted', true);
        if (status !== undefined && status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
  }

  return {
    startRequest(method, path, traceparent) {
      // Only the traceparent is read: a client's tracestate and baggage are not continued, and
      // (like every header not on the allowlist) never reach the engine.
      const parent = traceparent === undefined ? ROOT_CONTEXT : propagator.extract(ROOT_CONTEXT, { traceparent }, defaultTextMapGetter);
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': pathOnly(path) } }, parent);
      return requestTrace(span, method);
    },
    async shutdown() {
      let timer: NodeJS.Timeout | undefined;
      const givenUp = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
        timer.unref();
      });
      await Promise.race([provider.shutdown().catch(() => undefined), givenUp]);
      clearTimeout(timer);
    },
  };
}

function errorType(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'Error';
}
