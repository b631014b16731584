package dev.keyhole;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.internal.guard.GuardPipeline;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The framework-neutral tool-call path, and the one place where the boundary lives. For one call,
 * in named stages:
 *
 * <ol>
 *   <li><b>parse</b> the model's JSON arguments once;
 *   <li><b>refuse live values</b>: arguments that already hold a live secret value (any registered
 *       form) are denied ({@code VALUE_IN_ARGUMENTS}), so redaction never serves as a guessing
 *       oracle;
 *   <li><b>locate handles</b>, only in the tool's {@linkplain ToolDeclaration declared handle
 *       parameters} (a tool with none takes none);
 *   <li><b>destination</b>: parsed with {@link Destination#parse}; declared but missing, null,
 *       non-text or unparseable means unknown;
 *   <li><b>policy</b> for each handle (tool, destination, command, uses, TTL; a grant that lists
 *       destinations denies an unknown one) and <b>approval</b>, keyed by grant, tool and
 *       destination;
 *   <li><b>resolve</b> (cache, single-flight, retry, circuit breaker) and <b>substitute</b>;
 *   <li><b>run</b> the real tool with {@link ToolExecution#current()} set;
 *   <li><b>redact once</b>, in the framework's own result type ({@link ResultRedaction}); if the
 *       tool threw, a {@link ToolFailedException} with a redacted message and trace that does not
 *       chain the original;
 *   <li><b>audit</b> (never a value).
 * </ol>
 *
 * Every denial is audited with a reason code and thrown before anything resolves. Only this class
 * can mark a call as checked ({@link ToolExecution}).
 *
 * <p>A guard holds tool declarations only and is independent of any task: build it once and pass
 * the task per call ({@link #call(TaskScope, String, String, ToolBody, ResultRedaction)}), or bind
 * one with {@link #builder(TaskScope)}, or let the caller bind one with {@link TaskContext#bind}.
 * Immutable and thread-safe.
 */
public final class ToolGuard {
  private final @Nullable TaskScope task;
  private final Map<String, ToolDeclaration> tools;
  private final boolean substitute;

  private ToolGuard(Builder b) {
    this.task = b.task;
    Map<String, ToolDeclaration> t = new HashMap<>();
    b.tools.forEach((name, d) -> t.put(name, d.build()));
    this.tools = Map.copyOf(t);
    this.substitute = b.substitute;
  }

  /** A guard bound to {@code task} with no tools declared (they take no handles). */
  public static ToolGuard of(TaskScope task) {
    return builder(task).build();
  }

  /** A builder for a guard that is not bound to a task (pass one per call, or bind one). */
  public static Builder builder() {
    return new Builder(null);
  }

  /** A builder for a guard whose calls without an explicit task use {@code task}. */
  public static Builder builder(TaskScope task) {
    return new Builder(Objects.requireNonNull(task, "task"));
  }

  /** The task this guard is bound to, if any. */
  public Optional<TaskScope> task() {
    return Optional.ofNullable(task);
  }

  /** What {@code toolName} declares (an empty declaration when it declares nothing). */
  public ToolDeclaration declaration(String toolName) {
    ToolDeclaration d = tools.get(toolName);
    return d != null ? d : ToolDeclaration.undeclared(toolName);
  }

  /**
   * Runs one call in the bound task (or the task {@link TaskContext} binds on this thread); the
   * text result is redacted.
   *
   * @throws PolicyViolationException when policy denies a handle (before the tool runs)
   * @throws TaskClosedException when the task is closed or expired (before the tool runs)
   * @throws InvalidHandleException for a malformed handle token (before the tool runs)
   * @throws ConfigurationException when no task is bound
   * @throws ToolFailedException when the tool throws (message redacted, original not chained)
   */
  public String call(String toolName, String argumentsJson, ToolBody<String> body) {
    return call(boundTask(toolName), toolName, argumentsJson, body, ResultRedaction.text());
  }

  /** As {@link #call(String, String, ToolBody)} with the arguments as a tree. */
  public String call(String toolName, JsonNode arguments, ToolBody<String> body) {
    return call(toolName, arguments.toString(), body);
  }

  /** As {@link #call(String, String, ToolBody)} with a typed result and its redaction step. */
  public <R> R call(String toolName, String argumentsJson, ToolBody<R> body,
      ResultRedaction<R> redaction) {
    return call(boundTask(toolName), toolName, argumentsJson, body, redaction);
  }

  /** One call in {@code task}; the text result is redacted. */
  public String call(TaskScope task, String toolName, String argumentsJson, ToolBody<String> body) {
    return call(task, toolName, argumentsJson, body, ResultRedaction.text());
  }

  /**
   * One call in {@code task}: the whole pipeline, with the body's result redacted once by {@code
   * redaction} (in the framework's own result type) before it is returned.
   */
  public <R> R call(TaskScope task, String toolName, String argumentsJson, ToolBody<R> body,
      ResultRedaction<R> redaction) {
    return call(task, toolName, argumentsJson, body, redaction, FailureTranslation.standard());
  }

  /**
   * As {@link #call(TaskScope, String, String, ToolBody, ResultRedaction)}, with tool failures
   * turned into the framework's own exception type by {@code failures} (while the call's values
   * are still registered, so its text can be redacted).
   */
  public <R> R call(TaskScope task, String toolName, String argumentsJson, ToolBody<R> body,
      ResultRedaction<R> redaction, FailureTranslation failures) {
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(redaction, "redaction");
    Objects.requireNonNull(failures, "failures");
    return GuardPipeline.run(task, declaration(toolName), argumentsJson, substitute, body,
        redaction, failures, ToolExecution::runAs);
  }

  private TaskScope boundTask(String toolName) {
    if (task != null) {
      return task;
    }
    return TaskContext.current().orElseThrow(() -> new ConfigurationException("Tool '" + toolName
        + "' was called with no task: this guard is not bound to one and none is bound on this"
        + " thread. Open a task and pass it to call(task, ...), or bind it with"
        + " TaskContext.bind(task) around the work."));
  }

  /** The real tool, run with handles resolved. */
  @FunctionalInterface
  public interface ToolBody<R> {
    /** Runs the tool; the result is redacted before it leaves the guard. */
    R run(ToolInvocation invocation) throws Exception;
  }

  /**
   * The redaction step for a framework's result type, run once per call while the call's values
   * are still registered. Returns the same instance when nothing had to change (the guard audits a
   * redaction hit otherwise). Must never return or keep a value.
   */
  @FunctionalInterface
  public interface ResultRedaction<R> {
    R redact(R result, Redactor redactor);

    /** Text results: redacted; {@code null} becomes the empty string. */
    static ResultRedaction<String> text() {
      return (r, redactor) -> r == null ? "" : redactor.redact(r);
    }
  }

  /**
   * Turns a tool failure into the exception the framework expects. Security: the returned exception
   * must not chain {@code original} nor carry its text unredacted; {@code redacted} is the standard
   * translation (message and trace redacted, original not chained).
   */
  @FunctionalInterface
  public interface FailureTranslation {
    RuntimeException translate(Throwable original, ToolFailedException redacted, Redactor redactor);

    /** Throws the {@link ToolFailedException}. */
    static FailureTranslation standard() {
      return (original, redacted, redactor) -> redacted;
    }
  }

  /** Builds a {@link ToolGuard}. */
  public static final class Builder {
    private final @Nullable TaskScope task;
    private final Map<String, ToolDeclaration.Builder> tools = new LinkedHashMap<>();
    private boolean substitute = true;

    private Builder(@Nullable TaskScope task) {
      this.task = task;
    }

    private ToolDeclaration.Builder of(String toolName) {
      return tools.computeIfAbsent(Objects.requireNonNull(toolName, "toolName"),
          ToolDeclaration::builder);
    }

    /** Declares a tool (replacing an earlier declaration of the same name). */
    public Builder tool(ToolDeclaration declaration) {
      tools.put(declaration.name(), declaration.toBuilder());
      return this;
    }

    /** Declares handle parameters of {@code toolName} (see {@link ToolDeclaration.Builder#handleParameters}). */
    public Builder handleParameters(String toolName, String... paths) {
      of(toolName).handleParameters(paths);
      return this;
    }

    /** Declares one handle parameter of {@code toolName}. */
    public Builder handleParameter(String toolName, HandleParameter parameter) {
      of(toolName).handleParameter(parameter);
      return this;
    }

    /** The argument of {@code toolName} that holds its URL or host. */
    public Builder destinationParameter(String toolName, String path) {
      of(toolName).destinationParameter(path);
      return this;
    }

    /**
     * How to find where calls to {@code toolName} go: a function from the (handle-bearing)
     * arguments to a URL or bare host. Empty means unknown, which grants with destinations deny.
     */
    public Builder destination(String toolName, Function<JsonNode, Optional<String>> extractor) {
      of(toolName).destination(extractor);
      return this;
    }

    /**
     * How to find the command of calls to {@code toolName} (a process-running tool): program and
     * arguments. Calls may use only grants whose {@link Grant#commands()} allow it.
     */
    public Builder command(String toolName, Function<JsonNode, Optional<List<String>>> extractor) {
      of(toolName).command(extractor);
      return this;
    }

    /**
     * The argument of {@code toolName} (an object of variable name to text) that holds the
     * environment variables a process call sets; a handle may go only into variables its grant's
     * {@link Grant#env()} maps to it.
     */
    public Builder environmentParameter(String toolName, String path) {
      of(toolName).environmentParameter(path);
      return this;
    }

    /**
     * Whether handle tokens in the arguments are replaced by values (default true). Tools that take
     * {@link SecretValue}s through {@link ToolInvocation#secret} can turn it off, so that no value
     * ever becomes a {@code String}.
     */
    public Builder substitute(boolean on) {
      this.substitute = on;
      return this;
    }

    public ToolGuard build() {
      return new ToolGuard(this);
    }
  }
}
