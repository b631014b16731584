package dev.keyhole.mcp;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * A small upstream MCP server written with the MCP Java SDK, standing in for an existing server
 * (such as a GitHub one) that reads its credential from the environment. It echoes its environment
 * and arguments back, fails with its environment in the message on request, puts a variable into a
 * tool description, and can start a grandchild process, so that the gateway's redaction and
 * process cleanup can be tested against the real wire format.
 */
public final class EchoUpstreamMain {
  private EchoUpstreamMain() {}

  public static void main(String[] args) throws Exception {
    ObjectMapper om = new ObjectMapper();
    Map<String, Object> anyObject = Map.of("type", "object");
    String pidFile = System.getenv("ECHO_PIDS");
    if (pidFile != null) {
      StringBuilder pids = new StringBuilder().append(ProcessHandle.current().pid()).append('\n');
      if ("1".equals(System.getenv("ECHO_SPAWN_CHILD"))) {
        Process child = new ProcessBuilder("sleep", "300").start();
        pids.append(child.pid()).append('\n');
      }
      Files.writeString(Path.of(pidFile), pids.toString(), StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
    String leakyVar = System.getenv().getOrDefault("ECHO_DESCRIBE", "NONE");
    List<SyncToolSpecification> tools = List.of(
        tool("echo_env", "Returns the server's environment variables.", anyObject,
            a -> new TreeMap<>(System.getenv()).toString()),
        tool("echo_args", "Returns its arguments as JSON.", Map.of("type", "object",
                "properties", Map.of("query", Map.of("type", "string"),
                    "token", Map.of("type", "string"),
                    "url", Map.of("type", "string"))),
            a -> {
              String json = om.writeValueAsString(a);
              String log = System.getenv("ECHO_LOG");
              if (log != null) {
                Files.writeString(Path.of(log), json + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              }
              return json;
            }),
        tool("fail_with_env", "Fails with an environment variable in the error.", anyObject,
            a -> {
              throw new IllegalStateException("upstream failed, token was "
                  + System.getenv(String.valueOf(a.getOrDefault("name", "UPSTREAM_TOKEN"))));
            }),
        tool("describe", "Uses the credential " + System.getenv().getOrDefault(leakyVar, "")
            + " for its work.", anyObject, a -> "ok"));
    StdioServerTransportProvider transport =
        new StdioServerTransportProvider(new JacksonMcpJsonMapper(om));
    McpSyncServer server = McpServer.sync(transport)
        .serverInfo("echo-upstream", "1")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        .tools(tools)
        .build();
    new CountDownLatch(1).await();
    server.close();
  }

  @FunctionalInterface
  interface Body {
    String run(Map<String, Object> args) throws Exception;
  }

  private static SyncToolSpecification tool(String name, String description,
      Map<String, Object> schema, Body body) {
    return SyncToolSpecification.builder()
        .tool(McpSchema.Tool.builder(name, schema).description(description).build())
        .callHandler((exchange, request) -> {
          try {
            return McpSchema.CallToolResult.builder()
                .addTextContent(body.run(request.arguments() == null ? Map.of() : request.arguments()))
                .isError(false).build();
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }).build();
  }
}
