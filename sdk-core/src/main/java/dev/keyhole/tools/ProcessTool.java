package dev.keyhole.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.HandleParameter;
import dev.keyhole.ToolExecution;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import dev.keyhole.internal.JsonHandles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs a program with secrets injected into its environment: what {@code op run} does for humans,
 * for an agent. The model sends
 *
 * <pre>{@code
 * {"argv": ["./migrate.sh", "--dry-run"], "cwd": "db", "env": {"DATABASE_URL": "secret://db_url"}}
 * }</pre>
 *
 * and gets back the exit code and the redacted stdout and stderr.
 *
 * <p>Per call:
 *
 * <ol>
 *   <li>The arguments are checked before anything resolves: {@code argv[0]}'s file name must be in
 *       this tool's command allowlist ({@link Builder#commands}); the working directory must lie
 *       inside the allowed root (symbolic links resolved); the executable must exist (a name is
 *       looked up on the inherited {@code PATH}, a path must lie inside the root); handles may
 *       appear only in {@code env} values.
 *   <li>The handles in {@code env} resolve through the task's {@link ToolGuard} under policy: the
 *       grant must list this tool in {@code tools} and the executable's file name in {@code
 *       commands} (enforced by the task scope).
 *   <li>The program starts with a minimal environment: only the inherited variables (default
 *       {@code PATH, HOME, LANG, TMPDIR}) plus the request's {@code env}; no stdin.
 *   <li>stdout and stderr are decoded and streamed through {@link dev.keyhole.Redactor#streaming()},
 *       so a value split across reads is still caught; each is capped at {@link
 *       Builder#maxOutputChars} with a visible {@code [keyhole: ... truncated ...]} marker.
 *   <li>On timeout the process and every descendant it started are killed; after a normal exit,
 *       descendants it left running in the background are killed too. The exit code is reported;
 *       a non-zero exit is a normal result, not an error.
 * </ol>
 *
 * <p>Security: values reach only the child's environment (never its argument list, which other
 * users of the machine can read). What comes back is redacted by the Keyhole redactor, which knows
 * every value the task resolved in the encodings it supports; a program that prints a secret in
 * pieces across writes, encoded, or in an error trace gets it rewritten to its handle. The
 * allowlist trusts executables by file name: a workspace the agent can write to can hold any script
 * under an allowed name, so keep the root and the allowlist narrow. POSIX systems only.
 */
public final class ProcessTool implements AgentTool {
  /** The default tool name. */
  public static final String DEFAULT_NAME = "run_process";

  /** Variables passed through from Keyhole's own environment by default. */
  public static final List<String> DEFAULT_INHERITED = List.of("PATH", "HOME", "LANG", "TMPDIR");

  private static final Set<String> FIELDS = Set.of("argv", "cwd", "env", "timeout_seconds");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Set<String> PROTECTED_ENV = Set.of("PATH", "BASH_ENV", "ENV", "IFS",
      "SHELLOPTS", "PS4", "PYTHONSTARTUP", "PERL5OPT", "NODE_OPTIONS", "JAVA_TOOL_OPTIONS");
  private static final Pattern PATH_SEPARATOR = Pattern.compile(Pattern.quote(File.pathSeparator));
  private static final int MAX_ARGS = 256;
  private static final int MAX_ARG_CHARS = 8_192;

  private final String name;
  private final Path root;
  private final Set<String> commands;
  private final Duration timeout;
  private final int maxOutputChars;
  private final List<String> inherited;
  private final Map<String, String> baseEnvironment;
  private final int chunkBytes;

  private ProcessTool(Builder b) {
    this.name = b.name;
    this.root = b.realRoot;
    this.commands = Collections.unmodifiableSet(new LinkedHashSet<>(b.commands));
    this.timeout = b.timeout;
    this.maxOutputChars = b.maxOutputChars;
    this.inherited = List.copyOf(b.inherited);
    Map<String, String> base = new HashMap<>();
    for (String n : inherited) {
      String v = b.baseEnvironment.get(n);
      if (v != null) {
        base.put(n, v);
      }
    }
    this.baseEnvironment = Collections.unmodifiableMap(base);
    this.chunkBytes = b.chunkBytes;
  }

  /**
   * A builder for a tool that runs programs inside {@code root} (the allowed root for working
   * directories and path executables).
   */
  public static Builder builder(Path root) {
    return new Builder(root);
  }

  @Override
  public String name() {
    return name;
  }

  /** The allowed root (its real path). */
  public Path root() {
    return root;
  }

  /** The executables (file names) this tool may run. */
  public Set<String> commands() {
    return commands;
  }

  @Override
  public String description(TaskScope task) {
    return "Runs a program (no shell) in the workspace and returns its exit code, stdout and"
        + " stderr. Programs allowed: " + commands + ". Pass secrets only through 'env', as"
        + " handles such as {\"API_TOKEN\": \"secret://name\"}: the program receives the real value,"
        + " you never see it, and any value it prints comes back as its handle. Timeout "
        + Math.max(1, timeout.toSeconds()) + " s. Handles this tool may use:" + Args.handleList(task, name);
  }

  @Override
  public ObjectNode parametersSchema() {
    ObjectNode s = Args.JSON.createObjectNode();
    s.put("type", "object");
    ObjectNode props = s.putObject("properties");
    ObjectNode argv = props.putObject("argv");
    argv.put("type", "array");
    argv.put("description", "The program and its arguments, e.g. [\"./deploy.sh\", \"--check\"]."
        + " No shell: no pipes, globs or $VARS. No handles here.");
    argv.putObject("items").put("type", "string");
    props.set("cwd", Args.stringSchema("Working directory relative to the workspace root"
        + " (default: the root)."));
    ObjectNode env = props.putObject("env");
    env.put("type", "object");
    env.put("description", "Extra environment variables; values may be or contain handles"
        + " (secret://name).");
    env.putObject("additionalProperties").put("type", "string");
    ObjectNode t = props.putObject("timeout_seconds");
    t.put("type", "integer");
    t.put("description", "Optional shorter timeout in seconds (at most " + timeout.toSeconds()
        + ").");
    ArrayNode req = s.putArray("required");
    req.add("argv");
    return s;
  }

  /**
   * Declares this tool's executable on a guard builder, so the task scope checks the grants'
   * {@code commands} for it, and validates the arguments first. Needed only when you run {@link
   * #run} through your own guard.
   */
  @Override
  public ToolGuard.Builder configure(ToolGuard.Builder guard) {
    return guard.handleParameter(name, HandleParameter.of("env").embedded(true))
        .command(name, tree -> Optional.of(parse(tree.toString()).argv));
  }

  @Override
  public String call(TaskScope task, String argumentsJson) {
    return Args.guardedCall(this, task, argumentsJson, this::parse);
  }

  /**
   * The tool body, for use inside a {@link ToolGuard} built with {@link #configure}: parses the
   * original (handle-bearing) arguments, injects the resolved values into the environment and runs.
   */
  @Override
  public String run(ToolInvocation invocation) {
    Request req = parse(invocation.originalArguments());
    if (!invocation.secrets().isEmpty()) {
      List<String> checked = ToolExecution.current().map(e -> e.use().command()).orElse(List.of());
      if (!checked.equals(req.argv)) {
        throw new ConfigurationException("Tool '" + name + "' ran in a guard that did not check its"
            + " command; build the guard with ProcessTool.configure(...) or use ProcessTool.call");
      }
    }
    Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
    Map<SecretHandle, String> plain = new HashMap<>();
    try {
      req.env.forEach((k, v) -> env.put(k, JsonHandles.substitute(v, h -> plain.computeIfAbsent(h,
          x -> reveal(invocation, x)))));
      Duration limit = req.timeout == null ? timeout : req.timeout;
      ProcessRunner.Outcome o = ProcessRunner.run(req.command(), req.cwd, env, limit,
          maxOutputChars, chunkBytes, invocation.task().redactor());
      return format(req, o, limit);
    } finally {
      env.clear(); // drop our references to the value strings (they cannot be wiped)
      plain.clear();
    }
  }

  private static String reveal(ToolInvocation inv, SecretHandle h) {
    SecretValue v = inv.secret(h.name());
    return v.revealString();
  }

  private String format(Request req, ProcessRunner.Outcome o, Duration limit) {
    StringBuilder sb = new StringBuilder();
    sb.append("$ ").append(String.join(" ", req.argv)).append('\n');
    if (o.timedOut()) {
      sb.append("exit code: none (timed out after ").append(limit.toMillis()).append(" ms; killed"
          + " the process and ").append(o.killedDescendants()).append(" descendant process(es))\n");
    } else {
      sb.append("exit code: ").append(o.exitCode()).append('\n');
      if (o.killedDescendants() > 0) {
        sb.append("note: killed ").append(o.killedDescendants())
            .append(" background process(es) it left running\n");
      }
    }
    block(sb, "stdout", o.stdout(), o.stdoutDropped());
    block(sb, "stderr", o.stderr(), o.stderrDropped());
    if (o.outputIncomplete()) {
      sb.append("[keyhole: output may be incomplete: a stream was still open when the call ended]\n");
    }
    return sb.toString();
  }

  private void block(StringBuilder sb, String label, String text, long dropped) {
    sb.append("--- ").append(label).append(" ---\n");
    if (text.isEmpty() && dropped == 0) {
      sb.append("(empty)\n");
      return;
    }
    sb.append(text);
    if (!text.endsWith("\n")) {
      sb.append('\n');
    }
    if (dropped > 0) {
      sb.append("[keyhole: ").append(label).append(" truncated after ").append(maxOutputChars)
          .append(" characters; ").append(dropped).append(" more characters were not shown]\n");
    }
  }

  /** {@code argv[0]}'s file name, for the task scope's command check. */
  private String executableName(JsonNode tree) {
    JsonNode argv = tree.get("argv");
    if (argv == null || !argv.isArray() || argv.isEmpty() || !argv.get(0).isTextual()) {
      throw new ToolArgumentsException("Tool '" + name + "' needs 'argv', a non-empty array of"
          + " strings, e.g. [\"./deploy.sh\", \"--check\"]");
    }
    return fileName(argv.get(0).textValue());
  }

  private static String fileName(String exe) {
    int slash = exe.lastIndexOf('/');
    return slash >= 0 ? exe.substring(slash + 1) : exe;
  }

  /** A validated request. */
  private static final class Request {
    final List<String> argv;
    final Path executable;
    final Path cwd;
    final Map<String, String> env;
    final @Nullable Duration timeout;

    Request(List<String> argv, Path executable, Path cwd, Map<String, String> env,
        @Nullable Duration timeout) {
      this.argv = argv;
      this.executable = executable;
      this.cwd = cwd;
      this.env = env;
      this.timeout = timeout;
    }

    List<String> command() {
      List<String> c = new ArrayList<>(argv);
      c.set(0, executable.toString());
      return c;
    }
  }

  private Request parse(String argumentsJson) {
    Args args = Args.parse(name, argumentsJson, FIELDS);
    String exeName = executableName(args.node());
    List<String> argv = new ArrayList<>();
    for (JsonNode a : args.node().get("argv")) {
      if (!a.isTextual()) {
        throw new ToolArgumentsException("Every element of 'argv' of tool '" + name
            + "' must be a string");
      }
      String s = a.textValue();
      if (s.indexOf('\0') >= 0 || s.length() > MAX_ARG_CHARS) {
        throw new ToolArgumentsException("An element of 'argv' of tool '" + name + "' is longer"
            + " than " + MAX_ARG_CHARS + " characters or holds a NUL character");
      }
      args.noHandles("argv", s, "secrets go into 'env' (e.g. {\"TOKEN\": \"secret://name\"}) and"
          + " the program reads them from its environment, so they never show in process lists");
      argv.add(s);
    }
    if (argv.size() > MAX_ARGS) {
      throw new ToolArgumentsException("'argv' of tool '" + name + "' has more than " + MAX_ARGS
          + " elements");
    }
    Map<String, String> env = args.stringMap("env");
    for (String k : env.keySet()) {
      if (!ENV_NAME.matcher(k).matches()) {
        throw new ToolArgumentsException("Environment variable name '" + Args.abbreviate(k)
            + "' is invalid; use letters, digits and '_', not starting with a digit");
      }
      String upper = k.toUpperCase(Locale.ROOT);
      if (PROTECTED_ENV.contains(upper) || upper.startsWith("LD_") || upper.startsWith("DYLD_")
          || upper.startsWith("BASH_FUNC_")) {
        throw new ToolArgumentsException("Tool '" + name + "' may not set environment variable '"
            + k + "': it changes which code runs. Variables such as PATH, LD_* and BASH_ENV are"
            + " fixed by the tool.");
      }
    }
    Duration t = null;
    Optional<Long> secs = args.optionalWhole("timeout_seconds");
    if (secs.isPresent()) {
      if (secs.get() < 1) {
        throw new ToolArgumentsException("'timeout_seconds' of tool '" + name
            + "' must be at least 1");
      }
      t = secs.get() >= timeout.toSeconds() ? timeout : Duration.ofSeconds(secs.get());
    }
    args.optionalText("cwd").ifPresent(c -> args.noHandles("cwd", c,
        "name a directory inside the workspace"));
    if (!commands.contains(exeName)) {
      throw new PolicyViolationException(PolicyViolationException.Reason.COMMAND_NOT_ALLOWED,
          "Tool '" + name + "' may not run '" + Args.abbreviate(exeName) + "'; it runs only "
              + commands + ". Ask the user to add the program to the tool's command allowlist if"
              + " it is needed.");
    }
    Path cwd = workingDirectory(args);
    Path exe = executable(argv.get(0), cwd);
    return new Request(List.copyOf(argv), exe, cwd, env, t);
  }

  private Path workingDirectory(Args args) {
    Optional<String> cwdArg = args.optionalText("cwd");
    if (cwdArg.isEmpty() || cwdArg.get().isBlank()) {
      return root;
    }
    Path dir;
    try {
      Path p = root.resolve(cwdArg.get()).normalize();
      dir = p.toRealPath();
    } catch (InvalidPathException | IOException e) {
      throw new ToolArgumentsException("Working directory '" + Args.abbreviate(cwdArg.get())
          + "' does not exist inside the workspace; use a path relative to the workspace root");
    }
    if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
      throw new ToolArgumentsException("Working directory '" + Args.abbreviate(cwdArg.get())
          + "' is not a directory inside the workspace root; use a path relative to the root");
    }
    return dir;
  }

  private Path executable(String argv0, Path cwd) {
    if (argv0.contains("/")) {
      Path exe;
      try {
        exe = cwd.resolve(argv0).normalize().toRealPath();
      } catch (InvalidPathException | IOException e) {
        throw new ToolArgumentsException("Executable '" + Args.abbreviate(argv0) + "' does not"
            + " exist in the working directory; check the path");
      }
      if (!exe.startsWith(root)) {
        throw new ToolArgumentsException("Executable '" + Args.abbreviate(argv0) + "' lies outside"
            + " the workspace root; run programs from the workspace or by name from PATH");
      }
      if (!Files.isRegularFile(exe) || !Files.isExecutable(exe)) {
        throw new ToolArgumentsException("'" + Args.abbreviate(argv0) + "' is not an executable"
            + " file; make it executable (chmod +x) or run it through an allowed interpreter");
      }
      return exe;
    }
    String path = baseEnvironment.getOrDefault("PATH", "");
    for (String dir : PATH_SEPARATOR.splitAsStream(path).toList()) {
      if (dir.isEmpty() || !dir.startsWith("/")) {
        continue; // relative PATH entries would depend on the agent's working directory
      }
      Path candidate = Path.of(dir, argv0);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new ToolArgumentsException("Executable '" + Args.abbreviate(argv0) + "' was not found on"
        + " PATH (" + Args.abbreviate(path) + "); install it, or run a script from the workspace"
        + " as ./name");
  }

  @Override
  public String toString() {
    return "ProcessTool[" + name + ", root=" + root + ", commands=" + commands + ", timeout="
        + timeout + "]";
  }

  /** Builds a {@link ProcessTool}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final Path root;
    private Path realRoot;
    private String name = DEFAULT_NAME;
    private final Set<String> commands = new LinkedHashSet<>();
    private Duration timeout = Duration.ofSeconds(60);
    private int maxOutputChars = 32_768;
    private final List<String> inherited = new ArrayList<>(DEFAULT_INHERITED);
    private Map<String, String> baseEnvironment = System.getenv();
    private int chunkBytes = 8_192;

    private Builder(Path root) {
      this.root = Objects.requireNonNull(root, "root");
      this.realRoot = root;
    }

    /** The tool's name (what grants list in {@code tools}); default {@value #DEFAULT_NAME}. */
    public Builder name(String toolName) {
      this.name = Objects.requireNonNull(toolName, "toolName");
      return this;
    }

    /**
     * Executable file names this tool may run at all (the tool-level allowlist, e.g. {@code
     * "./deploy.sh"} is allowed by {@code "deploy.sh"}). A grant's {@code commands} further limit
     * which of them may receive that grant's secret. At least one is required.
     */
    public Builder commands(String... executables) {
      for (String c : executables) {
        commands.add(Objects.requireNonNull(c, "command"));
      }
      return this;
    }

    /** The longest a call may run (default 60 s); the model may ask for less. */
    public Builder timeout(Duration limit) {
      this.timeout = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /** The most characters of stdout, and separately of stderr, returned (default 32768). */
    public Builder maxOutputChars(int chars) {
      this.maxOutputChars = chars;
      return this;
    }

    /** Replaces the names of variables inherited from {@link #baseEnvironment} (default PATH, HOME, LANG, TMPDIR). */
    public Builder inheritedVariables(String... names) {
      inherited.clear();
      inherited.addAll(List.of(names));
      return this;
    }

    /** Where inherited variables come from (default {@link System#getenv()}). */
    public Builder baseEnvironment(Map<String, String> environment) {
      this.baseEnvironment = Map.copyOf(environment);
      return this;
    }

    /** How many bytes are read from a stream at a time (default 8192). Small values are for tests. */
    public Builder readChunkBytes(int bytes) {
      this.chunkBytes = bytes;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws ConfigurationException when the root is not a directory, no command is allowed, a
     *     command holds a path, or a limit is not positive
     */
    public ProcessTool build() {
      try {
        realRoot = root.toRealPath();
      } catch (IOException e) {
        throw new ConfigurationException("Process tool root '" + root + "' does not exist; create"
            + " it or point the tool at the workspace directory");
      }
      if (!Files.isDirectory(realRoot)) {
        throw new ConfigurationException("Process tool root '" + root + "' is not a directory");
      }
      if (commands.isEmpty()) {
        throw new ConfigurationException("Process tool '" + name + "' allows no commands; list"
            + " the executables it may run with commands(\"psql\", \"deploy.sh\", ...)");
      }
      for (String c : commands) {
        if (c.isBlank() || c.contains("/") || c.contains("\\")) {
          throw new ConfigurationException("Process tool command '" + c + "' is invalid; name the"
              + " executable's file name without a path, e.g. 'deploy.sh'");
        }
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("Process tool timeout must be positive, was " + timeout);
      }
      if (maxOutputChars < 1 || chunkBytes < 1) {
        throw new ConfigurationException("Process tool output limit and chunk size must be"
            + " positive");
      }
      for (String n : inherited) {
        if (!ENV_NAME.matcher(n).matches()) {
          throw new ConfigurationException("Inherited variable name '" + n + "' is invalid");
        }
      }
      return new ProcessTool(this);
    }
  }
}
