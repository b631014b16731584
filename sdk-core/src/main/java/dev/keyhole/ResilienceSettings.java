package dev.keyhole;

import java.time.Duration;

/**
 * Retry, circuit breaker and time limit around every provider and issuer call (Resilience4j).
 * Only retryable failures ({@link KeyholeException#retryable()}) are retried and counted by the
 * breaker; not-found and denied are answers, not faults.
 *
 * <p>Defaults: 3 attempts; exponential backoff from 200 ms, factor 2, at most 5 s, ±50% jitter;
 * 10 s time limit per attempt; the breaker opens when at least half of the last 20 calls (at least
 * 10 calls) failed, stays open 30 s, then lets 3 trial calls through.
 */
public final class ResilienceSettings {
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final double backoffMultiplier;
  private final Duration maxBackoff;
  private final double jitter;
  private final Duration timeout;
  private final float failureRateThreshold;
  private final int slidingWindowSize;
  private final int minimumCalls;
  private final Duration openStateWait;
  private final int halfOpenCalls;

  private ResilienceSettings(int maxAttempts, Duration initialBackoff, double backoffMultiplier,
      Duration maxBackoff, double jitter, Duration timeout, float failureRateThreshold,
      int slidingWindowSize, int minimumCalls, Duration openStateWait, int halfOpenCalls) {
    this.maxAttempts = maxAttempts;
    this.initialBackoff = initialBackoff;
    this.backoffMultiplier = backoffMultiplier;
    this.maxBackoff = maxBackoff;
    this.jitter = jitter;
    this.timeout = timeout;
    this.failureRateThreshold = failureRateThreshold;
    this.slidingWindowSize = slidingWindowSize;
    this.minimumCalls = minimumCalls;
    this.openStateWait = openStateWait;
    this.halfOpenCalls = halfOpenCalls;
  }

  public static ResilienceSettings defaults() {
    return new ResilienceSettings(3, Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.5,
        Duration.ofSeconds(10), 50f, 20, 10, Duration.ofSeconds(30), 3);
  }

  /** Total attempts including the first (1 = no retry). */
  public ResilienceSettings withMaxAttempts(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + n);
    }
    return new ResilienceSettings(n, initialBackoff, backoffMultiplier, maxBackoff, jitter, timeout,
        failureRateThreshold, slidingWindowSize, minimumCalls, openStateWait, halfOpenCalls);
  }

  public ResilienceSettings withBackoff(Duration initial, double multiplier, Duration max) {
    if (initial.isNegative() || initial.isZero() || multiplier < 1.0 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("backoff needs initial > 0, multiplier >= 1, max >= initial");
    }
    return new ResilienceSettings(maxAttempts, initial, multiplier, max, jitter, timeout,
        failureRateThreshold, slidingWindowSize, minimumCalls, openStateWait, halfOpenCalls);
  }

  /** Randomization factor in [0, 1). */
  public ResilienceSettings withJitter(double factor) {
    if (factor < 0 || factor >= 1) {
      throw new IllegalArgumentException("jitter must be in [0, 1), was " + factor);
    }
    return new ResilienceSettings(maxAttempts, initialBackoff, backoffMultiplier, maxBackoff, factor,
        timeout, failureRateThreshold, slidingWindowSize, minimumCalls, openStateWait, halfOpenCalls);
  }

  /** Time limit per attempt. */
  public ResilienceSettings withTimeout(Duration t) {
    if (t.isNegative() || t.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + t);
    }
    return new ResilienceSettings(maxAttempts, initialBackoff, backoffMultiplier, maxBackoff, jitter, t,
        failureRateThreshold, slidingWindowSize, minimumCalls, openStateWait, halfOpenCalls);
  }

  /** Circuit breaker: failure rate (percent) over a count-based window, minimum calls, open wait. */
  public ResilienceSettings withCircuitBreaker(float failureRatePercent, int windowSize,
      int minimumNumberOfCalls, Duration openWait, int halfOpenTrialCalls) {
    if (failureRatePercent <= 0 || failureRatePercent > 100 || windowSize < 1
        || minimumNumberOfCalls < 1 || openWait.isNegative() || openWait.isZero()
        || halfOpenTrialCalls < 1) {
      throw new IllegalArgumentException("invalid circuit breaker settings");
    }
    return new ResilienceSettings(maxAttempts, initialBackoff, backoffMultiplier, maxBackoff, jitter,
        timeout, failureRatePercent, windowSize, minimumNumberOfCalls, openWait, halfOpenTrialCalls);
  }

  public int maxAttempts() { return maxAttempts; }
  public Duration initialBackoff() { return initialBackoff; }
  public double backoffMultiplier() { return backoffMultiplier; }
  public Duration maxBackoff() { return maxBackoff; }
  public double jitter() { return jitter; }
  public Duration timeout() { return timeout; }
  public float failureRateThreshold() { return failureRateThreshold; }
  public int slidingWindowSize() { return slidingWindowSize; }
  public int minimumCalls() { return minimumCalls; }
  public Duration openStateWait() { return openStateWait; }
  public int halfOpenCalls() { return halfOpenCalls; }

  @Override
  public String toString() {
    return "ResilienceSettings[attempts=" + maxAttempts + ", backoff=" + initialBackoff + "x"
        + backoffMultiplier + "..." + maxBackoff + ", jitter=" + jitter + ", timeout=" + timeout
        + ", breaker=" + failureRateThreshold + "%/" + slidingWindowSize + " min " + minimumCalls
        + " open " + openStateWait + "]";
  }
}
