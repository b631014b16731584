package dev.keyhole.langchain4j;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A real Keyhole (in-memory provider, memory audit sink) with random planted values. Grants are
 * added per test with {@link #grant}.
 */
final class Fixture implements AutoCloseable {
  final InMemoryProvider provider = InMemoryProvider.create();
  final MemoryAuditSink audit = MemoryAuditSink.create();
  final Keyhole keyhole;
  private final Map<String, String> values = new LinkedHashMap<>();

  Fixture() {
    this.keyhole = Keyhole.builder().provider(provider).auditSink(audit).expirySweep(false).build();
  }

  /** Plants a fresh random value under {@code memory:NAME} and returns it. */
  String plant(String name) {
    return plant(name, Planted.value());
  }

  String plant(String name, String value) {
    provider.put(name, value);
    values.put(name, value);
    return value;
  }

  String value(String name) {
    return values.get(name);
  }

  /** Every planted value. */
  List<String> values() {
    return new ArrayList<>(values.values());
  }

  /** A grant of {@code memory:NAME} for {@code tools}. */
  static Grant.Builder grant(String name, String... tools) {
    return Grant.builder(name).ref("memory:" + name).tools(tools);
  }

  TaskScope open(String taskId, Grant... grants) {
    TaskOptions.Builder b = TaskOptions.builder().taskId(taskId);
    for (Grant g : grants) {
      b.grant(g);
    }
    return keyhole.openTask(b.build());
  }

  /** Every audit event as text, for leak checks. */
  String auditText() {
    return audit.events().stream().map(AuditEvent::toString).collect(Collectors.joining("\n"));
  }

  @Override
  public void close() {
    keyhole.close();
    provider.close();
  }
}
