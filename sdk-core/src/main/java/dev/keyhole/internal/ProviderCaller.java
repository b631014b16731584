package dev.keyhole.internal;

import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.Redactor;
import dev.keyhole.ResilienceSettings;
import dev.keyhole.Sleeper;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Retry(CircuitBreaker(TimeLimiter(call))) for one provider or issuer. Only retryable
 * {@link KeyholeException}s are retried and recorded as failures; an open breaker fails fast with a
 * retryable {@link ProviderUnavailableException} that is not retried. Between attempts it waits the
 * exponential backoff, or longer when the failure carries the service's {@link
 * ProviderUnavailableException#retryAfter() Retry-After}, never longer than the per-attempt time
 * limit; waiting goes through the {@link Sleeper}, so tests need no real time. The exception that
 * finally leaves has every value the redactor knows replaced by its handle token (see {@link
 * ErrorRedaction}): a provider's message may quote a live value despite the SPI contract.
 */
public final class ProviderCaller {
  private final String id;
  private final IntervalFunction backoff;
  private final Sleeper sleeper;
  private final CircuitBreaker breaker;
  private final TimeLimiter limiter;
  private final ExecutorService executor;
  private final ResilienceSettings settings;
  private final Redactor redactor;

  public ProviderCaller(String id, ResilienceSettings s, Clock clock, ExecutorService executor,
      Redactor redactor, Sleeper sleeper) {
    this.id = id;
    this.settings = s;
    this.executor = executor;
    this.redactor = redactor;
    this.sleeper = sleeper;
    this.backoff = IntervalFunction.ofExponentialRandomBackoff(
        s.initialBackoff(), s.backoffMultiplier(), s.jitter(), s.maxBackoff());
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
    for (int n = 1; ; n++) {
      try {
        return guarded.get();
      } catch (CallNotPermittedException e) {
        throw new CircuitOpenException("Provider '" + id + "' is failing; its circuit breaker is"
            + " open for up to " + settings.openStateWait().toSeconds() + " s while resolving "
            + what + ". Check the provider's health; calls resume automatically.");
      } catch (KeyholeException e) {
        if (!shouldRetry(e) || n >= settings.maxAttempts()) {
          throw ErrorRedaction.redact(e, redactor);
        }
        try {
          sleeper.sleep(waitBefore(n + 1, e));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new ProviderUnavailableException("Interrupted while waiting to retry provider '"
              + id + "' for " + what);
        }
      }
    }
  }

  /**
   * The wait before attempt {@code next}: the backoff, or the service's Retry-After when longer,
   * capped by the per-attempt time limit.
   */
  Duration waitBefore(int next, KeyholeException failure) {
    Duration wait = Duration.ofMillis(backoff.apply(next - 1));
    if (failure instanceof ProviderUnavailableException p && p.retryAfter().isPresent()
        && p.retryAfter().get().compareTo(wait) > 0) {
      wait = p.retryAfter().get();
    }
    return wait.compareTo(settings.timeout()) > 0 ? settings.timeout() : wait;
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
