package dev.keyhole.testkit;

import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An in-memory provider (scheme {@code fake} by default) with fault injection: latency, a gate that
 * holds calls until released, failures for the next N calls or for every call, and call counting.
 * For testing Keyhole's cache, single-flight, retry, circuit breaker and time limits.
 */
public final class FaultInjectingProvider implements SecretProvider {
  private final String id;
  private final String scheme;
  private final Map<String, SecretValue> values = new ConcurrentHashMap<>();
  private final Map<String, Instant> expiries = new ConcurrentHashMap<>();
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicInteger failuresLeft = new AtomicInteger();
  private final AtomicReference<@Nullable Supplier<? extends KeyholeException>> failure =
      new AtomicReference<>();
  private volatile boolean failAlways;
  private volatile Duration latency = Duration.ZERO;
  private volatile @Nullable CountDownLatch gate;

  private FaultInjectingProvider(String id, String scheme) {
    this.id = id;
    this.scheme = scheme;
  }

  /** A provider with id and scheme {@code fake}. */
  public static FaultInjectingProvider create() {
    return new FaultInjectingProvider("fake", "fake");
  }

  public static FaultInjectingProvider create(String id, String scheme) {
    return new FaultInjectingProvider(id, scheme);
  }

  /** Stores a value; returns its reference ({@code fake:name}). */
  public SecretRef put(String name, String value) {
    SecretValue old = values.put(name, SecretValue.ofString(value));
    if (old != null) {
      old.destroy();
    }
    return SecretRef.parse(scheme + ":" + name);
  }

  /** Makes the provider report that {@code name} expires at {@code at}. */
  public FaultInjectingProvider expires(String name, Instant at) {
    expiries.put(name, at);
    return this;
  }

  /** The next {@code n} calls fail with the supplied exception. */
  public FaultInjectingProvider failNext(int n, Supplier<? extends KeyholeException> error) {
    failure.set(error);
    failuresLeft.set(n);
    return this;
  }

  /** The next {@code n} calls fail as throttled (retryable). */
  public FaultInjectingProvider throttleNext(int n) {
    return failNext(n, () -> new ProviderUnavailableException("fake provider: throttled (injected)"));
  }

  /** Every call fails with the supplied exception until {@link #heal()}. */
  public FaultInjectingProvider failAlways(Supplier<? extends KeyholeException> error) {
    failure.set(error);
    failAlways = true;
    return this;
  }

  public FaultInjectingProvider heal() {
    failAlways = false;
    failuresLeft.set(0);
    return this;
  }

  /** Each call sleeps this long before answering (injected latency). */
  public FaultInjectingProvider latency(Duration d) {
    this.latency = d;
    return this;
  }

  /** Calls block until {@link #release()} (to line up concurrent callers). */
  public FaultInjectingProvider hold() {
    this.gate = new CountDownLatch(1);
    return this;
  }

  public FaultInjectingProvider release() {
    CountDownLatch g = gate;
    if (g != null) {
      g.countDown();
    }
    return this;
  }

  /** How many times {@link #resolve} was called. */
  public int calls() {
    return calls.get();
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<String> schemes() {
    return Set.of(scheme);
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    calls.incrementAndGet();
    CountDownLatch g = gate;
    try {
      if (g != null) {
        g.await();
      }
      if (!latency.isZero()) {
        Thread.sleep(latency.toMillis());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderUnavailableException("fake provider interrupted");
    }
    Supplier<? extends KeyholeException> f = failure.get();
    if (f != null && (failAlways || failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0)) {
      throw f.get();
    }
    SecretValue v = values.get(ref.path());
    if (v == null) {
      throw new SecretNotFoundException("fake provider has no secret '" + ref.path() + "'");
    }
    return ResolvedSecret.of(v.copy(), "v" + calls.get(), expiries.get(ref.path()));
  }

  @Override
  public void close() {
    values.values().forEach(SecretValue::destroy);
    values.clear();
  }

  @Override
  public String toString() {
    return "FaultInjectingProvider[" + id + ", " + values.size() + " secrets]";
  }
}
