package dev.keyhole;

import dev.keyhole.audit.AuditSink;
import dev.keyhole.internal.Broker;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.SecretDetector;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.SecretProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * The broker, built once per application: providers, credential issuers, policy, audit sink,
 * approval handler, cache and resilience settings, and the clock.
 *
 * <pre>{@code
 * Keyhole keyhole = Keyhole.builder()
 *     .provider(EnvProvider.create())
 *     .policy(Policy.load(Path.of("keyhole-policy.yaml")))
 *     .auditSink(JsonLinesAuditSink.toFile(Path.of("audit.jsonl")))
 *     .build();
 * try (TaskScope task = keyhole.openTask(TaskOptions.builder().grants("github_token").build())) {
 *   String result = task.toolGuard().call("http_request", argsJson, call -> ...);
 * }
 * }</pre>
 *
 * <p>Security: {@link #close()} closes every open task (revoking and wiping), wipes the cache and
 * stops Keyhole's threads. Thread-safe.
 */
public final class Keyhole implements AutoCloseable {
  private final Broker broker;

  private Keyhole(Builder b) {
    this.broker = new Broker(b.providers, b.issuers, b.policy, b.auditSink, b.approvalHandler,
        b.clock, b.cache, b.resilience, b.resilienceById, b.fingerprintKey, b.redactionEngine,
        b.expirySweep, b.detectorMode, b.detectors, b.workspace, b.sleeper);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a task scope.
   *
   * @throws PolicyViolationException if a named grant is not in the policy
   * @throws ConfigurationException if a grant's scheme or issuer is not registered
   */
  public TaskScope openTask(TaskOptions options) {
    return broker.openTask(options);
  }

  /** Opens a task with a random id that uses the named policy grants. */
  public TaskScope openTask(String... grantNames) {
    return openTask(TaskOptions.builder().grants(grantNames).build());
  }

  /**
   * The redactor that knows the values of every open task (and of recently closed ones, and of the
   * policy's protected files), with the detectors of {@link Builder#detectors} when they are on.
   * Every output path uses it: tool results and errors, process and HTTP tool output, and the
   * model and memory guards of the framework adapters.
   */
  public Redactor redactor() {
    return broker.redactor();
  }

  public Policy policy() {
    return broker.policy();
  }

  public Clock clock() {
    return broker.clock();
  }

  /** The keyed fingerprint Keyhole writes to audit events for a value ({@code hmac-sha256:...}). */
  public String fingerprint(SecretValue value) {
    return broker.fingerprint(value);
  }

  /** Closes every task whose TTL has run out. Runs by itself once a second; tests may call it. */
  public void sweepExpired() {
    broker.sweepExpired();
  }

  /** The tasks currently open. */
  public List<TaskScope> openTasks() {
    return broker.openTasks();
  }

  /** Closes every open task, wipes the cache, closes providers and issuers, stops threads. */
  @Override
  public void close() {
    broker.close();
  }

  @Override
  public String toString() {
    return "Keyhole[" + broker + "]";
  }

  /** Builds a {@link Keyhole}. Registration is explicit; {@link #discoverProviders()} is opt-in. */
  public static final class Builder {
    private final List<SecretProvider> providers = new ArrayList<>();
    private final List<CredentialIssuer> issuers = new ArrayList<>();
    private Policy policy = Policy.empty();
    private AuditSink auditSink = AuditSink.noop();
    private ApprovalHandler approvalHandler = ApprovalHandler.denyAll();
    private Clock clock = Clock.systemUTC();
    private CacheSettings cache = CacheSettings.defaults();
    private ResilienceSettings resilience = ResilienceSettings.defaults();
    private final Map<String, ResilienceSettings> resilienceById = new HashMap<>();
    private byte @Nullable [] fingerprintKey;
    private @Nullable RedactionEngine redactionEngine;
    private boolean expirySweep = true;
    private DetectorMode detectorMode = DetectorMode.OFF;
    private List<? extends SecretDetector> detectors = Detectors.defaults();
    private java.nio.file.@Nullable Path workspace;
    private Sleeper sleeper = Sleeper.system();

    private Builder() {}

    /**
     * Runs the {@link Detectors#defaults() built-in detectors} for secrets Keyhole never issued in
     * every output path, behind the redaction of known values: {@code FLAG} audits each hit
     * ({@code DETECTION}, detector id and kind, never the text), {@code REDACT} also replaces it
     * with {@code [REDACTED:detector-id]}. Default {@code OFF}: detectors are heuristics.
     */
    public Builder detectors(DetectorMode mode) {
      this.detectorMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Same, with these detectors instead of the built-in ones. */
    public Builder detectors(DetectorMode mode, List<? extends SecretDetector> detectors) {
      this.detectorMode = Objects.requireNonNull(mode, "mode");
      this.detectors = List.copyOf(Objects.requireNonNull(detectors, "detectors"));
      return this;
    }

    /**
     * The default tool root: the policy's {@code protect:} paths are read relative to it when a
     * task opens (a task may give its own with {@link TaskOptions.Builder#root}).
     */
    public Builder workspace(java.nio.file.Path root) {
      this.workspace = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
      return this;
    }

    /** Registers a provider; its schemes must not overlap another provider's. */
    public Builder provider(SecretProvider provider) {
      providers.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    /** Registers a credential issuer. */
    public Builder issuer(CredentialIssuer issuer) {
      issuers.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** Adds every {@link SecretProvider} and {@link CredentialIssuer} found by ServiceLoader. */
    public Builder discoverProviders() {
      ServiceLoader.load(SecretProvider.class).forEach(providers::add);
      ServiceLoader.load(CredentialIssuer.class).forEach(issuers::add);
      return this;
    }

    public Builder policy(Policy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    public Builder auditSink(AuditSink sink) {
      this.auditSink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /** Who approves grants marked for approval. Default: deny (fail closed). */
    public Builder approvalHandler(ApprovalHandler handler) {
      this.approvalHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** The clock for TTLs, expiry and audit timestamps. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder cache(CacheSettings settings) {
      this.cache = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Resilience settings for every provider and issuer without their own. */
    public Builder resilience(ResilienceSettings settings) {
      this.resilience = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Resilience settings for one provider or issuer, by id. */
    public Builder resilience(String providerOrIssuerId, ResilienceSettings settings) {
      resilienceById.put(Objects.requireNonNull(providerOrIssuerId), Objects.requireNonNull(settings));
      return this;
    }

    /**
     * The HMAC key for audit fingerprints (at least 32 bytes). Default: random per instance, so
     * fingerprints correlate within one process only. Give a stable key to correlate across runs.
     */
    public Builder fingerprintKey(byte[] key) {
      if (key.length < 32) {
        throw new IllegalArgumentException("fingerprint key must be at least 32 bytes, was " + key.length);
      }
      this.fingerprintKey = key.clone();
      return this;
    }

    /** Replaces the redaction engine (advanced; the default is Keyhole's own matcher). */
    public Builder redactionEngine(RedactionEngine engine) {
      this.redactionEngine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * How retries wait between attempts (default: {@link Sleeper#system()}). Tests pass one that
     * advances their fake clock, so backoff and Retry-After are checked without waiting.
     */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Whether a background thread closes expired tasks once a second (default true). */
    public Builder expirySweep(boolean on) {
      this.expirySweep = on;
      return this;
    }

    /**
     * Validates the configuration and builds.
     *
     * @throws ConfigurationException for duplicate ids or schemes, or policy grants whose scheme
     *     or issuer is not registered
     */
    public Keyhole build() {
      return new Keyhole(this);
    }
  }
}
