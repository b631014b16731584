package dev.keyhole.testkit;

import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.AuditSink;
import dev.keyhole.audit.JsonLinesAuditSink;
import dev.keyhole.audit.MemoryAuditSink;
import java.util.List;
import java.util.function.Predicate;

/** Records audit events and checks that none of them carries a planted value. Thread-safe. */
public final class RecordingAuditSink implements AuditSink {
  private final MemoryAuditSink events = MemoryAuditSink.create();

  public static RecordingAuditSink create() {
    return new RecordingAuditSink();
  }

  @Override
  public void record(AuditEvent event) {
    events.record(event);
  }

  public List<AuditEvent> events() {
    return events.events();
  }

  public List<AuditEvent> events(AuditEventType type) {
    return events.events(type);
  }

  public List<AuditEvent> events(Predicate<AuditEvent> filter) {
    return events.events(filter);
  }

  /** The types of all events so far, in order. */
  public List<AuditEventType> types() {
    return events().stream().map(AuditEvent::type).toList();
  }

  public void clear() {
    events.clear();
  }

  /** Every event as JSON Lines text (what {@link JsonLinesAuditSink} would write). */
  public String asJsonLines() {
    StringBuilder sb = new StringBuilder();
    for (AuditEvent e : events()) {
      sb.append(JsonLinesAuditSink.toJson(e)).append('\n');
    }
    return sb.toString();
  }

  /** Fails if any event's JSON or {@code toString} holds any of {@code secrets} in any encoding. */
  public void assertNoValue(String... secrets) {
    StringBuilder all = new StringBuilder(asJsonLines());
    events().forEach(e -> all.append(e).append('\n'));
    LeakAssertions.assertNoLeak("audit events", all.toString(), secrets);
  }
}
