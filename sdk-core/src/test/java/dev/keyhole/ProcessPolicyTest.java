package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.internal.CodeExecution;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Command rules, environment mappings and code execution in policy, and task close hooks. */
class ProcessPolicyTest {
  private final MutableClock clock = new MutableClock();
  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final String value = TestSupport.randomSecret();
  private Keyhole keyhole;

  @BeforeEach
  void setUp() {
    keyhole = Keyhole.builder().provider(InMemoryProvider.create().put("gh", value)).clock(clock)
        .auditSink(audit).expirySweep(false).build();
  }

  @AfterEach
  void tearDown() {
    keyhole.close();
  }

  private TaskScope open(Grant g) {
    return keyhole.openTask(TaskOptions.builder().grant(g).build());
  }

  private static Grant.Builder gh() {
    return Grant.builder("gh").ref("memory:gh").tools("run_process");
  }

  private static Use run(String... argv) {
    return Use.byTool("run_process").withCommand(List.of(argv))
        .withEnvironment(Map.of("GH_TOKEN", "secret://gh"));
  }

  // --- CommandRule ----------------------------------------------------------------------

  @Test
  void commandRule_matchesProgramByFileName_andTheArgumentPrefixExactly() {
    CommandRule push = CommandRule.parse("  git   push  ");

    assertThat(push).hasToString("git push");
    assertThat(push.program()).isEqualTo("git");
    assertThat(push.argumentPrefix()).containsExactly("push");
    assertThat(push.matches(List.of("git", "push"))).isTrue();
    assertThat(push.matches(List.of("/usr/bin/git", "push", "origin", "main"))).isTrue();
    assertThat(push.matches(List.of("git", "-c", "x=y", "push"))).isFalse();
    assertThat(push.matches(List.of("git", "pushx"))).isFalse();
    assertThat(push.matches(List.of("git"))).isFalse();
    assertThat(push.matches(List.of("gitx", "push"))).isFalse();
  }

  @Test
  void commandRule_writtenWithDotSlash_needsTheProgramByPath() {
    CommandRule check = CommandRule.parse("./deploy.sh --check");

    assertThat(check.byPath()).isTrue();
    assertThat(check.matches(List.of("./deploy.sh", "--check", "--verbose"))).isTrue();
    assertThat(check.matches(List.of("scripts/deploy.sh", "--check"))).isTrue();
    assertThat(check.matches(List.of("deploy.sh", "--check"))).as("from PATH").isFalse();
    assertThat(check.matches(List.of("./deploy.sh", "--debug"))).isFalse();
    assertThat(CommandRule.parse("deploy.sh").matches(List.of("./deploy.sh", "--debug"))).isTrue();
  }

  @Test
  void commandRule_invalid() {
    for (String bad : List.of("", "  ", "/bin/sh", "bin/deploy.sh", "../x", "./", "a\u0001b")) {
      assertThatThrownBy(() -> CommandRule.parse(bad)).as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  // --- code execution -------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"sh", "bash", "zsh", "env", "python3", "python3.11", "node", "ruby",
      "perl", "xargs", "make", "npx", "npm", "awk", "sed", "psql"})
  void grant_forAProgramThatRunsArbitraryCode_needsAllowCodeExecution(String program) {
    assertThatThrownBy(() -> gh().commands(program + " --version").build())
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("allowCodeExecution")
        .hasMessageContaining("'" + program + "'");

    Grant g = gh().commands(program).allowCodeExecution(true).build();
    assertThat(Policy.builder().grant(g).build().warnings()).singleElement()
        .asString().contains("allowCodeExecution").contains("'gh'");
  }

  @Test
  void codeExecution_knowsOptionsThatRunCommands() {
    for (List<String> argv : List.of(
        List.of("git", "-c", "alias.x=!sh", "x"),
        List.of("git", "--config-env=core.pager=X", "log"),
        List.of("git", "--exec-path=/tmp", "push"),
        List.of("git", "push", "--receive-pack=sh"),
        List.of("git", "push", "--rec=sh"),
        List.of("git", "fetch", "--upload-pack", "sh"),
        List.of("git", "clone", "-u", "sh", "x"),
        List.of("git", "clone", "-c", "core.fsmonitor=sh", "x"),
        List.of("git", "rebase", "-x", "sh"),
        List.of("git", "config", "core.hooksPath", "/tmp"),
        List.of("git", "remote", "set-url", "origin", "https://evil.example/"),
        List.of("git", "myalias"),
        List.of("find", ".", "-execdir", "sh", "{}", ";"),
        List.of("tar", "--to-command=sh", "-xf", "a.tar"),
        List.of("tar", "-xI", "sh", "-f", "a.tar"),
        List.of("rsync", "-avze", "sh", "a", "b"),
        List.of("ssh", "-o", "ProxyCommand=sh", "host"),
        List.of("sort", "--compress-prog=sh", "f"))) {
      assertThat(CodeExecution.of(argv)).as("%s", argv).isNotNull();
    }
    for (List<String> argv : List.of(
        List.of("git", "push", "origin", "main"),
        List.of("git", "--no-pager", "log", "-p"),
        List.of("git", "status"),
        List.of("find", ".", "-name", "*.java"),
        List.of("tar", "-xzf", "a.tar.gz"),
        List.of("rsync", "-av", "a", "b"),
        List.of("curl", "-s", "https://api.example.com"),
        List.of("./deploy.sh", "--check"))) {
      assertThat(CodeExecution.of(argv)).as("%s", argv).isNull();
    }
  }

  @Test
  void policyCheck_commandAndCodeExecution() {
    try (TaskScope task = open(gh().commands("git push", "find").env("GH_TOKEN", "gh").build())) {
      assertThat(task.resolve(SecretHandle.of("gh"), run("git", "push", "origin")).revealString())
          .isEqualTo(value);
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("gh"), run("git", "status")))
          .isInstanceOfSatisfying(PolicyViolationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.COMMAND_NOT_ALLOWED))
          .hasMessageContaining("'git status'").hasMessageContaining("[git push, find]");
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("gh"),
          run("git", "push", "--receive-pack=printenv")))
          .isInstanceOfSatisfying(PolicyViolationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.CODE_EXECUTION_NOT_ALLOWED))
          .hasMessageContaining("allowCodeExecution");
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("gh"),
          run("find", ".", "-exec", "printenv", "GH_TOKEN", ";")))
          .isInstanceOfSatisfying(PolicyViolationException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.CODE_EXECUTION_NOT_ALLOWED));
    }
    try (TaskScope task = open(gh().commands("find").env("GH_TOKEN", "gh")
        .allowCodeExecution(true).build())) {
      task.resolve(SecretHandle.of("gh"), run("find", ".", "-exec", "true", ";")).destroy();
    }
    assertThat(audit.events(AuditEventType.USE_DENIED)).extracting(e -> e.reason())
        .containsExactly("COMMAND_NOT_ALLOWED", "CODE_EXECUTION_NOT_ALLOWED",
            "CODE_EXECUTION_NOT_ALLOWED");
  }

  @Test
  void policyCheck_theValueGoesOnlyIntoTheVariablesTheGrantNames_asTheWholeValue() {
    try (TaskScope task = open(gh().commands("gh").env("GH_TOKEN", "gh").build())) {
      Use base = Use.byTool("run_process").withCommand("gh", "pr", "list");
      task.resolve(SecretHandle.of("gh"), base.withEnvironment(Map.of("GH_TOKEN", "secret://gh",
          "OTHER", "plain"))).destroy();
      for (Map<String, String> env : List.of(Map.of("GITHUB_TOKEN", "secret://gh"),
          Map.of("GH_TOKEN", "x secret://gh"), Map.of("GH_TOKEN", "secret://gh",
              "GH_HOST", "secret://gh"))) {
        assertThatThrownBy(() -> task.resolve(SecretHandle.of("gh"), base.withEnvironment(env)))
            .as("%s", env).isInstanceOfSatisfying(PolicyViolationException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.ENVIRONMENT_NOT_ALLOWED))
            .hasMessageContaining("[GH_TOKEN]");
      }
    }
    try (TaskScope task = open(gh().commands("gh").build())) {
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("gh"),
          Use.byTool("run_process").withCommand("gh").withEnvironment(Map.of("T", "secret://gh"))))
          .isInstanceOf(PolicyViolationException.class).hasMessageContaining("env: {T: gh}");
    }
  }

  @Test
  void grant_envMustNameThisGrantsHandle_andAVariableTheProgramMayReceive() {
    assertThatThrownBy(() -> gh().env("GH_TOKEN", "other").build())
        .isInstanceOf(PolicyFileException.class).hasMessageContaining("not this grant's");
    for (String var : List.of("PATH", "HOME", "TMPDIR", "LD_PRELOAD", "KEYHOLE_PROCESS_MARK",
        "1X", "A-B")) {
      assertThatThrownBy(() -> gh().env(var, "gh").build()).as(var)
          .isInstanceOf(PolicyFileException.class);
    }
    Grant aws = Grant.builder("aws").issuer("aws-sts", Map.of()).tools("run_process")
        .env("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key").build();
    assertThat(aws.env()).containsEntry("AWS_SECRET_ACCESS_KEY", "aws_secret_access_key");
  }

  @Test
  void policyFile_envAndAllowCodeExecutionAndArgvRules() {
    Policy p = Policy.parse("""
        version: 1
        handles:
          gh:
            ref: memory:gh
            tools: [run_process]
            commands: [git push, "./deploy.sh --check", gh pr]
            env: {GH_TOKEN: gh}
          script:
            ref: memory:gh
            tools: [run_process]
            commands: [python3 tools/release.py]
            env: {TOKEN: script}
            allowCodeExecution: true
        """, "inline.yaml");

    Grant gh = p.grant("gh").orElseThrow();
    assertThat(gh.commands()).containsExactly("git push", "./deploy.sh --check", "gh pr");
    assertThat(gh.env()).containsExactly(Map.entry("GH_TOKEN", "gh"));
    assertThat(gh.allowCodeExecution()).isFalse();
    assertThat(p.grant("script").orElseThrow().allowCodeExecution()).isTrue();
    assertThat(p.warnings()).singleElement().asString().contains("'script'");

    assertThatThrownBy(() -> Policy.parse("""
        version: 1
        handles:
          gh: {ref: memory:gh, tools: [run_process], env: [GH_TOKEN]}
        """, "bad.yaml")).isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("bad.yaml: handles.gh.env: expected a mapping");
    assertThatThrownBy(() -> Policy.parse("""
        version: 1
        handles:
          gh: {ref: memory:gh, tools: [run_process], commands: [bash -c], env: {T: gh}}
        """, "bad.yaml")).isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("bad.yaml").hasMessageContaining("allowCodeExecution");
    assertThatThrownBy(() -> Policy.parse("""
        version: 1
        handles:
          gh: {ref: memory:gh, tools: [run_process], allowCodeExecution: "yes"}
        """, "bad.yaml")).isInstanceOf(PolicyFileException.class)
        .hasMessageContaining("handles.gh.allowCodeExecution: expected true or false");
  }

  // --- TaskScope.onClose ----------------------------------------------------------------

  @Test
  void onClose_hooksRunOnceWhenTheTaskEnds_whileTheValuesAreStillRedacted() {
    TaskScope task = open(gh().tools("t").build());
    task.resolve(SecretHandle.of("gh"), Use.byTool("t")).destroy();
    List<String> seen = new ArrayList<>();
    task.onClose(() -> seen.add("first: open=" + task.isOpen() + ", redacted="
        + task.redactor().redact("v=" + value)));
    task.onClose(() -> {
      throw new IllegalStateException("a failing hook");
    });
    task.onClose(() -> seen.add("third"));

    task.close();
    task.close();

    assertThat(seen).containsExactly("first: open=false, redacted=v=secret://gh", "third");
    task.onClose(() -> seen.add("late"));
    assertThat(seen).endsWith("late");
  }

  @Test
  void onClose_runsWhenTheTaskExpires() {
    TaskScope task = keyhole.openTask(TaskOptions.builder().grant(gh().tools("t").build())
        .ttl(Duration.ofMinutes(1)).build());
    List<String> seen = new ArrayList<>();
    task.onClose(() -> seen.add("closed"));

    clock.advance(Duration.ofMinutes(2));

    assertThat(task.isOpen()).isFalse();
    assertThat(seen).containsExactly("closed");
  }
}
