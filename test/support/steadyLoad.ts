/**
 * A steady, bounded load on a loopback URL that keeps every request's outcome and timing, so a
 * test can say which requests failed and when relative to an event (a SIGTERM, a SIGKILL).
 * autocannon reports totals only; here each failure needs its own time stamp.
 *
 * Bounded three ways: a fixed number of connections, a deadline, and a request cap. Each
 * request has its own timeout, so a request that hangs is recorded as such, never waited for.
 */
import { performance } from 'node:perf_hooks';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** what the test calls this kind of request, e.g. 'list' or 'start' */
  kind: string;
  /** e.g. the business key of a start, to check it on the engine afterwards */
  tag?: string;
}

export interface Sample {
  kind: string;
  tag?: string;
  /** ms on performance.now()'s clock */
  start: number;
  end: number;
  /** 0 when no answer arrived (network error or timeout) */
  status: number;
  error?: string;
  body?: string;
}

export interface LoadOptions {
  baseUrl: string;
  connections: number;
  /** stop starting requests after this long */
  durationMs: number;
  maxRequests: number;
  /** per request */
  timeoutMs: number;
  /** the n-th request (0-based) */
  next: (n: number) => LoadRequest;
  /** resolve to stop early (e.g. when the event's aftermath has been observed long enough) */
  until?: Promise<unknown>;
}

export const isFailure = (s: Sample): boolean => s.status === 0 || s.status >= 500;

export async function steadyLoad(opts: LoadOptions): Promise<Sample[]> {
  const samples: Sample[] = [];
  const deadline = performance.now() + opts.durationMs;
  let stop = false;
  void opts.until?.then(() => (stop = true));
  let n = 0;
  const worker = async () => {
    while (!stop && performance.now() < deadline && n < opts.maxRequests) {
      const req = opts.next(n++);
      const start = performance.now();
      try {
        const res = await fetch(`${opts.baseUrl}${req.path}`, {
          method: req.method,
          headers: { ...(req.body !== undefined && { 'content-type': 'application/json' }), ...req.headers },
          body: req.body === undefined ? undefined : JSON.stringify(req.body),
          signal: AbortSignal.timeout(opts.timeoutMs),
        });
        const body = await res.text();
        samples.push({ kind: req.kind, tag: req.tag, start, end: performance.now(), status: res.status, ...(res.status >= 500 && { body }) });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code;
        samples.push({ kind: req.kind, tag: req.tag, start, end: performance.now(), status: 0, error: cause ?? (error as Error).name });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  return samples;
}

export interface LoadSummary {
  requests: number;
  failures: number;
  byStatus: Record<string, number>;
  /** ms from the event to the end of the last failed request (0 when nothing failed) */
  failureWindowMs: number;
  maxLatencyMs: number;
  p99LatencyMs: number;
}

export function summarise(samples: Sample[], eventAt: number): LoadSummary {
  const byStatus: Record<string, number> = {};
  for (const s of samples) {
    const key = s.status === 0 ? `error:${s.error}` : String(s.status);
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
  const failed = samples.filter(isFailure);
  const latencies = samples.map((s) => s.end - s.start).sort((a, b) => a - b);
  return {
    requests: samples.length,
    failures: failed.length,
    byStatus,
    failureWindowMs: failed.length === 0 ? 0 : Math.max(0, Math.max(...failed.map((s) => s.end)) - eventAt),
    maxLatencyMs: latencies.at(-1) ?? 0,
    p99LatencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
  };
}
