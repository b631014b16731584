package dev.keyhole;

import dev.keyhole.audit.AuditSink;
import dev.keyhole.internal.Broker;
import dev.keyhole.internal.BrokerSettings;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.redact.SecretDetector;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.SecretProvider;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;

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
    this.broker = new Broker(b.settings.build());
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
    private final BrokerSettings.Builder settings = BrokerSettings.builder();

    private Builder() {}

    /**
     * Runs the {@link dev.keyhole.redact.Detectors#defaults() built-in detectors} for secrets Keyhole never issued in
     * every output path, behind the redaction of known values: {@code FLAG} audits each hit
     * ({@code DETECTION}, detector id and kind, never the text), {@code REDACT} also replaces it
     * with {@code [REDACTED:detector-id]}. Default {@code OFF}: detectors are heuristics.
     */
    public Builder detectors(DetectorMode mode) {
      settings.detectorMode(Objects.requireNonNull(mode, "mode"));
      return this;
    }

    /** Same, with these detectors instead of the built-in ones. */
    public Builder detectors(DetectorMode mode, List<? extends SecretDetector> detectors) {
      settings.detectorMode(Objects.requireNonNull(mode, "mode"))
          .detectors(Objects.requireNonNull(detectors, "detectors"));
      return this;
    }

    /**
     * The default tool root: the policy's {@code protect:} paths are read relative to it when a
     * task opens (a task may give its own with {@link TaskOptions.Builder#root}).
     */
    public Builder workspace(java.nio.file.Path root) {
      settings.workspace(Objects.requireNonNull(root, "root").toAbsolutePath().normalize());
      return this;
    }

    /** Registers a provider; its schemes must not overlap another provider's. */
    public Builder provider(SecretProvider provider) {
      settings.provider(provider);
      return this;
    }

    /** Registers a credential issuer. */
    public Builder issuer(CredentialIssuer issuer) {
      settings.issuer(issuer);
      return this;
    }

    /** Adds every {@link SecretProvider} and {@link CredentialIssuer} found by ServiceLoader. */
    public Builder discoverProviders() {
      ServiceLoader.load(SecretProvider.class).forEach(settings::provider);
      ServiceLoader.load(CredentialIssuer.class).forEach(settings::issuer);
      return this;
    }

    public Builder policy(Policy policy) {
      settings.policy(policy);
      return this;
    }

    public Builder auditSink(AuditSink sink) {
      settings.auditSink(sink);
      return this;
    }

    /** Who approves grants marked for approval. Default: deny (fail closed). */
    public Builder approvalHandler(ApprovalHandler handler) {
      settings.approvalHandler(handler);
      return this;
    }

    /** The clock for TTLs, expiry and audit timestamps. */
    public Builder clock(Clock clock) {
      settings.clock(clock);
      return this;
    }

    public Builder cache(CacheSettings settings) {
      this.settings.cache(settings);
      return this;
    }

    /** Resilience settings for every provider and issuer without their own. */
    public Builder resilience(ResilienceSettings settings) {
      this.settings.resilience(settings);
      return this;
    }

    /** Resilience settings for one provider or issuer, by id. */
    public Builder resilience(String providerOrIssuerId, ResilienceSettings settings) {
      this.settings.resilience(providerOrIssuerId, settings);
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
      settings.fingerprintKey(key);
      return this;
    }

    /** Replaces the redaction engine (advanced; the default is Keyhole's own matcher). */
    public Builder redactionEngine(RedactionEngine engine) {
      settings.redactionEngine(engine);
      return this;
    }

    /**
     * How retries wait between attempts (default: {@link Sleeper#system()}). Tests pass one that
     * advances their fake clock, so backoff and Retry-After are checked without waiting.
     */
    public Builder sleeper(Sleeper sleeper) {
      settings.sleeper(sleeper);
      return this;
    }

    /** Whether a background thread closes expired tasks once a second (default true). */
    public Builder expirySweep(boolean on) {
      settings.expirySweep(on);
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
