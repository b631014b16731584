package dev.keyhole.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyhole.Grant;
import dev.keyhole.PolicyFileException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEventType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The process tool attacked as a prompt-injected model would attack it (issue 12): programs that
 * run code from their arguments, configuration or environment, encodings the redactor cannot know,
 * values left in the workspace, and processes that outlive the call. The git cases run the real
 * {@code git} binary. Every test performs the attack; each was red before the fix.
 */
class ProcessAttackTest {
  @TempDir Path work;

  private Fixture fx;
  private final List<TaskScope> tasks = new ArrayList<>();

  @BeforeEach
  void setUp() {
    fx = new Fixture("token");
  }

  @AfterEach
  void tearDown() {
    tasks.forEach(TaskScope::close);
    fx.assertAuditClean();
    fx.close();
  }

  private TaskScope open(Grant g) {
    TaskScope t = fx.open(g);
    tasks.add(t);
    return t;
  }

  /** The grant under attack: the value may go into variable T of the programs the test names. */
  private static Grant.Builder grant() {
    return Grant.builder("token").ref("memory:token").tools(ProcessTool.DEFAULT_NAME)
        .env("T", "token");
  }

  private ProcessTool.Builder tool(String... commands) {
    return ProcessTool.builder(work).commands(commands);
  }

  private Path script(String name, String body) throws IOException {
    Path p = work.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private static String json(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Arguments with {@code argv} and env {@code T=secret://token} plus {@code extraEnv} pairs. */
  private static String args(List<String> argv, String... extraEnv) {
    StringBuilder sb = new StringBuilder("{\"argv\": [");
    for (int i = 0; i < argv.size(); i++) {
      sb.append(i == 0 ? "" : ", ").append(json(argv.get(i)));
    }
    sb.append("], \"env\": {\"T\": \"secret://token\"");
    for (int i = 0; i < extraEnv.length; i += 2) {
      sb.append(", ").append(json(extraEnv[i])).append(": ").append(json(extraEnv[i + 1]));
    }
    return sb.append("}}").toString();
  }

  /** What a call produced: its text, or what it threw. */
  private record Outcome(@Nullable String output, @Nullable Throwable error) {
    String text() {
      return (output == null ? "" : output) + (error == null ? "" : error.getMessage());
    }
  }

  private static Outcome call(ProcessTool t, TaskScope task, String argumentsJson) {
    try {
      return new Outcome(t.call(task, argumentsJson), null);
    } catch (RuntimeException e) {
      return new Outcome(null, e);
    }
  }

  /** No value in the forms the redactor knows, nor reversed (what the git attacks print). */
  private void assertNoLeak(String text) {
    fx.assertNoValue(text);
    String reversed = new StringBuilder(fx.value("token")).reverse().toString();
    assertThat(text.contains(reversed)).as("the value, reversed, in the call's outcome").isFalse();
  }

  private void assertDenied(Outcome o, Reason reason) {
    assertThat(o.error()).isInstanceOfSatisfying(PolicyViolationException.class,
        e -> assertThat(e.reason()).isEqualTo(reason));
    assertThat(fx.audit.events(AuditEventType.USE_DENIED))
        .anySatisfy(e -> assertThat(e.reason()).isEqualTo(reason.name()));
    assertThat(fx.audit.events(AuditEventType.VALUE_REVEALED)).isEmpty();
  }

  private void gitInit() throws Exception {
    Process p = new ProcessBuilder("git", "init", "-q", work.toString()).redirectErrorStream(true)
        .start();
    p.getInputStream().transferTo(OutputStream.nullOutputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("git init").isTrue();
    Files.writeString(work.resolve("a.txt"), "a\n");
  }

  // --- programs that run code chosen by the model -------------------------------------------

  @Test
  void git_dashCAlias_thatPrintsTheValueReversed_isDenied() throws Exception {
    gitInit();
    TaskScope task = open(grant().commands("git").build());

    Outcome o = call(tool("git").build(), task,
        args(List.of("git", "-c", "alias.x=!printenv T | rev", "x")));

    assertNoLeak(o.text());
    assertDenied(o, Reason.CODE_EXECUTION_NOT_ALLOWED);
  }

  @Test
  void git_status_withFsmonitorFromModelChosenGitConfigVariables_isDenied() throws Exception {
    gitInit();
    TaskScope task = open(grant().commands("git").build());

    Outcome o = call(tool("git").build(), task, args(List.of("git", "status"),
        "GIT_CONFIG_COUNT", "1", "GIT_CONFIG_KEY_0", "core.fsmonitor",
        "GIT_CONFIG_VALUE_0", "printenv T | rev >&2; false"));

    assertNoLeak(o.text());
    assertDenied(o, Reason.ENVIRONMENT_NOT_ALLOWED);
  }

  @Test
  void git_status_withModelChosenHomeHoldingAGitconfig_isDenied() throws Exception {
    gitInit();
    Path home = Files.createDirectory(work.resolve("evil-home"));
    Files.writeString(home.resolve(".gitconfig"),
        "[core]\n\tfsmonitor = \"printenv T | rev >&2; false\"\n");
    TaskScope task = open(grant().commands("git").build());

    Outcome o = call(tool("git").build(), task,
        args(List.of("git", "status"), "HOME", home.toString()));

    assertNoLeak(o.text());
    assertDenied(o, Reason.ENVIRONMENT_NOT_ALLOWED);
  }

  /** Variables a deny-list missed: each changes which code runs in some program. */
  @ParameterizedTest
  @ValueSource(strings = {"_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "GIT_SSH_COMMAND",
      "GIT_CONFIG_PARAMETERS", "GIT_EXEC_PATH", "PYTHONPATH", "NODE_OPTIONS", "HOME", "GCONV_PATH",
      "PAGER", "EDITOR", "PERL5LIB", "RUBYOPT", "LESSOPEN"})
  void environmentVariableTheModelChooses_isDenied_andNothingRuns(String name) throws IOException {
    script("check.sh", "echo ran > ran.txt");
    TaskScope task = open(grant().commands("check.sh").build());

    Outcome o = call(tool("check.sh").build(), task,
        args(List.of("./check.sh"), name, work.toString()));

    assertDenied(o, Reason.ENVIRONMENT_NOT_ALLOWED);
    assertThat(work.resolve("ran.txt")).doesNotExist();
  }

  static Stream<Arguments> encodings() {
    return Stream.of(
        Arguments.of("rev", "printenv T | rev",
            (UnaryOperator<String>) s -> new StringBuilder(s).reverse().toString()),
        Arguments.of("od -c", "printenv T | od -c", (UnaryOperator<String>) s -> {
          StringBuilder sb = new StringBuilder();
          for (String line : s.split("\n", -1)) {
            String[] cols = line.strip().split("\\s+", -1);
            for (int i = 1; i < cols.length; i++) {
              sb.append(cols[i]);
            }
          }
          return sb.toString();
        }),
        Arguments.of("sed", "printenv T | sed 's/./& /g'",
            (UnaryOperator<String>) s -> s.replace(" ", "")),
        Arguments.of("gzip | base64", "printenv T | gzip | base64",
            (UnaryOperator<String>) s -> gunzip(Base64.getMimeDecoder().decode(s))),
        Arguments.of("split halves", "printenv T | cut -c1-17; printenv T | cut -c18-",
            (UnaryOperator<String>) s -> s.replace("\n", "")),
        Arguments.of("UTF-16", "printenv T | iconv -f UTF-8 -t UTF-16LE",
            (UnaryOperator<String>) s -> s.replace("\u0000", "")),
        Arguments.of("rot13", "printenv T | tr 'A-Za-z' 'N-ZA-Mn-za-m'",
            (UnaryOperator<String>) ProcessAttackTest::rot13),
        Arguments.of("wrapped base64", "printenv T | base64 -w 8",
            (UnaryOperator<String>) s -> new String(Base64.getMimeDecoder().decode(s),
                StandardCharsets.UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encodings")
  void shell_printingTheValueInAnEncodingTheRedactorCannotKnow_isRefusedAtTheGrant(String name,
      String shell, UnaryOperator<String> decode) {
    String[] out = {""};
    Throwable refused = catchThrowable(() -> {
      TaskScope task = open(grant().commands("sh").build());
      out[0] = tool("sh").build().call(task, args(List.of("sh", "-c", shell)));
    });

    String recovered;
    try {
      recovered = decode.apply(stdout(out[0]));
    } catch (RuntimeException e) {
      recovered = "";
    }
    assertThat(recovered.contains(fx.value("token"))).as("the value, decoded from the " + name
        + " output").isFalse();
    assertThat(refused).isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("allowCodeExecution").hasMessageContaining("'sh'");
  }

  @Test
  void find_exec_runningAShell_isDenied() {
    TaskScope task = open(grant().commands("find").build());

    Outcome o = call(tool("find").build(), task, args(List.of("find", ".", "-maxdepth", "0",
        "-exec", "sh", "-c", "printenv T | rev", ";")));

    assertNoLeak(o.text());
    assertDenied(o, Reason.CODE_EXECUTION_NOT_ALLOWED);
  }

  private static String stdout(String toolOutput) {
    int start = toolOutput.indexOf("--- stdout ---\n");
    int end = toolOutput.indexOf("--- stderr ---");
    return start < 0 || end < start ? "" : toolOutput.substring(start + 15, end);
  }

  private static String gunzip(byte[] bytes) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  private static String rot13(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        sb.append((char) ('a' + (c - 'a' + 13) % 26));
      } else if (c >= 'A' && c <= 'Z') {
        sb.append((char) ('A' + (c - 'A' + 13) % 26));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  // --- values left behind ----------------------------------------------------------------

  @Test
  void valueWrittenToAWorkspaceFile_isScrubbedAtTaskClose_andAuditedWithFileAndLine()
      throws IOException {
    script("save.sh", "printf 'first line\\ntoken=%s\\n' \"$T\" > notes.txt");
    TaskScope task = open(grant().commands("save.sh").build());

    String out = tool("save.sh").build().call(task, args(List.of("./save.sh")));
    task.close();

    assertThat(out).contains("exit code: 0");
    String file = Files.readString(work.resolve("notes.txt"));
    fx.assertNoValue(file);
    assertThat(file).isEqualTo("first line\ntoken=secret://token\n");
    assertThat(fx.audit.events(AuditEventType.VALUE_PERSISTED)).singleElement().satisfies(e -> {
      assertThat(e.handle()).isEqualTo("token");
      assertThat(e.tool()).isEqualTo(ProcessTool.DEFAULT_NAME);
      assertThat(e.outcome()).isEqualTo("scrubbed");
      assertThat(e.attributes()).containsEntry("file", "notes.txt").containsEntry("line", "2");
    });
  }

  @Test
  void scratchHomeAndTmpdir_arePerTask_andDeletedAtClose() throws IOException {
    script("where.sh", "printf '%s\\n%s\\n' \"$HOME\" \"$TMPDIR\" > where.txt");
    TaskScope task = open(grant().commands("where.sh").build());

    tool("where.sh").build().call(task, args(List.of("./where.sh")));
    List<String> where = Files.readAllLines(work.resolve("where.txt"));
    Path home = Path.of(where.get(0));
    Path tmp = Path.of(where.get(1));

    assertThat(where.get(0)).isNotEqualTo(System.getenv("HOME"));
    assertThat(home).isDirectory();
    assertThat(tmp).isDirectory();
    task.close();
    assertThat(home).doesNotExist();
    assertThat(tmp).doesNotExist();
  }

  // --- processes that outlive the call --------------------------------------------------

  @Test
  void backgroundProcessesThatLeftTheSessionOrWereOrphaned_dieWithTheCall() throws Exception {
    script("escape.sh", """
        ( setsid sh -c 'echo $$ > esc1.pid; while :; do date >> late1.txt; sleep 1; done' \
            >/dev/null 2>&1 & )
        ( sh -c 'echo $$ > esc2.pid; while :; do date >> late2.txt; sleep 1; done' \
            >/dev/null 2>&1 & )
        while [ ! -s esc1.pid ] || [ ! -s esc2.pid ]; do sleep 0.05; done
        echo started""");
    TaskScope task = open(grant().commands("escape.sh").build());

    String out = tool("escape.sh").build().call(task, args(List.of("./escape.sh")));

    assertThat(out).contains("started");
    for (String f : List.of("esc1.pid", "esc2.pid")) {
      long pid = Long.parseLong(Files.readString(work.resolve(f)).strip());
      assertThat(diesWithin(pid, Duration.ofSeconds(5))).as("process from %s is dead", f).isTrue();
    }
  }

  @Test
  void taskClose_killsWhatARunningCallStarted() throws Exception {
    Path fifo = work.resolve("ready");
    Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mk.waitFor(30, TimeUnit.SECONDS) && mk.exitValue() == 0).as("mkfifo").isTrue();
    script("long.sh", "( setsid sh -c 'sleep 120' >/dev/null 2>&1 & echo $! > ready )\nsleep 120");
    TaskScope task = open(grant().commands("long.sh").build());
    ProcessTool t = tool("long.sh").timeout(Duration.ofSeconds(60)).build();

    // Two threads of its own: both tasks block, and CompletableFuture's default executor may be a
    // common pool of one thread (2 cores; JDK 25 no longer starts a thread per task there).
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(
          () -> call(t, task, args(List.of("./long.sh"))), threads);
      long pid = Long.parseLong(CompletableFuture.supplyAsync(() -> { // until the script wrote it
        try {
          return Files.readString(fifo).strip();
        } catch (IOException e) {
          return "-1";
        }
      }, threads).get(60, TimeUnit.SECONDS));
      task.close();

      assertThat(diesWithin(pid, Duration.ofSeconds(5))).as("the call's background process").isTrue();
      Outcome o = running.get(30, TimeUnit.SECONDS);
      assertThat(o.text()).doesNotContain("exit code: 0");
    } finally {
      threads.shutdownNow();
    }
  }

  /** Whether {@code pid} is gone within {@code limit}; kills it if not, so no test leaks it. */
  private static boolean diesWithin(long pid, Duration limit) throws Exception {
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    if (h.isEmpty()) {
      return true;
    }
    try {
      h.get().onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (TimeoutException e) {
      h.get().destroyForcibly();
      return false;
    }
  }
}
