package dev.keyhole;

import org.jspecify.annotations.Nullable;

/**
 * The provider could not answer: throttled, a server error, a timeout, a connection failure, or its
 * circuit breaker is open. Retryable; a stale cached value may be served instead.
 */
public class ProviderUnavailableException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  public ProviderUnavailableException(String message) {
    super(message, null, true);
  }

  public ProviderUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause, true);
  }
}
