package dev.keyhole.springboot;

import dev.keyhole.Keyhole;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditSink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;

/**
 * Keyhole's meters, fed from its audit events (so they count exactly what is audited, and like the
 * audit never see a value). Tags are tool names, providers, outcomes and reason codes.
 *
 * <ul>
 *   <li>{@code keyhole.resolutions} (counter; tool): uses of a handle that policy allowed;
 *   <li>{@code keyhole.denials} (counter; reason): uses denied, by reason code;
 *   <li>{@code keyhole.provider.calls} (timer; provider, outcome): provider latency and outcome;
 *   <li>{@code keyhole.tool.calls} (counter; tool, outcome): guarded tool calls;
 *   <li>{@code keyhole.redactions} (counter; where): values redacted from outgoing text;
 *   <li>{@code keyhole.tasks.open} (gauge): open task scopes.
 * </ul>
 */
public final class KeyholeMeters implements AuditSink {
  private final MeterRegistry registry;

  public KeyholeMeters(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Registers the open-tasks gauge for {@code keyhole}. */
  public void bind(Keyhole keyhole) {
    Gauge.builder("keyhole.tasks.open", keyhole, k -> k.openTasks().size())
        .description("Open Keyhole task scopes").register(registry);
  }

  @Override
  public void record(AuditEvent e) {
    switch (e.type()) {
      case USE_ALLOWED -> count("keyhole.resolutions", "Handle uses allowed by policy", "tool", e.tool());
      case USE_DENIED -> count("keyhole.denials", "Handle uses denied", "reason", e.reason());
      case TOOL_CALLED, TOOL_FAILED -> Counter.builder("keyhole.tool.calls").description("Guarded tool calls")
          .tag("tool", tag(e.tool())).tag("outcome", tag(e.outcome())).register(registry).increment();
      case REDACTION_HIT -> count("keyhole.redactions", "Values redacted", "where", e.attributes().get("where"));
      case PROVIDER_CALL -> Timer.builder("keyhole.provider.calls").description("Secret provider calls")
          .tag("provider", tag(e.provider())).tag("outcome", tag(e.outcome())).register(registry)
          .record(Duration.ofMillis(e.latencyMillis() == null ? 0 : e.latencyMillis()));
      default -> { }
    }
  }

  private void count(String name, String description, String tag, @org.jspecify.annotations.Nullable String value) {
    Counter.builder(name).description(description).tag(tag, tag(value)).register(registry).increment();
  }

  private static String tag(@org.jspecify.annotations.Nullable String v) {
    return v == null || v.isBlank() ? "none" : v;
  }
}
