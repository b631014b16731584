package dev.keyhole.onepassword;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which vault and item IDs names resolved to, for a TTL on Keyhole's clock, so repeated
 * resolutions skip the list calls. Holds IDs only, never values. Bounded: it is cleared when full.
 */
final class IdCache {
  private record Entry(String id, Instant until) {}

  private static final int MAX_ENTRIES = 10_000;

  private final Clock clock;
  private final Duration ttl;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  IdCache(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  static String vaultKey(String vaultPart) {
    return "v\u0000" + vaultPart;
  }

  static String itemKey(String vaultId, String itemPart) {
    return "i\u0000" + vaultId + "\u0000" + itemPart;
  }

  Optional<String> get(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(e.until)) {
      entries.remove(key, e);
      return Optional.empty();
    }
    return Optional.of(e.id);
  }

  void put(String key, String id) {
    if (ttl.isZero()) {
      return;
    }
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, new Entry(id, clock.instant().plus(ttl)));
  }

  void invalidate(String key) {
    entries.remove(key);
  }

  int size() {
    return entries.size();
  }

  void clear() {
    entries.clear();
  }
}
