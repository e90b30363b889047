/**
 * The engine calls' deadlines (ENGINE_TIMEOUT, or a passthrough rule's), without a timer per call.
 * Calls with the same timeout pass their deadlines in the order they started, so each timeout keeps
 * its calls in one insertion-ordered Map and one timer, armed for the oldest call: starting and
 * ending a call is a Map `set` and `delete`. When the timer fires, every call whose deadline has
 * passed expires, and the timer is armed again for the oldest call still running, if any.
 */
export interface EngineDeadlines<Call> {
  /** The call's deadline starts now; `expire(call)` runs once it passes, unless `end` came first. */
  start(call: Call, timeoutMs: number): DeadlineQueue<Call>;
  /** The call is over (answered, failed or abandoned): its deadline no longer counts. */
  end(call: Call, queue: DeadlineQueue<Call>): void;
}

/** The calls of one timeout, oldest first, each with its deadline (performance.now() ms). */
export interface DeadlineQueue<Call> {
  readonly timeoutMs: number;
  readonly running: Map<Call, number>;
  timer?: NodeJS.Timeout;
}

export function engineDeadlines<Call>(expire: (call: Call) => void): EngineDeadlines<Call> {
  const queues = new Map<number, DeadlineQueue<Call>>();

  function armFor(queue: DeadlineQueue<Call>, delayMs: number): void {
    // Unref'd: an engine call in flight keeps the process alive by its socket, not by its deadline.
    queue.timer = setTimeout(expireDue, Math.max(1, delayMs), queue).unref();
  }

  function expireDue(queue: DeadlineQueue<Call>): void {
    queue.timer = undefined;
    const now = performance.now();
    for (const [call, deadline] of queue.running) {
      if (deadline > now) return armFor(queue, deadline - now);
      queue.running.delete(call);
      expire(call);
    }
  }

  return {
    start(call, timeoutMs) {
      let queue = queues.get(timeoutMs);
      if (!queue) {
        queue = { timeoutMs, running: new Map() };
        queues.set(timeoutMs, queue);
      }
      queue.running.set(call, performance.now() + timeoutMs);
      if (!queue.timer) armFor(queue, timeoutMs);
      return queue;
    },
    end(call, queue) {
      // The timer stays armed even when nothing is left: it is unref'd, finds nothing when it fires
      // and is not armed again, and one call after another does not cost a timer each.
      queue.running.delete(call);
    },
  };
}
