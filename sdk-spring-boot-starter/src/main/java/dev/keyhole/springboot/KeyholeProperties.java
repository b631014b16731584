package dev.keyhole.springboot;

import dev.keyhole.redact.DetectorMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Keyhole's settings under {@code keyhole.*}. */
@ConfigurationProperties("keyhole")
public class KeyholeProperties {
  /** Whether to auto-configure Keyhole. */
  private boolean enabled = true;

  /**
   * Location of the policy file (for example classpath:keyhole-policy.yaml or
   * file:/etc/keyhole/policy.yaml). Without one the policy is empty: tasks get only grants made in
   * code.
   */
  private @Nullable String policy;

  /**
   * Detectors for secrets Keyhole never issued (well-known key formats) in the ChatClient advisor:
   * off, flag (audit only) or redact.
   */
  private DetectorMode detectors = DetectorMode.OFF;

  private final Audit audit = new Audit();
  private final Cache cache = new Cache();
  private final Resilience resilience = new Resilience();
  private final Dotenv dotenv = new Dotenv();
  private final Aws aws = new Aws();
  private final OnePassword onepassword = new OnePassword();
  private final Web web = new Web();

  public boolean isEnabled() { return enabled; }
  public void setEnabled(boolean enabled) { this.enabled = enabled; }
  public @Nullable String getPolicy() { return policy; }
  public void setPolicy(@Nullable String policy) { this.policy = policy; }
  public DetectorMode getDetectors() { return detectors; }
  public void setDetectors(DetectorMode detectors) { this.detectors = detectors; }
  public Audit getAudit() { return audit; }
  public Cache getCache() { return cache; }
  public Resilience getResilience() { return resilience; }
  public Dotenv getDotenv() { return dotenv; }
  public Aws getAws() { return aws; }
  public OnePassword getOnepassword() { return onepassword; }
  public Web getWeb() { return web; }

  /** Where audit events go. */
  public enum Sink { SLF4J, JSONL, NONE }

  public static class Audit {
    /** Audit sink: slf4j (logger dev.keyhole.audit), jsonl (a file, see keyhole.audit.file) or none. */
    private Sink sink = Sink.SLF4J;
    /** The JSON Lines file for sink=jsonl. */
    private Path file = Path.of("keyhole-audit.jsonl");

    public Sink getSink() { return sink; }
    public void setSink(Sink sink) { this.sink = sink; }
    public Path getFile() { return file; }
    public void setFile(Path file) { this.file = file; }
  }

  public static class Cache {
    /** Whether resolved values are cached across tasks (off keeps values only for a task's life). */
    private boolean enabled = true;
    /** How long a resolved value stays cached. */
    private Duration ttl = Duration.ofMinutes(5);
    /** How long past its TTL a cached value may be served while the provider is unavailable. */
    private Duration maxStale = Duration.ofHours(1);
    /** The most values kept in the cache. */
    private int maxEntries = 10_000;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Duration getTtl() { return ttl; }
    public void setTtl(Duration ttl) { this.ttl = ttl; }
    public Duration getMaxStale() { return maxStale; }
    public void setMaxStale(Duration maxStale) { this.maxStale = maxStale; }
    public int getMaxEntries() { return maxEntries; }
    public void setMaxEntries(int maxEntries) { this.maxEntries = maxEntries; }
  }

  public static class Resilience {
    /** Attempts per provider call, the first included. */
    private @Nullable Integer maxAttempts;
    /** Time limit of one provider call. */
    private @Nullable Duration timeout;

    public @Nullable Integer getMaxAttempts() { return maxAttempts; }
    public void setMaxAttempts(@Nullable Integer maxAttempts) { this.maxAttempts = maxAttempts; }
    public @Nullable Duration getTimeout() { return timeout; }
    public void setTimeout(@Nullable Duration timeout) { this.timeout = timeout; }
  }

  public static class Dotenv {
    /** Whether to serve dotenv: references (the environment's env: provider is always on). */
    private boolean enabled = true;
    /** The directory dotenv: paths are relative to. */
    private Path baseDir = Path.of(".");

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public Path getBaseDir() { return baseDir; }
    public void setBaseDir(Path baseDir) { this.baseDir = baseDir; }
  }

  public static class Aws {
    /** Whether to register the AWS providers (Secrets Manager, Parameter Store, STS) when keyhole-aws is present. */
    private boolean enabled = true;
    /** The AWS region (default: the SDK's region chain). */
    private @Nullable String region;
    /** An endpoint override for all three services (for LocalStack and tests). */
    private @Nullable String endpoint;

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public @Nullable String getRegion() { return region; }
    public void setRegion(@Nullable String region) { this.region = region; }
    public @Nullable String getEndpoint() { return endpoint; }
    public void setEndpoint(@Nullable String endpoint) { this.endpoint = endpoint; }
  }

  public static class OnePassword {
    /**
     * 1Password Connect server URL; with keyhole.onepassword.connect-token registers the Connect
     * provider when keyhole-1password is present.
     */
    private @Nullable String connectHost;
    /** 1Password Connect access token: bind it from the environment (KEYHOLE_ONEPASSWORD_CONNECT_TOKEN), never commit it. */
    private @Nullable String connectToken;
    /** Use the op CLI instead of Connect (OP_SERVICE_ACCOUNT_TOKEN or a signed-in op). */
    private boolean cli;

    public @Nullable String getConnectHost() { return connectHost; }
    public void setConnectHost(@Nullable String connectHost) { this.connectHost = connectHost; }
    public @Nullable String getConnectToken() { return connectToken; }
    public void setConnectToken(@Nullable String connectToken) { this.connectToken = connectToken; }
    public boolean isCli() { return cli; }
    public void setCli(boolean cli) { this.cli = cli; }

    @Override
    public String toString() {
      return "OnePassword[connectHost=" + connectHost + ", connectToken=" + (connectToken == null ? "unset" : "set")
          + ", cli=" + cli + "]";
    }
  }

  public static class Web {
    /** Open a Keyhole task per web request (agent id: the caller's principal name) and close it at the end. */
    private boolean requestTasks;
    /** The policy grants each request task gets. */
    private List<String> grants = new ArrayList<>();
    /** URL patterns the request task filter applies to. */
    private List<String> urlPatterns = new ArrayList<>(List.of("/*"));

    public boolean isRequestTasks() { return requestTasks; }
    public void setRequestTasks(boolean requestTasks) { this.requestTasks = requestTasks; }
    public List<String> getGrants() { return grants; }
    public void setGrants(List<String> grants) { this.grants = grants; }
    public List<String> getUrlPatterns() { return urlPatterns; }
    public void setUrlPatterns(List<String> urlPatterns) { this.urlPatterns = urlPatterns; }
  }
}
