package dev.keyhole.springai;

import dev.keyhole.Destination;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.testkit.LeakAssertions;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.client.advisor.MessageChatMemoryAdvisor;
import org.springframework.ai.chat.client.advisor.ToolCallingAdvisor;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.memory.InMemoryChatMemoryRepository;
import org.springframework.ai.chat.memory.MessageWindowChatMemory;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.observation.ToolCallingContentObservationFilter;

/**
 * Everything real, end to end: a Keyhole (in-memory provider, memory audit sink) with random planted
 * values, Spring AI's OpenAI chat client against {@link OpenAiWire}, the tool-calling advisor with
 * Keyhole's exception processor, a memory advisor over an in-memory repository, and an observation
 * registry with tool-call content enabled that records every observation's key values and content.
 */
final class Harness implements AutoCloseable {
  final InMemoryProvider provider = InMemoryProvider.create();
  final MemoryAuditSink audit = MemoryAuditSink.create();
  final Keyhole keyhole = Keyhole.builder().provider(provider).auditSink(audit).expirySweep(false).build();
  final OpenAiWire wire = new OpenAiWire();
  final List<String> observed = new CopyOnWriteArrayList<>();
  final ObservationRegistry observations = ObservationRegistry.create();
  final InMemoryChatMemoryRepository memoryStore = new InMemoryChatMemoryRepository();
  final RepoTools repoTools = new RepoTools();
  final KeyholeSpringAi kai;
  final ChatClient chat;
  private final List<String> values = new ArrayList<>();

  Harness() {
    kai = KeyholeSpringAi.builder(keyhole).destinationParameter("fetch", "url").build();
    observations.observationConfig().observationFilter(new ToolCallingContentObservationFilter())
        .observationFilter(kai.observationFilter()).observationHandler(new Recorder());
    ChatMemory memory = kai.memory(MessageWindowChatMemory.builder().chatMemoryRepository(memoryStore).build());
    ToolCallingManager tools = ToolCallingManager.builder().observationRegistry(observations)
        .toolExecutionExceptionProcessor(kai.exceptionProcessor()).build();
    chat = ChatClient.builder(wire.model(observations), observations, null, null,
            ToolCallingAdvisor.builder().toolCallingManager(tools))
        .defaultAdvisors(a -> a.advisors(MessageChatMemoryAdvisor.builder(memory).build(), kai.advisor())
            .param(ChatMemory.CONVERSATION_ID, "default"))
        .defaultTools(kai.tools(repoTools))
        .build();
  }

  /** Plants a fresh random value under {@code memory:NAME} and returns it. */
  String plant(String name) {
    String v = "kh" + LeakAssertions.randomSecret(30);
    provider.put(name, v);
    values.add(v);
    return v;
  }

  /** Uses handle {@code name} once through tool {@code tool}, so that the redactor knows its value. */
  static void use(TaskScope task, String tool, String name) {
    ToolDeclaration.Builder d = ToolDeclaration.builder(tool).handleParameters("t");
    if (task.grantFor(task.handle(name)).map(g -> !g.destinations().isEmpty()).orElse(false)) {
      d.destination(Destination.parse("https://api.github.com"));
    }
    ToolGuard.builder(task).tool(d.build()).build()
        .call(tool, "{\"t\":\"secret://" + name + "\"}", inv -> "ok");
  }

  static Grant.Builder grant(String name, String... tools) {
    return Grant.builder(name).ref("memory:" + name).tools(tools);
  }

  TaskScope open(String taskId, Grant.Builder... grants) {
    TaskOptions.Builder b = TaskOptions.builder().taskId(taskId);
    for (Grant.Builder g : grants) {
      b.grant(g.build());
    }
    return keyhole.openTask(b.build());
  }

  ChatClient.ChatClientRequestSpec prompt(TaskScope task, String user) {
    return chat.prompt().user(user).toolContext(KeyholeSpringAi.toolContext(task))
        .advisors(a -> a.param(ChatMemory.CONVERSATION_ID, task.taskId()));
  }

  String memoryText() {
    return memoryStore.findConversationIds().stream().flatMap(id -> memoryStore.findByConversationId(id).stream())
        .map(Harness::describe).collect(Collectors.joining("\n"));
  }

  static String describe(Message m) {
    return m.getMessageType() + ": " + m.getText() + " " + m.getMetadata() + " " + m;
  }

  List<AuditEvent> audited(AuditEventType type) {
    return audit.events().stream().filter(e -> e.type() == type).toList();
  }

  /** Asserts that no planted value, in any encoding the testkit knows, is anywhere we can look. */
  void assertNoLeakAnywhere() {
    String[] vs = values.toArray(String[]::new);

    LeakAssertions.assertNoLeak("the model's request journal", wire.journal(), vs);
    LeakAssertions.assertNoLeak("the chat memory store", memoryText(), vs);
    LeakAssertions.assertNoLeak("observations", String.join("\n", observed), vs);
    LeakAssertions.assertNoLeak("audit", audit.events().stream().map(AuditEvent::toString)
        .collect(Collectors.joining("\n")), vs);
  }

  @Override
  public void close() {
    wire.close();
    keyhole.close();
    provider.close();
  }

  /** Records every observation: its name, every key value (content included) and model content. */
  private final class Recorder implements ObservationHandler<Observation.Context> {
    @Override
    public void onStop(Observation.Context c) {
      StringBuilder sb = new StringBuilder(String.valueOf(c.getName())).append(' ');
      c.getAllKeyValues().forEach(kv -> sb.append(kv.getKey()).append('=').append(kv.getValue()).append(' '));
      if (c instanceof ChatModelObservationContext m) {
        sb.append(m.getRequest().getInstructions().stream().map(Harness::describe).toList());
        // The model's own reply, as the model layer records it, is not checked: when a test's scripted
        // model repeats a value, that is the model speaking; Keyhole redacts it from the advisor up.
      }
      observed.add(sb.toString());
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  /** Tools with handle parameters, as an application writes them. */
  static final class RepoTools {
    final List<String> tokensReceived = new CopyOnWriteArrayList<>();

    @Tool(name = "fetch", description = "GET a URL with a bearer token; returns what the server said")
    String fetch(String url, @Secret String token) {
      tokensReceived.add(token);
      // A careless tool that echoes its credential (a debug line, an error page): Keyhole must catch it.
      return "GET " + url + " -> 200 (sent Authorization: Bearer " + token + ")";
    }

    @Tool(name = "deploy", description = "Deploys with a token")
    String deploy(String service, @Secret String token) {
      tokensReceived.add(token);
      throw new IllegalStateException("deploy of " + service + " rejected token " + token);
    }

    @Tool(name = "notes", description = "Reads notes")
    String notes(String topic, @Secret String token) {
      tokensReceived.add(token);
      return "notes about " + topic;
    }

    @Tool(name = "time", description = "The time")
    String time(String zone) {
      return "noon";
    }
  }
}
