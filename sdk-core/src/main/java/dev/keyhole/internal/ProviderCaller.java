package dev.keyhole.internal;

import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.Redactor;
import dev.keyhole.ResilienceSettings;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Retry(CircuitBreaker(TimeLimiter(call))) for one provider or issuer. Only retryable
 * {@link KeyholeException}s are retried and recorded as failures; an open breaker fails fast with a
 * retryable {@link ProviderUnavailableException} that is not retried. The exception that finally
 * leaves has every value the redactor knows replaced by its handle token (see {@link
 * ErrorRedaction}): a provider's message may quote a live value despite the SPI contract.
 */
public final class ProviderCaller {
  private final String id;
  private final Retry retry;
  private final CircuitBreaker breaker;
  private final TimeLimiter limiter;
  private final ExecutorService executor;
  private final ResilienceSettings settings;
  private final Redactor redactor;

  public ProviderCaller(String id, ResilienceSettings s, Clock clock, ExecutorService executor,
      Redactor redactor) {
    this.id = id;
    this.settings = s;
    this.executor = executor;
    this.redactor = redactor;
    this.retry = Retry.of("keyhole-" + id, RetryConfig.custom()
        .maxAttempts(s.maxAttempts())
        .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(
            s.initialBackoff(), s.backoffMultiplier(), s.jitter(), s.maxBackoff()))
        .retryOnException(ProviderCaller::shouldRetry)
        .failAfterMaxAttempts(false)
        .build());
    this.breaker = CircuitBreaker.of("keyhole-" + id, CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(s.slidingWindowSize())
        .minimumNumberOfCalls(s.minimumCalls())
        .failureRateThreshold(s.failureRateThreshold())
        .waitDurationInOpenState(s.openStateWait())
        .permittedNumberOfCallsInHalfOpenState(s.halfOpenCalls())
        .recordException(e -> e instanceof KeyholeException k && k.retryable())
        .clock(clock)
        .build());
    this.limiter = TimeLimiter.of(TimeLimiterConfig.custom()
        .timeoutDuration(s.timeout())
        .cancelRunningFuture(true)
        .build());
  }

  private static boolean shouldRetry(Throwable e) {
    return e instanceof KeyholeException k && k.retryable() && !(e instanceof CircuitOpenException);
  }

  /** Runs {@code call} with retry, breaker and time limit; returns or throws a KeyholeException. */
  public <T> T call(String what, Callable<T> call) {
    Supplier<T> attempt = () -> attempt(what, call);
    Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, attempt);
    Supplier<T> withOpenMapping = () -> {
      try {
        return guarded.get();
      } catch (CallNotPermittedException e) {
        throw new CircuitOpenException("Provider '" + id + "' is failing; its circuit breaker is"
            + " open for up to " + settings.openStateWait().toSeconds() + " s while resolving "
            + what + ". Check the provider's health; calls resume automatically.");
      }
    };
    try {
      return Retry.decorateSupplier(retry, withOpenMapping).get();
    } catch (KeyholeException e) {
      throw ErrorRedaction.redact(e, redactor);
    }
  }

  private <T> T attempt(String what, Callable<T> call) {
    try {
      return limiter.executeFutureSupplier(() -> executor.submit(call));
    } catch (KeyholeException e) {
      throw e;
    } catch (TimeoutException e) {
      throw new ProviderUnavailableException("Provider '" + id + "' did not answer within "
          + settings.timeout().toMillis() + " ms while resolving " + what
          + "; it will be retried, or raise the timeout with ResilienceSettings.withTimeout");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof KeyholeException k) {
        throw k;
      }
      throw unexpected(what, c == null ? e : c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderUnavailableException("Interrupted while provider '" + id + "' resolved " + what);
    } catch (Exception e) {
      throw unexpected(what, e);
    }
  }

  private KeyholeException unexpected(String what, Throwable e) {
    // A provider broke its contract (threw something other than a KeyholeException). Its message
    // may hold anything, so it is not copied; only the type is named.
    return new KeyholeException("Provider '" + id + "' failed unexpectedly while resolving " + what
        + " (" + e.getClass().getName() + "); providers must throw KeyholeException subtypes", null, false);
  }

  public CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  /** The breaker is open: fail fast, do not retry. */
  static final class CircuitOpenException extends ProviderUnavailableException {
    private static final long serialVersionUID = 1L;

    CircuitOpenException(String message) {
      super(message);
    }
  }
}
