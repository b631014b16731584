package dev.keyhole.mcp;

import dev.keyhole.ConfigurationException;
import dev.keyhole.SecretHandle;
import dev.keyhole.ToolDeclaration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An existing stdio MCP server that Keyhole runs as a child and exposes to the agent (the gateway):
 * the command, which environment variables receive which handle's value, which variables of
 * Keyhole's own environment it inherits, and which parameters of its tools may carry handles.
 *
 * <pre>{@code
 * McpUpstream github = McpUpstream.builder("github")
 *     .command("npx", "-y", "@modelcontextprotocol/server-github")
 *     .env("GITHUB_PERSONAL_ACCESS_TOKEN", "github_token")   // from the policy grant github_token
 *     .build();
 * }</pre>
 *
 * <p>Policy: each grant injected into the environment must list the upstream's {@link #name()} in
 * {@code tools} and the program's file name ({@code npx}) in {@code commands}. A handle in a tool
 * argument must be declared with {@link Builder#handleParameters}; the grant then lists the tool's
 * name. Security: the child gets an allow-listed environment only (not Keyhole's), is killed with
 * its descendants when the MCP session's task ends, and everything it sends back is redacted.
 */
public final class McpUpstream {
  /** Variables inherited from Keyhole's environment by default. */
  public static final List<String> DEFAULT_INHERITED =
      List.of("PATH", "HOME", "LANG", "TMPDIR", "USER", "LOGNAME", "SHELL", "TERM");

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

  private final String name;
  private final List<String> command;
  private final Map<String, SecretHandle> env;
  private final List<String> inherited;
  private final Map<String, ToolDeclaration> tools;
  private final Duration startTimeout;

  private McpUpstream(Builder b) {
    this.name = b.name;
    this.command = List.copyOf(b.command);
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.inherited = List.copyOf(b.inherited);
    Map<String, ToolDeclaration> t = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>(b.handleParameters.keySet());
    names.addAll(b.destinations.keySet());
    for (String tool : names) {
      ToolDeclaration.Builder d = ToolDeclaration.builder(tool).handleParameters(
          b.handleParameters.getOrDefault(tool, Set.of()).toArray(String[]::new));
      if (b.destinations.containsKey(tool)) {
        d.destinationParameter(b.destinations.get(tool));
      }
      t.put(tool, d.build());
    }
    this.tools = Collections.unmodifiableMap(t);
    this.startTimeout = b.startTimeout;
  }

  /** A builder for an upstream named {@code name} (what policy grants list in {@code tools}). */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  public String name() {
    return name;
  }

  /** The program and its arguments. */
  public List<String> command() {
    return command;
  }

  /** Each environment variable the upstream gets, with the handle whose value it receives. */
  public Map<String, SecretHandle> env() {
    return env;
  }

  /** Variables copied from Keyhole's own environment when set. */
  public List<String> inherited() {
    return inherited;
  }

  /** How long starting and initializing the upstream may take. */
  public Duration startTimeout() {
    return startTimeout;
  }

  /** What the gateway declares for upstream tool {@code tool} (nothing: it takes no handles). */
  public ToolDeclaration declaration(String tool) {
    ToolDeclaration d = tools.get(tool);
    return d == null ? ToolDeclaration.undeclared(tool) : d;
  }

  /** The upstream tools with declared handle or destination parameters. */
  public Set<String> declaredTools() {
    return tools.keySet();
  }

  @Override
  public String toString() {
    return "McpUpstream[" + name + ", command=" + command + ", env=" + env.keySet() + "]";
  }

  /** Builds an {@link McpUpstream}. */
  public static final class Builder {
    private final String name;
    private final List<String> command = new ArrayList<>();
    private final Map<String, SecretHandle> env = new LinkedHashMap<>();
    private final List<String> inherited = new ArrayList<>(DEFAULT_INHERITED);
    private final Map<String, Set<String>> handleParameters = new LinkedHashMap<>();
    private final Map<String, String> destinations = new LinkedHashMap<>();
    private Duration startTimeout = Duration.ofSeconds(60);

    private Builder(String name) {
      if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
        throw new ConfigurationException("Upstream name '" + name + "' is invalid; use 1-64"
            + " lower-case letters, digits, '_' or '-' (policy grants list it in 'tools')");
      }
      this.name = name;
    }

    /** The program and its arguments, e.g. {@code npx -y @modelcontextprotocol/server-github}. */
    public Builder command(String... programAndArgs) {
      return command(List.of(programAndArgs));
    }

    public Builder command(List<String> programAndArgs) {
      command.clear();
      command.addAll(programAndArgs);
      return this;
    }

    /** Environment variable {@code variable} receives the value of handle {@code handleName}. */
    public Builder env(String variable, String handleName) {
      if (!ENV_NAME.matcher(Objects.requireNonNull(variable, "variable")).matches()) {
        throw new ConfigurationException("Environment variable name '" + variable + "' is invalid");
      }
      String n = handleName.startsWith(SecretHandle.PREFIX)
          ? handleName.substring(SecretHandle.PREFIX.length()) : handleName;
      env.put(variable, SecretHandle.of(n));
      return this;
    }

    /** Replaces the variables inherited from Keyhole's environment (default {@link #DEFAULT_INHERITED}). */
    public Builder inherit(String... variables) {
      inherited.clear();
      inherited.addAll(List.of(variables));
      return this;
    }

    /**
     * Declares the parameters of upstream tool {@code tool} that may carry handles (top-level names
     * or dotted paths such as {@code auth.token}). A tool without declared parameters takes none.
     */
    public Builder handleParameters(String tool, String... parameters) {
      handleParameters.computeIfAbsent(Objects.requireNonNull(tool, "tool"),
          t -> new LinkedHashSet<>()).addAll(List.of(parameters));
      return this;
    }

    /** Declares the parameter of {@code tool} that holds the URL or host the call sends to. */
    public Builder destinationParameter(String tool, String parameter) {
      destinations.put(Objects.requireNonNull(tool, "tool"), Objects.requireNonNull(parameter));
      return this;
    }

    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ConfigurationException when no command is given
     */
    public McpUpstream build() {
      if (command.isEmpty() || command.get(0).isBlank()) {
        throw new ConfigurationException("Upstream '" + name + "' has no command; give the"
            + " program and its arguments, e.g. npx -y @modelcontextprotocol/server-github");
      }
      for (String c : command) {
        if (SecretHandle.containsToken(c)) {
          throw new ConfigurationException("Upstream '" + name + "': a handle may not appear in"
              + " the command line (other users can read it); map it to an environment variable");
        }
      }
      return new McpUpstream(this);
    }
  }
}
