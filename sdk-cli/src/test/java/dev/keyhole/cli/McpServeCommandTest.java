package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.testkit.LeakAssertions;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhole mcp serve} as a real process, driven by the MCP Java SDK client. */
class McpServeCommandTest {
  @TempDir Path tmp;
  final String secret = LeakAssertions.randomSecret();
  Path policy;

  @BeforeEach
  void policy() throws Exception {
    policy = tmp.resolve("keyhole-policy.yaml");
    Files.writeString(policy, """
        version: 1
        handles:
          api_token:
            ref: env:KH_CLI_TOKEN
            description: the test token
            tools: [http_request]
            destinations: [api.example.com]
        """);
  }

  private static List<String> cli(String... args) {
    List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
        .toString(), "-cp", System.getProperty("java.class.path"), KeyholeCli.class.getName()));
    c.addAll(List.of(args));
    return c;
  }

  private static String text(McpSchema.CallToolResult r) {
    return r.content().stream().filter(McpSchema.TextContent.class::isInstance)
        .map(c -> ((McpSchema.TextContent) c).text()).reduce("", String::concat);
  }

  @Test
  void help_showsTheServeCommandTheGatewayAndFitsIn80Columns() {
    TestRepo.Run r = TestRepo.plain(tmp).run("mcp", "serve", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--policy", "--http", "--token-file", "--allow-origin",
        "--upstream", "--env", "--handle-param", "-- npx -y @modelcontextprotocol/server-github",
        "Exit codes:");
    assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    assertThat(TestRepo.plain(tmp).run("--help").out()).contains("mcp");
  }

  @Test
  void missingPolicy_andGatewayOptionsWithoutUpstream_areErrors() {
    TestRepo.Run r = TestRepo.plain(tmp).run("mcp", "serve", "--policy", "nope.yaml");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("nope.yaml not found");
    TestRepo.Run g = TestRepo.plain(tmp).run("mcp", "serve", "--policy", policy.toString(),
        "--env", "A=api_token");
    assertThat(g.exit()).isEqualTo(2);
    assertThat(g.err()).contains("need --upstream NAME");
  }

  @Test
  void stdio_servesTheBrokerToAnMcpClient_andExitsWhenItDisconnects() throws Exception {
    List<String> cmd = cli("mcp", "serve", "--policy", policy.toString(), "--audit",
        tmp.resolve("audit.jsonl").toString());
    McpSyncClient client = McpClient.sync(new StdioClientTransport(ServerParameters
                .builder(cmd.get(0)).args(cmd.subList(1, cmd.size()))
                .env(Map.of("KH_CLI_TOKEN", secret)).build(),
            new JacksonMcpJsonMapper(new ObjectMapper())))
        .requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(60))
        .build();
    try {
      client.initialize();
      assertThat(client.listTools().tools()).extracting(McpSchema.Tool::name)
          .contains("list_handles", "http_request");
      String handles = text(client.callTool(McpSchema.CallToolRequest.builder("list_handles").arguments(Map.of()).build()));
      assertThat(handles).contains("secret://api_token", "the test token", "api.example.com");
      LeakAssertions.assertNoLeak("list_handles", handles, secret);
    } finally {
      client.closeGracefully();
    }
    String audit = Files.readString(tmp.resolve("audit.jsonl"));
    assertThat(audit).contains("TASK_OPENED", "TASK_CLOSED");
    LeakAssertions.assertNoLeak("audit", audit, secret);
  }

  @Test
  void http_printsTheUrl_readsTheTokenFromAFile_andNeverPrintsIt() throws Exception {
    Path tokenFile = tmp.resolve("token");
    String token = LeakAssertions.randomSecret();
    Files.writeString(tokenFile, token + "\n");
    ProcessBuilder pb = new ProcessBuilder(cli("mcp", "serve", "--policy", policy.toString(),
        "--http", "--token-file", tokenFile.toString()));
    pb.environment().put("KH_CLI_TOKEN", secret);
    Process p = pb.start();
    List<String> err = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          err.add(line);
          if (line.startsWith("keyhole: MCP server listening on ")) {
            listening.complete(line.substring("keyhole: MCP server listening on ".length()));
          }
        }
      } catch (java.io.IOException e) {
        // the process ended
      } finally {
        listening.complete(null);
      }
    });
    reader.start();
    try {
      String url = listening.get(60, TimeUnit.SECONDS);
      assertThat(url).as(String.join("\n", err)).startsWith("http://127.0.0.1:").endsWith("/mcp");
      McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport
              .builder(url.substring(0, url.length() - "/mcp".length()))
              .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper()))
              .requestBuilder(HttpRequest.newBuilder().header("Authorization", "Bearer " + token))
              .build())
          .requestTimeout(Duration.ofSeconds(30)).build();
      client.initialize();
      assertThat(text(client.callTool(McpSchema.CallToolRequest.builder("list_handles").arguments(Map.of()).build())))
          .contains("secret://api_token");
      client.closeGracefully();
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      reader.join(30_000);
    } finally {
      p.destroyForcibly();
    }
    String stderr = String.join("\n", err);
    assertThat(stderr).contains("the one in").doesNotContain(token);
    LeakAssertions.assertNoLeak("stderr", stderr, secret);
  }
}
