package dev.keyhole.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.testkit.LeakAssertions;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as agents run it: a stdio child of the client, itself starting the upstream. The
 * upstream gets the granted value and an allow-listed environment, not Keyhole's own (which holds
 * the credentials Keyhole's providers use); the transport carries handles only.
 */
class StdioGatewayTest {
  @TempDir Path dir;
  final Planted planted = new Planted();
  final String providerCredential = LeakAssertions.randomSecret();

  @Test
  void upstreamGetsItsGrantAndNothingElseOfKeyholesEnvironment_andTheWireCarriesHandlesOnly()
      throws Exception {
    Path policy = dir.resolve("policy.yaml");
    Files.writeString(policy, """
        version: 1
        handles:
          upstream_token:
            ref: env:KH_UPSTREAM
            tools: [echo]
            commands: [java]
            allowCodeExecution: true   # the upstream MCP server is a Java program
          query_token:
            ref: env:KH_QUERY
            tools: [echo_args]
        """);
    Path in = dir.resolve("in.jsonl");
    Path out = dir.resolve("out.jsonl");
    List<String> cmd = TestProcesses.tappedBroker(in, out, policy, dir.resolve("audit.jsonl"),
        "echo", "UPSTREAM_TOKEN=upstream_token", "echo_args.token", "--");
    cmd.addAll(TestProcesses.javaMain(EchoUpstreamMain.class));
    McpSyncClient client = McpClient.sync(new StdioClientTransport(
            ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size()))
                .env(Map.of("KH_UPSTREAM", planted.api, "KH_QUERY", planted.other,
                    "KH_PROVIDER_CREDENTIAL", providerCredential)).build(),
            new JacksonMcpJsonMapper(new ObjectMapper())))
        .requestTimeout(Duration.ofSeconds(60)).initializationTimeout(Duration.ofSeconds(90))
        .build();
    List<String> seen = new ArrayList<>();
    try {
      client.initialize();
      McpSchema.CallToolResult env = client.callTool(McpSchema.CallToolRequest.builder("echo_env").arguments(Map.of()).build());
      String text = ((McpSchema.TextContent) env.content().get(0)).text();
      assertThat(text).contains("UPSTREAM_TOKEN=secret://upstream_token")
          .doesNotContain("KH_PROVIDER_CREDENTIAL").doesNotContain("KH_UPSTREAM");
      seen.add(text);
      McpSchema.CallToolResult args = client.callTool(McpSchema.CallToolRequest.builder("echo_args").arguments(Map.of("token", "secret://query_token")).build());
      assertThat(((McpSchema.TextContent) args.content().get(0)).text())
          .contains("secret://query_token");
      seen.add(((McpSchema.TextContent) args.content().get(0)).text());
    } finally {
      client.closeGracefully();
    }
    String wire = Files.readString(in, StandardCharsets.UTF_8) + Files.readString(out, StandardCharsets.UTF_8);
    seen.add(wire);
    for (String s : seen) {
      planted.assertAbsent("the stdio gateway's transport and results", s);
      LeakAssertions.assertNoLeak("the stdio gateway's transport", s, providerCredential);
    }
  }
}
