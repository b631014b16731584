package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.redact.DetectorMode;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * With {@code Keyhole.builder().detectors(REDACT)}, a token Keyhole never resolved (GitHub's
 * documented format, generated at run time) is redacted by the guarded model before it reaches the
 * real {@code OpenAiChatModel}'s wire, and by the chat memory guard before it is stored.
 */
class DetectorsInModelPathTest {
  private final String token = "gh" + "p_" + "aZ7" + Planted.letters().substring(0, 20)
      + "Q9x" + Planted.letters().substring(0, 13);
  private Keyhole keyhole;
  private TaskScope task;
  private OpenAiMock openAi;

  @BeforeEach
  void setUp() {
    keyhole = Keyhole.builder().expirySweep(false).detectors(DetectorMode.REDACT).build();
    task = keyhole.openTask(TaskOptions.builder().taskId("detect").build());
    openAi = new OpenAiMock();
  }

  @AfterEach
  void tearDown() {
    openAi.close();
    keyhole.close();
  }

  @Test
  void guardedModel_redactsAnUnknownTokenOnTheWire() {
    openAi.thenJson(OpenAiMock.text("ok"));
    ChatModel guarded = GuardedChatModel.wrap(openAi.chatModel(), task);

    guarded.chat(ChatRequest.builder()
        .messages(UserMessage.from("the CI log printed " + token + " somewhere")).build());

    String sent = openAi.messages(0).toString();
    assertThat(sent).doesNotContain(token).contains("[REDACTED:github-token]");
  }

  @Test
  void chatMemory_redactsAnUnknownTokenBeforeStoring() {
    ChatMemory memory = RedactingChatMemory.wrap(
        MessageWindowChatMemory.builder().id("m").maxMessages(5).build(), task);

    memory.add(UserMessage.from("remember " + token));

    for (ChatMessage m : memory.messages()) {
      assertThat(m.toString()).doesNotContain(token);
    }
    assertThat(memory.messages().toString()).contains("[REDACTED:github-token]");
  }
}
