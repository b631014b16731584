package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.JsonLinesAuditSink;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;

class AuditNoValueTest {
  @RepeatedTest(5)
  void everyAuditEvent_isFreeOfPlantedValues() {
    String a = TestSupport.randomSecret();
    String b = TestSupport.randomSecret();
    MemoryAuditSink memory = MemoryAuditSink.create();
    ByteArrayOutputStream jsonl = new ByteArrayOutputStream();
    JsonLinesAuditSink lines = JsonLinesAuditSink.toStream(jsonl);
    Policy p = Policy.builder()
        .grant(Grant.builder("a").ref("memory:a").tools("tool").destinations("api.example.com").maxUses(2).build())
        .grant(Grant.builder("b").ref("memory:b").tools("tool").destinations("api.example.com").approvalRequired(true).build())
        .build();
    try (Keyhole k = Keyhole.builder().provider(InMemoryProvider.create().put("a", a).put("b", b))
        .policy(p).auditSink(dev.keyhole.audit.AuditSink.all(memory, lines))
        .approvalHandler(r -> ApprovalDecision.deny("no; request was " + r.arguments()))
        .expirySweep(false).build()) {
      TaskScope t = k.openTask(TaskOptions.builder().allPolicyGrants().agentId("agent-1").build());
      ToolGuard g = ToolGuard.builder(t).destinationParameter("tool", "url").handleParameters("tool", "x").build();
      g.call("tool", "{\"url\":\"https://api.example.com\",\"x\":\"secret://a\"}", inv -> "got " + inv.arguments());
      Throwable t0 = catchThrowable(() -> g.call("tool", "{\"url\":\"https://api.example.com\",\"x\":\"secret://a\"}",
          inv -> { throw new RuntimeException("failed with " + inv.secret("a").revealString()); }));
      Throwable t1 = catchThrowable(() -> g.call("tool", "{\"url\":\"https://api.example.com\",\"x\":\"secret://a\"}", inv -> ""));
      Throwable t2 = catchThrowable(() -> g.call("tool", "{\"url\":\"https://evil.example\",\"x\":\"secret://a\"}", inv -> ""));
      Throwable t3 = catchThrowable(() -> g.call("tool", "{\"url\":\"https://api.example.com\",\"x\":\"secret://b\"}", inv -> ""));
      assertThat(java.util.List.of(t0, t1, t2, t3)).allSatisfy(x -> assertThat(x).isInstanceOf(KeyholeException.class));
      t.close();
    }
    List<AuditEvent> events = memory.events();
    assertThat(events).extracting(AuditEvent::type).contains(AuditEventType.TASK_OPENED,
        AuditEventType.HANDLE_GRANTED, AuditEventType.USE_ALLOWED, AuditEventType.USE_DENIED,
        AuditEventType.APPROVAL_REQUESTED, AuditEventType.APPROVAL_DENIED, AuditEventType.PROVIDER_CALL,
        AuditEventType.TOOL_CALLED, AuditEventType.TOOL_FAILED, AuditEventType.REDACTION_HIT,
        AuditEventType.VALUE_REVEALED, AuditEventType.TASK_CLOSED);
    StringBuilder all = new StringBuilder(jsonl.toString(StandardCharsets.UTF_8));
    events.forEach(e -> all.append(e).append('\n'));
    for (String v : List.of(a, b)) {
      byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
      assertThat(all.toString()).doesNotContain(v)
          .doesNotContain(Base64.getEncoder().encodeToString(bytes).substring(0, 40))
          .doesNotContain(HexFormat.of().formatHex(bytes));
    }
    assertThat(jsonl.toString(StandardCharsets.UTF_8).lines()).hasSize(events.size())
        .allSatisfy(l -> assertThat(l).startsWith("{\"time\":"));
  }
}
