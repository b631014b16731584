package dev.keyhole.langchain4j;

import static dev.keyhole.langchain4j.OpenAiMock.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.TaskScope;
import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same guarantees for MCP tools: a real MCP server (a child JVM speaking JSON-RPC over stdio)
 * whose tools echo their arguments, reached through LangChain4j's {@code McpToolProvider}, driven by
 * the real {@code OpenAiChatModel} against WireMock. The server receives the value; the model sees
 * the MCP schema rewritten to a handle enum and only handles in results and errors.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpToolTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  interface Agent {
    String chat(String message);
  }

  private Path received;
  private McpClient mcp;
  private Fixture fx;
  private TaskScope task;
  private OpenAiMock openAi;
  private String key;
  private String answer;

  @BeforeAll
  void converse(@TempDir Path dir) throws Exception {
    received = dir.resolve("received.jsonl");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    mcp = DefaultMcpClient.builder().key("echo-mcp")
        .transport(StdioMcpTransport.builder()
            .command(List.of(java, "-cp", System.getProperty("java.class.path"),
                EchoMcpServer.class.getName(), received.toString()))
            .logEvents(false).build())
        .autoHealthCheck(false)
        .initializationTimeout(Duration.ofSeconds(60))
        .toolExecutionTimeout(Duration.ofSeconds(30))
        .build();
    fx = new Fixture();
    key = fx.plant("mcp_key");
    task = fx.open("mcp-task", Fixture.grant("mcp_key", "echo", "fail", "reject").build());
    openAi = new OpenAiMock();
    String h = "{\"api_key\":\"secret://mcp_key\"";
    openAi.thenJson(OpenAiMock.toolCalls(
            call("c_echo", "echo", h + ",\"text\":\"hello\"}"),
            call("c_fail", "fail", h + "}"),
            call("c_reject", "reject", h + "}"),
            call("c_misplaced", "echo", h + ",\"text\":\"secret://mcp_key\"}")))
        .thenJson(OpenAiMock.text("The MCP tools ran."));

    Agent agent = KeyholeLangChain4j.forTask(task)
        .chatModel(openAi.chatModel())
        .toolProvider(McpToolProvider.builder().mcpClients(mcp).failIfOneServerFails(true).build())
        .handleParameters("echo", "api_key")
        .handleParameters("fail", "api_key")
        .handleParameters("reject", "api_key")
        // MCP's "Invalid params" is an argument error: let the model see it and correct itself.
        .toolArgumentsErrorHandler((error, context) -> ToolErrorHandlerResult.text(error.getMessage()))
        .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
        .build(Agent.class);
    answer = agent.chat("Call the MCP tools");
  }

  @AfterAll
  void tearDown() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
    if (openAi != null) {
      openAi.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void theMcpServerReceivedTheRealValue() throws Exception {
    assertThat(answer).isEqualTo("The MCP tools ran.");
    List<String> lines = Files.readAllLines(received);
    assertThat(lines).hasSize(3);
    for (String l : lines) {
      assertThat(JSON.readTree(l).path("api_key").asText()).isEqualTo(key);
    }
  }

  @Test
  void theMcpSchema_wasRewrittenToAHandleEnum() throws Exception {
    Map<String, JsonNode> tools = new HashMap<>();
    JSON.readTree(openAi.requestBodies().get(0)).get("tools")
        .forEach(t -> tools.put(t.at("/function/name").asText(), t.get("function")));

    JsonNode apiKey = tools.get("echo").at("/parameters/properties/api_key");
    assertThat(apiKey.get("enum").toString()).isEqualTo("[\"secret://mcp_key\"]");
    assertThat(apiKey.get("description").asText()).startsWith("API key of the service. A Keyhole secret handle");
    assertThat(tools.get("echo").at("/parameters/properties/text/type").asText()).isEqualTo("string");
  }

  @Test
  void resultsAndErrors_reachTheModelWithHandlesOnly() {
    Map<String, String> r = openAi.toolResults(1);

    assertThat(r.get("c_echo")).isEqualTo("echo: {\"api_key\":\"secret://mcp_key\",\"text\":\"hello\"}");
    // isError results and JSON-RPC errors become exceptions in LangChain4j's MCP client; both come
    // back to the model as redacted text.
    assertThat(r.get("c_fail")).isEqualTo("authentication failed for {\"api_key\":\"secret://mcp_key\"}");
    assertThat(r.get("c_reject")).isEqualTo("Invalid params: {\"api_key\":\"secret://mcp_key\"}");
    assertThat(r.get("c_misplaced")).contains("Argument 'text' of tool 'echo' holds a secret handle");
  }

  @Test
  void noValue_wasSentToTheModel_orLogged() {
    Planted.assertNoRawOrJson("requests to OpenAI", openAi.journalText(), fx.values());
    Planted.assertNoRawOrJson("the test log", TestLog.text(), fx.values());
    Planted.assertNoForm("audit events", fx.auditText(), fx.values());
  }
}
