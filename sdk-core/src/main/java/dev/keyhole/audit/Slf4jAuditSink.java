package dev.keyhole.audit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each event as one JSON line through SLF4J, logger {@code dev.keyhole.audit} by default:
 * denials and failures at WARN, everything else at INFO.
 */
public final class Slf4jAuditSink implements AuditSink {
  private final Logger logger;

  private Slf4jAuditSink(Logger logger) {
    this.logger = logger;
  }

  public static Slf4jAuditSink create() {
    return new Slf4jAuditSink(LoggerFactory.getLogger("dev.keyhole.audit"));
  }

  public static Slf4jAuditSink withLogger(String name) {
    return new Slf4jAuditSink(LoggerFactory.getLogger(name));
  }

  @Override
  public void record(AuditEvent event) {
    boolean warn =
        switch (event.type()) {
          case USE_DENIED, APPROVAL_DENIED, TOOL_FAILED, STALE_SERVED, REDACTION_HIT, DETECTION -> true;
          default -> "error".equals(event.outcome());
        };
    String line = JsonLinesAuditSink.toJson(event);
    if (warn) {
      logger.warn("{}", line);
    } else {
      logger.info("{}", line);
    }
  }
}
