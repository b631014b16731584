package dev.keyhole.springai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Keyhole;
import dev.keyhole.HandleParameter;
import dev.keyhole.TaskContext;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.tools.AgentTool;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.memory.ChatMemory;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.ToolCallbackProvider;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.ai.tool.method.MethodToolCallbackProvider;
import org.springframework.ai.tool.support.ToolUtils;
import org.springframework.aop.support.AopUtils;

/**
 * Keyhole for Spring AI, built once per application and shared by every task:
 *
 * <pre>{@code
 * KeyholeSpringAi kai = KeyholeSpringAi.builder(keyhole)
 *     .handleParameters("create_issue", "token")          // for tools without @Secret (MCP, ...)
 *     .destinationParameter("create_issue", "url")
 *     .build();
 * ChatClient chat = ChatClient.builder(model)
 *     .defaultAdvisors(kai.advisor())                      // every request redacted, fails closed
 *     .defaultTools(kai.tools(new RepoTools()))    // @Tool methods with @Secret parameters
 *     .defaultTools(kai.wrap(mcpToolCallbacks))    // any ToolCallbackProvider
 *     .build();
 * try (TaskScope task = keyhole.openTask(options)) {
 *   chat.prompt().user("Triage acme/app").toolContext(KeyholeSpringAi.toolContext(task)).call();
 * }
 * }</pre>
 *
 * A request's task comes from its tool context, else from {@link TaskContext#bind} on the calling
 * thread (blocking calls; streamed tool calls run on other threads, so pass the tool context).
 *
 * Thread-safe and immutable.
 */
public final class KeyholeSpringAi {
  /** The tool-context key under which a request carries its {@link TaskScope}. */
  public static final String TASK = "dev.keyhole.task";

  private final Keyhole keyhole;
  private final Map<String, ToolDeclaration> declarations;

  private KeyholeSpringAi(Builder b) {
    this.keyhole = b.keyhole;
    Map<String, ToolDeclaration> d = new HashMap<>();
    b.declarations.forEach((name, builder) -> d.put(name, builder.build()));
    this.declarations = Map.copyOf(d);
  }

  public static Builder builder(Keyhole keyhole) {
    return new Builder(keyhole);
  }

  /** The tool context that makes a request's tool calls run in {@code task}. */
  public static Map<String, Object> toolContext(TaskScope task) {
    return Map.of(TASK, Objects.requireNonNull(task, "task"));
  }

  /** The task in {@code toolContext}, else the one bound on this thread, else null. */
  static @Nullable TaskScope taskOf(@Nullable Map<String, Object> toolContext) {
    return toolContext != null && toolContext.get(TASK) instanceof TaskScope t ? t
        : TaskContext.current().orElse(null);
  }

  static @Nullable TaskScope taskOf(@Nullable ToolContext toolContext) {
    return toolContext == null ? null : taskOf(toolContext.getContext());
  }

  public Keyhole keyhole() {
    return keyhole;
  }

  /** {@code callback} guarded, with the handle parameters declared for its name. */
  public KeyholeToolCallback wrap(ToolCallback callback) {
    if (callback instanceof KeyholeToolCallback k) {
      return k;
    }
    return wrap(callback, List.of());
  }

  private KeyholeToolCallback wrap(ToolCallback callback, List<String> annotated) {
    String name = callback.getToolDefinition().name();
    ToolDeclaration.Builder d = declarations.getOrDefault(name, ToolDeclaration.undeclared(name)).toBuilder();
    d.handleParameters(annotated.toArray(String[]::new));
    return new KeyholeToolCallback(callback, keyhole, d.build());
  }

  /** Every callback guarded. */
  public ToolCallback[] wrap(ToolCallback... callbacks) {
    return Arrays.stream(callbacks).map(this::wrap).toArray(ToolCallback[]::new);
  }

  /**
   * A provider whose callbacks are {@code provider}'s, guarded; asked again on every call, so tools
   * that appear later (an MCP server's list changing) are guarded too.
   */
  public ToolCallbackProvider wrap(ToolCallbackProvider provider) {
    Objects.requireNonNull(provider, "provider");
    return () -> wrap(provider.getToolCallbacks());
  }

  /**
   * The {@code @Tool} methods of {@code toolObjects} as guarded callbacks; {@link Secret} parameters
   * are handle parameters.
   *
   * @throws ConfigurationException if a {@code @Secret} parameter is not a {@code String} or its name
   *     is unknown (compile with {@code -parameters})
   */
  public ToolCallbackProvider tools(Object... toolObjects) {
    Map<String, List<String>> secrets = new HashMap<>();
    for (Object o : toolObjects) {
      Class<?> type = AopUtils.isAopProxy(o) ? AopUtils.getTargetClass(o) : o.getClass();
      for (Method m : type.getDeclaredMethods()) {
        if (m.isAnnotationPresent(Tool.class)) {
          secrets.put(ToolUtils.getToolName(m), secretParameters(m));
        }
      }
    }
    ToolCallback[] plain = MethodToolCallbackProvider.builder().toolObjects(toolObjects).build()
        .getToolCallbacks();
    return ToolCallbackProvider.from(Arrays.stream(plain)
        .map(c -> wrap(c, secrets.getOrDefault(c.getToolDefinition().name(), List.of()))).toList());
  }

  private static List<String> secretParameters(Method m) {
    List<String> names = new ArrayList<>();
    for (Parameter p : m.getParameters()) {
      if (!p.isAnnotationPresent(Secret.class)) {
        continue;
      }
      String where = "@Secret parameter '" + p.getName() + "' of " + m.getDeclaringClass().getSimpleName()
          + "." + m.getName();
      if (p.getType() != String.class) {
        throw new ConfigurationException(where + " is a " + p.getType().getSimpleName()
            + "; declare it as String (it receives the value once the guard allowed the use)");
      }
      if (!p.isNamePresent()) {
        throw new ConfigurationException(where + " has no name in the class file; compile with"
            + " -parameters so that the handle parameter can be declared");
      }
      names.add(p.getName());
    }
    return names;
  }

  /**
   * Keyhole's ready-made tools ({@code HttpTool}, {@code ProcessTool}) as callbacks; they guard their
   * own calls, in the request's task.
   */
  public ToolCallbackProvider agentTools(AgentTool... agentTools) {
    return ToolCallbackProvider.from(Arrays.stream(agentTools)
        .map(t -> new AgentToolCallback(t, keyhole, null)).toList());
  }

  /** The advisor that redacts every request and streamed chunk; add it to every ChatClient. */
  public KeyholeAdvisor advisor() {
    return KeyholeAdvisor.create(keyhole.redactor());
  }

  /** Tool errors as redacted text for Spring AI's {@code ToolCallingManager}. */
  public KeyholeToolExecutionExceptionProcessor exceptionProcessor() {
    return new KeyholeToolExecutionExceptionProcessor(keyhole.redactor());
  }

  /** An observation filter that redacts every key value (register it after Spring AI's content filters). */
  public KeyholeObservationFilter observationFilter() {
    return new KeyholeObservationFilter(keyhole.redactor());
  }

  /** {@code memory} that redacts every message before storing it. */
  public ChatMemory memory(ChatMemory memory) {
    return KeyholeChatMemory.wrap(memory, keyhole.redactor());
  }

  @Override
  public String toString() {
    return "KeyholeSpringAi[declarations=" + declarations.values() + "]";
  }

  /**
   * Builds a {@link KeyholeSpringAi}: what tools declare to the guard beyond their {@code @Secret}
   * parameters (tools from providers, MCP servers, destinations). A tool with no handle parameter
   * declared takes no handle.
   */
  public static final class Builder {
    private final Keyhole keyhole;
    private final Map<String, ToolDeclaration.Builder> declarations = new HashMap<>();

    private Builder(Keyhole keyhole) {
      this.keyhole = Objects.requireNonNull(keyhole, "keyhole");
    }

    private ToolDeclaration.Builder of(String toolName) {
      return declarations.computeIfAbsent(toolName, ToolDeclaration::builder);
    }

    /** Declares a tool (replacing earlier declarations of the same name). */
    public Builder tool(ToolDeclaration declaration) {
      declarations.put(declaration.name(), declaration.toBuilder());
      return this;
    }

    /** Parameters of {@code toolName} (names or dotted paths) that take a whole handle. */
    public Builder handleParameters(String toolName, String... paths) {
      of(toolName).handleParameters(paths);
      return this;
    }

    /** One handle parameter of {@code toolName} (restricted handles, embedded in text, ...). */
    public Builder handleParameter(String toolName, HandleParameter parameter) {
      of(toolName).handleParameter(parameter);
      return this;
    }

    /** The argument of {@code toolName} that holds the URL or host its call sends to. */
    public Builder destinationParameter(String toolName, String path) {
      of(toolName).destinationParameter(path);
      return this;
    }

    /** How to find the URL or host a call of {@code toolName} sends to; empty means unknown. */
    public Builder destination(String toolName, Function<JsonNode, Optional<String>> extractor) {
      of(toolName).destination(extractor);
      return this;
    }

    public KeyholeSpringAi build() {
      return new KeyholeSpringAi(this);
    }
  }
}
