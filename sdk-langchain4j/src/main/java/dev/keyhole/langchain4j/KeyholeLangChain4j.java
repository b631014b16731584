package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.HandleParameter;
import dev.keyhole.Keyhole;
import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationParameters;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolArgumentsErrorHandler;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutionErrorHandler;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Wires Keyhole into a LangChain4j AI service in a few lines. Build the service once and run each
 * call in the task its caller opened:
 *
 * <pre>{@code
 * Assistant assistant = KeyholeLangChain4j.builder(keyhole)      // once, shared by every request
 *     .chatModel(openAiModel)
 *     .tools(new RepoTools())                  // @Tool methods with @Secret parameters
 *     .toolProvider(mcpToolProvider)           // MCP or any other provider
 *     .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
 *     .build(Assistant.class);
 *
 * try (TaskScope task = keyhole.openTask(TaskOptions.builder().grants("github_token").build());
 *      TaskContext.Binding bound = TaskContext.bind(task)) {
 *   assistant.chat(userId, "Close the stale issues of acme/app");
 * }
 * // or, without a thread binding: assistant.chat(userId, text, KeyholeLangChain4j.invocationParameters(task))
 * }</pre>
 *
 * <p>Each AI-service call runs in the task its {@code InvocationParameters} carry ({@link
 * #invocationParameters}) or, else, the one bound to the calling thread ({@link
 * dev.keyhole.TaskContext#bind}); two different tasks for one call are refused. The task is taken
 * when the call starts, so tools run in it even when LangChain4j runs them on other threads (in
 * parallel, or after a streamed response). Tool schemas list the handles that task grants. A call
 * with no task runs no tool that takes handles: the model gets an error result that says a task is
 * needed. {@link #forTask(TaskScope)} builds a service whose calls all run in one task instead.
 *
 * <p>What it wires: the chat model (or streaming model) is wrapped in {@link GuardedChatModel} /
 * {@link GuardedStreamingChatModel}, the outermost decorator; memories in {@link
 * RedactingChatMemory}; tools, tool lists and providers through {@link GuardedTools}; a tool
 * execution error handler that sends the redacted error text to the model (without logging a
 * stack trace), and LangChain4j's own handling of argument errors unless {@link
 * #toolArgumentsErrorHandler} says otherwise. Use {@link #aiServices(Class)} to keep configuring
 * LangChain4j (system message, listeners, guardrails such as {@link KeyholeInputGuardrail}) before
 * {@code build()}.
 *
 * <p>Security: anything added to the returned {@code AiServices} afterwards is not guarded — add
 * tools, models and memories here, not there. {@code InvocationParameters} may carry the task (its
 * text form names the task and its handles, never a value); never put values into them. A builder
 * is for one AI service; it is not thread-safe. The built service is.
 */
public final class KeyholeLangChain4j {
  /** The {@code InvocationParameters} key under which a call carries its {@link TaskScope}. */
  public static final String TASK_PARAMETER = "keyhole.task";

  private final @Nullable TaskScope task;
  private Redactor redactor;
  private final GuardedTools.Builder toolSettings;
  private @Nullable ChatModel chatModel;
  private @Nullable StreamingChatModel streamingChatModel;
  private @Nullable ChatMemory chatMemory;
  private @Nullable ChatMemoryProvider chatMemoryProvider;
  private final List<Object> toolObjects = new ArrayList<>();
  private final List<AiServiceTool> tools = new ArrayList<>();
  private final List<ToolProvider> toolProviders = new ArrayList<>();
  private @Nullable ToolArgumentsErrorHandler argumentsErrorHandler;
  private @Nullable ToolExecutionErrorHandler executionErrorHandler;

  private KeyholeLangChain4j(@Nullable TaskScope task, Redactor redactor,
      GuardedTools.Builder toolSettings) {
    this.task = task;
    this.redactor = redactor;
    this.toolSettings = toolSettings;
  }

  /**
   * Starts wiring an AI service that is built once and serves every task of {@code keyhole}: each
   * call runs in the task of its caller.
   *
   * @throws ConfigurationException when the LangChain4j on the class path is not supported
   */
  public static KeyholeLangChain4j builder(Keyhole keyhole) {
    Objects.requireNonNull(keyhole, "keyhole");
    return new KeyholeLangChain4j(null, keyhole.redactor(), GuardedTools.builder(keyhole));
  }

  /**
   * Starts wiring an AI service whose calls all run in {@code task} (a service per task; most
   * applications want {@link #builder(Keyhole)}).
   *
   * @throws ConfigurationException when the LangChain4j on the class path is not supported
   */
  public static KeyholeLangChain4j forTask(TaskScope task) {
    Objects.requireNonNull(task, "task");
    return new KeyholeLangChain4j(task, task.redactor(), GuardedTools.builder(task));
  }

  /**
   * {@code InvocationParameters} that make one AI-service call run in {@code task}; pass them to a
   * service method that declares an {@code InvocationParameters} parameter. Add your own entries
   * with {@code put}; never a value.
   */
  public static InvocationParameters invocationParameters(TaskScope task) {
    InvocationParameters p = new InvocationParameters();
    p.put(TASK_PARAMETER, Objects.requireNonNull(task, "task"));
    return p;
  }

  /** The model; it is wrapped in a {@link GuardedChatModel}. */
  public KeyholeLangChain4j chatModel(ChatModel model) {
    this.chatModel = Objects.requireNonNull(model, "model");
    return this;
  }

  /** The streaming model; it is wrapped in a {@link GuardedStreamingChatModel}. */
  public KeyholeLangChain4j streamingChatModel(StreamingChatModel model) {
    this.streamingChatModel = Objects.requireNonNull(model, "model");
    return this;
  }

  /**
   * Objects with {@code @Tool} methods (see {@link GuardedTools#fromObjects}) and Keyhole's
   * ready-made tools ({@link dev.keyhole.tools.AgentTool}s such as {@code HttpTool} and {@code
   * ProcessTool}). They are inspected once, when the service is built.
   */
  public KeyholeLangChain4j tools(Object... objectsWithTools) {
    for (Object o : objectsWithTools) {
      toolObjects.add(Objects.requireNonNull(o, "objectWithTools"));
    }
    return this;
  }

  /** Ready-made tools (see {@link GuardedTools#wrap(AiServiceTool)}); return behaviours are kept. */
  public KeyholeLangChain4j tools(List<AiServiceTool> aiServiceTools) {
    aiServiceTools.forEach(t -> tools.add(Objects.requireNonNull(t, "tool")));
    return this;
  }

  /**
   * Tools from specifications and executors, as {@code AiServices.tools(Map, Set)} takes them:
   * the tools named in {@code immediateReturnToolNames} return their result to the caller.
   */
  public KeyholeLangChain4j tools(Map<ToolSpecification, ToolExecutor> tools,
      Set<String> immediateReturnToolNames) {
    tools.forEach((spec, executor) -> tool(spec, executor,
        immediateReturnToolNames.contains(spec.name()) ? ReturnBehavior.IMMEDIATE : ReturnBehavior.TO_LLM));
    return this;
  }

  /** One tool from a specification and an executor, returning its result to the model. */
  public KeyholeLangChain4j tool(ToolSpecification specification, ToolExecutor executor) {
    return tool(specification, executor, ReturnBehavior.TO_LLM);
  }

  /** One tool with its return behaviour ({@code IMMEDIATE} returns the result to the caller). */
  public KeyholeLangChain4j tool(ToolSpecification specification, ToolExecutor executor,
      ReturnBehavior returnBehavior) {
    tools.add(AiServiceTool.builder().toolSpecification(specification).toolExecutor(executor)
        .returnBehavior(Objects.requireNonNull(returnBehavior, "returnBehavior")).build());
    return this;
  }

  /** A tool provider, static or dynamic, MCP included (see {@link GuardedTools#wrap(ToolProvider)}). */
  public KeyholeLangChain4j toolProvider(ToolProvider provider) {
    toolProviders.add(Objects.requireNonNull(provider, "provider"));
    return this;
  }

  /** Declares whole-handle parameters of a tool that is not a {@code @Tool} method (MCP, say). */
  public KeyholeLangChain4j handleParameters(String toolName, String... paths) {
    toolSettings.handleParameters(toolName, paths);
    return this;
  }

  /** Declares one handle parameter of a tool. */
  public KeyholeLangChain4j handleParameter(String toolName, HandleParameter parameter) {
    toolSettings.handleParameter(toolName, parameter);
    return this;
  }

  /** Declares where a tool sends its secrets (see {@link GuardedTools.Builder#destination}). */
  public KeyholeLangChain4j destination(String toolName, Function<JsonNode, Optional<String>> extractor) {
    toolSettings.destination(toolName, extractor);
    return this;
  }

  /**
   * One memory for the service; it is wrapped in a {@link RedactingChatMemory}. A service shared by
   * several users or tasks wants {@link #chatMemoryProvider} (a memory per {@code @MemoryId}).
   */
  public KeyholeLangChain4j chatMemory(ChatMemory memory) {
    this.chatMemory = Objects.requireNonNull(memory, "memory");
    return this;
  }

  /** A memory per {@code @MemoryId}; each is wrapped in a {@link RedactingChatMemory}. */
  public KeyholeLangChain4j chatMemoryProvider(ChatMemoryProvider provider) {
    this.chatMemoryProvider = Objects.requireNonNull(provider, "provider");
    return this;
  }

  /**
   * The redactor every guard uses — model requests and responses, memories, tool results and
   * errors (default: Keyhole's). Build it on Keyhole's own redactor, which knows the live values:
   * {@code DetectingRedactor.builder(keyhole.redactor()).mode(DetectorMode.REDACT).build()} also
   * removes well-known secrets Keyhole never issued.
   */
  public KeyholeLangChain4j redactor(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
    toolSettings.redactor(redactor);
    return this;
  }

  /**
   * What happens when the model's arguments do not fit a tool (bad JSON, a wrong type). Default,
   * as in LangChain4j: the AI-service call fails with the (redacted) {@code ToolArgumentsException}.
   * To let the model correct itself instead: {@code (error, context) ->
   * ToolErrorHandlerResult.text(error.getMessage())}. The text the handler returns is redacted.
   */
  public KeyholeLangChain4j toolArgumentsErrorHandler(ToolArgumentsErrorHandler handler) {
    this.argumentsErrorHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * What happens when a tool fails. Default: the redacted error text goes to the model, and nothing
   * is logged. The text the handler returns is redacted.
   */
  public KeyholeLangChain4j toolExecutionErrorHandler(ToolExecutionErrorHandler handler) {
    this.executionErrorHandler = Objects.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * An {@code AiServices} builder with the guarded parts set, for further LangChain4j settings.
   *
   * @throws ConfigurationException if neither a chat model nor a streaming chat model was given
   */
  public <T> AiServices<T> aiServices(Class<T> aiServiceType) {
    if (chatModel == null && streamingChatModel == null) {
      throw new ConfigurationException("KeyholeLangChain4j" + (task == null ? "" : " for task '"
          + task.taskId() + "'") + " has no model; call chatModel(...) or streamingChatModel(...)");
    }
    GuardedTools guarded = toolSettings.build();
    AiServices<T> services = AiServices.builder(aiServiceType);
    if (chatModel != null) {
      services.chatModel(GuardedChatModel.wrap(chatModel, redactor));
    }
    if (streamingChatModel != null) {
      services.streamingChatModel(GuardedStreamingChatModel.wrap(streamingChatModel, redactor));
    }
    if (chatMemory != null) {
      services.chatMemory(RedactingChatMemory.wrap(chatMemory, redactor));
    }
    if (chatMemoryProvider != null) {
      services.chatMemoryProvider(RedactingChatMemory.wrap(chatMemoryProvider, redactor));
    }
    List<GuardedTools.PreparedTool> prepared = new ArrayList<>(guarded.prepare(toolObjects.toArray()));
    tools.forEach(t -> prepared.add(guarded.prepare(t)));
    if (!prepared.isEmpty()) {
      services.toolProvider(new GuardedTools.TaskToolProvider(prepared, task));
    }
    for (ToolProvider p : toolProviders) {
      services.toolProvider(guarded.wrap(p));
    }
    Redactor r = redactor;
    ToolExecutionErrorHandler onFailure = executionErrorHandler;
    // The guarded executors already redacted the text; redact again in case another executor
    // (a hallucinated-tool strategy, say) or the application's handler produced it.
    services.toolExecutionErrorHandler(onFailure == null
        ? (error, context) -> ToolErrorHandlerResult.text(r.redact(Errors.ownText(error)))
        : (error, context) -> ToolErrorHandlerResult.text(r.redact(
            String.valueOf(onFailure.handle(error, context).text()))));
    ToolArgumentsErrorHandler onBadArguments = argumentsErrorHandler;
    if (onBadArguments != null) {
      services.toolArgumentsErrorHandler((error, context) -> ToolErrorHandlerResult.text(r.redact(
          String.valueOf(onBadArguments.handle(error, context).text()))));
    }
    return services;
  }

  /** Builds the AI service (see {@link #aiServices(Class)}). */
  public <T> T build(Class<T> aiServiceType) {
    return aiServices(aiServiceType).build();
  }

  @Override
  public String toString() {
    return "KeyholeLangChain4j[task=" + (task == null ? "per call" : task.taskId()) + "]";
  }
}
