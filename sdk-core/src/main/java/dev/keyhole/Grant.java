package dev.keyhole;

import dev.keyhole.internal.CodeExecution;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One handle's permission: where its value comes from (a {@link SecretRef} or a credential issuer)
 * and how it may be used — by which tools, towards which destination hosts, with which commands, how
 * many times, for how long, and whether a human must approve the first use.
 *
 * <p>Deny by default: a grant with no tools can be used by no tool ({@code "*"} allows every tool,
 * and should be rare). A grant with no destinations cannot be used by a tool call that has a
 * destination (an HTTP request, say); a grant <em>with</em> destinations cannot be used by a call
 * whose destination is unknown, unless the tool is in {@link #unboundTools()}; a grant with no
 * commands cannot be used by the process tool, which puts the value only into the environment
 * variables the grant's {@link #env()} names, and runs no command that executes code chosen by its
 * arguments unless the grant sets {@link #allowCodeExecution()}.
 *
 * <p>Immutable; build with {@link #builder(String)}. Contains no secret.
 */
public final class Grant {
  /** The tool wildcard: every tool. */
  public static final String ANY_TOOL = "*";

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Set<String> FIXED_ENV = Set.of("PATH", "HOME", "TMPDIR", "IFS", "ENV",
      "BASH_ENV", "SHELLOPTS", "BASHOPTS", "PS4");

  private final SecretHandle handle;
  private final @Nullable SecretRef ref;
  private final @Nullable String issuer;
  private final Map<String, String> issuerParameters;
  private final Set<String> tools;
  private final List<HostPattern> destinations;
  private final Set<String> commands;
  private final List<CommandRule> commandRules;
  private final Set<String> unboundTools;
  private final Map<String, String> env;
  private final boolean allowCodeExecution;
  private final @Nullable Integer maxUses;
  private final @Nullable Duration ttl;
  private final boolean approvalRequired;
  private final boolean allowHttpLocalhost;
  private final @Nullable String description;

  private Grant(Builder b) {
    this.handle = b.handle;
    this.ref = b.ref;
    this.issuer = b.issuer;
    this.issuerParameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.issuerParameters));
    this.tools = Collections.unmodifiableSet(new LinkedHashSet<>(b.tools));
    this.destinations = List.copyOf(b.destinations);
    this.commandRules = List.copyOf(b.commandRules);
    Set<String> texts = new LinkedHashSet<>();
    commandRules.forEach(r -> texts.add(r.toString()));
    this.commands = Collections.unmodifiableSet(texts);
    this.unboundTools = Collections.unmodifiableSet(new LinkedHashSet<>(b.unboundTools));
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.allowCodeExecution = b.allowCodeExecution;
    this.maxUses = b.maxUses;
    this.ttl = b.ttl;
    this.approvalRequired = b.approvalRequired;
    this.allowHttpLocalhost = b.allowHttpLocalhost;
    this.description = b.description;
  }

  /** A builder for the grant of handle {@code name}. */
  public static Builder builder(String name) {
    return new Builder(SecretHandle.of(name));
  }

  public Builder toBuilder() {
    Builder b = new Builder(handle);
    b.ref = ref;
    b.issuer = issuer;
    b.issuerParameters.putAll(issuerParameters);
    b.tools.addAll(tools);
    b.destinations.addAll(destinations);
    b.commands.addAll(commands);
    b.unboundTools.addAll(unboundTools);
    b.env.putAll(env);
    b.allowCodeExecution = allowCodeExecution;
    b.maxUses = maxUses;
    b.ttl = ttl;
    b.approvalRequired = approvalRequired;
    b.allowHttpLocalhost = allowHttpLocalhost;
    b.description = description;
    return b;
  }

  /** The grant's name, which is the handle name (or handle-name prefix for issuer grants). */
  public String name() {
    return handle.name();
  }

  /** The handle of a reference grant. For issuer grants, see {@link #handlesFor(List)}. */
  public SecretHandle handle() {
    return handle;
  }

  public Optional<SecretRef> ref() {
    return Optional.ofNullable(ref);
  }

  /** The credential issuer id, for issuer grants. */
  public Optional<String> issuer() {
    return Optional.ofNullable(issuer);
  }

  public Map<String, String> issuerParameters() {
    return issuerParameters;
  }

  public Set<String> tools() {
    return tools;
  }

  public List<HostPattern> destinations() {
    return destinations;
  }

  /**
   * The commands a process tool may run with this grant's value, as written ({@code git push},
   * {@code ./deploy.sh --check}); see {@link #commandRules()}.
   */
  public Set<String> commands() {
    return commands;
  }

  /**
   * The commands a process tool may run with this grant's value: a program and the arguments the
   * call must start with ({@link CommandRule}). A grant with none cannot be used by a process
   * tool.
   */
  public List<CommandRule> commandRules() {
    return commandRules;
  }

  /** The first of {@link #commandRules()} that allows {@code argv}, if any. */
  public Optional<CommandRule> ruleFor(List<String> argv) {
    for (CommandRule r : commandRules) {
      if (r.matches(argv)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * Tools that may send this grant's value to a destination Keyhole cannot check (they declare
   * none). Only meaningful when {@link #destinations()} is not empty: such a grant otherwise denies
   * every use whose destination is unknown. {@link Policy#warnings()} reports every entry.
   */
  public Set<String> unboundTools() {
    return unboundTools;
  }

  /**
   * The environment variables a process tool may put this grant's value into, each mapped to the
   * handle whose value it receives ({@code GH_TOKEN -> github_token}; for issuer grants one of
   * {@code <grant>_<part>}). A process call that puts the handle into any other variable is denied.
   */
  public Map<String, String> env() {
    return env;
  }

  /**
   * Whether the grant's commands may run code chosen by their arguments or environment: shells and
   * interpreters ({@code sh}, {@code python3}, {@code node}), programs that run other programs
   * ({@code env}, {@code xargs}, {@code make}, {@code npm}), and options such as {@code find -exec}
   * or {@code git -c}. Off by default; {@link Policy#warnings()} reports every grant that sets it.
   */
  public boolean allowCodeExecution() {
    return allowCodeExecution;
  }

  public OptionalInt maxUses() {
    return maxUses == null ? OptionalInt.empty() : OptionalInt.of(maxUses);
  }

  /** How long after the task opens the grant stays usable (bounded by the task's own TTL). */
  public Optional<Duration> ttl() {
    return Optional.ofNullable(ttl);
  }

  public boolean approvalRequired() {
    return approvalRequired;
  }

  /** Whether plain {@code http://} is allowed to {@code localhost} / loopback addresses. */
  public boolean allowHttpLocalhost() {
    return allowHttpLocalhost;
  }

  /** A human-readable description; may be shown to the model in tool schemas (never a value). */
  public Optional<String> description() {
    return Optional.ofNullable(description);
  }

  /** The handles this grant exposes given the issuer's parts (one handle for reference grants). */
  public List<SecretHandle> handlesFor(List<String> issuerParts) {
    if (issuer == null) {
      return List.of(handle);
    }
    List<SecretHandle> out = new ArrayList<>();
    for (String part : issuerParts) {
      out.add(SecretHandle.of(handle.name() + "_" + part));
    }
    return out;
  }

  /** Whether {@code toolName} may use this grant. */
  public boolean allowsTool(String toolName) {
    return tools.contains(ANY_TOOL) || tools.contains(toolName);
  }

  /** As {@link #allowsDestination(Destination)} for a URL or bare host; false when unparseable. */
  public boolean allowsDestination(String urlOrHost) {
    try {
      return allowsDestination(Destination.parse(urlOrHost));
    } catch (InvalidDestinationException e) {
      return false;
    }
  }

  /** Whether {@code destination} (scheme, host and port) matches one of the destinations. */
  public boolean allowsDestination(Destination destination) {
    for (HostPattern p : destinations) {
      if (p.matches(destination)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Grant[").append(handle.name());
    if (ref != null) {
      sb.append(" ref=").append(ref);
    }
    if (issuer != null) {
      sb.append(" issuer=").append(issuer).append(' ').append(issuerParameters.keySet());
    }
    sb.append(" tools=").append(tools);
    if (!destinations.isEmpty()) {
      sb.append(" destinations=").append(destinations);
    }
    if (!commands.isEmpty()) {
      sb.append(" commands=").append(commands);
    }
    if (!unboundTools.isEmpty()) {
      sb.append(" unboundTools=").append(unboundTools);
    }
    if (!env.isEmpty()) {
      sb.append(" env=").append(env);
    }
    if (allowCodeExecution) {
      sb.append(" allowCodeExecution");
    }
    if (maxUses != null) {
      sb.append(" maxUses=").append(maxUses);
    }
    if (ttl != null) {
      sb.append(" ttl=").append(ttl);
    }
    if (approvalRequired) {
      sb.append(" approval");
    }
    return sb.append(']').toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Grant g && g.toString().equals(toString())
        && g.issuerParameters.equals(issuerParameters)
        && Objects.equals(g.description, description)
        && g.allowHttpLocalhost == allowHttpLocalhost;
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }

  /** Builds a {@link Grant}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final SecretHandle handle;
    private @Nullable SecretRef ref;
    private @Nullable String issuer;
    private final Map<String, String> issuerParameters = new LinkedHashMap<>();
    private final Set<String> tools = new LinkedHashSet<>();
    private final List<HostPattern> destinations = new ArrayList<>();
    private final Set<String> commands = new LinkedHashSet<>();
    private final List<CommandRule> commandRules = new ArrayList<>();
    private final Set<String> unboundTools = new LinkedHashSet<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean allowCodeExecution;
    private @Nullable Integer maxUses;
    private @Nullable Duration ttl;
    private boolean approvalRequired;
    private boolean allowHttpLocalhost;
    private @Nullable String description;

    private Builder(SecretHandle handle) {
      this.handle = handle;
    }

    /** The value comes from this reference, e.g. {@code env:GITHUB_TOKEN}. */
    public Builder ref(String reference) {
      return ref(SecretRef.parse(reference));
    }

    public Builder ref(SecretRef reference) {
      this.ref = Objects.requireNonNull(reference, "reference");
      return this;
    }

    /** The value is issued per task by the credential issuer with this id. */
    public Builder issuer(String issuerId, Map<String, String> parameters) {
      this.issuer = Objects.requireNonNull(issuerId, "issuerId");
      this.issuerParameters.clear();
      this.issuerParameters.putAll(parameters);
      return this;
    }

    /** Tools that may use the handle; {@code "*"} for any tool. */
    public Builder tools(String... toolNames) {
      for (String t : toolNames) {
        tools.add(Objects.requireNonNull(t, "tool"));
      }
      return this;
    }

    public Builder tools(Iterable<String> toolNames) {
      toolNames.forEach(t -> tools.add(Objects.requireNonNull(t, "tool")));
      return this;
    }

    /** Destination hosts: {@code api.github.com} or {@code *.github.com}. */
    public Builder destinations(String... hostPatterns) {
      for (String p : hostPatterns) {
        destinations.add(HostPattern.parse(p));
      }
      return this;
    }

    public Builder destinations(Iterable<String> hostPatterns) {
      hostPatterns.forEach(p -> destinations.add(HostPattern.parse(p)));
      return this;
    }

    /**
     * Commands the process tool may run with this grant's value: a program and the arguments the
     * call must start with, e.g. {@code "git push"}, {@code "./deploy.sh --check"}, {@code "aws"}
     * (see {@link CommandRule}). Validated in {@link #build()}.
     */
    public Builder commands(String... executables) {
      for (String c : executables) {
        commands.add(Objects.requireNonNull(c, "command"));
      }
      return this;
    }

    public Builder commands(Iterable<String> executables) {
      executables.forEach(c -> commands.add(Objects.requireNonNull(c, "command")));
      return this;
    }

    /**
     * Tools (also listed in {@code tools}) that may use the handle with an unknown destination
     * although the grant lists destinations: an explicit, reviewable exception to the fail-closed
     * rule, reported by {@link Policy#warnings()}.
     */
    public Builder unboundTools(String... toolNames) {
      for (String t : toolNames) {
        unboundTools.add(Objects.requireNonNull(t, "tool"));
      }
      return this;
    }

    public Builder unboundTools(Iterable<String> toolNames) {
      toolNames.forEach(t -> unboundTools.add(Objects.requireNonNull(t, "tool")));
      return this;
    }

    /**
     * Lets a process tool put the value of handle {@code handleName} (this grant's handle, or for
     * issuer grants one of its parts) into environment variable {@code variable}, e.g. {@code
     * env("GH_TOKEN", "github_token")}.
     */
    public Builder env(String variable, String handleName) {
      env.put(Objects.requireNonNull(variable, "variable"),
          Objects.requireNonNull(handleName, "handleName"));
      return this;
    }

    /** {@link #env(String, String)} for each entry. */
    public Builder env(Map<String, String> variables) {
      variables.forEach(this::env);
      return this;
    }

    /** See {@link Grant#allowCodeExecution()}; off by default. */
    public Builder allowCodeExecution(boolean allow) {
      this.allowCodeExecution = allow;
      return this;
    }

    public Builder maxUses(int uses) {
      if (uses < 1) {
        throw new IllegalArgumentException(
            "maxUses of grant '" + handle.name() + "' must be at least 1, was " + uses);
      }
      this.maxUses = uses;
      return this;
    }

    public Builder ttl(Duration duration) {
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(
            "ttl of grant '" + handle.name() + "' must be positive, was " + duration);
      }
      this.ttl = duration;
      return this;
    }

    public Builder approvalRequired(boolean required) {
      this.approvalRequired = required;
      return this;
    }

    public Builder allowHttpLocalhost(boolean allow) {
      this.allowHttpLocalhost = allow;
      return this;
    }

    public Builder description(@Nullable String text) {
      this.description = text;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws PolicyFileException if neither or both of ref and issuer are set, or no tool is named
     */
    public Grant build() {
      if ((ref == null) == (issuer == null)) {
        throw new PolicyFileException(
            "Grant '" + handle.name() + "' needs exactly one source: 'ref' (e.g. env:GITHUB_TOKEN)"
                + " or 'issuer' (e.g. aws-sts)");
      }
      if (tools.isEmpty()) {
        throw new PolicyFileException(
            "Grant '" + handle.name() + "' names no tools, so no tool could use it; list the tool"
                + " names that may use it (or '*' for any tool)");
      }
      for (String t : unboundTools) {
        if (!tools.contains(t) && !tools.contains(ANY_TOOL)) {
          throw new PolicyFileException("Grant '" + handle.name() + "' lists '" + t + "' in"
              + " unboundTools but not in tools; add it to tools too, or remove it");
        }
      }
      commandRules.clear();
      for (String c : commands) {
        CommandRule rule;
        try {
          rule = CommandRule.parse(c);
        } catch (IllegalArgumentException e) {
          throw new PolicyFileException("Grant '" + handle.name() + "' command '" + c + "' is"
              + " invalid: " + e.getMessage());
        }
        String why = CodeExecution.ofProgram(rule.program());
        if (why != null && !allowCodeExecution) {
          throw new PolicyFileException("Grant '" + handle.name() + "' lets command '" + rule
              + "' use its value, but " + why + ", so it can print or send the value in a form no"
              + " redactor recognises. Grant a narrower program (e.g. the script itself, by its"
              + " own name) or, if the program really must receive the value, set"
              + " 'allowCodeExecution: true' on the grant (the policy then warns about it)");
        }
        if (!commandRules.contains(rule)) {
          commandRules.add(rule);
        }
      }
      for (Map.Entry<String, String> e : env.entrySet()) {
        String var = e.getKey();
        if (!ENV_NAME.matcher(var).matches()) {
          throw new PolicyFileException("Grant '" + handle.name() + "' env variable '" + var
              + "' is not a valid variable name; use letters, digits and '_', not starting with a"
              + " digit");
        }
        if (FIXED_ENV.contains(var) || var.startsWith("LD_") || var.startsWith("DYLD_")
            || var.startsWith("KEYHOLE_")) {
          throw new PolicyFileException("Grant '" + handle.name() + "' may not put its value into"
              + " variable '" + var + "': the process tool sets it (PATH, HOME, TMPDIR) or it"
              + " changes which code runs; choose the variable the program reads the secret from");
        }
        String h = e.getValue();
        boolean own = issuer == null ? h.equals(handle.name())
            : h.startsWith(handle.name() + "_") && SecretHandle.isValidName(h);
        if (!own) {
          throw new PolicyFileException("Grant '" + handle.name() + "' env variable '" + var
              + "' names handle '" + h + "', which is not this grant's; use '" + handle.name()
              + "'" + (issuer == null ? "" : " followed by '_' and a part, e.g. '" + handle.name()
              + "_secret_access_key'"));
        }
      }
      return new Grant(this);
    }
  }
}
