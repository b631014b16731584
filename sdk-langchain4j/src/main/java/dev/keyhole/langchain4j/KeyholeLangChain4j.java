package dev.keyhole.langchain4j;

import dev.keyhole.HandleParameter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Wires Keyhole into a LangChain4j AI service for one task, in a few lines:
 *
 * <pre>{@code
 * try (TaskScope task = keyhole.openTask(TaskOptions.builder().grants("github_token").build())) {
 *   Assistant assistant = KeyholeLangChain4j.forTask(task)
 *       .chatModel(openAiModel)
 *       .tools(new RepoTools())                  // @Tool methods with @Secret parameters
 *       .toolProvider(mcpToolProvider)           // MCP or any other provider
 *       .chatMemory(MessageWindowChatMemory.withMaxMessages(20))
 *       .build(Assistant.class);
 *   assistant.chat("Close the stale issues of acme/app");
 * }
 * }</pre>
 *
 * <p>What it wires: the chat model (or streaming model) is wrapped in {@link GuardedChatModel} /
 * {@link GuardedStreamingChatModel}, the outermost decorator; memories in {@link
 * RedactingChatMemory}; tools, tool lists and providers through {@link GuardedTools}; and tool error
 * handlers that send the (already redacted) error text to the model instead of aborting the call or
 * logging a stack trace. Use {@link #aiServices(Class)} to keep configuring LangChain4j (system
 * message, listeners, guardrails) before {@code build()}.
 *
 * <p>Security: anything added to the returned {@code AiServices} afterwards is not guarded — add
 * tools, models and memories here, not there. Do not put values into {@code InvocationParameters}
 * (LangChain4j prints the whole map in {@code toString}). A builder is for one AI service; it is not
 * thread-safe.
 */
public final class KeyholeLangChain4j {
  private final TaskScope task;
  private final GuardedTools.Builder toolSettings;
  private @Nullable ChatModel chatModel;
  private @Nullable StreamingChatModel streamingChatModel;
  private @Nullable ChatMemory chatMemory;
  private @Nullable ChatMemoryProvider chatMemoryProvider;
  private final List<Object> toolObjects = new ArrayList<>();
  private final List<AiServiceTool> tools = new ArrayList<>();
  private final List<ToolProvider> toolProviders = new ArrayList<>();

  private KeyholeLangChain4j(TaskScope task) {
    this.task = Objects.requireNonNull(task, "task");
    this.toolSettings = GuardedTools.builder(task);
  }

  /** Starts wiring an AI service whose tools run in {@code task}. */
  public static KeyholeLangChain4j forTask(TaskScope task) {
    return new KeyholeLangChain4j(task);
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

  /** Objects with {@code @Tool} methods (see {@link GuardedTools#fromObjects}). */
  public KeyholeLangChain4j tools(Object... objectsWithTools) {
    for (Object o : objectsWithTools) {
      toolObjects.add(Objects.requireNonNull(o, "objectWithTools"));
    }
    return this;
  }

  /** Ready-made tools (see {@link GuardedTools#wrap(AiServiceTool)}). */
  public KeyholeLangChain4j tools(List<AiServiceTool> aiServiceTools) {
    aiServiceTools.forEach(t -> tools.add(Objects.requireNonNull(t, "tool")));
    return this;
  }

  /** One tool from a specification and an executor. */
  public KeyholeLangChain4j tool(ToolSpecification specification, ToolExecutor executor) {
    tools.add(AiServiceTool.builder().toolSpecification(specification).toolExecutor(executor).build());
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

  /** One memory for the service; it is wrapped in a {@link RedactingChatMemory}. */
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
   * An {@code AiServices} builder with the guarded parts set, for further LangChain4j settings.
   *
   * @throws ConfigurationException if neither a chat model nor a streaming chat model was given
   */
  public <T> AiServices<T> aiServices(Class<T> aiServiceType) {
    if (chatModel == null && streamingChatModel == null) {
      throw new ConfigurationException("KeyholeLangChain4j for task '" + task.taskId() + "' has no"
          + " model; call chatModel(...) or streamingChatModel(...)");
    }
    Redactor redactor = task.redactor();
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
    List<AiServiceTool> all = new ArrayList<>(guarded.fromObjects(toolObjects.toArray()));
    tools.forEach(t -> all.add(guarded.wrap(t)));
    if (!all.isEmpty()) {
      services.tools(all);
    }
    for (ToolProvider p : toolProviders) {
      services.toolProvider(guarded.wrap(p));
    }
    // The guarded executors already redacted the text; redact again in case another executor
    // (a hallucinated-tool strategy, say) produced it, and never log the trace.
    services.toolExecutionErrorHandler((error, context) ->
        ToolErrorHandlerResult.text(redactor.redact(Errors.ownText(error))));
    services.toolArgumentsErrorHandler((error, context) ->
        ToolErrorHandlerResult.text(redactor.redact(Errors.ownText(error))));
    return services;
  }

  /** Builds the AI service (see {@link #aiServices(Class)}). */
  public <T> T build(Class<T> aiServiceType) {
    return aiServices(aiServiceType).build();
  }

  @Override
  public String toString() {
    return "KeyholeLangChain4j[task=" + task.taskId() + "]";
  }
}
