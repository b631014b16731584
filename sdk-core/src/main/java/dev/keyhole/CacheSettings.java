package dev.keyhole;

import java.time.Duration;

/**
 * How resolved values are cached across tasks.
 *
 * <ul>
 *   <li>{@code ttl} (default 300 s): how long a value is served without asking the provider again
 *       (shorter when the provider says the value expires sooner);
 *   <li>{@code maxStale} (default 1 h): how long past its TTL a value may still be served when the
 *       provider fails with a retryable error (throttling, 5xx, timeout) — never after not-found or
 *       denied, and never past the provider's own expiry;
 *   <li>{@code maxEntries} (default 10,000): size bound; evicted values are wiped.
 * </ul>
 *
 * A TTL of zero disables caching (every use asks the provider; single-flight still applies).
 */
public final class CacheSettings {
  private final Duration ttl;
  private final Duration maxStale;
  private final int maxEntries;

  private CacheSettings(Duration ttl, Duration maxStale, int maxEntries) {
    this.ttl = ttl;
    this.maxStale = maxStale;
    this.maxEntries = maxEntries;
  }

  public static CacheSettings defaults() {
    return new CacheSettings(Duration.ofMinutes(5), Duration.ofHours(1), 10_000);
  }

  /** No caching across uses. */
  public static CacheSettings disabled() {
    return new CacheSettings(Duration.ZERO, Duration.ZERO, 10_000);
  }

  public CacheSettings withTtl(Duration ttl) {
    if (ttl.isNegative()) {
      throw new IllegalArgumentException("cache ttl must not be negative, was " + ttl);
    }
    return new CacheSettings(ttl, maxStale, maxEntries);
  }

  public CacheSettings withMaxStale(Duration maxStale) {
    if (maxStale.isNegative()) {
      throw new IllegalArgumentException("cache maxStale must not be negative, was " + maxStale);
    }
    return new CacheSettings(ttl, maxStale, maxEntries);
  }

  public CacheSettings withMaxEntries(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("cache maxEntries must be at least 1, was " + maxEntries);
    }
    return new CacheSettings(ttl, maxStale, maxEntries);
  }

  public Duration ttl() { return ttl; }
  public Duration maxStale() { return maxStale; }
  public int maxEntries() { return maxEntries; }

  @Override
  public String toString() {
    return "CacheSettings[ttl=" + ttl + ", maxStale=" + maxStale + ", maxEntries=" + maxEntries + "]";
  }
}
