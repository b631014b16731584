package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResilienceTest {
  private final MutableClock clock = new MutableClock();
  private final TestSupport.CountingProvider provider = new TestSupport.CountingProvider();
  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final String value = TestSupport.randomSecret();
  private Keyhole keyhole;

  /** Every wait a retry asked for; each one advances the fake clock instead of sleeping. */
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  private Keyhole build(ResilienceSettings r, CacheSettings c) {
    provider.values.put("v", value);
    Policy p = Policy.builder().grant(Grant.builder("v").ref("test:v").tools("*").build()).build();
    keyhole = Keyhole.builder().provider(provider).policy(p).clock(clock).auditSink(audit)
        .resilience(r).cache(c).expirySweep(false)
        .sleeper(d -> {
          waits.add(d);
          clock.advance(d);
        })
        .build();
    return keyhole;
  }

  /** Fails the next call once with {@code failure}, then answers again. */
  private void failOnce(Supplier<KeyholeException> failure) {
    provider.failure = () -> {
      provider.failure = null;
      return failure.get();
    };
  }

  private static ResilienceSettings fast() {
    return ResilienceSettings.defaults().withBackoff(Duration.ofMillis(1), 1.5, Duration.ofMillis(5))
        .withJitter(0);
  }

  @AfterEach
  void tearDown() {
    if (keyhole != null) {
      keyhole.close();
    }
  }

  @Test
  void cache_singleFlight_thousandConcurrentFirstResolutions_oneProviderCall() throws Exception {
    build(fast(), CacheSettings.defaults());
    provider.gate = new CountDownLatch(1);
    provider.entered = new CountDownLatch(1);
    TaskScope task = keyhole.openTask("v");
    int threads = 64;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<String>> results = new ArrayList<>();
      // No resolution can finish while the provider is gated, so this reaches zero only when every
      // pool thread is inside a resolution at the same time.
      CountDownLatch allRunning = new CountDownLatch(threads);
      for (int i = 0; i < 1000; i++) {
        results.add(pool.submit(() -> {
          allRunning.countDown();
          SecretValue v = task.resolve(SecretHandle.of("v"), Use.byTool("t"));
          try {
            return v.revealString();
          } finally {
            v.destroy();
          }
        }));
      }
      // Let the first provider call finish only once it is in flight and every pool thread has
      // started its own resolution, so all of them overlap with it.
      assertThat(provider.entered.await(30, TimeUnit.SECONDS)).isTrue();
      assertThat(allRunning.await(30, TimeUnit.SECONDS)).isTrue();
      provider.gate.countDown();
      for (Future<String> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(value);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(provider.calls.get()).isEqualTo(1);
  }

  @Test
  void cache_concurrentTasks_shareOneProviderCall() throws Exception {
    build(fast(), CacheSettings.defaults());
    provider.gate = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        results.add(pool.submit(() -> {
          try (TaskScope t = keyhole.openTask("v")) {
            return t.resolve(SecretHandle.of("v"), Use.byTool("t")).revealString();
          }
        }));
      }
      provider.gate.countDown();
      for (Future<String> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(value);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(provider.calls.get()).isEqualTo(1);
  }

  @Test
  void cache_expiresAfterTtl_andRefetches() {
    build(fast(), CacheSettings.defaults().withTtl(Duration.ofMinutes(5)));
    try (TaskScope a = keyhole.openTask("v")) {
      a.resolve(SecretHandle.of("v"), Use.byTool("t")).destroy();
    }
    clock.advance(Duration.ofSeconds(299));
    try (TaskScope b = keyhole.openTask("v")) {
      b.resolve(SecretHandle.of("v"), Use.byTool("t")).destroy();
    }
    assertThat(provider.calls.get()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    try (TaskScope c = keyhole.openTask("v")) {
      c.resolve(SecretHandle.of("v"), Use.byTool("t")).destroy();
    }
    assertThat(provider.calls.get()).isEqualTo(2);
  }

  @Test
  void staleValue_servedOnThrottling_butNeverOnNotFound() {
    build(fast().withMaxAttempts(2), CacheSettings.defaults().withTtl(Duration.ofSeconds(60)));
    try (TaskScope a = keyhole.openTask("v")) {
      a.resolve(SecretHandle.of("v"), Use.byTool("t")).destroy();
    }
    clock.advance(Duration.ofSeconds(61));
    provider.failure = () -> new ProviderUnavailableException("throttled (injected)");
    try (TaskScope b = keyhole.openTask("v")) {
      assertThat(b.resolve(SecretHandle.of("v"), Use.byTool("t")).revealString()).isEqualTo(value);
    }
    assertThat(audit.events(AuditEventType.STALE_SERVED)).hasSize(1);
    assertThat(provider.calls.get()).isEqualTo(1 + 2);
    provider.failure = () -> new SecretNotFoundException("deleted (injected)");
    try (TaskScope c = keyhole.openTask("v")) {
      assertThatThrownBy(() -> c.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(SecretNotFoundException.class);
    }
    // not-found dropped the cached copy: even a throttled provider no longer gets a stale answer
    provider.failure = () -> new ProviderUnavailableException("throttled (injected)");
    try (TaskScope d = keyhole.openTask("v")) {
      assertThatThrownBy(() -> d.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class);
    }
  }

  @Test
  void staleValue_notServedPastMaxStale() {
    build(fast().withMaxAttempts(1),
        CacheSettings.defaults().withTtl(Duration.ofSeconds(60)).withMaxStale(Duration.ofSeconds(60)));
    try (TaskScope a = keyhole.openTask("v")) {
      a.resolve(SecretHandle.of("v"), Use.byTool("t")).destroy();
    }
    clock.advance(Duration.ofSeconds(121));
    provider.failure = () -> new ProviderUnavailableException("throttled (injected)");
    try (TaskScope b = keyhole.openTask("v")) {
      assertThatThrownBy(() -> b.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class);
    }
  }

  @Test
  void retry_waitsAtLeastTheRetryAfterTheServiceAsked_onTheInjectedSleeper() {
    build(fast().withMaxAttempts(3), CacheSettings.disabled());
    failOnce(() -> new ProviderUnavailableException("429 (injected)", null, Duration.ofSeconds(7)));
    Instant before = clock.instant();
    try (TaskScope t = keyhole.openTask("v")) {
      assertThat(t.resolve(SecretHandle.of("v"), Use.byTool("t")).revealString()).isEqualTo(value);
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(7));
    assertThat(Duration.between(before, clock.instant())).isEqualTo(Duration.ofSeconds(7));
    assertThat(provider.calls.get()).isEqualTo(2);
  }

  @Test
  void retry_retryAfterLongerThanTheTimeLimit_waitsTheTimeLimit() {
    build(fast().withMaxAttempts(2).withTimeout(Duration.ofSeconds(4)), CacheSettings.disabled());
    failOnce(() -> new ProviderUnavailableException("429 (injected)", null, Duration.ofHours(1)));
    try (TaskScope t = keyhole.openTask("v")) {
      assertThat(t.resolve(SecretHandle.of("v"), Use.byTool("t")).revealString()).isEqualTo(value);
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(4));
  }

  @Test
  void retry_withoutRetryAfter_waitsTheBackoff_andTheLastErrorKeepsTheDelay() {
    build(fast().withMaxAttempts(3), CacheSettings.disabled());
    provider.failure = () -> new ProviderUnavailableException("503 (injected)", null,
        Duration.ofSeconds(2));
    try (TaskScope t = keyhole.openTask("v")) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class,
              e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(2)));
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    waits.clear();
    provider.failure = () -> new ProviderUnavailableException("503 (injected)");
    try (TaskScope t = keyhole.openTask("v")) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class);
    }
    assertThat(waits).hasSize(2).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMillis(5)));
  }

  @Test
  void retry_isBounded_andOnlyForRetryableErrors() {
    build(fast().withMaxAttempts(3), CacheSettings.disabled());
    provider.failure = () -> new ProviderUnavailableException("503 (injected)");
    try (TaskScope t = keyhole.openTask("v")) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class);
    }
    assertThat(provider.calls.get()).isEqualTo(3);
    provider.calls.set(0);
    provider.failure = () -> new SecretAccessDeniedException("403 (injected)");
    try (TaskScope t = keyhole.openTask("v")) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(SecretAccessDeniedException.class);
    }
    assertThat(provider.calls.get()).isEqualTo(1);
  }

  @Test
  void circuitBreaker_opensUnderFaults_failsFast_typed_andNothingLeaks() {
    build(fast().withMaxAttempts(1).withCircuitBreaker(50, 10, 5, Duration.ofSeconds(30), 1),
        CacheSettings.disabled());
    provider.failure = () -> new ProviderUnavailableException("500 (injected)");
    for (int i = 0; i < 5; i++) {
      try (TaskScope t = keyhole.openTask("v")) {
        assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
            .isInstanceOf(ProviderUnavailableException.class);
      }
    }
    int callsBefore = provider.calls.get();
    try (TaskScope t = keyhole.openTask("v")) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining("circuit breaker is open")
          .hasMessageNotContaining(value)
          .satisfies(e -> assertThat(((KeyholeException) e).retryable()).isTrue());
    }
    assertThat(provider.calls.get()).isEqualTo(callsBefore);
    // after the open-state wait (on the injected clock) and a success, it closes again
    provider.failure = null;
    clock.advance(Duration.ofSeconds(31));
    try (TaskScope t = keyhole.openTask("v")) {
      assertThat(t.resolve(SecretHandle.of("v"), Use.byTool("t")).revealString()).isEqualTo(value);
    }
    audit.events().forEach(e -> assertThat(e.toString()).doesNotContain(value));
  }

  @Test
  void timeLimit_turnsSlowProviderIntoRetryableError() {
    build(fast().withMaxAttempts(1).withTimeout(Duration.ofMillis(50)), CacheSettings.disabled());
    provider.sleepMillis = 5_000;
    try (TaskScope t = keyhole.openTask("v")) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("v"), Use.byTool("t")))
          .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("did not answer within 50 ms");
    }
  }

  @Test
  void contractBreakingProvider_isWrapped_withoutItsMessage() {
    build(fast().withMaxAttempts(1), CacheSettings.disabled());
    provider.failure = null;
    TestSupport.CountingProvider bad = new TestSupport.CountingProvider() {
      @Override
      public dev.keyhole.spi.ResolvedSecret resolve(SecretRef ref) {
        throw new IllegalStateException("leaky message " + value);
      }

      @Override
      public String id() {
        return "bad";
      }

      @Override
      public java.util.Set<String> schemes() {
        return java.util.Set.of("bad");
      }
    };
    try (Keyhole k = Keyhole.builder().provider(bad).expirySweep(false).build();
        TaskScope t = k.openTask(TaskOptions.builder().grant(Grant.builder("b").ref("bad:x").tools("*").build()).build())) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("b"), Use.byTool("t")))
          .isInstanceOf(KeyholeException.class)
          .hasMessageContaining("IllegalStateException").hasMessageNotContaining(value)
          .hasNoCause();
    }
  }

  @Test
  void close_leavesNoKeyholeThreadBehind() {
    java.util.Set<Thread> before = keyholeThreads();
    build(fast(), CacheSettings.defaults());
    try (TaskScope t = keyhole.openTask("v")) {
      t.resolve(SecretHandle.of("v"), Use.byTool("t")).destroy(); // starts a provider thread
    }
    Keyhole withSweeper = Keyhole.builder().expirySweep(true).build(); // starts the sweeper
    assertThat(keyholeThreads()).isNotEqualTo(before);
    withSweeper.close();
    keyhole.close();
    java.util.Set<Thread> after = keyholeThreads();
    after.removeAll(before);
    assertThat(after).as("threads started by the closed instances").isEmpty();
  }

  private static java.util.Set<Thread> keyholeThreads() {
    java.util.Set<Thread> out = new java.util.HashSet<>();
    for (Thread th : Thread.getAllStackTraces().keySet()) {
      if (th.isAlive() && th.getName().startsWith("keyhole-")) {
        out.add(th);
      }
    }
    return out;
  }
}
