package dev.keyhole.langchain4j;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskContext;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One AI service, built once, serving 50 tasks on 50 threads at the same time: every task grants a
 * handle of the same name ({@code api_token}) to a different value, and odd tasks also grant {@code
 * db_password}. The model (WireMock speaking OpenAI's wire format, answering each request from its
 * own messages) calls the same tools with the same handles in every conversation. Half the callers
 * bind their task to the thread, half pass it in {@code InvocationParameters}; one caller binds
 * none.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@SuppressWarnings("try") // TaskContext bindings are held for their effect
class OneServiceManyTasksTest {
  private static final int TASKS = 50;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LABEL = Pattern.compile("task-(\\d+)");

  interface Agent {
    String chat(@MemoryId String user, @UserMessage String message);

    String chat(@MemoryId String user, @UserMessage String message, InvocationParameters parameters);
  }

  /** Tools that report whose value they received (by looking it up, never by printing it). */
  static final class Tools {
    final Map<String, String> owners = new ConcurrentHashMap<>();
    final AtomicInteger runs = new AtomicInteger();

    @Tool(name = "whoami", value = "Tells whose API token this is")
    String whoami(@Secret SecretValue token) {
      runs.incrementAndGet();
      return "api token of " + owners.getOrDefault(token.revealString(), "nobody");
    }

    @Tool(name = "read_db", value = "Reads the database with its password")
    String readDb(@Secret String password) {
      runs.incrementAndGet();
      return "db password of " + owners.getOrDefault(password, "nobody");
    }
  }

  /** The model: tool calls for a user turn, and an answer quoting the tool results after them. */
  static final class ScriptedModel implements ResponseDefinitionTransformerV2 {
    private final AtomicInteger ids = new AtomicInteger();

    @Override
    public ResponseDefinition transform(ServeEvent serveEvent) {
      String body;
      try {
        JsonNode messages = JSON.readTree(serveEvent.getRequest().getBodyAsString()).get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        if ("user".equals(last.path("role").asText())) {
          int n = ids.incrementAndGet();
          body = OpenAiMock.toolCalls(
              OpenAiMock.call("w" + n, "whoami", "{\"token\":\"secret://api_token\"}"),
              OpenAiMock.call("d" + n, "read_db", "{\"password\":\"secret://db_password\"}"));
        } else {
          List<String> results = new ArrayList<>();
          for (JsonNode m : messages) {
            if ("tool".equals(m.path("role").asText())) {
              results.add(m.path("content").asText());
            }
          }
          body = OpenAiMock.text("done: " + String.join(" | ", results));
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
          .withBody(body).build();
    }

    @Override
    public boolean applyGlobally() {
      return false;
    }

    @Override
    public String getName() {
      return "scripted-openai";
    }
  }

  private Fixture fx;
  private OpenAiMock openAi;
  private final Tools tools = new Tools();
  private final Map<Integer, String> answers = new ConcurrentHashMap<>();
  private String unbound;
  private int runsWithoutTask;

  @BeforeAll
  void fiftyConversationsAtOnce() throws Exception {
    fx = new Fixture();
    openAi = new OpenAiMock(new ScriptedModel());
    openAi.server.stubFor(post(urlPathEqualTo("/v1/chat/completions"))
        .willReturn(aResponse().withTransformers("scripted-openai")));

    Agent agent = KeyholeLangChain4j.builder(fx.keyhole)
        .chatModel(openAi.chatModel())
        .tools(tools)
        .chatMemoryProvider(id -> MessageWindowChatMemory.builder().id(id).maxMessages(20).build())
        .build(Agent.class);

    List<TaskScope> tasks = new ArrayList<>();
    for (int i = 0; i < TASKS; i++) {
      String token = fx.plant("api_token_" + i);
      tools.owners.put(token, "task-" + i);
      var grants = new ArrayList<dev.keyhole.Grant>();
      grants.add(Fixture.grant("api_token", "whoami").ref("memory:api_token_" + i).build());
      if (i % 2 == 1) {
        String db = fx.plant("db_password_" + i);
        tools.owners.put(db, "task-" + i);
        grants.add(Fixture.grant("db_password", "read_db").ref("memory:db_password_" + i).build());
      }
      tasks.add(fx.open("task-" + i, grants.toArray(dev.keyhole.Grant[]::new)));
    }

    ExecutorService pool = Executors.newFixedThreadPool(TASKS);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < TASKS; i++) {
        int n = i;
        TaskScope task = tasks.get(i);
        done.add(pool.submit(() -> {
          start.await();
          String message = "I am task-" + n;
          if (n % 2 == 0) {
            try (TaskContext.Binding b = TaskContext.bind(task)) {
              answers.put(n, agent.chat("user-" + n, message));
            }
          } else {
            answers.put(n, agent.chat("user-" + n, message, KeyholeLangChain4j.invocationParameters(task)));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(300, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    int before = tools.runs.get();
    unbound = agent.chat("nobody", "I am nobody");
    runsWithoutTask = tools.runs.get() - before;
    tasks.forEach(TaskScope::close);
  }

  @AfterAll
  void tearDown() {
    if (openAi != null) {
      openAi.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  @Test
  void everyToolCall_gotItsOwnTasksValue() {
    assertThat(answers).hasSize(TASKS);
    for (int i = 0; i < TASKS; i++) {
      String a = answers.get(i);
      assertThat(a).as("answer of task %d", i).startsWith("done: api token of task-" + i + " | ");
      if (i % 2 == 1) {
        assertThat(a).as("answer of task %d", i).endsWith("| db password of task-" + i);
      } else {
        // Same handle name, not granted in this task: denied, the tool did not run.
        assertThat(a).as("answer of task %d", i).contains("Denied by Keyhole policy (unknown handle)")
            .contains("secret://db_password").doesNotContain("db password of");
      }
    }
  }

  @Test
  void noRequest_carriesAnotherTasksConversation_orAnyValue() {
    for (String body : openAi.requestBodies()) {
      Set<String> labels = new TreeSet<>();
      Matcher m = LABEL.matcher(body);
      while (m.find()) {
        labels.add(m.group());
      }
      assertThat(labels).as("task labels in one request").hasSizeLessThanOrEqualTo(1);
    }
    Planted.assertNoForm("requests to the model", openAi.journalText(), fx.values());
  }

  @Test
  void eachRequest_describesOnlyItsOwnTasksHandles() throws Exception {
    int checked = 0;
    for (String body : openAi.requestBodies()) {
      JsonNode root = JSON.readTree(body);
      String user = root.get("messages").get(0).path("content").asText();
      if (!user.startsWith("I am task-")) {
        continue;
      }
      int n = Integer.parseInt(user.substring("I am task-".length()));
      JsonNode readDb = null;
      for (JsonNode t : root.get("tools")) {
        if ("read_db".equals(t.at("/function/name").asText())) {
          readDb = t.at("/function/parameters/properties/password");
        }
      }
      assertThat(readDb).isNotNull();
      if (n % 2 == 1) {
        assertThat(readDb.get("enum").toString()).isEqualTo("[\"secret://db_password\"]");
      } else {
        assertThat(readDb.has("enum")).isFalse();
        assertThat(readDb.path("description").asText()).contains("grants no handle to this tool");
      }
      checked++;
    }
    assertThat(checked).isEqualTo(2 * TASKS);
  }

  @Test
  void aCallWithoutATask_runsNoToolThatTakesHandles_andSaysWhy() {
    assertThat(runsWithoutTask).isZero();
    assertThat(unbound).contains("Tool 'whoami' takes secret handles and needs a Keyhole task")
        .contains("TaskContext.bind(task)").contains("KeyholeLangChain4j.invocationParameters(task)");
  }

  @Test
  void nothingLogged_holdsAValue() {
    Planted.assertNoRawOrJson("the test log", TestLog.text(), fx.values());
  }
}
