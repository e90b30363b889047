import { engineDeadlines } from '../../src/proxy/engineDeadlines.js';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('engine call deadlines, one timer per timeout', () => {
  it('expires a call that is still running once its timeout has passed, and not before', async () => {
    const expired: string[] = [];
    const deadlines = engineDeadlines<string>((call) => expired.push(call));
    const startedAt = performance.now();
    deadlines.start('slow', 40);
    await wait(20);
    expect(expired).toEqual([]);
    await wait(60);
    expect(expired).toEqual(['slow']);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(40);
  });

  it('never expires a call that ended in time, and still expires the ones after it', async () => {
    const expired: string[] = [];
    const deadlines = engineDeadlines<string>((call) => expired.push(call));
    const first = deadlines.start('answered', 40);
    await wait(15);
    deadlines.start('hung', 40);
    deadlines.end(first);
    await wait(35);
    // The timer armed for the first call fired; the second call's deadline was still ahead.
    expect(expired).toEqual([]);
    await wait(40);
    expect(expired).toEqual(['hung']);
  });

  it('keeps calls of different timeouts apart', async () => {
    const expired: string[] = [];
    const deadlines = engineDeadlines<string>((call) => expired.push(call));
    deadlines.start('long rule', 200);
    deadlines.start('default', 30);
    await wait(80);
    expect(expired).toEqual(['default']);
  });

  it('arms one timer for any number of calls, and lets it lapse once none is left', async () => {
    const deadlines = engineDeadlines<string>(() => undefined);
    const calls = ['a', 'b', 'c', 'd'].map((call) => deadlines.start(call, 30));
    const { queue } = calls[0]!;
    expect(new Set(calls.map((running) => running.queue.timer)).size).toBe(1);
    // Ended out of order, as answers come.
    for (const index of [2, 0, 3, 1]) deadlines.end(calls[index]!);
    expect(queue.oldest).toBeUndefined();
    expect(queue.timer?.hasRef()).toBe(false);
    await wait(60);
    expect(queue.timer).toBeUndefined();
  });

  it('expires, in the order they started, only the calls not ended, whatever order the others end in', async () => {
    const expired: string[] = [];
    const deadlines = engineDeadlines<string>((call) => expired.push(call));
    const calls = ['a', 'b', 'c', 'd', 'e'].map((call) => deadlines.start(call, 20));
    deadlines.end(calls[3]!);
    deadlines.end(calls[0]!);
    deadlines.end(calls[0]!);
    await wait(60);
    expect(expired).toEqual(['b', 'c', 'e']);
  });
});
