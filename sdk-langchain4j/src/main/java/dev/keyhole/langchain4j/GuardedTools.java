package dev.keyhole.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.HandleParameter;
import dev.keyhole.Keyhole;
import dev.keyhole.Redactor;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import dev.keyhole.ToolGuard;
import dev.keyhole.tools.AgentTool;
import dev.langchain4j.agent.tool.ReturnBehavior;
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
import java.util.Collection;
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
 * Turns LangChain4j tools into Keyhole-guarded tools: every call runs through a task's policy via a
 * {@link GuardedToolExecutor}, and tool specifications tell the model which parameters take
 * handles (and which handles).
 *
 * <pre>{@code
 * GuardedTools tools = GuardedTools.builder(keyhole)                  // once, for every task
 *     .handleParameters("create_issue", "token")                      // an MCP tool's parameter
 *     .destination("create_issue", args -> Optional.of("api.github.com"))
 *     .build();
 * ToolProvider mine = tools.toolProvider(new RepoTools());            // @Tool methods, @Secret params
 * ToolProvider mcp = tools.wrap(mcpToolProvider);                     // static or dynamic providers
 * }</pre>
 *
 * <p>Which task a call runs in: the task given to {@link #builder(TaskScope)}, or, for guarded tools
 * built with {@link #builder(Keyhole)}, the task of each AI-service call — the one its {@code
 * InvocationParameters} carry ({@link KeyholeLangChain4j#invocationParameters}) or the one the
 * caller bound with {@link dev.keyhole.TaskContext#bind}. Providers ({@link #toolProvider}, {@link
 * #wrap(ToolProvider)}) take the task when LangChain4j asks them for tools, on the caller's thread,
 * so the tools' schemas list that task's handles and their calls run in it even when LangChain4j
 * runs tools on other threads. A call with no task runs no tool that takes handles (the model gets
 * an error result saying so).
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
 * the task grants the tool (a described string for embedded parameters, or when no task is known),
 * with no trace of Keyhole's types ({@code SecretValue}'s schema and unreferenced {@code $defs} are
 * removed). The tool name policy sees is the specification's name. Return behaviours ({@code
 * IMMEDIATE}) are kept. Immutable and thread-safe.
 *
 * <p>Security: a denied call never reaches the tool; nothing here ever puts a value into a
 * specification, a result or an error. MCP and other transports receive the resolved values in the
 * arguments (that is the point); do not turn on their request logging for tools that take handles.
 */
public final class GuardedTools {
  private final @Nullable TaskScope task;
  private final Redactor redactor;
  private final Map<String, Function<JsonNode, Optional<String>>> destinations;
  private final Map<String, Map<String, HandleParameter>> handleParameters;

  private GuardedTools(Builder b) {
    this.task = b.task;
    this.redactor = b.redactor;
    this.destinations = Map.copyOf(b.destinations);
    Map<String, Map<String, HandleParameter>> hp = new HashMap<>();
    b.handleParameters.forEach((tool, ps) -> hp.put(tool, Collections.unmodifiableMap(new LinkedHashMap<>(ps))));
    this.handleParameters = Map.copyOf(hp);
  }

  /** Guarded tools for {@code task} with no destinations or handle parameters declared. */
  public static GuardedTools of(TaskScope task) {
    return builder(task).build();
  }

  /** Guarded tools whose calls all run in {@code task}. */
  public static Builder builder(TaskScope task) {
    LangChain4jVersion.requireSupported();
    return new Builder(Objects.requireNonNull(task, "task"), task.redactor());
  }

  /**
   * Guarded tools built once for every task of {@code keyhole}: each call runs in the task of its
   * AI-service call ({@code InvocationParameters} or {@link dev.keyhole.TaskContext}).
   */
  public static Builder builder(Keyhole keyhole) {
    LangChain4jVersion.requireSupported();
    return new Builder(null, keyhole.redactor());
  }

  /** The task every call is checked against; empty when each call brings its own. */
  public Optional<TaskScope> task() {
    return Optional.ofNullable(task);
  }

  /** A guarded executor for tool {@code toolName}. An executor already guarded for this task is returned. */
  public ToolExecutor executor(String toolName, ToolExecutor delegate) {
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(delegate, "delegate");
    if (delegate instanceof GuardedToolExecutor g && g.task().orElse(null) == task) {
      return g;
    }
    Map<String, HandleParameter> params = handleParameters.getOrDefault(toolName, Map.of());
    return new GuardedToolExecutor(toolName, task, guard(toolName, params, null, true),
        new GuardedToolExecutor.Delegating(delegate), redactor);
  }

  /** The tool with its specification rewritten and its executor guarded (return behaviour kept). */
  public AiServiceTool wrap(AiServiceTool tool) {
    if (tool.toolExecutor() instanceof GuardedToolExecutor g && g.task().orElse(null) == task) {
      return tool;
    }
    return prepare(tool).forTask(task);
  }

  /** A guarded tool that returns its result to the model ({@code ReturnBehavior.TO_LLM}). */
  public AiServiceTool wrap(ToolSpecification specification, ToolExecutor executor) {
    return wrap(specification, executor, ReturnBehavior.TO_LLM);
  }

  /** A guarded tool with the given return behaviour ({@code IMMEDIATE} returns to the caller). */
  public AiServiceTool wrap(ToolSpecification specification, ToolExecutor executor,
      ReturnBehavior returnBehavior) {
    return wrap(AiServiceTool.builder().toolSpecification(specification).toolExecutor(executor)
        .returnBehavior(returnBehavior).build());
  }

  /** Every tool of {@code result} wrapped (return behaviours kept). */
  public ToolProviderResult wrap(ToolProviderResult result) {
    return wrap(result, task);
  }

  private ToolProviderResult wrap(ToolProviderResult result, @Nullable TaskScope callTask) {
    Objects.requireNonNull(result, "result");
    List<AiServiceTool> out = new ArrayList<>();
    for (AiServiceTool t : result.aiServiceTools()) {
      out.add(prepare(t).forTask(callTask));
    }
    return ToolProviderResult.builder().addAll(out).build();
  }

  /**
   * A provider whose tools are wrapped each time it provides them, for the task of that AI-service
   * call; {@link ToolProvider#isDynamic()} is kept, so dynamic providers (re-evaluated before each
   * model call) stay dynamic. Works for {@code McpToolProvider}: MCP tool schemas arrive as {@code
   * JsonObjectSchema} trees and are rewritten like any other, and MCP errors come back redacted.
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
    for (PreparedTool t : prepare(objectsWithTools)) {
      out.add(t.forTask(task));
    }
    return out;
  }

  /**
   * A tool provider offering the {@code @Tool} methods of {@code objectsWithTools} (and Keyhole's
   * {@link AgentTool}s, such as {@code HttpTool} and {@code ProcessTool}), with each AI-service
   * call's specifications written for its task and its calls run in that task. The tools are
   * inspected once, here.
   */
  public ToolProvider toolProvider(Object... objectsWithTools) {
    return new TaskToolProvider(prepare(objectsWithTools), task);
  }

  /** The tools of {@code objects}, inspected once, ready to be given to any task. */
  List<PreparedTool> prepare(Object... objects) {
    List<PreparedTool> out = new ArrayList<>();
    for (Object o : objects) {
      Objects.requireNonNull(o, "objectWithTools");
      if (o instanceof AgentTool a) {
        out.add(prepare(a));
      } else {
        for (AiServiceTool t : ToolService.findTools(o)) {
          out.add(fromMethod(o, t));
        }
      }
    }
    return out;
  }

  /** A Keyhole tool (process, HTTP) whose guard checks what the tool declares. */
  PreparedTool prepare(AgentTool tool) {
    GuardedToolExecutor executor = KeyholeTools.executor(task, tool, redactor);
    return new PreparedTool(t -> KeyholeTools.specificationFor(t, tool), ReturnBehavior.TO_LLM, executor);
  }

  /** Any LangChain4j tool; one already guarded keeps its executor and its specification. */
  PreparedTool prepare(AiServiceTool tool) {
    Objects.requireNonNull(tool, "tool");
    if (tool.toolExecutor() instanceof GuardedToolExecutor g) {
      ToolSpecification spec = tool.toolSpecification();
      return new PreparedTool(t -> spec, tool.returnBehavior(), g);
    }
    String name = tool.name();
    ToolSpecification original = tool.toolSpecification();
    Map<String, HandleParameter> params = handleParameters.getOrDefault(name, Map.of());
    GuardedToolExecutor executor = new GuardedToolExecutor(name, task,
        guard(name, params, null, true), new GuardedToolExecutor.Delegating(tool.toolExecutor()),
        redactor);
    return new PreparedTool(t -> HandleSchemas.rewrite(original, params.values(), t),
        tool.returnBehavior(), executor);
  }

  private PreparedTool fromMethod(Object target, AiServiceTool tool) {
    String name = tool.name();
    Method method = ((DefaultToolExecutor) tool.toolExecutor()).originalMethod();
    SecretToolMethod.Shape shape = SecretToolMethod.inspect(name, method);
    Map<String, HandleParameter> params = new LinkedHashMap<>(shape.handleParameters());
    params.putAll(handleParameters.getOrDefault(name, Map.of()));
    GuardedToolExecutor.Invoker invoker = shape.takesSecretValues()
        ? new SecretToolMethod(target, method, name)
        : new GuardedToolExecutor.Delegating(tool.toolExecutor());
    GuardedToolExecutor executor = new GuardedToolExecutor(name, task,
        guard(name, params, shape.destinationParameter(), invoker.substitutes()), invoker, redactor);
    ToolSpecification original = tool.toolSpecification();
    Collection<HandleParameter> ps = List.copyOf(params.values());
    return new PreparedTool(t -> HandleSchemas.rewrite(original, ps, t), tool.returnBehavior(),
        executor);
  }

  /**
   * {@code specification} with the handle parameters declared for its tool turned into handle
   * parameters (for this object's task, if it has one); unchanged when none are declared.
   *
   * @throws dev.keyhole.ConfigurationException if a declared parameter is not in the specification
   */
  public ToolSpecification rewrite(ToolSpecification specification) {
    Map<String, HandleParameter> params = handleParameters.getOrDefault(specification.name(), Map.of());
    return HandleSchemas.rewrite(specification, params.values(), task);
  }

  private static ToolGuard guard(String toolName, Map<String, HandleParameter> params,
      @Nullable String destinationParameter, boolean substitute,
      Map<String, Function<JsonNode, Optional<String>>> destinations) {
    ToolDeclaration.Builder d = ToolDeclaration.builder(toolName);
    params.values().forEach(d::handleParameter);
    Function<JsonNode, Optional<String>> dest = destinations.get(toolName);
    if (dest != null) {
      d.destination(dest);
    } else if (destinationParameter != null) {
      d.destinationParameter(destinationParameter);
    }
    return ToolGuard.builder().tool(d.build()).substitute(substitute).build();
  }

  private ToolGuard guard(String toolName, Map<String, HandleParameter> params,
      @Nullable String destinationParameter, boolean substitute) {
    return guard(toolName, params, destinationParameter, substitute, destinations);
  }

  @Override
  public String toString() {
    return "GuardedTools[task=" + (task == null ? "per call" : task.taskId()) + ", handleParameters="
        + handleParameters.keySet() + ", destinations=" + destinations.keySet() + "]";
  }

  /** A tool inspected once: its specification for a task, its return behaviour, its executor. */
  record PreparedTool(Function<@Nullable TaskScope, ToolSpecification> specification,
      ReturnBehavior returnBehavior, GuardedToolExecutor executor) {

    /**
     * The tool for one AI-service call in {@code task} (null: no task). An executor bound to a
     * task keeps it.
     */
    AiServiceTool forTask(@Nullable TaskScope task) {
      GuardedToolExecutor e = executor.task().isPresent() ? executor : executor.withTask(task);
      return AiServiceTool.builder().toolSpecification(specification.apply(e.task().orElse(null)))
          .toolExecutor(e).returnBehavior(returnBehavior).build();
    }
  }

  /** Offers prepared tools to each AI-service call, for the task of that call. */
  static final class TaskToolProvider implements ToolProvider {
    private final List<PreparedTool> tools;
    private final @Nullable TaskScope task;

    TaskToolProvider(List<PreparedTool> tools, @Nullable TaskScope task) {
      this.tools = List.copyOf(tools);
      this.task = task;
    }

    @Override
    public ToolProviderResult provideTools(ToolProviderRequest request) {
      TaskScope t = task != null ? task : CallTask.find(request.invocationContext());
      ToolProviderResult.Builder b = ToolProviderResult.builder();
      for (PreparedTool p : tools) {
        b.add(p.forTask(t));
      }
      return b.build();
    }

    @Override
    public String toString() {
      return "KeyholeToolProvider[" + tools.size() + " tools, task="
          + (task == null ? "per call" : task.taskId()) + "]";
    }
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
      TaskScope t = tools.task != null ? tools.task : CallTask.find(request.invocationContext());
      ToolProviderResult r = delegate.provideTools(request);
      return r == null ? null : tools.wrap(r, t);
    }

    @Override
    public boolean isDynamic() {
      return delegate.isDynamic();
    }

    @Override
    public String toString() {
      return "GuardedToolProvider[" + delegate.getClass().getSimpleName() + ", task="
          + (tools.task == null ? "per call" : tools.task.taskId()) + "]";
    }
  }

  /** Builds {@link GuardedTools}. */
  public static final class Builder {
    private final @Nullable TaskScope task;
    private Redactor redactor;
    private final Map<String, Function<JsonNode, Optional<String>>> destinations = new HashMap<>();
    private final Map<String, Map<String, HandleParameter>> handleParameters = new HashMap<>();

    private Builder(@Nullable TaskScope task, Redactor redactor) {
      this.task = task;
      this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    /**
     * The redactor for tool results and errors (default: Keyhole's). Build it on Keyhole's own
     * redactor, which knows the live values — for example {@code
     * DetectingRedactor.builder(keyhole.redactor()).mode(DetectorMode.REDACT).build()} to also
     * remove secrets Keyhole never issued.
     */
    public Builder redactor(Redactor redactor) {
      this.redactor = Objects.requireNonNull(redactor, "redactor");
      return this;
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
