package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ToolGuard;
import dev.keyhole.TaskScope;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.CustomMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.store.memory.chat.ChatMemoryStore;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RedactingChatMemoryTest {
  private Fixture fx;
  private TaskScope task;
  private String token;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    token = fx.plant("api_token", Planted.letters());
    task = fx.open("memory-task", Fixture.grant("api_token", "t").build());
    ToolGuard.builder(task).handleParameters("t", "a").build().call("t", "{\"a\":\"secret://api_token\"}", inv -> "ok");
  }

  @AfterEach
  void tearDown() {
    fx.close();
  }

  private static String text(List<ChatMessage> messages) {
    return messages.stream().map(ChatMessage::toString).collect(Collectors.joining("\n"));
  }

  @Test
  void messagesAreRedactedBeforeTheyAreStored() {
    InMemoryChatMemoryStore store = new InMemoryChatMemoryStore();
    ChatMemory memory = RedactingChatMemory.wrap(
        MessageWindowChatMemory.builder().id("m1").maxMessages(10).chatMemoryStore(store).build(), task);

    memory.add(UserMessage.from("my token is " + token));
    memory.add(AiMessage.builder().text("noted " + token).attributes(Map.of("raw", token, "n", 1)).build());
    memory.add(List.of(UserMessage.from("again " + token), new CustomMessage(Map.of("k", token))));

    String stored = text(store.getMessages("m1"));
    assertThat(stored).doesNotContain(token).contains("my token is secret://api_token")
        .contains("noted secret://api_token").contains("again secret://api_token");
    assertThat(memory.messages()).hasSize(4);
  }

  @Test
  void aMessageThatCannotBeRedacted_isRefused_andNotStored() {
    ChatMemory inner = MessageWindowChatMemory.withMaxMessages(10);
    ChatMemory memory = RedactingChatMemory.wrap(inner, task);

    assertThatThrownBy(() -> memory.add(UserMessage.from(TextContent.from("see"),
        ImageContent.from("https://img.example.com/x.png?t=" + token))))
        .isInstanceOf(SecretLeakBlockedException.class)
        .hasMessageContaining("chat memory").hasMessageContaining("image content")
        .hasMessageNotContaining(token);
    assertThat(inner.messages()).isEmpty();
  }

  @Test
  void valuesAlreadyInTheWrappedMemory_areRedactedOnTheWayOut() {
    ChatMemory inner = MessageWindowChatMemory.withMaxMessages(10);
    inner.add(UserMessage.from("old " + token));

    List<ChatMessage> out = RedactingChatMemory.wrap(inner, task).messages();

    assertThat(text(out)).contains("old secret://api_token").doesNotContain(token);
  }

  @Test
  void set_replacesWithRedactedMessages() {
    ChatMemory inner = MessageWindowChatMemory.withMaxMessages(10);
    ChatMemory memory = RedactingChatMemory.wrap(inner, task);
    memory.add(UserMessage.from("first"));

    memory.set(List.of(UserMessage.from("summary: " + token)));

    assertThat(text(inner.messages())).isEqualTo(text(List.of(UserMessage.from("summary: secret://api_token"))));
  }

  @Test
  void store_redactsOnWriteAndRead() {
    InMemoryChatMemoryStore inner = new InMemoryChatMemoryStore();
    ChatMemoryStore store = RedactingChatMemoryStore.wrap(inner, task);

    store.updateMessages("s1", List.of(UserMessage.from("x " + token)));
    inner.updateMessages("s2", List.of(UserMessage.from("y " + token)));

    assertThat(text(inner.getMessages("s1"))).contains("x secret://api_token").doesNotContain(token);
    assertThat(text(store.getMessages("s2"))).contains("y secret://api_token").doesNotContain(token);
    assertThatThrownBy(() -> store.updateMessages("s3", List.of(UserMessage.from(
        ImageContent.from("https://i.example.com/?t=" + token)))))
        .isInstanceOf(SecretLeakBlockedException.class);
    assertThat(inner.getMessages("s3")).isEmpty();
    store.deleteMessages("s1");
    assertThat(inner.getMessages("s1")).isEmpty();
  }

  @Test
  void providerWrapping_wrapsEveryMemory() {
    var provider = RedactingChatMemory.wrap(id -> MessageWindowChatMemory.builder().id(id).maxMessages(5).build(),
        task.redactor());

    ChatMemory m = provider.get("user-1");
    m.add(UserMessage.from("t=" + token));

    assertThat(m).isInstanceOf(RedactingChatMemory.class);
    assertThat(m.id()).isEqualTo("user-1");
    assertThat(text(m.messages())).doesNotContain(token);
  }
}
