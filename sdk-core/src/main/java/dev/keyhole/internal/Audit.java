package dev.keyhole.internal;

import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.AuditSink;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Wraps the user's sink: timestamps from the clock, and a failing sink never breaks a call. */
public final class Audit {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);

  private final AuditSink sink;
  private final Clock clock;
  private final AtomicBoolean warned = new AtomicBoolean();

  public Audit(AuditSink sink, Clock clock) {
    this.sink = sink;
    this.clock = clock;
  }

  /** False when the sink drops everything, so callers can skip building events. */
  public boolean enabled() {
    return sink != AuditSink.noop();
  }

  public AuditEvent.Builder event(AuditEventType type) {
    return AuditEvent.builder(type, clock.instant());
  }

  public void record(AuditEvent.Builder b) {
    try {
      sink.record(b.build());
    } catch (RuntimeException e) {
      if (warned.compareAndSet(false, true)) {
        LOG.warn("Audit sink {} failed ({}); further failures are not logged",
            sink.getClass().getName(), e.getClass().getName());
      }
    }
  }
}
