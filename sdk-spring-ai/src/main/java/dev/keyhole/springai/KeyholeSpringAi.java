package dev.keyhole.springai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Keyhole;
import dev.keyhole.TaskScope;
import dev.keyhole.tools.AgentTool;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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
 * Thread-safe and immutable.
 */
public final class KeyholeSpringAi {
  /** The tool-context key under which a request carries its {@link TaskScope}. */
  public static final String TASK = "dev.keyhole.task";

  private final Keyhole keyhole;
  private final Map<String, List<String>> handleParameters;
  private final GuardCall guard;

  private KeyholeSpringAi(Builder b) {
    this.keyhole = b.keyhole;
    Map<String, List<String>> hp = new HashMap<>();
    b.handleParameters.forEach((k, v) -> hp.put(k, List.copyOf(v)));
    this.handleParameters = Map.copyOf(hp);
    this.guard = new GuardCall(b.destinations);
  }

  public static Builder builder(Keyhole keyhole) {
    return new Builder(keyhole);
  }

  /** The tool context that makes a request's tool calls run in {@code task}. */
  public static Map<String, Object> toolContext(TaskScope task) {
    return Map.of(TASK, Objects.requireNonNull(task, "task"));
  }

  static @Nullable TaskScope taskOf(@Nullable Map<String, Object> toolContext) {
    return toolContext != null && toolContext.get(TASK) instanceof TaskScope t ? t : null;
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
    Set<String> params = new LinkedHashSet<>(handleParameters.getOrDefault(name, List.of()));
    params.addAll(annotated);
    return new KeyholeToolCallback(callback, keyhole, guard, List.copyOf(params), null);
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

  /** {@code memory} that redacts every message before storing it. */
  public ChatMemory memory(ChatMemory memory) {
    return KeyholeChatMemory.wrap(memory, keyhole.redactor());
  }

  @Override
  public String toString() {
    return "KeyholeSpringAi[handleParameters=" + handleParameters + "]";
  }

  /** Builds a {@link KeyholeSpringAi}: declarations of tools that are not annotated. */
  public static final class Builder {
    private final Keyhole keyhole;
    private final Map<String, Set<String>> handleParameters = new HashMap<>();
    private final Map<String, Function<JsonNode, Optional<String>>> destinations = new HashMap<>();

    private Builder(Keyhole keyhole) {
      this.keyhole = Objects.requireNonNull(keyhole, "keyhole");
    }

    /** Parameters of {@code toolName} (names or dotted paths) that take a handle. */
    public Builder handleParameters(String toolName, String... paths) {
      handleParameters.computeIfAbsent(toolName, k -> new LinkedHashSet<>()).addAll(List.of(paths));
      return this;
    }

    /** The argument of {@code toolName} that holds the URL or host its call sends to. */
    public Builder destinationParameter(String toolName, String path) {
      String[] seg = path.split("\\.", -1);
      return destination(toolName, args -> {
        JsonNode n = args;
        for (String s : seg) {
          n = n.path(s);
        }
        return n.isTextual() ? Optional.of(n.textValue()) : Optional.empty();
      });
    }

    /** How to find the URL or host a call of {@code toolName} sends to. */
    public Builder destination(String toolName, Function<JsonNode, Optional<String>> extractor) {
      destinations.put(Objects.requireNonNull(toolName), Objects.requireNonNull(extractor));
      return this;
    }

    public KeyholeSpringAi build() {
      return new KeyholeSpringAi(this);
    }
  }
}
