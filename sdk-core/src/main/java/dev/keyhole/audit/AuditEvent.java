package dev.keyhole.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * One structured audit record. Carries ids, names, references, outcomes and, where a value must be
 * identified, a keyed HMAC-SHA256 fingerprint; never a value.
 *
 * <p>Security: every field is either an identifier chosen by configuration (task id, handle name,
 * tool name, reference, provider id) or a fixed vocabulary (type, outcome, reason). Free text from
 * tools or providers is redacted before it gets here.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time", "type", "taskId", "agentId", "handle", "tool", "destination", "outcome",
    "reason", "provider", "reference", "latencyMillis", "fingerprint", "attributes"})
public final class AuditEvent {
  private final Instant time;
  private final AuditEventType type;
  private final @Nullable String taskId;
  private final @Nullable String agentId;
  private final @Nullable String handle;
  private final @Nullable String tool;
  private final @Nullable String destination;
  private final @Nullable String outcome;
  private final @Nullable String reason;
  private final @Nullable String provider;
  private final @Nullable String reference;
  private final @Nullable Long latencyMillis;
  private final @Nullable String fingerprint;
  private final Map<String, String> attributes;

  private AuditEvent(Builder b) {
    this.time = Objects.requireNonNull(b.time, "time");
    this.type = Objects.requireNonNull(b.type, "type");
    this.taskId = b.taskId;
    this.agentId = b.agentId;
    this.handle = b.handle;
    this.tool = b.tool;
    this.destination = b.destination;
    this.outcome = b.outcome;
    this.reason = b.reason;
    this.provider = b.provider;
    this.reference = b.reference;
    this.latencyMillis = b.latencyMillis;
    this.fingerprint = b.fingerprint;
    this.attributes = Collections.unmodifiableMap(new TreeMap<>(b.attributes));
  }

  public static Builder builder(AuditEventType type, Instant time) {
    return new Builder(type, time);
  }

  public Instant time() { return time; }
  public AuditEventType type() { return type; }
  public @Nullable String taskId() { return taskId; }
  public @Nullable String agentId() { return agentId; }
  /** The handle name (not the token). */
  public @Nullable String handle() { return handle; }
  public @Nullable String tool() { return tool; }
  /** The destination host of a use, when the tool has one. */
  public @Nullable String destination() { return destination; }
  /** {@code ok}, {@code denied}, {@code not_found}, {@code error}, ... */
  public @Nullable String outcome() { return outcome; }
  /** Why: the policy reason of a denial, the error type of a failure. */
  public @Nullable String reason() { return reason; }
  public @Nullable String provider() { return provider; }
  /** The secret reference ({@code env:GITHUB_TOKEN}); references are not secret. */
  public @Nullable String reference() { return reference; }
  public @Nullable Long latencyMillis() { return latencyMillis; }
  /** {@code hmac-sha256:<hex>} keyed per Keyhole instance; identifies a value without revealing it. */
  public @Nullable String fingerprint() { return fingerprint; }
  public Map<String, String> attributes() { return attributes; }

  // Jackson reads the accessors above through these bean-style names.
  @com.fasterxml.jackson.annotation.JsonGetter("time") String jsonTime() { return time.toString(); }
  @com.fasterxml.jackson.annotation.JsonGetter("type") String jsonType() { return type.name(); }
  @com.fasterxml.jackson.annotation.JsonGetter("taskId") @Nullable String jsonTaskId() { return taskId; }
  @com.fasterxml.jackson.annotation.JsonGetter("agentId") @Nullable String jsonAgentId() { return agentId; }
  @com.fasterxml.jackson.annotation.JsonGetter("handle") @Nullable String jsonHandle() { return handle; }
  @com.fasterxml.jackson.annotation.JsonGetter("tool") @Nullable String jsonTool() { return tool; }
  @com.fasterxml.jackson.annotation.JsonGetter("destination") @Nullable String jsonDestination() { return destination; }
  @com.fasterxml.jackson.annotation.JsonGetter("outcome") @Nullable String jsonOutcome() { return outcome; }
  @com.fasterxml.jackson.annotation.JsonGetter("reason") @Nullable String jsonReason() { return reason; }
  @com.fasterxml.jackson.annotation.JsonGetter("provider") @Nullable String jsonProvider() { return provider; }
  @com.fasterxml.jackson.annotation.JsonGetter("reference") @Nullable String jsonReference() { return reference; }
  @com.fasterxml.jackson.annotation.JsonGetter("latencyMillis") @Nullable Long jsonLatency() { return latencyMillis; }
  @com.fasterxml.jackson.annotation.JsonGetter("fingerprint") @Nullable String jsonFingerprint() { return fingerprint; }
  @com.fasterxml.jackson.annotation.JsonGetter("attributes") @Nullable Map<String, String> jsonAttributes() {
    return attributes.isEmpty() ? null : attributes;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("AuditEvent[").append(time).append(' ').append(type);
    append(sb, "task", taskId);
    append(sb, "agent", agentId);
    append(sb, "handle", handle);
    append(sb, "tool", tool);
    append(sb, "destination", destination);
    append(sb, "outcome", outcome);
    append(sb, "reason", reason);
    append(sb, "provider", provider);
    append(sb, "reference", reference);
    if (latencyMillis != null) {
      sb.append(" latencyMillis=").append(latencyMillis);
    }
    append(sb, "fingerprint", fingerprint);
    if (!attributes.isEmpty()) {
      sb.append(' ').append(attributes);
    }
    return sb.append(']').toString();
  }

  private static void append(StringBuilder sb, String k, @Nullable String v) {
    if (v != null) {
      sb.append(' ').append(k).append('=').append(v);
    }
  }

  /** Builds an {@link AuditEvent}. */
  public static final class Builder {
    private final Instant time;
    private final AuditEventType type;
    private @Nullable String taskId;
    private @Nullable String agentId;
    private @Nullable String handle;
    private @Nullable String tool;
    private @Nullable String destination;
    private @Nullable String outcome;
    private @Nullable String reason;
    private @Nullable String provider;
    private @Nullable String reference;
    private @Nullable Long latencyMillis;
    private @Nullable String fingerprint;
    private final Map<String, String> attributes = new TreeMap<>();

    private Builder(AuditEventType type, Instant time) {
      this.type = type;
      this.time = time;
    }

    public Builder taskId(@Nullable String v) { this.taskId = v; return this; }
    public Builder agentId(@Nullable String v) { this.agentId = v; return this; }
    public Builder handle(@Nullable String v) { this.handle = v; return this; }
    public Builder tool(@Nullable String v) { this.tool = v; return this; }
    public Builder destination(@Nullable String v) { this.destination = v; return this; }
    public Builder outcome(@Nullable String v) { this.outcome = v; return this; }
    public Builder reason(@Nullable String v) { this.reason = v; return this; }
    public Builder provider(@Nullable String v) { this.provider = v; return this; }
    public Builder reference(@Nullable String v) { this.reference = v; return this; }
    public Builder latency(@Nullable Duration v) { this.latencyMillis = v == null ? null : v.toMillis(); return this; }
    public Builder fingerprint(@Nullable String v) { this.fingerprint = v; return this; }
    public Builder attribute(String k, String v) { attributes.put(k, v); return this; }

    public AuditEvent build() {
      return new AuditEvent(this);
    }
  }
}
