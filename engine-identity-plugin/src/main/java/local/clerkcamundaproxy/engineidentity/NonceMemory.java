package local.clerkcamundaproxy.engineidentity;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The nonces of signed headers accepted within their validity, so that each is accepted once.
 * Bounded: entries leave when their header could no longer be accepted anyway, and when the memory
 * is full of live entries a new header is refused rather than a live nonce forgotten.
 */
final class NonceMemory {
  private final int capacity;
  /** nonce -> the time after which its header is stale anyway; in the order they arrived. */
  private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

  NonceMemory(int capacity) {
    this.capacity = capacity;
  }

  enum Outcome { FIRST_USE, REPLAYED, FULL }

  synchronized Outcome remember(String nonce, long staleAfter, long now) {
    forgetStale(now);
    Long known = seen.get(nonce);
    if (known != null && known >= now) {
      return Outcome.REPLAYED;
    }
    if (known == null && seen.size() >= capacity) {
      return Outcome.FULL;
    }
    seen.put(nonce, staleAfter);
    return Outcome.FIRST_USE;
  }

  synchronized int size() {
    return seen.size();
  }

  /**
   * Arrival order is nearly expiry order (every header's time is within the validity of now), so
   * the scan stops at the first live entry; a stale one behind it leaves on a later call.
   */
  private void forgetStale(long now) {
    Iterator<Map.Entry<String, Long>> entries = seen.entrySet().iterator();
    while (entries.hasNext() && entries.next().getValue() < now) {
      entries.remove();
    }
  }
}
