package dev.keyhole;

import dev.keyhole.internal.PolicyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The central, reviewable configuration: which handles exist, where each value comes from, and
 * which tools, destinations and commands may use it, for how long and with whose approval.
 *
 * <p>Built in code with {@link #builder()} or loaded from a YAML or JSON file that a security team
 * can review:
 *
 * <pre>{@code
 * version: 1
 * taskTtl: 15m                  # default lifetime of a task scope
 * handles:
 *   github_token:
 *     ref: env:GITHUB_TOKEN
 *     tools: [http_request]
 *     destinations: [api.github.com]
 *     maxUses: 20
 *     approval: false
 *   aws:
 *     issuer: aws-sts
 *     parameters: { roleArn: "arn:aws:iam::123456789012:role/agent" }
 *     tools: [run_process]
 *     commands: [aws s3 ls, aws sts get-caller-identity]   # program + argument prefix
 *     env: {AWS_ACCESS_KEY_ID: aws_access_key_id, AWS_SECRET_ACCESS_KEY: aws_secret_access_key,
 *           AWS_SESSION_TOKEN: aws_session_token}
 * protect:                      # values redacted in every task, granted to no one
 *   - .env
 * }</pre>
 *
 * <p>Fail-closed rules: a grant that lists {@code destinations} denies every use whose destination
 * is unknown (the tool declares none, or the model gave none as text) unless the tool is listed in
 * the grant's {@code unboundTools}, which {@link #warnings()} reports.
 *
 * Unknown keys and invalid values are rejected with the file, the path and the reason. Immutable.
 */
public final class Policy {
  /** Default task lifetime when neither the policy nor the task says: 15 minutes. */
  public static final Duration DEFAULT_TASK_TTL = Duration.ofMinutes(15);

  private static final System.Logger LOG = System.getLogger(Policy.class.getName());

  private final Map<String, Grant> grants;
  private final Duration taskTtl;
  private final java.util.List<ProtectedFile> protectedFiles;
  private final List<String> warnings;

  private Policy(Builder b) {
    this.grants = Collections.unmodifiableMap(new LinkedHashMap<>(b.grants));
    this.taskTtl = b.taskTtl;
    this.protectedFiles = java.util.List.copyOf(b.protectedFiles);
    List<String> w = new ArrayList<>();
    for (Grant g : grants.values()) {
      if (g.allowCodeExecution()) {
        w.add("Grant '" + g.name() + "' sets allowCodeExecution: its commands " + g.commands()
            + " may run code chosen by their arguments (a shell, an interpreter, find -exec, git"
            + " -c), which can print or send the value in a form no redactor recognises; make sure"
            + " the program really needs the value and nothing narrower would do");
      }
      if (!g.unboundTools().isEmpty()) {
        w.add("Grant '" + g.name() + "' lets tools " + g.unboundTools() + " send its value to a"
            + " destination Keyhole cannot check (unboundTools), although it lists destinations "
            + g.destinations() + "; make sure those tools really need that");
      }
    }
    this.warnings = List.copyOf(w);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** An empty policy: grants must then be given per task. */
  public static Policy empty() {
    return builder().build();
  }

  /**
   * Loads a policy file; {@code .yaml}/{@code .yml} are read as YAML, anything else as JSON.
   *
   * @throws PolicyFileException naming the file, path and reason
   */
  public static Policy load(Path file) {
    return PolicyLoader.load(file).logWarnings(file.toString());
  }

  /**
   * Parses policy text (YAML is a superset of JSON, so both work).
   *
   * @param sourceName used in error messages, e.g. the file name
   */
  public static Policy parse(String text, String sourceName) {
    return PolicyLoader.parse(text, sourceName).logWarnings(sourceName);
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.grants.putAll(grants);
    b.taskTtl = taskTtl;
    b.protectedFiles.addAll(protectedFiles);
    return b;
  }

  /** The grant named {@code name}, if any. */
  public Optional<Grant> grant(String name) {
    return Optional.ofNullable(grants.get(name));
  }

  public Collection<Grant> grants() {
    return grants.values();
  }

  public Duration taskTtl() {
    return taskTtl;
  }

  /**
   * Files whose secret values are registered with the redactor when a task opens, never granted
   * ({@code protect:} in the policy file; see {@link ProtectedFile}).
   */
  public java.util.List<ProtectedFile> protectedFiles() {
    return protectedFiles;
  }

  /**
   * What a reviewer should look at: grants that relax a fail-closed rule ({@code unboundTools},
   * {@code allowCodeExecution}).
   * Also logged (WARNING, logger {@code dev.keyhole.Policy}) when a policy file is loaded.
   */
  public List<String> warnings() {
    return warnings;
  }

  /** Logs {@link #warnings()}; called when a policy is loaded from a file or text. */
  public Policy logWarnings(String source) {
    for (String w : warnings) {
      LOG.log(System.Logger.Level.WARNING, source + ": " + w);
    }
    return this;
  }

  @Override
  public String toString() {
    return "Policy[taskTtl=" + taskTtl + ", grants=" + grants.values()
        + (protectedFiles.isEmpty() ? "" : ", protect=" + protectedFiles) + "]";
  }

  /** Builds a {@link Policy}. */
  public static final class Builder {
    private final Map<String, Grant> grants = new LinkedHashMap<>();
    private Duration taskTtl = DEFAULT_TASK_TTL;
    private final java.util.List<ProtectedFile> protectedFiles = new java.util.ArrayList<>();

    private Builder() {}

    /** Registers the secret values of these files with the redactor in every task. */
    public Builder protect(ProtectedFile file) {
      protectedFiles.add(Objects.requireNonNull(file, "file"));
      return this;
    }

    public Builder grant(Grant grant) {
      Objects.requireNonNull(grant, "grant");
      if (grants.putIfAbsent(grant.name(), grant) != null) {
        throw new PolicyFileException("Policy defines grant '" + grant.name() + "' twice");
      }
      return this;
    }

    public Builder taskTtl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new PolicyFileException("Policy taskTtl must be positive, was " + ttl);
      }
      this.taskTtl = ttl;
      return this;
    }

    public Policy build() {
      return new Policy(this);
    }
  }
}
