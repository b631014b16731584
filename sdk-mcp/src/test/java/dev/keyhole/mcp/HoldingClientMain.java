package dev.keyhole.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An MCP client process (the MCP Java SDK's stdio client) that starts the server given as its
 * arguments, makes one call, prints {@code READY}, and then holds the session until it is killed:
 * a coding agent that crashes or is killed mid-session.
 */
public final class HoldingClientMain {
  private HoldingClientMain() {}

  public static void main(String[] args) throws Exception {
    List<String> cmd = Arrays.asList(args);
    McpSyncClient client = McpClient.sync(new StdioClientTransport(
            ServerParameters.builder(cmd.get(0)).args(cmd.subList(1, cmd.size())).build(),
            new JacksonMcpJsonMapper(new ObjectMapper())))
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(60))
        .build();
    client.initialize();
    McpSchema.CallToolResult r = client.callTool(McpSchema.CallToolRequest.builder("echo_env").arguments(Map.of()).build());
    System.out.println(Boolean.TRUE.equals(r.isError()) ? "FAILED" : "READY");
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
