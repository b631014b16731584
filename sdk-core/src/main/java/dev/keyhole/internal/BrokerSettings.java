package dev.keyhole.internal;

import dev.keyhole.ApprovalHandler;
import dev.keyhole.CacheSettings;
import dev.keyhole.Policy;
import dev.keyhole.ResilienceSettings;
import dev.keyhole.Sleeper;
import dev.keyhole.audit.AuditSink;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.SecretDetector;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.SecretProvider;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link Broker} is built from, with the defaults in one place. {@link
 * dev.keyhole.Keyhole.Builder} keeps a {@link Builder} and forwards its (validated) settings to it,
 * so a new setting is one field here and one setter there, never another positional argument.
 *
 * <p>Immutable once built: lists and maps are copied.
 */
public final class BrokerSettings {
  private final List<SecretProvider> providers;
  private final List<CredentialIssuer> issuers;
  private final Policy policy;
  private final AuditSink auditSink;
  private final ApprovalHandler approvalHandler;
  private final Clock clock;
  private final CacheSettings cache;
  private final ResilienceSettings resilience;
  private final Map<String, ResilienceSettings> resilienceById;
  private final byte @Nullable [] fingerprintKey;
  private final @Nullable RedactionEngine redactionEngine;
  private final boolean expirySweep;
  private final DetectorMode detectorMode;
  private final List<SecretDetector> detectors;
  private final @Nullable Path workspace;
  private final Sleeper sleeper;

  private BrokerSettings(Builder b) {
    this.providers = List.copyOf(b.providers);
    this.issuers = List.copyOf(b.issuers);
    this.policy = b.policy;
    this.auditSink = b.auditSink;
    this.approvalHandler = b.approvalHandler;
    this.clock = b.clock;
    this.cache = b.cache;
    this.resilience = b.resilience;
    this.resilienceById = Map.copyOf(b.resilienceById);
    this.fingerprintKey = b.fingerprintKey == null ? null : b.fingerprintKey.clone();
    this.redactionEngine = b.redactionEngine;
    this.expirySweep = b.expirySweep;
    this.detectorMode = b.detectorMode;
    this.detectors = List.copyOf(b.detectors);
    this.workspace = b.workspace;
    this.sleeper = b.sleeper;
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<SecretProvider> providers() {
    return providers;
  }

  public List<CredentialIssuer> issuers() {
    return issuers;
  }

  public Policy policy() {
    return policy;
  }

  public AuditSink auditSink() {
    return auditSink;
  }

  public ApprovalHandler approvalHandler() {
    return approvalHandler;
  }

  public Clock clock() {
    return clock;
  }

  public CacheSettings cache() {
    return cache;
  }

  /** The settings for a provider or issuer: its own when it has them, else the global ones. */
  public ResilienceSettings resilience(String providerOrIssuerId) {
    return resilienceById.getOrDefault(providerOrIssuerId, resilience);
  }

  /** The ids that were given their own resilience settings. */
  public Iterable<String> resilienceIds() {
    return resilienceById.keySet();
  }

  /** A copy of the audit fingerprint key, or null for a random key per instance. */
  public byte @Nullable [] fingerprintKey() {
    return fingerprintKey == null ? null : fingerprintKey.clone();
  }

  public @Nullable RedactionEngine redactionEngine() {
    return redactionEngine;
  }

  public boolean expirySweep() {
    return expirySweep;
  }

  public DetectorMode detectorMode() {
    return detectorMode;
  }

  public List<SecretDetector> detectors() {
    return detectors;
  }

  public @Nullable Path workspace() {
    return workspace;
  }

  public Sleeper sleeper() {
    return sleeper;
  }

  @Override
  public String toString() {
    // Names only: no key material, no policy contents.
    return "BrokerSettings[providers=" + providers.size() + ", issuers=" + issuers.size()
        + ", detectors=" + detectorMode + ", expirySweep=" + expirySweep + "]";
  }

  /**
   * Mutable, single-threaded; the public builder validates arguments before it forwards them, so
   * this one only guards against nulls.
   */
  public static final class Builder {
    private final List<SecretProvider> providers = new ArrayList<>();
    private final List<CredentialIssuer> issuers = new ArrayList<>();
    private Policy policy = Policy.empty();
    private AuditSink auditSink = AuditSink.noop();
    private ApprovalHandler approvalHandler = ApprovalHandler.denyAll();
    private Clock clock = Clock.systemUTC();
    private CacheSettings cache = CacheSettings.defaults();
    private ResilienceSettings resilience = ResilienceSettings.defaults();
    private final Map<String, ResilienceSettings> resilienceById = new LinkedHashMap<>();
    private byte @Nullable [] fingerprintKey;
    private @Nullable RedactionEngine redactionEngine;
    private boolean expirySweep = true;
    private DetectorMode detectorMode = DetectorMode.OFF;
    private List<? extends SecretDetector> detectors = Detectors.defaults();
    private @Nullable Path workspace;
    private Sleeper sleeper = Sleeper.system();

    private Builder() {}

    public Builder provider(SecretProvider provider) {
      providers.add(Objects.requireNonNull(provider, "provider"));
      return this;
    }

    public Builder issuer(CredentialIssuer issuer) {
      issuers.add(Objects.requireNonNull(issuer, "issuer"));
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

    public Builder approvalHandler(ApprovalHandler handler) {
      this.approvalHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    public Builder cache(CacheSettings settings) {
      this.cache = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder resilience(ResilienceSettings settings) {
      this.resilience = Objects.requireNonNull(settings, "settings");
      return this;
    }

    public Builder resilience(String providerOrIssuerId, ResilienceSettings settings) {
      resilienceById.put(Objects.requireNonNull(providerOrIssuerId, "providerOrIssuerId"),
          Objects.requireNonNull(settings, "settings"));
      return this;
    }

    public Builder fingerprintKey(byte[] key) {
      this.fingerprintKey = Objects.requireNonNull(key, "key").clone();
      return this;
    }

    public Builder redactionEngine(RedactionEngine engine) {
      this.redactionEngine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    public Builder expirySweep(boolean on) {
      this.expirySweep = on;
      return this;
    }

    public Builder detectorMode(DetectorMode mode) {
      this.detectorMode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder detectors(List<? extends SecretDetector> detectors) {
      this.detectors = List.copyOf(Objects.requireNonNull(detectors, "detectors"));
      return this;
    }

    public Builder workspace(Path root) {
      this.workspace = Objects.requireNonNull(root, "root");
      return this;
    }

    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    public BrokerSettings build() {
      return new BrokerSettings(this);
    }
  }
}
