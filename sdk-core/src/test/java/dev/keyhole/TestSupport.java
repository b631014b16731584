package dev.keyhole;

import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Small test doubles for core tests (sdk-testkit depends on core, so core cannot use it). */
final class TestSupport {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private TestSupport() {}

  static String randomSecret() {
    StringBuilder sb = new StringBuilder(32);
    for (int i = 0; i < 32; i++) {
      sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  /** A provider for scheme {@code test} that counts calls and can fail, hold or be slow. */
  static class CountingProvider implements SecretProvider {
    final Map<String, String> values = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    volatile Supplier<? extends KeyholeException> failure;
    volatile CountDownLatch gate;
    /** When set, counted down as each call starts (before waiting on {@link #gate}). */
    volatile CountDownLatch entered;
    volatile long sleepMillis;

    @Override
    public String id() {
      return "test";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("test");
    }

    @Override
    public ResolvedSecret resolve(SecretRef ref) {
      calls.incrementAndGet();
      CountDownLatch in = entered;
      if (in != null) {
        in.countDown();
      }
      try {
        CountDownLatch g = gate;
        if (g != null) {
          g.await();
        }
        if (sleepMillis > 0) {
          Thread.sleep(sleepMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ProviderUnavailableException("interrupted");
      }
      Supplier<? extends KeyholeException> f = failure;
      if (f != null) {
        throw f.get();
      }
      String v = values.get(ref.path());
      if (v == null) {
        throw new SecretNotFoundException("no test secret '" + ref.path() + "'");
      }
      return ResolvedSecret.of(SecretValue.ofString(v), "1", null);
    }
  }
}
