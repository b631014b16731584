package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.ToolGuard;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming path: the real {@code OpenAiStreamingChatModel} reading WireMock's SSE streams,
 * behind an AiServices agent whose tool needs a secret. A value the model prints across several
 * chunks is replaced before any chunk reaches the application.
 */
class StreamingTest {
  interface Agent {
    TokenStream chat(String message);
  }

  static class Tools {
    final List<String> received = new CopyOnWriteArrayList<>();

    @Tool(name = "echo_token", value = "Echoes the token")
    String echo(@Secret String token) {
      received.add(token);
      return "the token is " + token;
    }
  }

  private Fixture fx;
  private TaskScope task;
  private OpenAiMock openAi;
  private String github;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    github = fx.plant("github_token");
    task = fx.open("stream-task", Fixture.grant("github_token", "echo_token").build());
    openAi = new OpenAiMock();
  }

  @AfterEach
  void tearDown() {
    openAi.close();
    fx.close();
  }

  @Test
  void aValuePrintedAcrossChunks_neverReachesTheApplication_orTheModel() throws Exception {
    // Make the value live first, so the streaming redactors hold back tails from the first chunk on.
    ToolGuard.builder(task).handleParameters("echo_token", "t").build().call("echo_token", "{\"t\":\"secret://github_token\"}", inv -> "");
    String head = github.substring(0, 12);
    String tail = github.substring(12);
    openAi.thenSse(OpenAiMock.sseToolCall("call_s1", "echo_token", "{\"token\":\"secr", "et://github", "_token\"}"))
        .thenSse(OpenAiMock.sseText("Your token is ", head, tail, ". Done."));
    Tools tools = new Tools();
    InMemoryChatMemoryStore store = new InMemoryChatMemoryStore();
    Agent agent = KeyholeLangChain4j.forTask(task)
        .streamingChatModel(openAi.streamingChatModel())
        .tools(tools)
        .chatMemory(MessageWindowChatMemory.builder().id("s").maxMessages(20).chatMemoryStore(store).build())
        .build(Agent.class);
    List<String> partials = new CopyOnWriteArrayList<>();
    List<PartialToolCall> toolCallPieces = new CopyOnWriteArrayList<>();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    agent.chat("What is my token?")
        .onPartialResponse(partials::add)
        .onPartialToolCall(toolCallPieces::add)
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    ChatResponse response = done.get(30, TimeUnit.SECONDS);

    assertThat(tools.received).containsExactly(github);
    assertThat(toolCallPieces).hasSizeGreaterThan(1).allSatisfy(p -> {
      assertThat(p.id()).isEqualTo("call_s1");
      assertThat(p.name()).isEqualTo("echo_token");
    });
    assertThat(String.join("", partials)).isEqualTo("Your token is secret://github_token. Done.");
    assertThat(partials).noneMatch(p -> p.contains(head) || p.contains(tail));
    assertThat(response.aiMessage().text()).isEqualTo("Your token is secret://github_token. Done.");
    assertThat(toolCallPieces.stream().map(PartialToolCall::partialArguments).collect(Collectors.joining()))
        .isEqualTo("{\"token\":\"secret://github_token\"}");
    assertThat(openAi.toolResults(1)).containsEntry("call_s1", "the token is secret://github_token");
    Planted.assertNoRawOrJson("requests to OpenAI", openAi.journalText(), fx.values());
    String stored = store.getMessages("s").stream().map(ChatMessage::toString).collect(Collectors.joining());
    Planted.assertNoRawOrJson("chat memory", stored, fx.values());
    assertThat(stored).contains("Your token is secret://github_token. Done.");
  }

  @Test
  void aRequestThatCannotBeCleaned_isNotSent_andTheHandlerGetsTheTypedError() throws Exception {
    String pin = fx.plant("pin", Planted.letters());
    TaskScope t = fx.open("stream-task-2", Fixture.grant("pin", "t").build());
    ToolGuard.builder(t).handleParameters("t", "p").build().call("t", "{\"p\":\"secret://pin\"}", inv -> "resolved"); // makes the value live
    StreamingChatModel guarded = GuardedStreamingChatModel.wrap(openAi.streamingChatModel(), t);
    CompletableFuture<Throwable> error = new CompletableFuture<>();

    guarded.chat(ChatRequest.builder().messages(UserMessage.from(TextContent.from("look at this"),
        ImageContent.from("https://img.example.com/a.png?pin=" + pin))).build(),
        new StreamingChatResponseHandler() {
          @Override
          public void onCompleteResponse(ChatResponse completeResponse) {
            error.complete(null);
          }

          @Override
          public void onError(Throwable e) {
            error.complete(e);
          }
        });

    assertThat(error.get(5, TimeUnit.SECONDS)).isInstanceOf(SecretLeakBlockedException.class)
        .hasMessageContaining("message 1 (user), image content").hasMessageNotContaining(pin);
    assertThat(openAi.requestBodies()).isEmpty();
  }
}
