package dev.keyhole.testkit;

import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.AuditSink;
import dev.keyhole.audit.JsonLinesAuditSink;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Records audit events and checks that none of them carries a planted value. Thread-safe. */
public final class RecordingAuditSink implements AuditSink {
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  public static RecordingAuditSink create() {
    return new RecordingAuditSink();
  }

  @Override
  public void record(AuditEvent event) {
    events.add(event);
  }

  public List<AuditEvent> events() {
    return List.copyOf(events);
  }

  public List<AuditEvent> events(AuditEventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  public List<AuditEvent> events(Predicate<AuditEvent> filter) {
    return events.stream().filter(filter).toList();
  }

  /** The types of all events so far, in order. */
  public List<AuditEventType> types() {
    return events.stream().map(AuditEvent::type).toList();
  }

  public void clear() {
    events.clear();
  }

  /** Every event as JSON Lines text (what {@link JsonLinesAuditSink} would write). */
  public String asJsonLines() {
    StringBuilder sb = new StringBuilder();
    for (AuditEvent e : events) {
      sb.append(JsonLinesAuditSink.toJson(e)).append('\n');
    }
    return sb.toString();
  }

  /** Fails if any event's JSON or {@code toString} holds any of {@code secrets} in any encoding. */
  public void assertNoValue(String... secrets) {
    StringBuilder all = new StringBuilder(asJsonLines());
    events.forEach(e -> all.append(e).append('\n'));
    LeakAssertions.assertNoLeak("audit events", all.toString(), secrets);
  }
}
