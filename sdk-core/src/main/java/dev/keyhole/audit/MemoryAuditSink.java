package dev.keyhole.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** Keeps events in memory (for tests, demos and audit tables). Thread-safe. */
public final class MemoryAuditSink implements AuditSink {
  private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

  public static MemoryAuditSink create() {
    return new MemoryAuditSink();
  }

  @Override
  public void record(AuditEvent event) {
    events.add(event);
  }

  /** A snapshot of every event so far, oldest first. */
  public List<AuditEvent> events() {
    return List.copyOf(events);
  }

  /** The events of one type. */
  public List<AuditEvent> events(AuditEventType type) {
    return events.stream().filter(e -> e.type() == type).toList();
  }

  /** The events matching {@code filter}. */
  public List<AuditEvent> events(Predicate<AuditEvent> filter) {
    return events.stream().filter(filter).toList();
  }

  public void clear() {
    events.clear();
  }
}
