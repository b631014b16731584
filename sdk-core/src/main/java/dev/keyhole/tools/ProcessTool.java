package dev.keyhole.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.CommandRule;
import dev.keyhole.ConfigurationException;
import dev.keyhole.HandleMatch;
import dev.keyhole.HandleParameter;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolExecution;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import dev.keyhole.Use;
import dev.keyhole.internal.CodeExecution;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 *   <li>The arguments are checked before anything resolves: the command must match one of this
 *       tool's {@linkplain Builder#commands command rules} (a program and an argument prefix); the
 *       working directory must lie inside the allowed root (symbolic links resolved); the executable
 *       must exist (a name is looked up on the inherited {@code PATH}, a path must lie inside the
 *       root); handles may appear only in {@code env}, each as a variable's whole value; a
 *       variable without a handle must be one the application lets the model set ({@link
 *       Builder#modelVariables}).
 *   <li>The handles resolve through the task's {@link ToolGuard} under policy: the grant must list
 *       this tool in {@code tools}, a {@code commands} rule that matches the program and its first
 *       arguments, and the variable in {@code env}; a command that runs code its arguments choose
 *       (a shell, {@code find -exec}, {@code git -c}) needs {@code allowCodeExecution}.
 *   <li>The program starts with an environment built from an allow-list: the inherited variables
 *       (default {@code PATH, LANG}), a per-task scratch {@code HOME} and {@code TMPDIR} (deleted
 *       when the task ends), a marker variable, and the request's {@code env}; no stdin; in a
 *       session of its own.
 *   <li>stdout and stderr are decoded and streamed through {@link dev.keyhole.Redactor#streaming()},
 *       so a value split across reads is still caught; each is capped at {@link
 *       Builder#maxOutputChars} with a visible {@code [keyhole: ... truncated ...]} marker.
 *   <li>On timeout, and after a normal exit, the process and everything it started are killed: its
 *       session, its process group, and on Linux every process carrying its marker (see the README
 *       for what can still escape). The exit code is reported; a non-zero exit is a normal result.
 * </ol>
 *
 * <p>When the task ends, the tool kills what is left of its processes, scans the files in its root
 * that changed during the task for live values ({@link Builder#persistedValues}: scrub or report,
 * audited as {@code VALUE_PERSISTED} with file and line), and deletes the task's scratch
 * directories.
 *
 * <p>Security: values reach only the child's environment (never its argument list, which other
 * users of the machine can read). A program that receives a value can leak it: the policy limits
 * which program, how it is invoked and what it may change, and what comes back is redacted by the
 * Keyhole redactor, which knows every value the task resolved in the encodings it supports. The
 * allowlist trusts programs by file name: a workspace the agent can write to can hold any script
 * under an allowed name, so keep the root and the rules narrow. POSIX systems only.
 */
public final class ProcessTool implements AgentTool {
  /** The default tool name. */
  public static final String DEFAULT_NAME = "run_process";

  /** What happens to a live value found in a workspace file (see {@link Builder#persistedValues}). */
  public enum PersistedValues {
    /** Rewrite the file with the value replaced by its handle (atomically), and audit it. */
    SCRUB,
    /** Leave the file as it is and audit it. */
    REPORT
  }

  /** Variables passed through from Keyhole's own environment by default. */
  public static final List<String> DEFAULT_INHERITED = List.of("PATH", "LANG");

  /** Variables the tool itself sets on every call; nobody else may set them. */
  private static final Set<String> FIXED = Set.of("HOME", "TMPDIR", ProcessReaper.MARK_VARIABLE);
  private static final Set<String> FIELDS = Set.of("argv", "cwd", "env", "timeout_seconds");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
  private static final Pattern PATH_SEPARATOR = Pattern.compile(Pattern.quote(File.pathSeparator));
  private static final Set<String> GIT_OTHER_REPOSITORY = Set.of("-C", "--git-dir", "--work-tree");
  /** Programs that behave as the name they are run by (busybox's {@code ls} is {@code ls}). */
  private static final Set<String> MULTI_CALL = Set.of("busybox", "toybox");
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_ARGS = 256;
  private static final int MAX_ARG_CHARS = 8_192;

  private final String name;
  private final Path root;
  private final List<CommandRule> rules;
  private final Duration timeout;
  private final int maxOutputChars;
  private final Map<String, String> baseEnvironment;
  private final Set<String> modelVariables;
  private final int chunkBytes;
  private final PersistedValues persistedValues;
  private final boolean scanAfterEachCall;
  private final long maxScanFileBytes;
  private final Path scratchParent;
  private final Map<TaskScope, TaskState> tasks = new ConcurrentHashMap<>();

  private ProcessTool(Builder b) {
    this.name = b.name;
    this.root = b.realRoot;
    this.rules = List.copyOf(b.rules);
    this.timeout = b.timeout;
    this.maxOutputChars = b.maxOutputChars;
    Map<String, String> base = new LinkedHashMap<>();
    for (String n : b.inherited) {
      String v = b.baseEnvironment.get(n);
      if (v != null) {
        base.put(n, v);
      }
    }
    this.baseEnvironment = Collections.unmodifiableMap(base);
    this.modelVariables = Collections.unmodifiableSet(new LinkedHashSet<>(b.modelVariables));
    this.chunkBytes = b.chunkBytes;
    this.persistedValues = b.persistedValues;
    this.scanAfterEachCall = b.scanAfterEachCall;
    this.maxScanFileBytes = b.maxScanFileBytes;
    this.scratchParent = b.scratchParent;
  }

  /**
   * A builder for a tool that runs programs inside {@code root} (the allowed root for working
   * directories and path executables, and the workspace scanned for persisted values).
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

  /** The commands this tool runs at all, as written ({@code git status}, {@code ./deploy.sh}). */
  public Set<String> commands() {
    Set<String> out = new LinkedHashSet<>();
    rules.forEach(r -> out.add(r.toString()));
    return Collections.unmodifiableSet(out);
  }

  /** The variables the model may set to plain text. */
  public Set<String> modelVariables() {
    return modelVariables;
  }

  @Override
  public String description(TaskScope task) {
    return "Runs a program (no shell) in the workspace and returns its exit code, stdout and"
        + " stderr. Commands allowed (a program and the arguments it must start with): "
        + commands() + ". Pass secrets only through 'env', each handle as the whole value of the"
        + " variable its grant names, e.g. {\"API_TOKEN\": \"secret://name\"}: the program receives"
        + " the real value, you never see it, and any value it prints comes back as its handle."
        + (modelVariables.isEmpty() ? " No other variables may be set."
            : " Other variables you may set (plain text): " + modelVariables + ".")
        + " Timeout " + Math.max(1, timeout.toSeconds()) + " s. Handles this tool may use:"
        + Args.handleList(task, name);
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
    env.put("description", "Environment variables: a handle (secret://name) as the whole value of"
        + " the variable its grant names"
        + (modelVariables.isEmpty() ? "." : ", or plain text for " + modelVariables + "."));
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
   * Declares this tool's command and environment on a guard builder, so the task scope checks the
   * grants' {@code commands} and {@code env} for them, and validates the arguments first. Needed
   * only when you run {@link #run} through your own guard.
   */
  @Override
  public ToolGuard.Builder configure(ToolGuard.Builder guard) {
    return guard.handleParameter(name, HandleParameter.of("env").embedded(true))
        .environmentParameter(name, "env")
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
      Use checked = ToolExecution.current().map(ToolExecution::use).orElse(null);
      if (checked == null || !checked.command().equals(req.argv)
          || !checked.environment().equals(req.env)) {
        throw new ConfigurationException("Tool '" + name + "' ran in a guard that did not check its"
            + " command and environment; build the guard with ProcessTool.configure(...) or use"
            + " ProcessTool.call");
      }
    }
    TaskScope task = invocation.task();
    TaskState state = state(task);
    String mark = state.mark + "-" + state.calls.incrementAndGet();
    Map<String, String> env = new LinkedHashMap<>(baseEnvironment);
    Map<SecretHandle, String> plain = new HashMap<>();
    try {
      req.env.forEach((k, v) -> env.put(k, SecretHandle.containsToken(v)
          ? plain.computeIfAbsent(SecretHandle.parse(v), h -> invocation.secret(h.name())
              .revealString())
          : v));
      env.put("HOME", state.home.toString());
      env.put("TMPDIR", state.tmp.toString());
      env.put(ProcessReaper.MARK_VARIABLE, mark);
      Duration limit = req.timeout == null ? timeout : req.timeout;
      ProcessRunner.Outcome o = ProcessRunner.run(req.command(), req.cwd, env,
          ProcessReaper.MARK_VARIABLE + "=" + mark, limit, maxOutputChars, chunkBytes,
          task.redactor());
      if (scanAfterEachCall) {
        new WorkspaceScan(root, state.since, task, name, persistedValues, maxScanFileBytes).run();
      }
      return format(req, o, limit);
    } finally {
      env.clear(); // drop our references to the value strings (they cannot be wiped)
      plain.clear();
    }
  }

  /** The task's scratch space and marker, made on its first call; torn down when it ends. */
  private TaskState state(TaskScope task) {
    TaskState s = tasks.get(task);
    if (s != null) {
      return s;
    }
    synchronized (tasks) {
      s = tasks.get(task);
      if (s == null) {
        s = TaskState.create(scratchParent);
        tasks.put(task, s);
        TaskState created = s;
        task.onClose(() -> endTask(task, created));
      }
    }
    if (!task.isOpen()) {
      throw new TaskClosedException("Task '" + task.taskId() + "' ended while tool '" + name
          + "' was starting a program; open a new task", false);
    }
    return s;
  }

  /** At task end: kill what is left, scan the workspace, delete the scratch directories. */
  private void endTask(TaskScope task, TaskState state) {
    try {
      ProcessReaper.kill(-1, ProcessReaper.MARK_VARIABLE + "=" + state.mark + "-", true, Set.of());
      new WorkspaceScan(root, state.since, task, name, persistedValues, maxScanFileBytes).run();
    } finally {
      deleteTree(state.dir);
      tasks.remove(task);
    }
  }

  /** Deletes a directory tree without following links, making directories writable first. */
  private static void deleteTree(Path dir) {
    try {
      Files.walkFileTree(dir, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
          try {
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
          } catch (IOException | UnsupportedOperationException e) {
            // try anyway
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
          Files.deleteIfExists(f);
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e)
            throws IOException {
          Files.deleteIfExists(d);
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // best effort; what is left is inside a private (0700) temporary directory
    }
  }

  /** One task's state in this tool. */
  private static final class TaskState {
    final Path dir;
    final Path home;
    final Path tmp;
    final FileTime since;
    final String mark;
    final AtomicLong calls = new AtomicLong();

    private TaskState(Path dir, FileTime since, String mark) {
      this.dir = dir;
      this.home = dir.resolve("home");
      this.tmp = dir.resolve("tmp");
      this.since = since;
      this.mark = mark;
    }

    static TaskState create(Path parent) {
      byte[] r = new byte[16];
      RANDOM.nextBytes(r);
      try {
        Path dir = Files.createTempDirectory(parent, "keyhole-task-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectory(dir.resolve("home"));
        Files.createDirectory(dir.resolve("tmp"));
        // The file system's own clock, so that file times compare with it.
        FileTime since = Files.getLastModifiedTime(dir);
        return new TaskState(dir, since, HexFormat.of().formatHex(r));
      } catch (IOException e) {
        throw new ConfigurationException("Could not create the per-task scratch directory under "
            + parent + " (" + e.getClass().getSimpleName() + "); make it writable or choose"
            + " another with ProcessTool.Builder.scratchDirectory");
      }
    }
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

  /** The file name {@code exe} resolves to through symbolic links. */
  private static String realName(Path exe, String fallback) {
    try {
      Path r = exe.toRealPath().getFileName();
      return r == null ? fallback : r.toString();
    } catch (IOException e) {
      return fallback;
    }
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
    JsonNode argvNode = args.node().get("argv");
    if (argvNode == null || !argvNode.isArray() || argvNode.isEmpty()
        || !argvNode.get(0).isTextual()) {
      throw new ToolArgumentsException("Tool '" + name + "' needs 'argv', a non-empty array of"
          + " strings, e.g. [\"./deploy.sh\", \"--check\"]");
    }
    List<String> argv = new ArrayList<>();
    for (JsonNode a : argvNode) {
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
    for (Map.Entry<String, String> e : env.entrySet()) {
      checkVariable(e.getKey(), e.getValue());
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
    if (rules.stream().noneMatch(r -> r.matches(argv))) {
      throw new PolicyViolationException(Reason.COMMAND_NOT_ALLOWED, "Tool '" + name
          + "' may not run '" + Args.abbreviate(String.join(" ", argv)) + "'; it runs only "
          + commands() + " (a program, then the arguments the call must start with). Ask the user"
          + " to allow the command in the tool's configuration if it is needed.");
    }
    if (fileName(argv.get(0)).equals("git")) {
      for (String a : argv.subList(1, argv.size())) {
        if (!a.startsWith("-")) {
          break; // the subcommand: what follows are its own options
        }
        String opt = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        if (GIT_OTHER_REPOSITORY.contains(opt)) {
          throw new ToolArgumentsException("Tool '" + name + "' does not run 'git " + opt + "':"
              + " it would work on a repository outside the workspace; use 'cwd' to pick a"
              + " directory inside it");
        }
      }
    }
    Path cwd = workingDirectory(args);
    Path exe = executable(argv.get(0), cwd);
    String asCalled = fileName(argv.get(0));
    String real = realName(exe, asCalled);
    if (CodeExecution.ofProgram(asCalled) == null && CodeExecution.ofProgram(real) != null
        && !MULTI_CALL.contains(real)) {
      throw new ToolArgumentsException("'" + Args.abbreviate(argv.get(0)) + "' is a link to '"
          + real + "', which runs code chosen by its arguments; run it by its own name, so that"
          + " the policy sees what runs");
    }
    return new Request(List.copyOf(argv), exe, cwd, Collections.unmodifiableMap(env), t);
  }

  /** A handle must be a variable's whole value; a plain variable must be one the app allows. */
  private void checkVariable(String k, String v) {
    if (!ENV_NAME.matcher(k).matches()) {
      throw new ToolArgumentsException("Environment variable name '" + Args.abbreviate(k)
          + "' is invalid; use letters, digits and '_', not starting with a digit");
    }
    if (SecretHandle.containsToken(v)) {
      List<HandleMatch> m = SecretHandle.findAll(v);
      if (m.size() != 1 || m.get(0).start() != 0 || m.get(0).end() != v.length()) {
        throw new ToolArgumentsException("Environment variable '" + k + "' of tool '" + name
            + "' must be exactly one handle such as \"secret://name\", not a handle inside other"
            + " text; the program gets the value as it is, in the variable its grant names");
      }
      return;
    }
    if (!modelVariables.contains(k)) {
      throw new PolicyViolationException(Reason.ENVIRONMENT_NOT_ALLOWED, "Tool '" + name
          + "' does not let the model set environment variable '" + k + "'"
          + (modelVariables.isEmpty() ? "" : "; it may set only " + modelVariables)
          + ". Secrets go into the variables their grants name, as handles; anything else the"
          + " program needs must be allowed by the application (ProcessTool.Builder"
          + ".modelVariables).");
    }
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
        return candidate; // run as found: multi-call programs dispatch on the name they are run by
      }
    }
    throw new ToolArgumentsException("Executable '" + Args.abbreviate(argv0) + "' was not found on"
        + " PATH (" + Args.abbreviate(path) + "); install it, or run a script from the workspace"
        + " as ./name");
  }

  @Override
  public String toString() {
    return "ProcessTool[" + name + ", root=" + root + ", commands=" + commands() + ", timeout="
        + timeout + "]";
  }

  /** Builds a {@link ProcessTool}; validation happens in {@link #build()}. */
  public static final class Builder {
    private final Path root;
    private Path realRoot;
    private String name = DEFAULT_NAME;
    private final Set<String> commands = new LinkedHashSet<>();
    private final List<CommandRule> rules = new ArrayList<>();
    private Duration timeout = Duration.ofSeconds(60);
    private int maxOutputChars = 32_768;
    private final List<String> inherited = new ArrayList<>(DEFAULT_INHERITED);
    private Map<String, String> baseEnvironment = System.getenv();
    private final Set<String> modelVariables = new LinkedHashSet<>();
    private int chunkBytes = 8_192;
    private PersistedValues persistedValues = PersistedValues.SCRUB;
    private boolean scanAfterEachCall;
    private long maxScanFileBytes = 16L * 1024 * 1024;
    private Path scratchParent = Path.of(System.getProperty("java.io.tmpdir"));

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
     * The commands this tool may run at all, with or without secrets: a program and the arguments
     * the call must start with ({@link CommandRule}), e.g. {@code "deploy.sh"} (also allows {@code
     * ./deploy.sh}), {@code "git status"}, {@code "./deploy.sh --check"}. A grant's {@code
     * commands} further limit which of them may receive that grant's secret. At least one is
     * required.
     */
    public Builder commands(String... commandRules) {
      for (String c : commandRules) {
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

    /**
     * Replaces the names of variables inherited from {@link #baseEnvironment} (default PATH,
     * LANG). HOME and TMPDIR cannot be inherited: every task gets scratch directories of its own.
     */
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

    /**
     * Variables the model may set to plain text (no handles) in a call's {@code env}, e.g. {@code
     * "LOG_LEVEL"}. Default none: a variable that is not a handle the grant's {@code env} names is
     * refused ({@code ENVIRONMENT_NOT_ALLOWED}), because many variables change which code runs
     * ({@code GIT_CONFIG_*}, {@code NODE_OPTIONS}, {@code PYTHONPATH}, {@code HOME}, ...).
     */
    public Builder modelVariables(String... names) {
      modelVariables.addAll(List.of(names));
      return this;
    }

    /** What to do with live values found in workspace files (default {@link PersistedValues#SCRUB}). */
    public Builder persistedValues(PersistedValues mode) {
      this.persistedValues = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** Whether the workspace is also scanned after each call (default: only when the task ends). */
    public Builder scanAfterEachCall(boolean on) {
      this.scanAfterEachCall = on;
      return this;
    }

    /** Files larger than this are not scanned for persisted values (default 16 MiB). */
    public Builder maxScanFileBytes(long bytes) {
      this.maxScanFileBytes = bytes;
      return this;
    }

    /** Where the per-task scratch HOME and TMPDIR are made (default {@code java.io.tmpdir}). */
    public Builder scratchDirectory(Path parent) {
      this.scratchParent = Objects.requireNonNull(parent, "parent");
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
     *     command rule is invalid, a variable name is invalid or fixed by the tool, or a limit is
     *     not positive
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
            + " the commands it may run with commands(\"pg_dump\", \"./deploy.sh --check\", ...)");
      }
      rules.clear();
      for (String c : commands) {
        try {
          rules.add(CommandRule.parse(c));
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException("Process tool command '" + c + "' is invalid: "
              + e.getMessage());
        }
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new ConfigurationException("Process tool timeout must be positive, was " + timeout);
      }
      if (maxOutputChars < 1 || chunkBytes < 1 || maxScanFileBytes < 0) {
        throw new ConfigurationException("Process tool output limit and chunk size must be"
            + " positive");
      }
      for (String n : inherited) {
        if (!ENV_NAME.matcher(n).matches() || FIXED.contains(n)) {
          throw new ConfigurationException("Inherited variable name '" + n + "' is invalid or set"
              + " by the tool itself (HOME and TMPDIR are per-task scratch directories)");
        }
      }
      for (String n : modelVariables) {
        String u = n.toUpperCase(Locale.ROOT);
        if (!ENV_NAME.matcher(n).matches() || FIXED.contains(u) || u.equals("PATH")
            || u.startsWith("LD_") || u.startsWith("DYLD_") || u.startsWith("KEYHOLE_")) {
          throw new ConfigurationException("Process tool '" + name + "' cannot let the model set"
              + " variable '" + n + "': it is invalid, set by the tool, or changes which code runs");
        }
      }
      return new ProcessTool(this);
    }
  }
}
