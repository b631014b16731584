package dev.keyhole.audit;

/**
 * Receives audit events. Implementations must be thread-safe and must not throw: a failing sink is
 * logged once by Keyhole and otherwise ignored, so that auditing never breaks a tool call.
 */
@FunctionalInterface
public interface AuditSink {
  /** Records one event. */
  void record(AuditEvent event);

  /** A sink that drops everything. */
  static AuditSink noop() {
    return NoopAuditSink.INSTANCE;
  }

  /** Sends every event to each of {@code sinks} in turn. */
  static AuditSink all(AuditSink... sinks) {
    AuditSink[] copy = sinks.clone();
    return e -> {
      for (AuditSink s : copy) {
        s.record(e);
      }
    };
  }
}

/** The one no-op sink, so that Keyhole can recognise it and skip building events. */
enum NoopAuditSink implements AuditSink {
  INSTANCE;

  @Override
  public void record(AuditEvent event) {}
}
