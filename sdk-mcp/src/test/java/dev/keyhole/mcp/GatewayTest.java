package dev.keyhole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.providers.EnvProvider;
import dev.keyhole.testkit.RecordingAuditSink;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway against a real stdio MCP server child written with the MCP Java SDK ({@link
 * EchoUpstreamMain}) that echoes its environment and arguments: the secret reaches the child's
 * environment and declared parameters only, every upstream response, error and tool description
 * comes back redacted, and the child and its own child are gone when the session ends.
 */
class GatewayTest {
  @TempDir Path dir;
  final Planted planted = new Planted();
  final RecordingAuditSink audit = RecordingAuditSink.create();
  final List<String> stderr = new CopyOnWriteArrayList<>();
  final String keyholeOwnSecret = dev.keyhole.testkit.LeakAssertions.randomSecret();
  Path echoLog;
  Path pids;
  KeyholeMcpServer server;
  McpHttpEndpoint endpoint;
  TcpTap tap;

  @BeforeEach
  void start() throws IOException {
    echoLog = dir.resolve("echo.log");
    pids = dir.resolve("pids.txt");
    Policy policy = Policy.parse("""
        version: 1
        handles:
          upstream_token:
            ref: env:UPSTREAM
            tools: [echo]
            commands: [java]
            allowCodeExecution: true   # the upstream MCP server is a Java program
          query_token:
            ref: env:QUERY
            tools: [echo_args]
        """, "inline");
    McpUpstream upstream = McpUpstream.builder("echo")
        .command(TestProcesses.javaMain(EchoUpstreamMain.class))
        .env("UPSTREAM_TOKEN", "upstream_token")
        .handleParameters("echo_args", "token")
        .inherit("PATH", "HOME", "ECHO_LOG", "ECHO_PIDS", "ECHO_SPAWN_CHILD", "ECHO_DESCRIBE")
        .build();
    server = KeyholeMcpServer.builder(Keyhole.builder()
            .provider(EnvProvider.of(Map.of("UPSTREAM", planted.api, "QUERY", planted.other)))
            .policy(policy).auditSink(audit))
        .upstream(upstream)
        .tools()
        .environment(Map.of("PATH", System.getenv("PATH"), "ECHO_LOG", echoLog.toString(),
            "ECHO_PIDS", pids.toString(), "ECHO_SPAWN_CHILD", "1",
            "ECHO_DESCRIBE", "UPSTREAM_TOKEN", "KEYHOLE_OWN_SECRET", keyholeOwnSecret))
        .stderr(stderr::add)
        .build();
    endpoint = server.serveHttp(McpHttpOptions.defaults());
    tap = new TcpTap(endpoint.port());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    tap.close();
  }

  private McpSyncClient client() {
    McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport
            .builder("http://127.0.0.1:" + tap.port())
            .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
            .requestBuilder(HttpRequest.newBuilder()
                .header("Authorization", "Bearer " + endpoint.bearerToken()))
            .build())
        .requestTimeout(Duration.ofSeconds(60))
        .build();
    c.initialize();
    return c;
  }

  private static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> a) {
    return c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(a).build());
  }

  private static String text(McpSchema.CallToolResult r) {
    return r.content().stream().filter(McpSchema.TextContent.class::isInstance)
        .map(c -> ((McpSchema.TextContent) c).text()).reduce("", String::concat);
  }

  private List<ProcessHandle> upstreamProcesses() throws IOException {
    List<ProcessHandle> out = new ArrayList<>();
    for (String line : Files.readAllLines(pids)) {
      ProcessHandle.of(Long.parseLong(line.strip())).ifPresent(out::add);
    }
    return out;
  }

  @Test
  void secretReachesTheUpstreamOnlyWhereDeclared_andEverythingComingBackIsRedacted()
      throws Exception {
    List<String> seen = new ArrayList<>();
    // discovery ran (and ended) an upstream already; its processes are gone
    assertThat(upstreamProcesses()).noneMatch(ProcessHandle::isAlive);
    McpSyncClient client = client();
    List<McpSchema.Tool> tools = client.listTools().tools();
    assertThat(tools).extracting(McpSchema.Tool::name)
        .contains("list_handles", "echo_env", "echo_args", "fail_with_env", "describe")
        .doesNotContain("http_request");
    McpSchema.Tool describe = tools.stream().filter(t -> t.name().equals("describe")).findFirst()
        .orElseThrow();
    assertThat(describe.description()).contains("secret://upstream_token");
    tools.forEach(t -> seen.add(t.description() + t.inputSchema()));

    McpSchema.CallToolResult env = call(client, "echo_env", Map.of());
    assertThat(env.isError()).isFalse();
    assertThat(text(env)).contains("UPSTREAM_TOKEN=secret://upstream_token", "PATH=")
        .doesNotContain("KEYHOLE_OWN_SECRET").doesNotContain(keyholeOwnSecret);
    seen.add(text(env));

    McpSchema.CallToolResult declared = call(client, "echo_args",
        Map.of("query", "repos", "token", "secret://query_token"));
    assertThat(declared.isError()).as(text(declared)).isFalse();
    assertThat(text(declared)).contains("\"token\":\"secret://query_token\"");
    assertThat(Files.readString(echoLog, StandardCharsets.UTF_8)).contains(planted.other);
    seen.add(text(declared));

    long logSize = Files.size(echoLog);
    McpSchema.CallToolResult undeclared = call(client, "echo_args",
        Map.of("query", "secret://query_token"));
    assertThat(undeclared.isError()).isTrue();
    assertThat(text(undeclared)).contains("HANDLE_NOT_ALLOWED_IN_PARAMETER", "'query'");
    assertThat(Files.size(echoLog)).isEqualTo(logSize);
    seen.add(text(undeclared));

    McpSchema.CallToolResult failed = call(client, "fail_with_env", Map.of());
    assertThat(failed.isError()).isTrue();
    seen.add(text(failed));
    assertThat(text(failed)).doesNotContain(planted.api);

    List<ProcessHandle> running = upstreamProcesses().stream().filter(ProcessHandle::isAlive).toList();
    assertThat(running).hasSize(2); // the session's upstream and the child it started
    client.closeGracefully();
    for (ProcessHandle h : running) {
      h.onExit().get(30, TimeUnit.SECONDS);
    }
    assertThat(upstreamProcesses()).noneMatch(ProcessHandle::isAlive);
    assertThat(server.openSessions()).isZero();

    seen.forEach(s -> planted.assertAbsent("a gateway result or tool", s));
    planted.assertAbsent("the HTTP transport", tap.transcript());
    assertThat(tap.transcript()).doesNotContain(keyholeOwnSecret).contains("secret://upstream_token");
    planted.assertAbsent("the audit trail", audit.asJsonLines());
    stderr.forEach(s -> planted.assertAbsent("stderr", s));
    planted.assertAbsentFromTestLog();
  }

  @Test
  void closingTheServer_endsEverySession_itsUpstream_andTheServersThreads() throws Exception {
    McpSyncClient client = client();
    try {
      assertThat(call(client, "echo_env", Map.of()).isError()).isFalse();
      List<ProcessHandle> running =
          upstreamProcesses().stream().filter(ProcessHandle::isAlive).toList();
      assertThat(running).hasSize(2);
      assertThat(threads()).isNotEmpty();
      server.close();
      for (ProcessHandle h : running) {
        h.onExit().get(30, TimeUnit.SECONDS);
      }
      assertThat(server.openSessions()).isZero();
      assertThat(threads()).isEmpty();
      assertThat(audit.types()).contains(dev.keyhole.audit.AuditEventType.TASK_CLOSED);
    } finally {
      client.close();
    }
  }

  /** Live threads this module started (Jetty's pool, the sweeper, upstream readers). */
  private static List<String> threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .map(Thread::getName).filter(n -> n.startsWith("keyhole-mcp") || n.startsWith("keyhole-upstream"))
        .toList();
  }
}
