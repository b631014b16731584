package dev.keyhole.langchain4j;

import static dev.keyhole.langchain4j.OpenAiMock.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEventType;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.Result;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An AiServices agent on the real {@code OpenAiChatModel}, talking HTTP to WireMock playing OpenAI,
 * with tools that need secrets and try every way to leak them. The conversation runs once; each
 * test checks one guarantee against what was really sent (WireMock's request journal), stored,
 * audited and logged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenAiAgentEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  interface Assistant {
    String chat(String message);

    Result<String> run(String message);
  }

  /** Tools that receive secrets and try to hand them back to the model. */
  static class LeakyTools {
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<Boolean> valuesMatched = new CopyOnWriteArrayList<>();
    volatile String expected;

    @Tool(name = "echo_token", value = "Echoes the token")
    String echoToken(@Secret String token) {
      received.add(token);
      return "the token is " + token;
    }

    @Tool(name = "encode_token", value = "Returns the token encoded")
    String encodeToken(@Secret SecretValue token, @P("base64, url, json or hex") String encoding) {
      String v = token.revealString();
      valuesMatched.add(v.equals(expected));
      byte[] b = v.getBytes(StandardCharsets.UTF_8);
      return switch (encoding) {
        case "base64" -> "base64: " + Base64.getEncoder().encodeToString(b);
        case "url" -> "url: https://api.example.com/?token=" + URLEncoder.encode(v, StandardCharsets.UTF_8);
        case "json" -> "{\"token\":" + quote(v) + "}";
        case "hex" -> "hex: " + HexFormat.of().formatHex(b);
        default -> "unknown encoding";
      };
    }

    @Tool(name = "explode", value = "Connects with the token")
    String explode(@Secret String token) {
      received.add(token);
      throw new IllegalStateException("cannot connect with " + token);
    }

    @Tool(name = "unlock", value = "Unlocks with a PIN")
    String unlock(int pin) {
      return "unlocked " + pin;
    }

    @Tool(name = "reveal_now", value = "Returns the token to the caller", returnBehavior = ReturnBehavior.IMMEDIATE)
    String revealNow(@Secret String token) {
      received.add(token);
      return "immediate " + token;
    }
  }

  private Fixture fx;
  private TaskScope task;
  private OpenAiMock openAi;
  private final LeakyTools tools = new LeakyTools();
  private final InMemoryChatMemoryStore store = new InMemoryChatMemoryStore();
  private String github;
  private String firstAnswer;
  private String secondAnswer;
  private Result<String> immediate;

  @BeforeAll
  void converse() {
    fx = new Fixture();
    github = fx.plant("github_token");
    fx.plant("pin_code", Planted.letters());
    fx.plant("db_password");
    task = fx.open("e2e-task",
        Fixture.grant("github_token", "echo_token", "encode_token", "explode", "reveal_now").build(),
        Fixture.grant("pin_code", "unlock").build(),
        Fixture.grant("db_password", "db_query").build());
    tools.expected = github;
    openAi = new OpenAiMock();
    String h = "{\"token\":\"secret://github_token\"";
    openAi.thenJson(OpenAiMock.toolCalls(
            call("call_echo", "echo_token", h + "}"),
            call("call_b64", "encode_token", h + ",\"encoding\":\"base64\"}"),
            call("call_url", "encode_token", h + ",\"encoding\":\"url\"}"),
            call("call_json", "encode_token", h + ",\"encoding\":\"json\"}"),
            call("call_hex", "encode_token", h + ",\"encoding\":\"hex\"}"),
            call("call_boom", "explode", h + "}"),
            call("call_pin", "unlock", "{\"pin\":\"secret://pin_code\"}")))
        .thenJson(OpenAiMock.text("All checks are done."))
        .thenJson(OpenAiMock.text("That token is secret://github_token."))
        .thenJson(OpenAiMock.toolCalls(call("call_now", "reveal_now", h + "}")));

    Assistant assistant = KeyholeLangChain4j.forTask(task)
        .chatModel(openAi.chatModel())
        .tools(tools)
        .handleParameters("unlock", "pin")
        .toolArgumentsErrorHandler((error, context) -> ToolErrorHandlerResult.text(error.getMessage()))
        .chatMemory(MessageWindowChatMemory.builder().id("e2e").maxMessages(50)
            .chatMemoryStore(RedactingChatMemoryStore.wrap(store, task)).build())
        .build(Assistant.class);

    firstAnswer = assistant.chat("Check my GitHub token and unlock the door.");
    // The user pastes the value itself: memory and the model guard must turn it into the handle.
    secondAnswer = assistant.chat("Is " + github + " still valid?");
    immediate = assistant.run("Show me the token right now.");
  }

  @AfterAll
  void tearDown() {
    openAi.close();
    fx.close();
  }

  @Test
  void theConversationCompleted() {
    assertThat(openAi.requestBodies()).hasSize(4);
    assertThat(firstAnswer).isEqualTo("All checks are done.");
    assertThat(secondAnswer).isEqualTo("That token is secret://github_token.");
  }

  @Test
  void toolsReceivedTheRealValues() {
    assertThat(tools.received).contains(github).allMatch(github::equals);
    assertThat(tools.valuesMatched).containsExactly(true, true, true, true);
  }

  @Test
  void noPlantedValue_inRawOrJsonForm_wasSentToTheModel() {
    Planted.assertNoRawOrJson("requests to OpenAI", openAi.journalText(), fx.values());
  }

  @Test
  void noPlantedValue_inAnyEncoding_wasSentToTheModel() {
    assumeTrue(Planted.engineKnowsEncodings(task.redactor(), github), Planted.NEEDS_ENGINE);
    Planted.assertNoForm("requests to OpenAI", openAi.journalText(), fx.values());
  }

  @Test
  void toolResults_reachTheModelWithHandles() {
    Map<String, String> results = openAi.toolResults(1);

    assertThat(results.get("call_echo")).isEqualTo("the token is secret://github_token");
    assertThat(results.get("call_json")).isEqualTo("{\"token\":\"secret://github_token\"}");
    assertThat(results.get("call_boom")).isEqualTo("cannot connect with secret://github_token");
    // LangChain4j's coercion error quotes the argument; the value was replaced by its handle.
    assertThat(results.get("call_pin")).contains("\"pin\"").contains("<secret://pin_code>");
    assertThat(results.keySet()).containsExactly("call_echo", "call_b64", "call_url", "call_json",
        "call_hex", "call_boom", "call_pin");
  }

  @Test
  void toolSchemas_sentToTheModel_listTheHandles_andNoValue() throws Exception {
    JsonNode tools = JSON.readTree(openAi.requestBodies().get(0)).get("tools");
    Map<String, JsonNode> byName = new java.util.HashMap<>();
    tools.forEach(t -> byName.put(t.path("function").path("name").asText(), t.path("function")));

    assertThat(byName.get("echo_token").at("/parameters/properties/token/enum").toString())
        .isEqualTo("[\"secret://github_token\"]");
    assertThat(byName.get("unlock").at("/parameters/properties/pin/enum").toString())
        .isEqualTo("[\"secret://pin_code\"]");
    assertThat(byName.get("echo_token").at("/parameters/properties/token/description").asText())
        .contains("never a secret value");
  }

  @Test
  void aValueTheUserPasted_reachesTheModelAsItsHandle() {
    String userText = openAi.messages(2).get(openAi.messages(2).size() - 1).path("content").asText();

    assertThat(userText).isEqualTo("Is secret://github_token still valid?");
  }

  @Test
  void immediateReturnResult_isRedacted_inTheResultAndInMemory() {
    assertThat(immediate.toolExecutions()).singleElement().satisfies(te -> {
      assertThat(te.result()).isEqualTo("immediate secret://github_token");
      assertThat(te.resultObject()).isEqualTo("immediate secret://github_token");
    });
    String stored = store.getMessages("e2e").stream().map(ChatMessage::toString)
        .collect(Collectors.joining("\n"));
    assertThat(stored).contains("immediate secret://github_token");
  }

  @Test
  void chatMemory_holdsNoValue() {
    String stored = store.getMessages("e2e").stream().map(ChatMessage::toString)
        .collect(Collectors.joining("\n"));
    Planted.assertNoRawOrJson("chat memory store", stored, fx.values());
    if (Planted.engineKnowsEncodings(task.redactor(), github)) {
      Planted.assertNoForm("chat memory store", stored, fx.values());
    }
  }

  @Test
  void auditEvents_nameToolAndTask_andHoldNoValue() {
    assertThat(fx.audit.events(AuditEventType.TOOL_CALLED)).extracting(e -> e.tool() + "@" + e.taskId())
        .contains("echo_token@e2e-task", "encode_token@e2e-task");
    assertThat(fx.audit.events(AuditEventType.TOOL_FAILED)).extracting(e -> e.tool())
        .contains("explode", "unlock");
    Planted.assertNoForm("audit events", fx.auditText(), fx.values());
  }

  @Test
  void nothingLogged_holdsAValue() {
    Planted.assertNoRawOrJson("the test log", TestLog.text(), fx.values());
  }

  private static String quote(String v) {
    try {
      return JSON.writeValueAsString(v);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
