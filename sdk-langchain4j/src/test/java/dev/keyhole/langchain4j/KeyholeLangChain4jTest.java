package dev.keyhole.langchain4j;

import static dev.keyhole.langchain4j.OpenAiMock.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.ConfigurationException;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class KeyholeLangChain4jTest {
  interface Agent {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  private Fixture fx;
  private TaskScope task;
  private OpenAiMock openAi;
  private String key;

  @BeforeEach
  void setUp() {
    fx = new Fixture();
    key = fx.plant("deploy_key");
    task = fx.open("wiring-task", Fixture.grant("deploy_key", "deploy").build());
    openAi = new OpenAiMock();
  }

  @AfterEach
  void tearDown() {
    openAi.close();
    fx.close();
  }

  @Test
  void withoutAModel_itSaysWhatIsMissing() {
    assertThatThrownBy(() -> KeyholeLangChain4j.forTask(task).build(Agent.class))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("task 'wiring-task' has no model")
        .hasMessageContaining("chatModel(...)");
  }

  @Test
  void aiServices_canBeCustomised_andAHandWrittenToolAndMemoryProviderAreGuarded() {
    List<String> deployed = new ArrayList<>();
    ToolSpecification deploy = ToolSpecification.builder().name("deploy").description("Deploys")
        .parameters(JsonObjectSchema.builder().addStringProperty("env").addStringProperty("key")
            .required("env", "key").build()).build();
    openAi.thenJson(OpenAiMock.toolCalls(call("c1", "deploy", "{\"env\":\"prod\",\"key\":\"secret://deploy_key\"}")))
        .thenJson(OpenAiMock.text("Deployed with " + key));

    Agent agent = KeyholeLangChain4j.forTask(task)
        .chatModel(openAi.chatModel())
        .tool(deploy, (req, id) -> {
          deployed.add(req.arguments());
          return "deployed " + req.arguments();
        })
        .handleParameters("deploy", "key")
        .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(10).build())
        .aiServices(Agent.class)
        .systemMessage("You deploy services.")
        .build();

    String answer = agent.chat("alice", "Deploy to prod");

    assertThat(deployed).singleElement().asString().contains(key);
    assertThat(answer).isEqualTo("Deployed with secret://deploy_key");
    assertThat(openAi.messages(0).get(0).path("content").asText()).isEqualTo("You deploy services.");
    assertThat(openAi.toolResults(1).get("c1")).isEqualTo("deployed {\"env\":\"prod\",\"key\":\"secret://deploy_key\"}");
    Planted.assertNoRawOrJson("requests to OpenAI", openAi.journalText(), fx.values());
  }
}
