package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.TaskContext;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One conversation through a provider's own LangChain4j client (plain and streaming models of the
 * same AI service, one service for every task) against WireMock speaking that provider's wire
 * format. The model calls a tool with a handle, plain and streamed (the handle split across
 * streamed argument pieces where the provider streams arguments), and then "repeats" the tool's
 * secret, once whole and once split across streamed chunks. Each test checks one guarantee against
 * what was really sent (WireMock's request journal).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("try") // TaskContext bindings are held for their effect
abstract class ProviderConversationContract {
  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String message);

    TokenStream stream(@MemoryId String user, @UserMessage String message);
  }

  static final class Tools {
    final List<String> received = new CopyOnWriteArrayList<>();

    @Tool(name = "echo_token", value = "Checks a token and says which one it used")
    String echoToken(@Secret String token) {
      received.add(token);
      return "the token is " + token;
    }
  }

  private Fixture fx;
  private ProviderMock mock;
  private final Tools tools = new Tools();
  private String value;
  private String plainAnswer;
  private String streamedText;
  private ChatResponse streamedResponse;
  private String lastAnswer;

  abstract ProviderMock newMock();

  @BeforeAll
  void converse() throws Exception {
    fx = new Fixture();
    value = fx.plant("github_token");
    mock = newMock();
    String args = "{\"token\":\"secret://github_token\"}";
    mock.thenToolCall(false, "call_1", "echo_token", args)
        .thenText(false, "Checked: the token was " + value + ".")
        .thenToolCall(true, "call_2", "echo_token", "{\"token\":\"secr", "et://github", "_token\"}")
        .thenText(true, "Again: ", value.substring(0, 9), value.substring(9, 20), value.substring(20),
            " is fine.")
        .thenText(false, "Nothing else to do.");

    Assistant assistant = KeyholeLangChain4j.builder(fx.keyhole)
        .chatModel(mock.chatModel())
        .streamingChatModel(mock.streamingChatModel())
        .tools(tools)
        .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(30).build())
        .build(Assistant.class);

    try (TaskScope task = fx.open(mock.name() + "-task",
            Fixture.grant("github_token", "echo_token").description("GitHub token of acme/app").build());
         TaskContext.Binding bound = TaskContext.bind(task)) {
      plainAnswer = assistant.chat("ana", "Check my token.");
      StringBuilder partials = new StringBuilder();
      CompletableFuture<ChatResponse> done = new CompletableFuture<>();
      assistant.stream("ana", "Check it again, streaming.")
          .onPartialResponse(partials::append)
          .onCompleteResponse(done::complete)
          .onError(done::completeExceptionally)
          .start();
      streamedResponse = done.get(60, TimeUnit.SECONDS);
      streamedText = partials.toString();
      lastAnswer = assistant.chat("ana", "Anything else?");
    }
  }

  @AfterAll
  void tearDown() {
    if (mock != null) {
      mock.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void theConversationRanThroughTheProvidersWireFormat() {
    assertThat(mock.unmatched()).isZero();
    assertThat(mock.requestBodies()).hasSize(5);
    assertThat(lastAnswer).isEqualTo("Nothing else to do.");
  }

  @Test
  void theToolGotTheRealValue_plainAndStreamed() {
    assertThat(tools.received).containsExactly(value, value);
  }

  @Test
  void toolResults_reachedTheProviderWithTheHandle() {
    List<String> bodies = mock.requestBodies();
    assertThat(bodies.get(1)).contains("the token is secret://github_token");
    assertThat(bodies.get(3)).contains("the token is secret://github_token");
  }

  @Test
  void theToolSchema_listsTheTasksHandle_withItsPolicyDescription() {
    assertThat(mock.requestBodies().get(0)).contains("secret://github_token")
        .contains("GitHub token of acme/app").doesNotContain("SecretValue").doesNotContain("$defs");
  }

  @Test
  void aValueTheModelRepeats_reachesTheAppAsItsHandle_wholeAndSplitAcrossStreamedChunks() {
    assertThat(plainAnswer).isEqualTo("Checked: the token was secret://github_token.");
    assertThat(streamedText).isEqualTo("Again: secret://github_token is fine.");
    assertThat(streamedResponse.aiMessage().text()).isEqualTo("Again: secret://github_token is fine.");
  }

  @Test
  void noRequest_carriesAPlantedValue_inAnyEncoding() {
    // Requests 3 and 5 carry the earlier answers (from memory), whole and streamed.
    assertThat(mock.requestBodies().get(4)).contains("Again: secret://github_token is fine.");
    Planted.assertNoForm(mock.name() + " request journal", mock.journalText(), fx.values());
  }

  @Test
  void nothingLogged_holdsAValue() {
    Planted.assertNoRawOrJson("the test log", TestLog.text(), fx.values());
  }
}
