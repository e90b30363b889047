import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationSeconds?: number;
  /** Total requests to send, then stop. */
  amount?: number;
  headers?: Record<string, string>;
  /** Called for every request: its Authorization header value. */
  authorizationFor?: () => string;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCounts: Record<string, number>;
}

/** Exact percentile (ms) of an ascending array. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * One autocannon run in this process. Latencies come from autocannon's per-response `responseTime`
 * (float ms, hrtime-based) rather than its integer-millisecond histogram, so p50 is meaningful
 * below a millisecond.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 18);
  let count = 0;
  const statusCounts: Record<string, number> = {};
  const next = options.authorizationFor;
  const startedAt = performance.now();
  let settle!: (result: autocannon.Result) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const cannonOptions: autocannon.Options = {
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSeconds ?? 10 }),
    headers: options.headers ?? {},
    timeout: 10,
    ...(next
      ? {
          requests: [
            {
              method: 'GET',
              setupRequest: (request: autocannon.Request) => ({ ...request, headers: { ...request.headers, authorization: next() } }),
            },
          ],
        }
      : {}),
  };
  const instance = autocannon(cannonOptions, (error, result) => (error ? fail(error) : settle(result)));
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    if (count === latencies.length) {
      const grown = new Float64Array(latencies.length * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[count++] = responseTime;
    statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
  });
  const result = await done;
  const seconds = (performance.now() - startedAt) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  return {
    requests: count,
    seconds,
    rps: count / seconds,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: count > 0 ? sorted[count - 1]! : Number.NaN,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCounts,
  };
}
