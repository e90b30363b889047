/**
 * The engine calls' deadlines (ENGINE_TIMEOUT, or a passthrough rule's), without a timer per call.
 * Calls with the same timeout pass their deadlines in the order they started, so each timeout keeps
 * its running calls in one list, oldest first, and one timer armed for the oldest: starting a call
 * appends it, ending one unlinks it. When the timer fires, every call whose deadline has passed
 * expires, and the timer is armed again for the oldest call still running, if any.
 */
export interface EngineDeadlines<Call> {
  /** The call's deadline starts now; `expire(call)` runs once it passes, unless `end` came first. */
  start(call: Call, timeoutMs: number): RunningCall<Call>;
  /** The call is over (answered, failed or abandoned): its deadline no longer counts. */
  end(running: RunningCall<Call>): void;
}

/** One call waiting for its deadline: a link in its timeout's list. */
export interface RunningCall<Call> {
  readonly call: Call;
  /** performance.now() ms */
  readonly deadline: number;
  readonly queue: DeadlineQueue<Call>;
  previous?: RunningCall<Call>;
  next?: RunningCall<Call>;
  /** Off the list: ended or expired. */
  done: boolean;
}

/** The running calls of one timeout, oldest first. */
export interface DeadlineQueue<Call> {
  readonly timeoutMs: number;
  oldest?: RunningCall<Call>;
  newest?: RunningCall<Call>;
  timer?: NodeJS.Timeout;
}

function unlink<Call>(running: RunningCall<Call>): void {
  const { queue, previous, next } = running;
  if (previous) previous.next = next;
  else queue.oldest = next;
  if (next) next.previous = previous;
  else queue.newest = previous;
  running.previous = running.next = undefined;
  running.done = true;
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
    for (let oldest = queue.oldest; oldest; oldest = queue.oldest) {
      if (oldest.deadline > now) return armFor(queue, oldest.deadline - now);
      unlink(oldest);
      expire(oldest.call);
    }
  }

  return {
    start(call, timeoutMs) {
      let queue = queues.get(timeoutMs);
      if (!queue) {
        queue = { timeoutMs };
        queues.set(timeoutMs, queue);
      }
      const running: RunningCall<Call> = { call, deadline: performance.now() + timeoutMs, queue, previous: queue.newest, next: undefined, done: false };
      if (queue.newest) queue.newest.next = running;
      else queue.oldest = running;
      queue.newest = running;
      // The timer stays armed when the list empties: it is unref'd, finds nothing when it fires and
      // is not armed again, so one call after another does not cost a timer each.
      if (!queue.timer) armFor(queue, timeoutMs);
      return running;
    },
    end(running) {
      if (!running.done) unlink(running);
    },
  };
}
