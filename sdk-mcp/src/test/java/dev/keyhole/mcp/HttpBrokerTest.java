package dev.keyhole.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.TaskOptions;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.providers.EnvProvider;
import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.RecordingAuditSink;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The broker over streamable HTTP (Jetty), with the MCP Java SDK client and LangChain4j's client
 * behind a TCP tap that records the wire both ways: bearer token, Origin and Host checks; one task
 * per session (a second session cannot use the first's handles); sessions end on DELETE, when idle
 * and when their task's TTL runs out (on an injected clock).
 */
class HttpBrokerTest {
  final Planted planted = new Planted();
  final FakeClock clock = FakeClock.create();
  final RecordingAuditSink audit = RecordingAuditSink.create();
  final List<String> stderr = new ArrayList<>();
  WireMockServer api;
  KeyholeMcpServer server;
  McpHttpEndpoint endpoint;
  TcpTap tap;

  @BeforeEach
  void start() throws IOException {
    api = TestApi.start();
    Policy policy = Policy.parse("""
        version: 1
        taskTtl: 2h
        handles:
          api_token:
            ref: env:API
            tools: [http_request]
            destinations: ["localhost:%d"]
            allowHttpLocalhost: true
          deploy_token:
            ref: env:DEPLOY
            tools: [http_request]
            destinations: ["localhost:%d"]
            allowHttpLocalhost: true
            approval: true
          other_token:
            ref: env:OTHER
            tools: [http_request]
            destinations: ["localhost:%d"]
            allowHttpLocalhost: true
        """.formatted(api.port(), api.port(), api.port()), "inline");
    server = KeyholeMcpServer.builder(Keyhole.builder()
            .provider(EnvProvider.of(Map.of("API", planted.api, "DEPLOY", planted.deploy,
                "OTHER", planted.other)))
            .policy(policy).auditSink(audit).clock(clock).expirySweep(false))
        // alice's sessions get the api and deploy tokens; everyone else only the other token
        .taskOptions(info -> "alice".equals(info.clientName())
            ? TaskOptions.builder().taskId("alice-" + audit.events().size())
                .grants("api_token", "deploy_token").build()
            : TaskOptions.builder().grants("other_token").ttl(Duration.ofMinutes(10)).build())
        .stderr(stderr::add)
        .build();
    endpoint = server.serveHttp(McpHttpOptions.builder().allowOrigin("http://localhost:6274").build());
    tap = new TcpTap(endpoint.port());
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
    tap.close();
    api.stop();
  }

  private String url() {
    return "http://127.0.0.1:" + tap.port();
  }

  private McpSyncClient javaClient(String name, boolean approve) {
    McpSyncClient c = McpClient.sync(HttpClientStreamableHttpTransport.builder(url())
            .endpoint("/mcp")
            .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
            .requestBuilder(HttpRequest.newBuilder()
                .header("Authorization", "Bearer " + endpoint.bearerToken()))
            .build())
        .clientInfo(McpSchema.Implementation.builder(name, "1").build())
        .capabilities(McpSchema.ClientCapabilities.builder().elicitation(true, false).build())
        .elicitation(r -> new McpSchema.ElicitResult(approve ? McpSchema.ElicitResult.Action.ACCEPT
            : McpSchema.ElicitResult.Action.CANCEL, approve ? Map.of("approve", true) : null))
        .requestTimeout(Duration.ofSeconds(30))
        .build();
    c.initialize();
    return c;
  }

  private DefaultMcpClient langchain4jClient(String name) {
    return DefaultMcpClient.builder()
        .clientName(name)
        .transport(StreamableHttpMcpTransport.builder().url(url() + "/mcp")
            .customHeaders(Map.of("Authorization", "Bearer " + endpoint.bearerToken()))
            .timeout(Duration.ofSeconds(30)).build())
        .toolExecutionTimeout(Duration.ofSeconds(30))
        .build();
  }

  private String userCall(String handle) {
    return "{\"url\":\"http://localhost:" + api.port() + "/user\",\"headers\":{\"Authorization\":"
        + "\"Bearer secret://" + handle + "\"}}";
  }

  private static McpSchema.CallToolResult call(McpSyncClient c, String tool, String json)
      throws IOException {
    @SuppressWarnings("unchecked")
    Map<String, Object> args = new ObjectMapper().readValue(json, Map.class);
    return c.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  private static String text(McpSchema.CallToolResult r) {
    return r.content().stream().filter(McpSchema.TextContent.class::isInstance)
        .map(c -> ((McpSchema.TextContent) c).text()).reduce("", String::concat);
  }

  private List<AuditEvent> closed() {
    return audit.events(AuditEventType.TASK_CLOSED);
  }

  @Test
  void twoClients_twoTasks_aSessionCannotUseAnothersHandles_andTheWireStaysClean()
      throws Exception {
    List<String> results = new ArrayList<>();
    McpSyncClient alice = javaClient("alice", true);
    McpSchema.CallToolResult mine = call(alice, "http_request", userCall("api_token"));
    assertThat(mine.isError()).as(text(mine)).isFalse();
    assertThat(text(mine)).contains("\"seen\":\"Bearer secret://api_token\"");
    results.add(text(mine));
    McpSchema.CallToolResult approved = call(alice, "http_request", userCall("deploy_token"));
    assertThat(approved.isError()).as(text(approved)).isFalse();
    results.add(text(approved));
    api.verify(getRequestedFor(urlPathEqualTo("/user"))
        .withHeader("Authorization", equalTo("Bearer " + planted.api)));
    assertThat(server.openSessions()).isEqualTo(1);

    DefaultMcpClient bob = langchain4jClient("bob");
    try {
      String handles = bob.executeTool(ToolExecutionRequest.builder().id("1").name("list_handles")
          .arguments("{}").build()).resultText();
      assertThat(handles).contains("secret://other_token").doesNotContain("api_token");
      results.add(handles);
      // bob's model read alice's handle somewhere and tries it in bob's session
      assertThatThrownBy(() -> bob.executeTool(ToolExecutionRequest.builder().id("2")
              .name("http_request").arguments(userCall("api_token")).build()))
          .satisfies(e -> results.add(e.getMessage()))
          .hasMessageContaining("Denied by Keyhole");
      assertThat(server.openSessions()).isEqualTo(2);
    } finally {
      bob.close();
    }
    api.verify(1, getRequestedFor(urlPathEqualTo("/user"))
        .withHeader("Authorization", equalTo("Bearer " + planted.api)));

    int before = closed().size();
    alice.closeGracefully();
    assertThat(closed()).hasSizeGreaterThan(before);
    assertThat(closed()).extracting(AuditEvent::taskId).anyMatch(id -> id.startsWith("alice-"));

    results.forEach(r -> planted.assertAbsent("a tool result", r));
    planted.assertAbsent("the HTTP transport", tap.transcript());
    assertThat(tap.transcript()).contains("secret://api_token", "Mcp-Session-Id",
        "elicitation/create");
    planted.assertAbsent("the audit trail", audit.asJsonLines());
    stderr.forEach(s -> planted.assertAbsent("stderr", s));
    planted.assertAbsentFromTestLog();
  }

  private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
      + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{"
      + "\"name\":\"raw\",\"version\":\"1\"}}}";

  private String auth() {
    return "Authorization: Bearer " + endpoint.bearerToken() + "\r\n";
  }

  @Test
  void gate_refusesMissingOrWrongBearerToken() throws IOException {
    assertThat(post(INIT, "")).startsWith("HTTP/1.1 401");
    assertThat(post(INIT, "Authorization: Bearer not-the-token-at-all\r\n"))
        .startsWith("HTTP/1.1 401").contains("WWW-Authenticate: Bearer");
    assertThat(server.openSessions()).isZero();
    String ok = post(INIT, auth() + "Origin: http://localhost:6274\r\n");
    assertThat(ok).startsWith("HTTP/1.1 200").containsIgnoringCase("mcp-session-id:");
    assertThat(server.openSessions()).isEqualTo(1);
    assertThat(endpoint.url().getHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void gate_refusesAForeignOrigin_evenWithTheToken() throws IOException {
    assertThat(post(INIT, auth() + "Origin: https://evil.example\r\n")).startsWith("HTTP/1.1 403");
    assertThat(server.openSessions()).isZero();
  }

  @Test
  void gate_refusesAForeignHost_dnsRebinding_evenWithTheToken() throws IOException {
    assertThat(post(INIT, auth(), "evil.example:" + endpoint.port())).startsWith("HTTP/1.1 403");
    assertThat(server.openSessions()).isZero();
  }

  private static String sessionId(String response) {
    return response.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("mcp-session-id:"))
        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
  }

  @Test
  void anEndedSessionAnswers404_andItsHandlesAreDead_whileANewSessionWorks() throws IOException {
    String first = sessionId(post(INIT, auth()));
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{"
        + "\"name\":\"list_handles\",\"arguments\":{}}}";
    String live = auth() + "Mcp-Session-Id: " + first + "\r\nMCP-Protocol-Version: 2025-06-18\r\n";
    assertThat(post(list, live)).startsWith("HTTP/1.1 200");
    clock.advance(Duration.ofMinutes(31));
    server.sweep();
    assertThat(server.openSessions()).isZero();
    assertThat(post(list, live)).startsWith("HTTP/1.1 404");
    String second = sessionId(post(INIT, auth()));
    assertThat(second).isNotEqualTo(first);
    assertThat(server.openSessions()).isEqualTo(1);
  }

  private String post(String body, String headers) throws IOException {
    return post(body, headers, "127.0.0.1:" + endpoint.port());
  }

  /** A raw HTTP/1.1 request, so that any Host header can be sent. */
  private String post(String body, String headers, String host) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), endpoint.port())) {
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = s.getOutputStream();
      out.write(("POST /mcp HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
          + "Accept: application/json, text/event-stream\r\nContent-Length: " + b.length
          + "\r\nConnection: close\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      s.setSoTimeout(10_000);
      String head = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      byte[] rest = new byte[4096];
      int n = in.read(rest);
      return head + (n > 0 ? new String(rest, 0, n, StandardCharsets.US_ASCII) : "");
    }
  }

  @Test
  void idleSessionsEnd_andAnExpiredTaskIsRefused_onTheInjectedClock() throws Exception {
    DefaultMcpClient bob = langchain4jClient("bob");
    try {
      assertThat(bob.executeTool(ToolExecutionRequest.builder().id("1").name("list_handles")
          .arguments("{}").build()).resultText()).contains("other_token");
      // bob's task has a 10 minute TTL
      clock.advance(Duration.ofMinutes(11));
      assertThatThrownBy(() -> bob.executeTool(ToolExecutionRequest.builder().id("2")
              .name("list_handles").arguments("{}").build()))
          .hasMessageContaining("expired");
      assertThat(server.openSessions()).isZero();
    } finally {
      bob.close();
    }
    McpSyncClient alice = javaClient("alice", false);
    assertThat(server.openSessions()).isEqualTo(1);
    int before = closed().size();
    clock.advance(Duration.ofMinutes(29));
    server.sweep();
    assertThat(server.openSessions()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    server.sweep();
    assertThat(server.openSessions()).isZero();
    assertThat(closed()).hasSize(before + 1);
    // the client's next request is refused with 404, so the client must start a new session
    McpSchema.CallToolResult r;
    try {
      r = alice.callTool(McpSchema.CallToolRequest.builder("list_handles").arguments(Map.of()).build());
      assertThat(text(r)).doesNotContain("alice-0");
    } catch (RuntimeException expected) {
      assertThat(expected).hasMessageNotContaining(planted.api);
    } finally {
      closeAfterSessionEnded(alice);
    }
    assertThat(Set.copyOf(audit.types())).contains(AuditEventType.TASK_OPENED,
        AuditEventType.TASK_CLOSED);
  }

  /**
   * Closes a client whose session the server ended. The MCP Java SDK (2.2.0) starts a new session
   * after the 404; a close() that comes while that one has no session yet throws a
   * NullPointerException from LifecycleInitializer (a race inside the SDK, seen under load). What
   * this test checks is the server's side, so that one exception is not a failure here.
   */
  private static void closeAfterSessionEnded(McpSyncClient client) {
    try {
      client.close();
    } catch (NullPointerException sdkRace) {
      assertThat(sdkRace.getStackTrace()).isNotEmpty();
      assertThat(sdkRace.getStackTrace()[0].getClassName())
          .startsWith("io.modelcontextprotocol.client.");
    }
  }
}
