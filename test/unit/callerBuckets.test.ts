import { CallerBuckets } from '../../src/fairUse/inProcessBuckets.js';

/**
 * A caller's bucket is kept only while it is not full: a full bucket is the same as a new one, so
 * forgetting it changes no answer, and memory follows the callers spending calls now (the token
 * flood in bench/README.md). Real time, short intervals: limiter and lru-cache both read performance.now().
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fair-use buckets in this process', () => {
  let buckets: CallerBuckets | undefined;
  afterEach(() => buckets?.close());

  it("forgets a caller's bucket once it has dripped full again", async () => {
    // 10 calls per second: one call is back after 100 ms.
    buckets = new CallerBuckets({ burst: 10, intervalMs: 1_000 });
    for (let i = 0; i < 1_000; i += 1) expect(buckets.take(`user_${i}`)).toBe(0);
    expect(buckets.tracked()).toBe(1_000);
    // The sweep runs every second; by then each of these buckets has been full for 0.9 s.
    await sleep(1_300);
    expect(buckets.tracked()).toBe(0);
  });

  it('keeps a caller who used up their calls, and still refuses them until the calls drip back', async () => {
    buckets = new CallerBuckets({ burst: 3, intervalMs: 3_000 });
    for (let i = 0; i < 3; i += 1) expect(buckets.take('user_busy')).toBe(0);
    expect(buckets.take('user_busy')).toBeGreaterThan(0);
    expect(buckets.take('user_light')).toBe(0);
    await sleep(2_300);
    // user_light's bucket (one call, back after 1 s) is gone by the second sweep; user_busy's (3 s to refill) is kept.
    expect(buckets.tracked()).toBe(1);
    // Two calls dripped back in 2.3 s, not three: the kept bucket still refuses the third.
    expect([buckets.take('user_busy'), buckets.take('user_busy')]).toEqual([0, 0]);
    expect(buckets.take('user_busy')).toBeGreaterThan(0);
  });

  it('answers exactly as a bucket that was never forgotten: a full bucket again allows the whole burst', async () => {
    buckets = new CallerBuckets({ burst: 2, intervalMs: 200 });
    expect([buckets.take('user_a'), buckets.take('user_a')]).toEqual([0, 0]);
    expect(buckets.take('user_a')).toBeGreaterThan(0);
    await sleep(1_300); // full after 200 ms, forgotten at the next sweep
    expect(buckets.tracked()).toBe(0);
    expect([buckets.take('user_a'), buckets.take('user_a')]).toEqual([0, 0]);
    expect(buckets.take('user_a')).toBeGreaterThan(0);
  });
});
