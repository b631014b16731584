package dev.keyhole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Killing the client (SIGKILL, no goodbye) closes the session's task: the stdio gateway sees its
 * input end, closes the task, stops the upstream child and the process that child started, and
 * exits. Nothing is left running.
 */
class ClientKillTest {
  @TempDir Path dir;
  final Planted planted = new Planted();

  @Test
  void killingTheClient_closesTheTask_andLeavesNoProcessBehind() throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Path audit = dir.resolve("audit.jsonl");
    Path pids = dir.resolve("pids.txt");
    Files.writeString(policy, """
        version: 1
        handles:
          upstream_token:
            ref: env:KH_UPSTREAM
            tools: [echo]
            commands: [java]
            allowCodeExecution: true   # the upstream MCP server is a Java program
        """);
    List<String> broker = TestProcesses.javaMain(BrokerMain.class, policy.toString(),
        audit.toString(), "echo", "UPSTREAM_TOKEN=upstream_token", "echo_args.token", "--");
    broker.addAll(TestProcesses.javaMain(EchoUpstreamMain.class));
    List<String> client = TestProcesses.javaMain(HoldingClientMain.class,
        broker.toArray(String[]::new));
    ProcessBuilder pb = new ProcessBuilder(client).redirectErrorStream(false)
        .redirectError(dir.resolve("client-stderr.txt").toFile());
    pb.environment().put("KH_UPSTREAM", planted.api);
    pb.environment().put("ECHO_PIDS", pids.toString());
    pb.environment().put("ECHO_SPAWN_CHILD", "1");
    Process p = pb.start();
    List<ProcessHandle> tree = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(out.readLine()).isEqualTo("READY");
      p.descendants().forEach(tree::add);
      // the gateway (java), the upstream (java) and the upstream's child (sleep)
      assertThat(tree).hasSizeGreaterThanOrEqualTo(3);
      assertThat(Files.readString(audit)).contains("TASK_OPENED").doesNotContain("TASK_CLOSED");
      p.destroyForcibly();
      p.onExit().get(30, TimeUnit.SECONDS);
      for (ProcessHandle h : tree) {
        h.onExit().get(60, TimeUnit.SECONDS);
      }
    } finally {
      p.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
    }
    assertThat(tree).noneMatch(ProcessHandle::isAlive);
    String auditText = Files.readString(audit, StandardCharsets.UTF_8);
    assertThat(auditText).contains("TASK_CLOSED");
    planted.assertAbsent("the audit log", auditText);
    planted.assertAbsent("the client's stderr (the gateway's and upstream's stderr)",
        Files.readString(dir.resolve("client-stderr.txt")) + " ");
  }
}
