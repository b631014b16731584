package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.ToolGuard;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * For any conversation in which a live value appears anywhere in any text part of any message
 * kind, the request the guard lets through holds the value in no part, and every occurrence became
 * the handle.
 */
class MessageRedactionProperties {
  private static Fixture fx;
  private static final AtomicInteger N = new AtomicInteger();

  @BeforeContainer
  static void start() {
    fx = new Fixture();
  }

  @AfterContainer
  static void stop() {
    fx.close();
  }

  /** Where a value goes: message kind, and the text around it. */
  record Slot(int kind, String before, String after, boolean withValue) {}

  @Provide
  Arbitrary<List<Slot>> conversations() {
    Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40);
    Arbitrary<Slot> slot = Combinators.combine(Arbitraries.integers().between(0, 4), text, text,
        Arbitraries.of(true, false)).as(Slot::new);
    return slot.list().ofMinSize(1).ofMaxSize(8);
  }

  @Property(tries = 300)
  void aLiveValueAnywhere_leavesNoTrace(@ForAll("conversations") List<Slot> slots) {
    String name = "v" + N.incrementAndGet();
    String value = fx.plant(name);
    try (TaskScope task = fx.open("prop-" + name, Fixture.grant(name, "t").build())) {
      ToolGuard.builder(task).handleParameters("t", "x").build().call("t", "{\"x\":\"secret://" + name + "\"}", inv -> "");
      List<ChatMessage> messages = new ArrayList<>();
      int expected = 0;
      for (Slot s : slots) {
        String t = "#" + s.before() + (s.withValue() ? value : "") + s.after();
        expected += s.withValue() ? 1 : 0;
        messages.add(switch (s.kind()) {
          case 0 -> SystemMessage.from(t);
          case 1 -> UserMessage.from(TextContent.from(t));
          case 2 -> AiMessage.from(t);
          case 3 -> AiMessage.from(List.of(ToolExecutionRequest.builder().id("c").name("t")
              .arguments("{\"q\":" + Planted.json(t).length() + ",\"s\":\"" + Planted.json(t) + "\"}").build()));
          default -> ToolExecutionResultMessage.from("c", "t", t);
        });
      }

      ChatRequest out = new MessageRedaction(task.redactor()).request(
          ChatRequest.builder().messages(messages).build());

      String all = out.messages().toString();
      assertThat(all).doesNotContain(value);
      int handles = all.split("secret://" + name, -1).length - 1;
      assertThat(handles).isGreaterThanOrEqualTo(expected);
    }
  }
}
