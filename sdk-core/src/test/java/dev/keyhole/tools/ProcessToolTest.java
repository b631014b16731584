package dev.keyhole.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.ToolGuard;
import dev.keyhole.audit.AuditEventType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessToolTest {
  @TempDir Path work;

  private Fixture fx;
  private TaskScope task;

  @BeforeEach
  void setUp() {
    fx = new Fixture("token", "other");
    task = fx.open(
        Grant.builder("token").ref("memory:token").tools("run_process")
            .commands("print.sh", "check.sh", "env.sh", "slow.sh", "pieces.sh", "fail.sh",
                "big.sh", "exit.sh")
            .env("TOKEN", "token").env("DATABASE_URL", "token")
            .build(),
        Grant.builder("other").ref("memory:other").tools("http_request").build());
  }

  @AfterEach
  void tearDown() {
    fx.assertAuditClean();
    fx.close();
  }

  private Path script(String name, String body) throws IOException {
    Path p = work.resolve(name);
    Files.writeString(p, "#!/bin/sh\n" + body + "\n");
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    return p;
  }

  private ProcessTool.Builder tool() {
    Map<String, String> base = new HashMap<>(System.getenv());
    base.put("KEYHOLE_TEST_PARENT_ONLY", "must-not-be-inherited");
    return ProcessTool.builder(work)
        .commands("print.sh", "check.sh", "env.sh", "slow.sh", "pieces.sh", "fail.sh", "big.sh",
            "exit.sh", "other.sh", "nosuchprogram-kh", "cat")
        .modelVariables("MODE")
        .baseEnvironment(base);
  }

  private static String args(String argvJson, String envJson) {
    return "{\"argv\": " + argvJson + (envJson == null ? "" : ", \"env\": " + envJson) + "}";
  }

  @Test
  void call_injectsResolvedValueIntoEnvironment_andProgramSeesIt() throws IOException {
    script("check.sh", "printf '%s' \"$TOKEN\" > received.txt\necho checked");
    String out = tool().build().call(task,
        args("[\"./check.sh\"]", "{\"TOKEN\": \"secret://token\"}"));

    assertThat(Files.readString(work.resolve("received.txt"))).isEqualTo(fx.value("token"));
    assertThat(out).contains("exit code: 0").contains("checked");
    fx.assertNoValue(out);
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED))
        .singleElement().satisfies(e -> assertThat(e.handle()).isEqualTo("token"));
  }

  @Test
  void call_handleInsideLongerEnvValue_isRefused_theModelWouldChooseTheRest() throws IOException {
    // A template lets the model choose the host the value goes to ("postgres://evil/?p=...").
    script("check.sh", "printf '%s' \"$DATABASE_URL\" > received.txt");

    assertThatThrownBy(() -> tool().build().call(task, args("[\"./check.sh\"]",
        "{\"DATABASE_URL\": \"postgres://app:secret://token@db.local/app\"}")))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("exactly one handle");
    assertThat(work.resolve("received.txt")).doesNotExist();
  }

  @Test
  void call_handleInAVariableItsGrantDoesNotName_isDenied() throws IOException {
    script("check.sh", "echo ran > ran.txt");

    assertThatThrownBy(() -> tool().build().call(task,
        args("[\"./check.sh\"]", "{\"OTHER_NAME\": \"secret://token\"}")))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.ENVIRONMENT_NOT_ALLOWED))
        .hasMessageContaining("'OTHER_NAME'").hasMessageContaining("[TOKEN, DATABASE_URL]");
    assertThat(work.resolve("ran.txt")).doesNotExist();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("ENVIRONMENT_NOT_ALLOWED"));
  }

  @Test
  void call_startsWithMinimalEnvironment() throws IOException {
    script("env.sh", "env | cut -d= -f1 | sort > names.txt");
    tool().build().call(task, args("[\"./env.sh\"]", "{\"TOKEN\": \"secret://token\", \"MODE\": \"ci\"}"));

    Set<String> names = Set.copyOf(Files.readAllLines(work.resolve("names.txt")));
    // sh itself adds PWD, SHLVL and _; everything else comes from the tool.
    assertThat(names).contains("TOKEN", "MODE", "PATH", "HOME", "TMPDIR", "KEYHOLE_PROCESS_MARK")
        .doesNotContain("KEYHOLE_TEST_PARENT_ONLY")
        .allMatch(n -> Set.of("TOKEN", "MODE", "PATH", "HOME", "LANG", "TMPDIR", "PWD", "SHLVL",
            "_", "OLDPWD", "KEYHOLE_PROCESS_MARK").contains(n),
            "only inherited, requested, tool and shell variables");
  }

  @Test
  void output_valuePrintedInPiecesAcrossTinyChunks_isRedacted() throws IOException {
    // Three writes, read three bytes at a time: the value never arrives in one chunk.
    script("pieces.sh", """
        v="$TOKEN"
        printf 'token=%s' "$(printf '%s' "$v" | cut -c1-10)"
        printf '%s' "$(printf '%s' "$v" | cut -c11-20)"
        printf '%s and h\\303\\251llo \\342\\234\\223\\n' "$(printf '%s' "$v" | cut -c21-)"\
        """);
    String out = tool().readChunkBytes(3).build().call(task,
        args("[\"./pieces.sh\"]", "{\"TOKEN\": \"secret://token\"}"));

    assertThat(out).contains("token=secret://token and héllo ✓");
    fx.assertNoValue(out);
  }

  @Test
  void output_valueInErrorTraceOnStderr_isRedacted_andExitCodeReported() throws IOException {
    script("fail.sh", """
        echo 'starting'
        echo "Traceback (most recent call last):" >&2
        echo "  File deploy.py, line 3, in connect" >&2
        echo "AuthError: token $TOKEN was rejected" >&2
        exit 3\
        """);
    String out = tool().build().call(task,
        args("[\"./fail.sh\"]", "{\"TOKEN\": \"secret://token\"}"));

    assertThat(out).contains("exit code: 3").contains("--- stderr ---")
        .contains("AuthError: token secret://token was rejected");
    fx.assertNoValue(out);
  }

  @Test
  void output_valuePrintedInEncodings_isRedacted() throws IOException {
    assumeTrue(fx.redactorKnowsEncodings(), "the redaction engine in this build matches raw values"
        + " only; this test needs the multi-encoding engine");
    script("print.sh", "printf '%s' \"$TOKEN\" | base64\n"
        + "printf '%s' \"$TOKEN\" | od -A n -t x1 | tr -d ' \\n'; echo");
    String out = tool().build().call(task,
        args("[\"./print.sh\"]", "{\"TOKEN\": \"secret://token\"}"));

    fx.assertNoValue(out);
    assertThat(out).contains("secret://token");
  }

  @Test
  void call_nonZeroExit_isANormalResult() throws IOException {
    script("exit.sh", "echo bye; exit 42");
    String out = tool().build().call(task, args("[\"./exit.sh\"]", null));

    assertThat(out).startsWith("$ ./exit.sh\nexit code: 42\n--- stdout ---\nbye\n");
  }

  @Test
  void timeout_killsTheWholeProcessTree() throws Exception {
    script("slow.sh", "sleep 30 &\necho $! > child.pid\nsh -c 'sleep 30' &\necho $! > grandchild-parent.pid\n"
        + "echo started\nwait");
    long before = System.nanoTime();
    String out = tool().timeout(Duration.ofSeconds(2)).build().call(task,
        args("[\"./slow.sh\"]", "{\"TOKEN\": \"secret://token\"}"));

    assertThat(out).contains("exit code: none (timed out after 2000 ms").contains("started");
    assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(10));
    for (String f : List.of("child.pid", "grandchild-parent.pid")) {
      long pid = Long.parseLong(Files.readString(work.resolve(f)).strip());
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
          .as("process %s from %s is dead", pid, f).isFalse();
    }
    assertThat(out).containsPattern("killed the process and [2-9]\\d* descendant");
  }

  @Test
  void timeout_requestedByModel_cannotExceedToolLimit() throws IOException {
    script("slow.sh", "sleep 30");
    String out = tool().timeout(Duration.ofMillis(500)).build().call(task,
        "{\"argv\": [\"./slow.sh\"], \"timeout_seconds\": 3600}");

    assertThat(out).contains("timed out after 500 ms");
  }

  @Test
  void output_isCappedWithMarker_andProcessIsNotBlocked() throws IOException {
    script("big.sh", "i=0\nwhile [ $i -lt 2000 ]; do echo 0123456789; i=$((i+1)); done\n"
        + "echo tail >&2\nexit 0");
    String out = tool().maxOutputChars(100).build().call(task, args("[\"./big.sh\"]", null));

    assertThat(out).contains("exit code: 0")
        .contains("[keyhole: stdout truncated after 100 characters; 21900 more characters were"
            + " not shown]")
        .contains("--- stderr ---\ntail\n");
  }

  @Test
  void deniedByToolAllowlist_beforeAnythingResolves() {
    ProcessTool t = ProcessTool.builder(work).commands("check.sh").build();

    assertThatThrownBy(() -> t.call(task, args("[\"cat\", \".env\"]", "{\"T\": \"secret://token\"}")))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.COMMAND_NOT_ALLOWED))
        .hasMessageContaining("may not run 'cat .env'").hasMessageContaining("[check.sh]");
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("COMMAND_NOT_ALLOWED"));
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).isEmpty();
    assertThat(fx.audit.events(AuditEventType.VALUE_REVEALED)).isEmpty();
  }

  @Test
  void deniedByGrantCommands_enforcedByTaskScope() throws IOException {
    script("other.sh", "echo ran > ran.txt");

    assertThatThrownBy(() -> tool().build().call(task,
        args("[\"./other.sh\"]", "{\"TOKEN\": \"secret://token\"}")))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.COMMAND_NOT_ALLOWED))
        .hasMessageContaining("other.sh");
    assertThat(work.resolve("ran.txt")).doesNotExist();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.reason()).isEqualTo("COMMAND_NOT_ALLOWED"));
  }

  @Test
  void deniedWhenGrantDoesNotListTheTool() throws IOException {
    script("check.sh", "echo ran > ran.txt");

    assertThatThrownBy(() -> tool().build().call(task,
        args("[\"./check.sh\"]", "{\"OTHER\": \"secret://other\"}")))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.TOOL_NOT_ALLOWED));
    assertThat(work.resolve("ran.txt")).doesNotExist();
  }

  @Test
  void withoutHandles_grantCommandsDoNotApply() throws IOException {
    script("other.sh", "echo fine");

    assertThat(tool().build().call(task, args("[\"./other.sh\"]", null))).contains("fine");
  }

  @Test
  void missingExecutable_onPath_isAClearError() {
    assertThatThrownBy(() -> tool().build().call(task,
        args("[\"nosuchprogram-kh\"]", "{\"TOKEN\": \"secret://token\"}")))
        .isInstanceOf(ToolArgumentsException.class)
        .hasMessageContaining("'nosuchprogram-kh' was not found on PATH");
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).isEmpty();
  }

  @Test
  void missingExecutable_inWorkspace_isAClearError() {
    assertThatThrownBy(() -> tool().build().call(task, args("[\"./check.sh\"]", null)))
        .isInstanceOf(ToolArgumentsException.class)
        .hasMessageContaining("'./check.sh' does not exist");
  }

  @Test
  void nonExecutableFile_isAClearError() throws IOException {
    Files.writeString(work.resolve("check.sh"), "echo hi");

    assertThatThrownBy(() -> tool().build().call(task, args("[\"./check.sh\"]", null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("chmod +x");
  }

  @Test
  void handlesOutsideEnv_areRejected_beforeResolving() throws IOException {
    script("check.sh", "echo hi");

    assertThatThrownBy(() -> tool().build().call(task,
        args("[\"./check.sh\", \"--token=secret://token\"]", null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("'argv'")
        .hasMessageContaining("'env'");
    assertThatThrownBy(() -> tool().build().call(task,
        "{\"argv\": [\"./check.sh\"], \"cwd\": \"secret://token\"}"))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("'cwd'");
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).isEmpty();
  }

  @Test
  void workingDirectory_mustStayInsideRoot() throws IOException {
    Path inside = Files.createDirectory(work.resolve("app"));
    script("check.sh", "pwd");
    Files.move(work.resolve("check.sh"), inside.resolve("check.sh"));
    Path outside = Files.createTempDirectory("kh-outside");
    Files.createSymbolicLink(work.resolve("escape"), outside);
    try {
      assertThat(tool().build().call(task, "{\"argv\": [\"./check.sh\"], \"cwd\": \"app\"}"))
          .contains(inside.toRealPath().toString());
      for (String cwd : List.of("..", "/tmp", "escape", "app/../..")) {
        assertThatThrownBy(() -> tool().build().call(task,
            "{\"argv\": [\"./check.sh\"], \"cwd\": \"" + cwd + "\"}"))
            .as(cwd).isInstanceOf(ToolArgumentsException.class).hasMessageContaining("workspace");
      }
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void executablePath_mustStayInsideRoot() {
    assertThatThrownBy(() -> tool().build().call(task, args("[\"/bin/cat\", \"/etc/hostname\"]", null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("outside the workspace");
  }

  @Test
  void envNamesTheToolDoesNotAllow_areRejected() throws IOException {
    script("check.sh", "echo hi");
    for (String name : List.of("LD_PRELOAD", "PATH", "BASH_ENV", "DYLD_INSERT_LIBRARIES",
        "KEYHOLE_PROCESS_MARK", "TMPDIR")) {
      assertThatThrownBy(() -> tool().build().call(task,
          args("[\"./check.sh\"]", "{\"" + name + "\": \"x\"}")))
          .as(name).isInstanceOfSatisfying(PolicyViolationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.ENVIRONMENT_NOT_ALLOWED))
          .hasMessageContaining(name).hasMessageContaining("[MODE]");
    }
    assertThatThrownBy(() -> tool().build().call(task, args("[\"./check.sh\"]", "{\"1X\": \"x\"}")))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("invalid");
  }

  @Test
  void malformedArguments_areClearErrors() {
    ProcessTool t = tool().build();
    assertThatThrownBy(() -> t.call(task, "not json")).isInstanceOf(ToolArgumentsException.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> t.call(task, "{\"argv\": []}")).isInstanceOf(ToolArgumentsException.class)
        .hasMessageContaining("non-empty array");
    assertThatThrownBy(() -> t.call(task, "{\"argv\": [\"./check.sh\"], \"shell\": true}"))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("no argument 'shell'");
    assertThatThrownBy(() -> t.call(task, "{\"argv\": [\"./check.sh\"], \"env\": {\"A\": 1}}"))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("must be a string");
  }

  @Test
  void closedTask_deniesHandles() throws IOException {
    script("check.sh", "echo ran > ran.txt");
    task.close();

    assertThatThrownBy(() -> tool().build().call(task,
        args("[\"./check.sh\"]", "{\"TOKEN\": \"secret://token\"}")))
        .isInstanceOf(TaskClosedException.class);
    assertThat(work.resolve("ran.txt")).doesNotExist();
  }

  @Test
  void usableThroughAnOwnToolGuard_withConfigure() throws IOException {
    script("check.sh", "printf '%s' \"$TOKEN\"");
    script("other.sh", "echo ran > ran.txt");
    ProcessTool t = tool().build();
    ToolGuard guard = t.configure(ToolGuard.builder(task)).build();

    String out = guard.call("run_process", args("[\"./check.sh\"]", "{\"TOKEN\": \"secret://token\"}"), t::run);
    assertThat(out).contains("secret://token");
    fx.assertNoValue(out);

    assertThatThrownBy(() -> guard.call("run_process",
        args("[\"./other.sh\"]", "{\"TOKEN\": \"secret://token\"}"), t::run))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("other.sh");
    assertThat(work.resolve("ran.txt")).doesNotExist();
    // The guard validates the arguments before it resolves anything.
    assertThatThrownBy(() -> guard.call("run_process",
        args("[\"./check.sh\", \"secret://token\"]", "{\"TOKEN\": \"secret://token\"}"), t::run))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("'argv'");
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).hasSize(1);
  }

  @Test
  void wrappedInAnotherGuard_failsClosed_beforeRunning() throws IOException {
    script("check.sh", "echo ran > ran.txt");
    ProcessTool t = tool().build();
    String args = args("[\"./check.sh\"]", "{\"TOKEN\": \"secret://token\"}");

    // An outer guard (a framework decorator) resolves the handle into the arguments first.
    assertThatThrownBy(() -> ToolGuard.builder(task).handleParameters("run_process", "env").build()
        .call("run_process", args,
        inv -> t.call(task, inv.arguments())))
        .isInstanceOfSatisfying(ToolFailedException.class, e -> {
          assertThat(e.originalType()).isEqualTo(ConfigurationException.class.getName());
          assertThat(e.getMessage()).contains("already guarded");
          fx.assertNoValue(e.getMessage() + e.redactedTrace());
        });
    assertThat(work.resolve("ran.txt")).doesNotExist();
  }

  @Test
  void runInAGuardWithoutConfigure_failsClosed() throws IOException {
    script("check.sh", "echo ran > ran.txt");
    ProcessTool t = tool().build();

    assertThatThrownBy(() -> ToolGuard.builder(task).handleParameters("run_process", "env").build()
        .call("run_process", args("[\"./check.sh\"]", "{\"TOKEN\": \"secret://token\"}"), t::run))
        .isInstanceOfSatisfying(ToolFailedException.class,
            e -> assertThat(e.getMessage()).contains("ProcessTool.configure"));
    assertThat(work.resolve("ran.txt")).doesNotExist();
  }

  @Test
  void persistedValue_reportMode_leavesTheFile_andAuditsEachLine() throws IOException {
    script("save.sh", "printf 'a=%s\\nb\\nc=%s\\n' \"$TOKEN\" \"$TOKEN\" > out.txt");
    ProcessTool t = tool().commands("save.sh").persistedValues(ProcessTool.PersistedValues.REPORT)
        .build();
    TaskScope own = fx.open(Grant.builder("token").ref("memory:token").tools("run_process")
        .commands("save.sh").env("TOKEN", "token").build());

    t.call(own, args("[\"./save.sh\"]", "{\"TOKEN\": \"secret://token\"}"));
    own.close();

    assertThat(Files.readString(work.resolve("out.txt"))).contains(fx.value("token"));
    assertThat(fx.audit.events(AuditEventType.VALUE_PERSISTED)).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo("reported");
      assertThat(e.attributes()).containsEntry("file", "out.txt").containsEntry("line", "1")
          .containsEntry("lines", "1,3");
    });
    Files.delete(work.resolve("out.txt")); // the test's own value must not outlive it either
  }

  @Test
  void persistedValue_scanAfterEachCall_scrubsBeforeTheNextCall_andNamesAreRedacted()
      throws IOException {
    script("print.sh", "mkdir -p d && printf 'x' > \"d/n-$TOKEN\" && printf '%s' \"$TOKEN\" > d/v");
    ProcessTool t = tool().scanAfterEachCall(true).build();

    t.call(task, args("[\"./print.sh\"]", "{\"TOKEN\": \"secret://token\"}"));

    assertThat(Files.readString(work.resolve("d/v"))).isEqualTo("secret://token");
    assertThat(fx.audit.events(AuditEventType.VALUE_PERSISTED))
        .anySatisfy(e -> assertThat(e.attributes()).containsEntry("file", "d/v")
            .containsEntry("where", "content"))
        .anySatisfy(e -> assertThat(e.attributes()).containsEntry("file", "d/n-secret://token")
            .containsEntry("where", "name").doesNotContainKey("line"));
    try (var files = Files.list(work.resolve("d"))) {
      for (Path f : files.toList()) {
        Files.delete(f); // the name still holds the value: the scan reports names, never renames
      }
    }
  }

  @Test
  void git_optionsThatLeaveTheWorkspace_areRefused() {
    ProcessTool t = tool().commands("git").build();
    for (String opt : List.of("-C", "--git-dir=/tmp/x", "--work-tree")) {
      assertThatThrownBy(() -> t.call(task, args("[\"git\", \"" + opt + "\", \"/tmp\", \"status\"]",
          null))).as(opt).isInstanceOf(ToolArgumentsException.class).hasMessageContaining("'cwd'");
    }
  }

  @Test
  void programOnPathThatIsALinkToAShell_isRefused() throws IOException {
    Path bin = Files.createDirectory(work.resolve("bin"));
    Files.createSymbolicLink(bin.resolve("lint"), Path.of("/bin/sh"));
    Map<String, String> base = new HashMap<>(System.getenv());
    base.put("PATH", bin.toString());
    ProcessTool t = ProcessTool.builder(work).commands("lint").baseEnvironment(base).build();

    assertThatThrownBy(() -> t.call(task, args("[\"lint\", \"-c\", \"echo hi\"]", null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("is a link to");
  }

  @Test
  void descriptionAndSchema_nameHandlesButNoValues() {
    ProcessTool t = tool().build();
    String d = t.description(task);

    assertThat(d).contains("secret://token").doesNotContain("secret://other").contains("check.sh")
        .contains("(env: [TOKEN, DATABASE_URL])").contains("[MODE]");
    fx.assertNoValue(d + t.parametersSchema());
    assertThat(t.parametersSchema().get("required").toString()).contains("argv");
  }

  @Test
  void builder_rejectsUnsafeConfiguration() {
    assertThatThrownBy(() -> ProcessTool.builder(work).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("allows no commands");
    assertThatThrownBy(() -> ProcessTool.builder(work).commands("/bin/sh").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("without a path");
    assertThatThrownBy(() -> ProcessTool.builder(work.resolve("nope")).commands("x").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not exist");
  }

  @Test
  void failureToStart_isReported_withoutValue() throws IOException {
    // A script whose interpreter does not exist passes the checks but cannot start: an error when
    // the JVM starts it directly, a failed exit when it starts through setsid (its own session).
    Path p = work.resolve("check.sh");
    Files.write(p, "#!/nonexistent/interpreter\n".getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));

    String text;
    try {
      text = tool().build().call(task, args("[\"./check.sh\"]", "{\"TOKEN\": \"secret://token\"}"));
      assertThat(text).containsPattern("exit code: 12[67]").contains("failed to execute");
    } catch (ToolFailedException e) {
      text = e.getMessage() + e.redactedTrace();
      assertThat(text).contains("Could not start");
    }
    fx.assertNoValue(text);
    assertThat(Arrays.stream(Thread.getAllStackTraces().keySet().toArray(Thread[]::new))
        .map(Thread::getName).filter(n -> n.startsWith("keyhole-process")).collect(Collectors.toList()))
        .isEmpty();
  }
}
