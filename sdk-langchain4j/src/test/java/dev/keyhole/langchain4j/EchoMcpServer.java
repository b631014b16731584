package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A tiny MCP server speaking JSON-RPC over stdio (one message per line), run by the tests as a
 * child process. Tools: {@code echo} returns its arguments; {@code fail} reports an application
 * error ({@code isError: true}) quoting them; {@code reject} answers with a JSON-RPC error quoting
 * them. Every {@code tools/call}'s arguments are appended to the file named by the first program
 * argument, so the test can see what the server really received.
 */
public final class EchoMcpServer {
  private static final ObjectMapper JSON = new ObjectMapper();

  private EchoMcpServer() {}

  public static void main(String[] args) throws Exception {
    Path received = Path.of(args[0]);
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isBlank()) {
        continue;
      }
      JsonNode msg = JSON.readTree(line);
      if (!msg.has("id") || !msg.has("method")) {
        continue; // notifications and responses need no answer
      }
      ObjectNode reply = JSON.createObjectNode().put("jsonrpc", "2.0");
      reply.set("id", msg.get("id"));
      String method = msg.path("method").asText();
      switch (method) {
        case "initialize" -> {
          ObjectNode r = reply.putObject("result");
          r.put("protocolVersion", msg.path("params").path("protocolVersion").asText("2025-06-18"));
          r.putObject("capabilities").putObject("tools").put("listChanged", false);
          r.putObject("serverInfo").put("name", "echo-mcp").put("version", "1.0.0");
        }
        case "ping" -> reply.putObject("result");
        case "tools/list" -> reply.putObject("result").set("tools", tools());
        case "tools/call" -> {
          JsonNode params = msg.path("params");
          JsonNode arguments = params.path("arguments");
          Files.writeString(received, arguments + "\n", StandardCharsets.UTF_8,
              StandardOpenOption.CREATE, StandardOpenOption.APPEND);
          String tool = params.path("name").asText();
          if (tool.equals("reject")) {
            ObjectNode e = reply.putObject("error");
            e.put("code", -32602);
            e.put("message", "Invalid params: " + arguments);
          } else {
            ObjectNode r = reply.putObject("result");
            boolean fail = tool.equals("fail");
            r.putArray("content").addObject().put("type", "text")
                .put("text", (fail ? "authentication failed for " : "echo: ") + arguments);
            r.put("isError", fail);
          }
        }
        default -> {
          ObjectNode e = reply.putObject("error");
          e.put("code", -32601);
          e.put("message", "Method not found: " + method);
        }
      }
      out.println(reply);
    }
  }

  private static ArrayNode tools() {
    ArrayNode tools = JSON.createArrayNode();
    for (String name : new String[] {"echo", "fail", "reject"}) {
      ObjectNode t = tools.addObject();
      t.put("name", name);
      t.put("description", switch (name) {
        case "echo" -> "Echoes its arguments";
        case "fail" -> "Always fails, quoting its arguments";
        default -> "Always rejects its arguments";
      });
      ObjectNode schema = t.putObject("inputSchema");
      schema.put("type", "object");
      ObjectNode props = schema.putObject("properties");
      props.putObject("api_key").put("type", "string").put("description", "API key of the service");
      props.putObject("text").put("type", "string");
      schema.putArray("required").add("api_key");
    }
    return tools;
  }
}
