package dev.keyhole.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.keyhole.ToolGuard;
import dev.keyhole.KeyholeException;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The last-line guard in front of the real {@code OpenAiChatModel}, checked on the wire. */
class GuardedChatModelTest {
  private Fixture fx;
  private TaskScope task;
  private OpenAiMock openAi;
  private ChatModel guarded;
  private String token;
  private String pin;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    token = fx.plant("api_token");
    pin = fx.plant("pin", Planted.letters());
    task = fx.open("guard-task", Fixture.grant("api_token", "t").build(), Fixture.grant("pin", "t").build());
    // Resolving makes both values live: the redactor knows them from now on.
    ToolGuard.builder(task).handleParameters("t", "a", "b").build().call("t", "{\"a\":\"secret://api_token\",\"b\":\"secret://pin\"}", inv -> "ok");
    openAi = new OpenAiMock();
    guarded = GuardedChatModel.wrap(openAi.chatModel(), task);
  }

  @AfterEach
  void tearDown() {
    openAi.close();
    fx.close();
  }

  @Test
  void everyKindOfMessage_isRedactedBeforeItIsSent() {
    openAi.thenJson(OpenAiMock.text("fine"));
    ToolExecutionRequest call = ToolExecutionRequest.builder().id("c1").name("t")
        .arguments("{\"a\":\"" + token + "\"}").build();

    ChatResponse r = guarded.chat(ChatRequest.builder().messages(
        SystemMessage.from("The deploy key is " + token),
        UserMessage.from("Use " + token + " please"),
        AiMessage.from("Calling with " + token, java.util.List.of(call)),
        ToolExecutionResultMessage.from(call, "result " + token),
        UserMessage.from(TextContent.from("and " + pin), ImageContent.from("https://img.example.com/cat.png")))
        .build());

    assertThat(r.aiMessage().text()).isEqualTo("fine");
    ArrayNode messages = openAi.messages(0);
    assertThat(messages.get(0).path("content").asText()).isEqualTo("The deploy key is secret://api_token");
    assertThat(messages.get(1).path("content").asText()).isEqualTo("Use secret://api_token please");
    assertThat(messages.get(2).path("content").asText()).isEqualTo("Calling with secret://api_token");
    assertThat(messages.get(2).at("/tool_calls/0/function/arguments").asText())
        .isEqualTo("{\"a\":\"secret://api_token\"}");
    assertThat(messages.get(3).path("content").asText()).isEqualTo("result secret://api_token");
    JsonNode multi = messages.get(4).path("content");
    assertThat(multi.get(0).path("text").asText()).isEqualTo("and secret://pin");
    assertThat(multi.get(1).at("/image_url/url").asText()).isEqualTo("https://img.example.com/cat.png");
    Planted.assertNoRawOrJson("request to OpenAI", openAi.journalText(), fx.values());
  }

  @Test
  void aValueInTheResponse_isRedacted() {
    openAi.thenJson(OpenAiMock.text("I remember " + token));

    assertThat(guarded.chat("hi")).isEqualTo("I remember secret://api_token");
  }

  @Test
  void aValueThatCannotBeRedacted_blocksTheRequest_andNothingIsSent() {
    assertThatThrownBy(() -> guarded.chat(UserMessage.from(TextContent.from("look"),
        ImageContent.from("https://img.example.com/a.png?pin=" + pin))))
        .isInstanceOf(SecretLeakBlockedException.class)
        .hasMessageContaining("request to the model, message 1 (user), image content")
        .hasMessageNotContaining(pin);
    assertThat(openAi.requestBodies()).isEmpty();
  }

  @Test
  void aValueInAToolOrParameterDescription_isRewrittenToItsHandle_andTheRequestGoesOut() {
    openAi.thenJson(OpenAiMock.text("fine"));
    ToolSpecification leaky = ToolSpecification.builder().name("deploy")
        .description("Deploys with key " + token)
        .parameters(JsonObjectSchema.builder()
            .addStringProperty("env", "Environment; the pin is " + pin)
            .addProperty("opts", JsonObjectSchema.builder()
                .addProperty("tags", JsonArraySchema.builder().description("tags, not " + token)
                    .items(JsonStringSchema.builder().description("a tag like " + token).build())
                    .build()).build())
            .build()).build();

    guarded.chat(ChatRequest.builder().messages(UserMessage.from("deploy"))
        .toolSpecifications(leaky).build());

    String sent = openAi.requestBodies().get(0);
    assertThat(sent).contains("Deploys with key secret://api_token")
        .contains("Environment; the pin is secret://pin")
        .contains("tags, not secret://api_token").contains("a tag like secret://api_token");
    Planted.assertNoForm("the request", openAi.journalText(), fx.values());
  }

  @Test
  void aValueOutsideTheDescriptions_blocksTheRequest() {
    ToolSpecification leaky = ToolSpecification.builder().name("deploy").description("Deploys")
        .parameters(JsonObjectSchema.builder().addEnumProperty("key", List.of("a", token)).build())
        .build();

    assertThatThrownBy(() -> guarded.chat(ChatRequest.builder().messages(UserMessage.from("deploy"))
        .toolSpecifications(leaky).build()))
        .isInstanceOf(SecretLeakBlockedException.class)
        .hasMessageContaining("the specification of tool 'deploy'")
        .hasMessageNotContaining(token);
    assertThat(openAi.requestBodies()).isEmpty();
  }

  @Test
  void aProviderErrorQuotingAValue_isReplacedByARedactedUnchainedError() {
    openAi.thenError(400, "invalid_request_error", "Invalid 'messages[0].content': " + token + " is not allowed");

    assertThatThrownBy(() -> guarded.chat("hi"))
        .isExactlyInstanceOf(KeyholeException.class)
        .hasMessageContaining("The model call failed")
        .hasMessageContaining("secret://api_token is not allowed")
        .hasMessageNotContaining(token)
        .hasNoCause();
  }

  @Test
  void aProviderErrorWithoutAValue_isPassedThroughUnchanged() {
    openAi.thenError(429, "rate_limit_exceeded", "Rate limit reached for gpt-4o-mini");

    assertThatThrownBy(() -> guarded.chat("hi"))
        .isNotInstanceOf(KeyholeException.class)
        .hasMessageContaining("Rate limit reached");
  }

  @Test
  void wrap_isIdempotent_andDelegatesModelProperties() {
    ChatModel raw = openAi.chatModel();
    ChatModel g = GuardedChatModel.wrap(raw, task.redactor());

    assertThat(GuardedChatModel.wrap(g, task.redactor())).isSameAs(g);
    assertThat(g.provider()).isEqualTo(raw.provider());
    assertThat(g.defaultRequestParameters().modelName()).isEqualTo(OpenAiMock.MODEL);
    assertThat(g.supportedCapabilities()).isEqualTo(raw.supportedCapabilities());
  }
}
