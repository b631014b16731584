package dev.keyhole.benchmarks.langchain4j;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskContext;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.langchain4j.KeyholeLangChain4j;
import dev.keyhole.langchain4j.Secret;
import dev.keyhole.providers.InMemoryProvider;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One AI-service call (an in-process model that answers at once, three {@code @Tool} methods with
 * {@code @Secret} parameters offered): a service built once and shared by every task, against a
 * service built for each task (the pattern before services could be shared), and LangChain4j's own
 * AI service without Keyhole as the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AiServiceBenchmark {
  interface Agent {
    String chat(String message);
  }

  /** Three tools that take handles; never called here (the model answers with text). */
  public static class RepoTools {
    @Tool("Lists the open issues of a repository")
    public String openIssues(String repo, @Secret SecretValue token) {
      return "none";
    }

    @Tool("Closes an issue")
    public String closeIssue(String repo, int number, @Secret SecretValue token) {
      return "closed";
    }

    @Tool("Comments on an issue")
    public String comment(String repo, int number, String text, @Secret String token) {
      return "ok";
    }
  }

  /** A model that answers every request with the same text, in-process. */
  static final class InstantModel implements ChatModel {
    @Override
    public ChatResponse doChat(ChatRequest request) {
      return ChatResponse.builder().aiMessage(AiMessage.from("Nothing to do.")).build();
    }
  }

  private Keyhole keyhole;
  private TaskScope task;
  private Agent shared;
  private Agent plain;
  private final ChatModel model = new InstantModel();
  private final RepoTools tools = new RepoTools();

  @Setup(Level.Trial)
  public void setUp() {
    InMemoryProvider provider = InMemoryProvider.create().put("github_token", "bench-" + System.nanoTime() + "-x9Qz");
    keyhole = Keyhole.builder().provider(provider).expirySweep(false).build();
    task = keyhole.openTask(TaskOptions.builder().taskId("bench").grant(Grant.builder("github_token")
        .ref("memory:github_token").tools("openIssues", "closeIssue", "comment").build()).build());
    shared = KeyholeLangChain4j.builder(keyhole).chatModel(model).tools(tools).build(Agent.class);
    plain = dev.langchain4j.service.AiServices.builder(Agent.class).chatModel(model).tools(tools).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    task.close();
    keyhole.close();
  }

  /** The shared service: bind the caller's task, call. */
  @Benchmark
  @SuppressWarnings("try")
  public String sharedServiceCall() {
    try (TaskContext.Binding b = TaskContext.bind(task)) {
      return shared.chat("Triage acme/app");
    }
  }

  /** A service built for the task, then called (what sharing replaces). */
  @Benchmark
  public String serviceBuiltPerTaskCall() {
    return KeyholeLangChain4j.forTask(task).chatModel(model).tools(tools).build(Agent.class)
        .chat("Triage acme/app");
  }

  /** Baseline: LangChain4j's AI service with the same tools, no Keyhole. */
  @Benchmark
  public String baselinePlainLangChain4jCall() {
    return plain.chat("Triage acme/app");
  }
}
