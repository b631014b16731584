package dev.keyhole;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The provider could not answer: throttled, a server error, a timeout, a connection failure, or its
 * circuit breaker is open. Retryable; a stale cached value may be served instead.
 *
 * <p>When the service said how long to wait (an HTTP {@code Retry-After}, read with {@link
 * dev.keyhole.spi.RetryAfter}), {@link #retryAfter()} carries it and Keyhole's retry waits at least
 * that long, up to the per-attempt time limit ({@link ResilienceSettings#timeout()}).
 */
public class ProviderUnavailableException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // Duration is Serializable
  private final @Nullable Duration retryAfter;

  public ProviderUnavailableException(String message) {
    this(message, null, null);
  }

  public ProviderUnavailableException(String message, @Nullable Throwable cause) {
    this(message, cause, null);
  }

  /**
   * An unavailable provider that asked callers to wait.
   *
   * @param retryAfter how long the service asked to wait before the next call; null when it did
   *     not say; negative values count as zero
   */
  public ProviderUnavailableException(String message, @Nullable Throwable cause,
      @Nullable Duration retryAfter) {
    super(message, cause, true);
    this.retryAfter = retryAfter == null || !retryAfter.isNegative() ? retryAfter : Duration.ZERO;
  }

  /** How long the service asked callers to wait before the next call, if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
