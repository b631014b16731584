package dev.keyhole.langchain4j;

import static dev.keyhole.langchain4j.OpenAiMock.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.TaskContext;
import dev.keyhole.TaskScope;
import dev.keyhole.redact.DetectingRedactor;
import dev.keyhole.redact.DetectorMode;
import dev.keyhole.testkit.LeakAssertions;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.guardrail.InputGuardrailException;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.store.memory.chat.InMemoryChatMemoryStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What real use of the adapter ran into, each through a real AI service and OpenAI's wire format. */
@SuppressWarnings("try") // TaskContext bindings are held for their effect
class FrictionsTest {
  interface Agent {
    String chat(@MemoryId String user, @UserMessage String message);

    Result<String> run(@MemoryId String user, @UserMessage String message);
  }

  private Fixture fx;
  private TaskScope task;
  private OpenAiMock openAi;
  private String key;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    key = fx.plant("deploy_key");
    task = fx.open("friction-task", Fixture.grant("deploy_key", "deploy", "pin")
        .description("Deploy key of the staging cluster").build());
    openAi = new OpenAiMock();
  }

  @AfterEach
  void tearDown() {
    openAi.close();
    fx.close();
  }

  private static ToolSpecification deploySpec() {
    return ToolSpecification.builder().name("deploy").description("Deploys")
        .parameters(JsonObjectSchema.builder().addStringProperty("key").required("key").build()).build();
  }

  private KeyholeLangChain4j service() {
    return KeyholeLangChain4j.builder(fx.keyhole).chatModel(openAi.chatModel())
        .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(20).build());
  }

  @Test
  void immediateReturn_ofAHandWrittenTool_isKept_andItsResultRedacted() {
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "deploy", "{\"key\":\"secret://deploy_key\"}")));
    Agent agent = service()
        .tool(deploySpec(), (req, id) -> "deployed with " + req.arguments(), ReturnBehavior.IMMEDIATE)
        .handleParameters("deploy", "key")
        .build(Agent.class);

    Result<String> r;
    try (TaskContext.Binding b = TaskContext.bind(task)) {
      r = agent.run("u", "deploy");
    }

    assertThat(openAi.requestBodies()).hasSize(1); // returned to the caller, not to the model
    assertThat(r.toolExecutions()).singleElement().satisfies(te ->
        assertThat(te.result()).isEqualTo("deployed with {\"key\":\"secret://deploy_key\"}"));
  }

  @Test
  void immediateReturnToolNames_inTheMapForm_areKept() {
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "deploy", "{\"key\":\"secret://deploy_key\"}")));
    Agent agent = service()
        .tools(Map.of(deploySpec(), (req, id) -> "done"), Set.of("deploy"))
        .handleParameters("deploy", "key")
        .build(Agent.class);

    try (TaskContext.Binding b = TaskContext.bind(task)) {
      assertThat(agent.run("u", "deploy").toolExecutions()).singleElement()
          .satisfies(te -> assertThat(te.result()).isEqualTo("done"));
    }
    assertThat(openAi.requestBodies()).hasSize(1);
  }

  static final class PinTools {
    @Tool(name = "pin", value = "Unlocks with a PIN")
    String pin(int pin, @Secret String key) {
      return "unlocked";
    }
  }

  @Test
  void argumentErrors_failTheCallByDefault_asInLangChain4j_redacted() {
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "pin", "{\"pin\":\"twelve\",\"key\":\"secret://deploy_key\"}")));
    Agent agent = service().tools(new PinTools()).build(Agent.class);

    try (TaskContext.Binding b = TaskContext.bind(task)) {
      assertThatThrownBy(() -> agent.chat("u", "unlock"))
          .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("\"pin\"").hasNoCause();
    }
    assertThat(openAi.requestBodies()).hasSize(1);
  }

  @Test
  void argumentErrors_goToTheModel_whenTheBuilderSaysSo() {
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "pin", "{\"pin\":\"twelve\",\"key\":\"secret://deploy_key\"}")))
        .thenJson(OpenAiMock.text("I will send a number."));
    Agent agent = service().tools(new PinTools())
        .toolArgumentsErrorHandler((error, context) -> ToolErrorHandlerResult.text(
            "Fix the arguments: " + error.getMessage()))
        .build(Agent.class);

    try (TaskContext.Binding b = TaskContext.bind(task)) {
      assertThat(agent.chat("u", "unlock")).isEqualTo("I will send a number.");
    }
    assertThat(openAi.toolResults(1).get("c1")).startsWith("Fix the arguments: ").contains("\"pin\"");
  }

  static final class TokenLister {
    final List<String> made = new CopyOnWriteArrayList<>();

    @Tool(name = "deploy", value = "Deploys and prints the CI's token")
    String deploy(@Secret String key) {
      String foreign = "gh" + "p_" + LeakAssertions.randomSecret(36).replaceAll("[^A-Za-z0-9]", "a");
      made.add(foreign);
      return "deployed; CI token " + foreign;
    }
  }

  @Test
  void aDetectingRedactor_isUsedByTheGuards_forToolResults() {
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "deploy", "{\"key\":\"secret://deploy_key\"}")))
        .thenJson(OpenAiMock.text("Deployed."));
    TokenLister tools = new TokenLister();
    Agent agent = service().tools(tools)
        .redactor(DetectingRedactor.builder(fx.keyhole.redactor()).mode(DetectorMode.REDACT).build())
        .build(Agent.class);

    try (TaskContext.Binding b = TaskContext.bind(task)) {
      agent.chat("u", "deploy");
    }

    assertThat(openAi.toolResults(1).get("c1")).isEqualTo("deployed; CI token [REDACTED:github-token]");
    assertThat(openAi.journalText()).doesNotContain(tools.made.get(0)).doesNotContain(key);
  }

  @Test
  void theInputGuardrail_rewritesAPastedValue_andRefusesAnUnknownCredential_beforeMemory() {
    // Make the value live: a task resolved it.
    try (TaskContext.Binding b = TaskContext.bind(task)) {
      openAi.thenJson(OpenAiMock.toolCalls(call("c0", "deploy", "{\"key\":\"secret://deploy_key\"}")))
          .thenJson(OpenAiMock.text("Deployed."))
          .thenJson(OpenAiMock.text("Noted."));
      InMemoryChatMemoryStore store = new InMemoryChatMemoryStore();
      Agent agent = service().tool(deploySpec(), (req, id) -> "deployed")
          .handleParameters("deploy", "key")
          .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(20)
              .chatMemoryStore(store).build())
          .aiServices(Agent.class)
          .inputGuardrails(KeyholeInputGuardrail.create(fx.keyhole))
          .build();
      agent.chat("u", "deploy");

      assertThat(agent.chat("u", "My key is " + key + ", remember it")).isEqualTo("Noted.");
      assertThat(openAi.messages(2).toString()).contains("My key is secret://deploy_key, remember it");

      String foreign = "gh" + "p_" + LeakAssertions.randomSecret(40).replaceAll("[^A-Za-z0-9]", "b");
      int before = openAi.requestBodies().size();
      assertThatThrownBy(() -> agent.chat("u", "Use my other token " + foreign))
          .isInstanceOf(InputGuardrailException.class)
          .hasMessageContaining("GitHub token").hasMessageContaining("not sent to the model or stored")
          .hasMessageNotContaining(foreign);
      assertThat(openAi.requestBodies()).hasSize(before);
      assertThat(store.getMessages("u").toString()).doesNotContain(foreign).doesNotContain(key);
    }
  }

  @Test
  void theSystemMessageHelper_listsTheTasksHandles_withTheirPolicyDescriptions() {
    openAi.thenJson(OpenAiMock.text("ok")).thenJson(OpenAiMock.text("ok"));
    Agent agent = service().tool(deploySpec(), (req, id) -> "done")
        .handleParameters("deploy", "key")
        .aiServices(Agent.class)
        .systemMessageProvider(id -> "You deploy services.")
        .systemMessageTransformer(KeyholeSystemMessage.appendHandles())
        .build();

    try (TaskContext.Binding b = TaskContext.bind(task)) {
      agent.chat("with-task", "hi");
    }
    agent.chat("without-task", "hi");

    assertThat(openAi.messages(0).get(0).path("content").asText()).isEqualTo("You deploy services.\n\n"
        + "Secrets: you never see secret values, and must never ask for them. To use a secret, pass"
        + " its handle (such as secret://deploy_key) to a tool parameter that takes handles; the"
        + " tool gets the value when it runs, if the policy allows. Handles of this task:\n"
        + "- secret://deploy_key: Deploy key of the staging cluster (tools: deploy, pin)");
    assertThat(openAi.messages(1).get(0).path("content").asText()).isEqualTo("You deploy services.");
  }

  static final class Weather {
    @Tool(name = "weather", value = "Weather of a city")
    String weather(String city) {
      return "sunny in " + city;
    }
  }

  @Test
  void withoutATask_toolsThatTakeNoHandles_stillRun_butTakeNoHandleAndNoValue() {
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "weather", "{\"city\":\"Oslo\"}"),
            call("c2", "weather", "{\"city\":\"secret://deploy_key\"}")))
        .thenJson(OpenAiMock.text("Sunny."));
    Agent agent = service().tools(new Weather()).build(Agent.class);

    agent.chat("u", "weather?");

    Map<String, String> results = openAi.toolResults(1);
    assertThat(results.get("c1")).isEqualTo("sunny in Oslo");
    assertThat(results.get("c2")).contains("takes no secret handles").contains("did not run");
  }
}
