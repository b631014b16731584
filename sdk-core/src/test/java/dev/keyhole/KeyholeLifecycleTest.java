package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.audit.Slf4jAuditSink;
import dev.keyhole.providers.EnvProvider;
import dev.keyhole.providers.InMemoryProvider;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyholeLifecycleTest {
  @Test
  void close_closesOpenTasks_andRefusesNewOnes() {
    MemoryAuditSink audit = MemoryAuditSink.create();
    Keyhole k = Keyhole.builder().provider(InMemoryProvider.create().put("a", TestSupport.randomSecret()))
        .auditSink(audit).expirySweep(false).build();
    TaskScope t = k.openTask(TaskOptions.builder().grant(Grant.builder("a").ref("memory:a").tools("*").build()).build());
    t.resolve(SecretHandle.of("a"), Use.byTool("x")).destroy();
    k.close();
    assertThat(t.isOpen()).isFalse();
    assertThat(audit.events(AuditEventType.TASK_CLOSED)).hasSize(1);
    assertThatThrownBy(() -> k.openTask(TaskOptions.builder().build()))
        .isInstanceOf(KeyholeException.class).hasMessageContaining("closed");
    k.close(); // idempotent
  }

  @Test
  void cache_sizeBound_evictsAndKeepsServing() {
    TestSupport.CountingProvider p = new TestSupport.CountingProvider();
    p.values.put("a", TestSupport.randomSecret());
    p.values.put("b", TestSupport.randomSecret());
    Policy policy = Policy.builder()
        .grant(Grant.builder("a").ref("test:a").tools("*").build())
        .grant(Grant.builder("b").ref("test:b").tools("*").build()).build();
    try (Keyhole k = Keyhole.builder().provider(p).policy(policy)
        .cache(CacheSettings.defaults().withMaxEntries(1)).expirySweep(false).build()) {
      for (int i = 0; i < 3; i++) {
        try (TaskScope t = k.openTask("a", "b")) {
          assertThat(t.resolve(SecretHandle.of("a"), Use.byTool("x")).revealString()).isEqualTo(p.values.get("a"));
          assertThat(t.resolve(SecretHandle.of("b"), Use.byTool("x")).revealString()).isEqualTo(p.values.get("b"));
        }
      }
      // with room for one entry, each task fetches at least one of the two again
      assertThat(p.calls.get()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void duplicateSchemesOrIds_areConfigurationErrors() {
    assertThatThrownBy(() -> Keyhole.builder().provider(EnvProvider.of(Map.of()))
        .provider(EnvProvider.of(Map.of())).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'env'");
    assertThatThrownBy(() -> Keyhole.builder().resilience("nope", ResilienceSettings.defaults()).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no provider or issuer has that id");
  }

  @Test
  void duplicateTaskIds_areRejected() {
    try (Keyhole k = Keyhole.builder().expirySweep(false).build()) {
      k.openTask(TaskOptions.builder().taskId("same").build());
      assertThatThrownBy(() -> k.openTask(TaskOptions.builder().taskId("same").build()))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("already open");
    }
  }

  @Test
  void slf4jSink_writesJsonWithoutValues() {
    String v = TestSupport.randomSecret();
    Slf4jAuditSink sink = Slf4jAuditSink.withLogger("keyhole-test-audit");
    try (Keyhole k = Keyhole.builder().provider(InMemoryProvider.create().put("a", v)).auditSink(sink)
        .expirySweep(false).build();
        TaskScope t = k.openTask(TaskOptions.builder().grant(Grant.builder("a").ref("memory:a").tools("*").build()).build())) {
      assertThat(ToolGuard.builder(t).handleParameters("echo", "x").build().call("echo", "{\"x\":\"secret://a\"}", inv -> inv.arguments()))
          .doesNotContain(v).contains("secret://a");
    }
    String logFile = System.getProperty("org.slf4j.simpleLogger.logFile");
    org.junit.jupiter.api.Assumptions.assumeTrue(logFile != null && !logFile.equals("System.err"));
    String log = readQuietly(java.nio.file.Path.of(logFile));
    assertThat(log).contains("keyhole-test-audit").contains("\"type\":\"TOOL_CALLED\"").doesNotContain(v);
  }

  private static String readQuietly(java.nio.file.Path p) {
    try {
      return java.nio.file.Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void discoverProviders_isOptIn() {
    Grant g = Grant.builder("d").ref("discovered:x").tools("*").build();
    try (Keyhole plain = Keyhole.builder().expirySweep(false).build()) {
      assertThatThrownBy(() -> plain.openTask(TaskOptions.builder().grant(g).build()))
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("'discovered'");
    }
    try (Keyhole k = Keyhole.builder().discoverProviders().expirySweep(false).build();
        TaskScope t = k.openTask(TaskOptions.builder().grant(g).build())) {
      assertThat(t.resolve(SecretHandle.of("d"), Use.byTool("x")).revealString())
          .isEqualTo(DiscoverableTestProvider.VALUE);
    }
  }
}
