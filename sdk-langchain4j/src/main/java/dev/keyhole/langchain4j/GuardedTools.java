package dev.keyhole.langchain4j;

import dev.keyhole.HandleParameter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.AiServiceTool;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import dev.langchain4j.service.tool.ToolService;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Turns LangChain4j tools into Keyhole-guarded tools for one task: every call runs through the
 * task's policy via a {@link GuardedToolExecutor}, and tool specifications tell the model which
 * parameters take handles (and which handles).
 *
 * <pre>{@code
 * GuardedTools tools = GuardedTools.builder(task)
 *     .handleParameters("create_issue", "token")                 // an MCP tool's parameter
 *     .destination("create_issue", args -> Optional.of("api.github.com"))
 *     .build();
 * List<AiServiceTool> mine = tools.fromObjects(new RepoTools()); // @Tool methods, @Secret params
 * ToolProvider mcp = tools.wrap(mcpToolProvider);                // static or dynamic providers
 * }</pre>
 *
 * <p>Which arguments may hold handles:
 *
 * <ul>
 *   <li>{@code @Tool} methods ({@link #fromObjects}): only {@link Secret} parameters and parameters
 *       declared with {@link Builder#handleParameters}; a method with neither takes no handles.
 *   <li>other tools ({@link #wrap}, {@link #executor}, MCP): only the parameters declared with
 *       {@link Builder#handleParameters}; a tool with none declared takes no handles.
 * </ul>
 *
 * <p>Specifications are rewritten so that each handle parameter is a string enum of the handles
 * the task grants the tool (a described string for embedded parameters). The tool name policy sees
 * is the specification's name. Immutable and thread-safe.
 *
 * <p>Security: a denied call never reaches the tool; nothing here ever puts a value into a
 * specification, a result or an error. MCP and other transports receive the resolved values in the
 * arguments (that is the point); do not turn on their request logging for tools that take handles.
 */
public final class GuardedTools {
  private final TaskScope task;
  private final Map<String, Function<JsonNode, Optional<String>>> destinations;
  private final Map<String, Map<String, HandleParameter>> handleParameters;

  private GuardedTools(Builder b) {
    this.task = b.task;
    this.destinations = Map.copyOf(b.destinations);
    Map<String, Map<String, HandleParameter>> hp = new HashMap<>();
    b.handleParameters.forEach((tool, ps) -> hp.put(tool, Collections.unmodifiableMap(new LinkedHashMap<>(ps))));
    this.handleParameters = Map.copyOf(hp);
  }

  /** Guarded tools for {@code task} with no destinations or handle parameters declared. */
  public static GuardedTools of(TaskScope task) {
    return builder(task).build();
  }

  public static Builder builder(TaskScope task) {
    return new Builder(task);
  }

  /** The task whose policy every call is checked against. */
  public TaskScope task() {
    return task;
  }

  /** A guarded executor for tool {@code toolName}. An executor already guarded for this task is returned. */
  public ToolExecutor executor(String toolName, ToolExecutor delegate) {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(delegate, "delegate");
    if (delegate instanceof GuardedToolExecutor g && g.task() == task) {
      return g;
    }
    Map<String, HandleParameter> params = handleParameters.getOrDefault(toolName, Map.of());
    return new GuardedToolExecutor(toolName, task, guard(toolName, params, null, true),
        new GuardedToolExecutor.Delegating(delegate));
  }

  /** The tool with its specification rewritten and its executor guarded. */
  public AiServiceTool wrap(AiServiceTool tool) {
    Objects.requireNonNull(tool, "tool");
    if (tool.toolExecutor() instanceof GuardedToolExecutor g && g.task() == task) {
      return tool;
    }
    return tool.toBuilder()
        .toolSpecification(rewrite(tool.toolSpecification()))
        .toolExecutor(executor(tool.name(), tool.toolExecutor()))
        .build();
  }

  /** A guarded tool (returned to the model, {@code ReturnBehavior.TO_LLM}). */
  public AiServiceTool wrap(ToolSpecification specification, ToolExecutor executor) {
    return wrap(AiServiceTool.builder().toolSpecification(specification).toolExecutor(executor).build());
  }

  /** Every tool of {@code result} wrapped (return behaviours kept). */
  public ToolProviderResult wrap(ToolProviderResult result) {
    Objects.requireNonNull(result, "result");
    List<AiServiceTool> out = new ArrayList<>();
    for (AiServiceTool t : result.aiServiceTools()) {
      out.add(wrap(t));
    }
    return ToolProviderResult.builder().addAll(out).build();
  }

  /**
   * A provider whose tools are wrapped each time it provides them; {@link ToolProvider#isDynamic()}
   * is kept, so dynamic providers (re-evaluated before each model call) stay dynamic. Works for
   * {@code McpToolProvider}: MCP tool schemas arrive as {@code JsonObjectSchema} trees and are
   * rewritten like any other, and MCP errors come back redacted.
   */
  public ToolProvider wrap(ToolProvider provider) {
    Objects.requireNonNull(provider, "provider");
    return new GuardedProvider(provider, this);
  }

  /**
   * The {@code @Tool} methods of each object as guarded tools. {@link Secret} parameters become
   * handle parameters, a {@link Destination} parameter gives the call's destination (unless one is
   * declared with {@link Builder#destination}), and {@code SecretValue} parameters receive values
   * that are destroyed after the call.
   *
   * @throws dev.keyhole.ConfigurationException for misdeclared {@code @Secret}/{@code @Destination}
   *     parameters or parameter names missing at run time (compile with {@code -parameters})
   * @throws dev.langchain4j.service.IllegalConfigurationException for an object without {@code @Tool}
   *     methods
   */
  public List<AiServiceTool> fromObjects(Object... objectsWithTools) {
    List<AiServiceTool> out = new ArrayList<>();
    for (Object o : objectsWithTools) {
      for (AiServiceTool t : ToolService.findTools(Objects.requireNonNull(o, "objectWithTools"))) {
        out.add(fromMethod(o, t));
      }
    }
    return out;
  }

  private AiServiceTool fromMethod(Object target, AiServiceTool tool) {
    String name = tool.name();
    Method method = ((DefaultToolExecutor) tool.toolExecutor()).originalMethod();
    SecretToolMethod.Shape shape = SecretToolMethod.inspect(name, method);
    Map<String, HandleParameter> params = new LinkedHashMap<>(shape.handleParameters());
    params.putAll(handleParameters.getOrDefault(name, Map.of()));
    GuardedToolExecutor.Invoker invoker = shape.takesSecretValues()
        ? new SecretToolMethod(target, method, name)
        : new GuardedToolExecutor.Delegating(tool.toolExecutor());
    GuardedToolExecutor executor = new GuardedToolExecutor(name, task,
        guard(name, params, shape.destinationParameter(), invoker.substitutes()), invoker);
    return tool.toBuilder()
        .toolSpecification(HandleSchemas.rewrite(tool.toolSpecification(), params.values(), task))
        .toolExecutor(executor)
        .build();
  }

  /**
   * {@code specification} with the handle parameters declared for its tool turned into handle
   * parameters; unchanged when none are declared.
   *
   * @throws dev.keyhole.ConfigurationException if a declared parameter is not in the specification
   */
  public ToolSpecification rewrite(ToolSpecification specification) {
    Map<String, HandleParameter> params = handleParameters.getOrDefault(specification.name(), Map.of());
    return HandleSchemas.rewrite(specification, params.values(), task);
  }

  private ToolGuard guard(String toolName, Map<String, HandleParameter> params,
      @Nullable String destinationParameter, boolean substitute) {
    ToolDeclaration.Builder d = ToolDeclaration.builder(toolName);
    params.values().forEach(d::handleParameter);
    Function<JsonNode, Optional<String>> dest = destinations.get(toolName);
    if (dest != null) {
      d.destination(dest);
    } else if (destinationParameter != null) {
      d.destinationParameter(destinationParameter);
    }
    return ToolGuard.builder(task).tool(d.build()).substitute(substitute).build();
  }

  @Override
  public String toString() {
    return "GuardedTools[task=" + task.taskId() + ", handleParameters=" + handleParameters.keySet()
        + ", destinations=" + destinations.keySet() + "]";
  }

  /** Wraps a provider's tools each time it provides them. */
  private static final class GuardedProvider implements ToolProvider {
    private final ToolProvider delegate;
    private final GuardedTools tools;

    GuardedProvider(ToolProvider delegate, GuardedTools tools) {
      this.delegate = delegate;
      this.tools = tools;
    }

    @Override
    public ToolProviderResult provideTools(ToolProviderRequest request) {
      ToolProviderResult r = delegate.provideTools(request);
      return r == null ? null : tools.wrap(r);
    }

    @Override
    public boolean isDynamic() {
      return delegate.isDynamic();
    }

    @Override
    public String toString() {
      return "GuardedToolProvider[" + delegate.getClass().getSimpleName() + ", task="
          + tools.task.taskId() + "]";
    }
  }

  /** Builds {@link GuardedTools}. */
  public static final class Builder {
    private final TaskScope task;
    private final Map<String, Function<JsonNode, Optional<String>>> destinations = new HashMap<>();
    private final Map<String, Map<String, HandleParameter>> handleParameters = new HashMap<>();

    private Builder(TaskScope task) {
      this.task = Objects.requireNonNull(task, "task");
    }

    /**
     * How to find where a call of {@code toolName} sends its secrets: a function from the call's
     * (handle-bearing) arguments to a URL or host. Calls with a destination may use only grants
     * whose destinations match it. Overrides a {@link Destination} parameter.
     */
    public Builder destination(String toolName, Function<JsonNode, Optional<String>> extractor) {
      destinations.put(Objects.requireNonNull(toolName, "toolName"),
          Objects.requireNonNull(extractor, "extractor"));
      return this;
    }

    /** Declares parameters of {@code toolName} (paths such as {@code token} or {@code auth.password}) as whole-handle parameters. */
    public Builder handleParameters(String toolName, String... paths) {
      for (String p : paths) {
        handleParameter(toolName, HandleParameter.of(p));
      }
      return this;
    }

    /** Declares one handle parameter of {@code toolName}. */
    public Builder handleParameter(String toolName, HandleParameter parameter) {
      Objects.requireNonNull(parameter, "parameter");
      handleParameters.computeIfAbsent(Objects.requireNonNull(toolName, "toolName"),
          k -> new LinkedHashMap<>()).put(parameter.path(), parameter);
      return this;
    }

    public GuardedTools build() {
      return new GuardedTools(this);
    }
  }
}
