package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import dev.keyhole.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Nothing a task hands out, and nothing Keyhole keeps for it, outlives the task. */
class HandedOutValueLifetimeTest {
  private final MutableClock clock = new MutableClock();
  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final String value = TestSupport.randomSecret();

  private Keyhole keyhole(SecretProvider provider, String ref, CacheSettings cache) {
    Policy policy = Policy.builder()
        .grant(Grant.builder("token").ref(ref).tools("http_request").build()).build();
    return Keyhole.builder().provider(provider).policy(policy).clock(clock).auditSink(audit)
        .cache(cache).expirySweep(false).build();
  }

  // Attack: a tool (or a library it calls) copies the value it was handed, then keeps the copy
  // after the task has closed, e.g. in a static field or a connection pool.
  @Test
  void copyOfAHandedOutValue_diesWithTheTask() {
    try (Keyhole k = keyhole(InMemoryProvider.create().put("t", value), "memory:t",
        CacheSettings.defaults())) {
      SecretValue copy;
      SecretValue observed;
      SecretValue copyOfCopy;
      try (TaskScope task = k.openTask("token")) {
        SecretValue handed = task.resolve(task.handle("token"), Use.byTool("http_request"));
        copy = handed.copy();
        observed = SecretValue.observedCopy(handed, how -> { });
        copyOfCopy = copy.copy();
        assertThat(copy.revealString()).isEqualTo(value);
        copy.destroy(); // destroying a copy ends access through that copy only
        assertThat(handed.revealString()).isEqualTo(value);
        assertThat(copyOfCopy.revealString()).isEqualTo(value);
        assertThat(observed.revealString()).isEqualTo(value);
      }
      for (SecretValue v : List.of(copy, observed, copyOfCopy)) {
        assertThat(v.isDestroyed()).isTrue();
        assertThatThrownBy(v::revealString).isInstanceOf(IllegalStateException.class)
            .hasMessageNotContaining(value);
        assertThatThrownBy(v::copy).isInstanceOf(IllegalStateException.class);
      }
    }
  }

  @Test
  void copyOfAHandedOutValue_isAuditedLikeTheValueItself() {
    try (Keyhole k = keyhole(InMemoryProvider.create().put("t", value), "memory:t",
        CacheSettings.defaults());
        TaskScope task = k.openTask("token")) {
      SecretValue copy = task.resolve(task.handle("token"), Use.byTool("http_request")).copy();
      int before = audit.events(AuditEventType.VALUE_REVEALED).size();
      copy.revealChars();
      assertThat(audit.events(AuditEventType.VALUE_REVEALED)).hasSize(before + 1);
    }
  }

  /** Returns a fresh value object per call and remembers each, so a test can see who wiped it. */
  private final class RecordingProvider implements SecretProvider {
    final List<SecretValue> returned = new CopyOnWriteArrayList<>();
    volatile CountDownLatch gate;

    @Override
    public String id() {
      return "rec";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("rec");
    }

    @Override
    public ResolvedSecret resolve(SecretRef ref) {
      CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ProviderUnavailableException("interrupted");
        }
      }
      SecretValue v = SecretValue.ofString(value);
      returned.add(v);
      return ResolvedSecret.of(v);
    }
  }

  // Attack: with caching disabled the operator expects no value to stay in memory after a task,
  // but the cache kept the provider's answer until a sweep that may never run.
  @Test
  void disabledCache_keepsNoCopy_onceTheTaskIsClosed() {
    RecordingProvider provider = new RecordingProvider();
    try (Keyhole k = keyhole(provider, "rec:t", CacheSettings.disabled())) {
      try (TaskScope task = k.openTask("token")) {
        assertThat(task.resolve(task.handle("token"), Use.byTool("http_request")).revealString())
            .isEqualTo(value);
      }
      try (TaskScope task = k.openTask("token")) {
        task.resolve(task.handle("token"), Use.byTool("http_request")).destroy();
      }
      assertThat(provider.returned).hasSize(2).allMatch(SecretValue::isDestroyed);
    }
  }

  @Test
  void disabledCache_concurrentResolutions_allGetTheValue_andNothingIsKept() throws Exception {
    RecordingProvider provider = new RecordingProvider();
    provider.gate = new CountDownLatch(1);
    int n = 16;
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try (Keyhole k = keyhole(provider, "rec:t", CacheSettings.disabled())) {
      List<TaskScope> tasks = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        tasks.add(k.openTask(TaskOptions.builder().taskId("t" + i).grants("token").build()));
      }
      List<Future<String>> results = new ArrayList<>();
      for (TaskScope t : tasks) {
        results.add(pool.submit(
            () -> t.resolve(t.handle("token"), Use.byTool("http_request")).revealString()));
      }
      provider.gate.countDown();
      for (Future<String> f : results) {
        assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(value);
      }
      tasks.forEach(TaskScope::close);
      assertThat(provider.returned).isNotEmpty().hasSizeLessThanOrEqualTo(n)
          .allMatch(SecretValue::isDestroyed);
    } finally {
      pool.shutdownNow();
    }
  }
}
