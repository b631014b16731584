package dev.keyhole;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * What a task scope is opened with: an id, an optional agent id, the policy grants it uses (by
 * name), extra grants defined in code, and a TTL (default: the policy's {@code taskTtl}).
 *
 * <pre>{@code
 * try (TaskScope task = keyhole.openTask(TaskOptions.builder()
 *     .taskId("fix-issue-42").grants("github_token").ttl(Duration.ofMinutes(10)).build())) { ... }
 * }</pre>
 */
public final class TaskOptions {
  private final String taskId;
  private final @Nullable String agentId;
  private final Set<String> grantNames;
  private final List<Grant> extraGrants;
  private final @Nullable Duration ttl;
  private final boolean allPolicyGrants;
  private final java.nio.file.@Nullable Path root;

  private TaskOptions(Builder b) {
    this.taskId = b.taskId != null ? b.taskId : "task-" + UUID.randomUUID();
    this.agentId = b.agentId;
    this.grantNames = Collections.unmodifiableSet(new LinkedHashSet<>(b.grantNames));
    this.extraGrants = List.copyOf(b.extraGrants);
    this.ttl = b.ttl;
    this.allPolicyGrants = b.allPolicyGrants;
    this.root = b.root;
  }

  public static Builder builder() {
    return new Builder();
  }

  public String taskId() { return taskId; }
  public Optional<String> agentId() { return Optional.ofNullable(agentId); }
  /** Names of policy grants this task uses. */
  public Set<String> grantNames() { return grantNames; }
  /** Grants defined in code for this task only. */
  public List<Grant> extraGrants() { return extraGrants; }
  public Optional<Duration> ttl() { return Optional.ofNullable(ttl); }
  /** Whether the task takes every grant of the policy. */
  public boolean allPolicyGrants() { return allPolicyGrants; }
  /** The tool root this task's protected files are read from (default: the Keyhole's workspace). */
  public Optional<java.nio.file.Path> root() { return Optional.ofNullable(root); }

  @Override
  public String toString() {
    return "TaskOptions[" + taskId + ", grants=" + grantNames + ", extra=" + extraGrants.size()
        + (ttl != null ? ", ttl=" + ttl : "") + "]";
  }

  /** Builds {@link TaskOptions}. */
  public static final class Builder {
    private static final java.util.regex.Pattern ID = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}");
    private @Nullable String taskId;
    private @Nullable String agentId;
    private final Set<String> grantNames = new LinkedHashSet<>();
    private final List<Grant> extraGrants = new ArrayList<>();
    private @Nullable Duration ttl;
    private boolean allPolicyGrants;
    private java.nio.file.@Nullable Path root;

    private Builder() {}

    /**
     * The tool root of this task: the policy's {@code protect:} paths are read relative to it
     * (default: {@code Keyhole.builder().workspace(...)}).
     */
    public Builder root(java.nio.file.Path root) {
      this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
      return this;
    }

    /** The task id (default: a random {@code task-<uuid>}); letters, digits, {@code _.:@-}. */
    public Builder taskId(String id) {
      if (!ID.matcher(Objects.requireNonNull(id, "taskId")).matches()) {
        throw new IllegalArgumentException("Task id '" + SecretRef.abbreviate(id) + "' is invalid;"
            + " use 1-128 letters, digits and '_', '.', ':', '@', '-'");
      }
      this.taskId = id;
      return this;
    }

    public Builder agentId(String id) {
      if (!ID.matcher(Objects.requireNonNull(id, "agentId")).matches()) {
        throw new IllegalArgumentException("Agent id '" + SecretRef.abbreviate(id) + "' is invalid;"
            + " use 1-128 letters, digits and '_', '.', ':', '@', '-'");
      }
      this.agentId = id;
      return this;
    }

    /** Uses these policy grants. */
    public Builder grants(String... names) {
      for (String n : names) {
        grantNames.add(SecretHandle.of(n).name());
      }
      return this;
    }

    /** Uses every grant of the policy. */
    public Builder allPolicyGrants() {
      this.allPolicyGrants = true;
      return this;
    }

    /** Adds a grant defined in code for this task only. */
    public Builder grant(Grant grant) {
      extraGrants.add(Objects.requireNonNull(grant, "grant"));
      return this;
    }

    public Builder ttl(Duration ttl) {
      if (ttl.isNegative() || ttl.isZero()) {
        throw new IllegalArgumentException("Task ttl must be positive, was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    public TaskOptions build() {
      return new TaskOptions(this);
    }
  }
}
