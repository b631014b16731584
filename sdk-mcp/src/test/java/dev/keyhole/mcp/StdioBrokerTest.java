package dev.keyhole.mcp;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker over stdio, driven by clients nobody here wrote (the MCP Java SDK client and
 * LangChain4j's MCP client), with the transport recorded both ways by a tap between client and
 * server: planted values never cross it, injection attempts are denied, approval works through
 * elicitation and is denied for a client without it.
 */
class StdioBrokerTest {
  @TempDir Path dir;
  final Planted planted = new Planted();
  WireMockServer api;
  Path policy;
  Path audit;

  @BeforeEach
  void start() throws Exception {
    api = TestApi.start();
    policy = dir.resolve("keyhole-policy.yaml");
    audit = dir.resolve("audit.jsonl");
    Files.writeString(policy, """
        version: 1
        taskTtl: 1h
        handles:
          api_token:
            ref: env:KH_TEST_API
            description: Token for the test API
            tools: [http_request]
            destinations: ["localhost:%d"]
            allowHttpLocalhost: true
          deploy_token:
            ref: env:KH_TEST_DEPLOY
            tools: [http_request]
            destinations: ["localhost:%d"]
            allowHttpLocalhost: true
            approval: true
        """.formatted(api.port(), api.port()));
  }

  @AfterEach
  void stop() {
    api.stop();
  }

  private Map<String, String> env() {
    return Map.of("KH_TEST_API", planted.api, "KH_TEST_DEPLOY", planted.deploy);
  }

  private String userUrl(String host) {
    return "http://" + host + ":" + api.port() + "/user";
  }

  private static String callJson(String url, String authorization) {
    return "{\"method\":\"GET\",\"url\":\"" + url + "\",\"headers\":{\"Authorization\":\""
        + authorization + "\"}}";
  }

  private McpSyncClient javaSdkClient(Path in, Path out, boolean approve, List<String> asked) {
    List<String> cmd = TestProcesses.tappedBroker(in, out, policy, audit);
    ServerParameters params = ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size()))
        .env(env()).build();
    McpSyncClient client = McpClient.sync(new StdioClientTransport(params,
            new JacksonMcpJsonMapper(new ObjectMapper())))
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60))
        .capabilities(McpSchema.ClientCapabilities.builder().elicitation(true, false).build())
        .elicitation(request -> {
          asked.add(request.message() + " " + request.requestedSchema());
          return approve
              ? new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.ACCEPT, Map.of("approve", true))
              : new McpSchema.ElicitResult(McpSchema.ElicitResult.Action.DECLINE, null);
        })
        .build();
    client.initialize();
    return client;
  }

  private static String text(McpSchema.CallToolResult r) {
    StringBuilder sb = new StringBuilder();
    for (McpSchema.Content c : r.content()) {
      if (c instanceof McpSchema.TextContent t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  private static McpSchema.CallToolResult call(McpSyncClient client, String tool, String json)
      throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> args = new ObjectMapper().readValue(json, Map.class);
    return client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(args).build());
  }

  @Test
  void javaSdkClient_usesHandles_neverSeesValues_injectionDenied_approvalDeclinedThenApproved()
      throws Exception {
    Path in = dir.resolve("in.jsonl");
    Path out = dir.resolve("out.jsonl");
    List<String> asked = new CopyOnWriteArrayList<>();
    List<String> seen = new ArrayList<>();
    try (McpSyncClient client = javaSdkClient(in, out, false, asked)) {
      List<McpSchema.Tool> tools = client.listTools().tools();
      assertThat(tools).extracting(McpSchema.Tool::name).contains("list_handles", "http_request");
      tools.forEach(t -> seen.add(t.description()));

      McpSchema.CallToolResult handles = call(client, "list_handles", "{}");
      assertThat(handles.isError()).isFalse();
      assertThat(text(handles)).contains("secret://api_token", "secret://deploy_token",
          "Token for the test API", "localhost").doesNotContain("env:KH_TEST");
      seen.add(text(handles));

      McpSchema.CallToolResult ok = call(client, "http_request",
          callJson(userUrl("localhost"), "Bearer secret://api_token"));
      assertThat(ok.isError()).isFalse();
      assertThat(text(ok)).contains("HTTP 200", "octo", "Bearer secret://api_token");
      api.verify(1, getRequestedFor(urlPathEqualTo("/user"))
          .withHeader("Authorization", equalTo("Bearer " + planted.api)));
      seen.add(text(ok));

      // A prompt-injected model sends the handle to a host the grant does not list.
      McpSchema.CallToolResult evil = call(client, "http_request",
          callJson("http://127.0.0.1:" + api.port() + "/evil", "Bearer secret://api_token"));
      assertThat(evil.isError()).isTrue();
      assertThat(text(evil)).contains("DESTINATION_NOT_ALLOWED");
      api.verify(0, anyRequestedFor(urlPathEqualTo("/evil")));
      seen.add(text(evil));

      // A model that somehow holds a value may not use the tool as an oracle with it.
      McpSchema.CallToolResult raw = call(client, "http_request",
          callJson(userUrl("localhost"), "Bearer " + planted.api));
      assertThat(raw.isError()).isTrue();
      api.verify(1, getRequestedFor(urlPathEqualTo("/user")));

      // approval: grant deploy_token asks the user through elicitation; this user declines
      McpSchema.CallToolResult declined = call(client, "http_request",
          callJson(userUrl("localhost"), "Bearer secret://deploy_token"));
      assertThat(declined.isError()).isTrue();
      assertThat(text(declined)).contains("APPROVAL_DENIED", "declined");
      assertThat(asked).hasSize(1);
      assertThat(asked.get(0)).contains("http_request", "secret://deploy_token", "localhost");
      api.verify(0, getRequestedFor(urlPathEqualTo("/user"))
          .withHeader("Authorization", equalTo("Bearer " + planted.deploy)));
      seen.add(text(declined));
    }
    Path in2 = dir.resolve("in2.jsonl");
    Path out2 = dir.resolve("out2.jsonl");
    List<String> asked2 = new CopyOnWriteArrayList<>();
    try (McpSyncClient client = javaSdkClient(in2, out2, true, asked2)) {
      McpSchema.CallToolResult approved = call(client, "http_request",
          callJson(userUrl("localhost"), "Bearer secret://deploy_token"));
      assertThat(approved.isError()).as(text(approved)).isFalse();
      assertThat(text(approved)).contains("Bearer secret://deploy_token");
      assertThat(asked2).hasSize(1);
      api.verify(1, getRequestedFor(urlPathEqualTo("/user"))
          .withHeader("Authorization", equalTo("Bearer " + planted.deploy)));
      // asked once per task: the second use goes ahead without a question
      call(client, "http_request", callJson(userUrl("localhost"), "Bearer secret://deploy_token"));
      assertThat(asked2).hasSize(1);
    }
    for (String s : seen) {
      planted.assertAbsent("a tool result or description", s);
    }
    String wire = Files.readString(in, StandardCharsets.UTF_8) + Files.readString(out, StandardCharsets.UTF_8)
        + Files.readString(in2, StandardCharsets.UTF_8) + Files.readString(out2, StandardCharsets.UTF_8);
    // the one planted value a client sent itself (the oracle attempt) is the only one on the wire
    planted.assertAbsent("the stdio transport", wire.replace(planted.api, "<sent-by-client>"));
    assertThat(wire).contains("secret://api_token", "elicitation/create");
    assertThat(Files.readString(out, StandardCharsets.UTF_8)).doesNotContain(planted.api);
    String auditText = Files.readString(audit, StandardCharsets.UTF_8);
    planted.assertAbsent("the audit log", auditText);
    assertThat(auditText).contains("TASK_OPENED", "TASK_CLOSED", "APPROVAL_DENIED", "APPROVAL_GRANTED");
  }

  @Test
  void langchain4jClient_withoutElicitation_getsAClearDenial_andUsesOtherHandles() throws Exception {
    Path in = dir.resolve("in.jsonl");
    Path out = dir.resolve("out.jsonl");
    DefaultMcpClient client = DefaultMcpClient.builder()
        .transport(StdioMcpTransport.builder()
            .command(TestProcesses.tappedBroker(in, out, policy, audit))
            .environment(env())
            .build())
        .initializationTimeout(Duration.ofSeconds(60))
        .toolExecutionTimeout(Duration.ofSeconds(60))
        .build();
    List<String> seen = new ArrayList<>();
    try {
      List<ToolSpecification> tools = client.listTools();
      assertThat(tools).extracting(ToolSpecification::name).contains("list_handles", "http_request");
      String ok = client.executeTool(ToolExecutionRequest.builder().id("1").name("http_request")
          .arguments(callJson(userUrl("localhost"), "Bearer secret://api_token")).build())
          .resultText();
      assertThat(ok).contains("HTTP 200", "Bearer secret://api_token");
      seen.add(ok);
      assertThatThrownBy(() -> client.executeTool(ToolExecutionRequest.builder().id("2")
              .name("http_request")
              .arguments(callJson(userUrl("localhost"), "Bearer secret://deploy_token")).build()))
          .satisfies(e -> seen.add(e.getMessage()))
          .hasMessageContaining("APPROVAL_DENIED")
          .hasMessageContaining("does not support elicitation");
    } finally {
      client.close();
    }
    api.verify(0, getRequestedFor(anyUrl())
        .withHeader("Authorization", equalTo("Bearer " + planted.deploy)));
    seen.forEach(s -> planted.assertAbsent("a LangChain4j tool result", s));
    String wire = Files.readString(in, StandardCharsets.UTF_8) + Files.readString(out, StandardCharsets.UTF_8);
    planted.assertAbsent("the stdio transport", wire);
    assertThat(wire).contains("tools/call");
  }
}
