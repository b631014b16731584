package dev.keyhole.langchain4j;

import dev.keyhole.HandleParameter;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.exception.ToolArgumentsException;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ToolExecutor} that runs every call through Keyhole's {@link ToolGuard}. Create it with
 * {@link GuardedTools}.
 *
 * <p>One call, in order:
 *
 * <ol>
 *   <li>the core {@link ToolGuard} runs its pipeline: the task must be open, handles may appear
 *       only in the tool's declared handle parameters (a tool with none takes none), the
 *       destination must be known where a grant lists destinations, policy is checked for every
 *       handle (tool, destination, uses, TTL, approval), the values are resolved and the wrapped
 *       tool runs with them;
 *   <li>the result — {@code resultContents} (text redacted; images and other media that hold a value
 *       replaced by a note), attributes, and the raw {@code result()} object (kept only when nothing
 *       had to be redacted; a {@code String} is redacted) — is redacted before LangChain4j sees it.
 * </ol>
 *
 * <p>A denial (policy, closed task, malformed handle, handle in the wrong place, provider failure)
 * comes back as an error result ({@code isError() == true}) whose text says what was refused and
 * why, so the model can correct itself; the tool did not run. When the tool itself fails, a new
 * {@link ToolArgumentsException} or {@link ToolExecutionException} (the same kind as the original,
 * with its error code) is thrown whose message is the text LangChain4j would have sent the model,
 * redacted; the original is <em>not</em> chained, so neither LangChain4j's error handlers nor its
 * logging can reach a value through {@code getCause()}.
 *
 * <p>The task: the one the executor is bound to or, for an unbound executor, the task of the
 * AI-service call ({@code InvocationParameters}, else {@link dev.keyhole.TaskContext}). Without a
 * task, a tool that takes handles does not run (an error result says a task is needed); a tool that
 * takes none runs with its arguments refused if they hold a handle or a live value, and its result
 * redacted.
 *
 * <p>Both {@link #execute} and {@link #executeWithContext} take this path (LangChain4j's {@code
 * ToolService} calls only the latter). Thread-safe.
 *
 * <p>Security: the wrapped executor receives a request whose arguments hold the values (that is
 * its job); the original request, with handles, is what LangChain4j keeps, logs and stores. Nothing
 * this class returns or throws holds a value the redactor knows.
 */
public final class GuardedToolExecutor implements ToolExecutor {
  private final String toolName;
  private final @Nullable TaskScope task;
  private final ToolGuard guard;
  private final Invoker invoker;
  private final Redactor redactor;

  /** Runs the real tool once the guard has resolved the handles. */
  interface Invoker {
    /** Whether the guard should substitute values for handle tokens in the argument text. */
    boolean substitutes();

    /** Whether the tool can run only in a task (it takes values), even for a call without handles. */
    default boolean needsTask() {
      return false;
    }

    /**
     * Runs the tool. {@code invocation} is null for a call without a task (only for tools that take
     * no handles and do not {@linkplain #needsTask need a task}).
     */
    ToolExecutionResult invoke(ToolExecutionRequest request, @Nullable ToolInvocation invocation,
        @Nullable InvocationContext context) throws Exception;
  }

  /** Calls a LangChain4j executor with the handle tokens in the arguments replaced by values. */
  record Delegating(ToolExecutor delegate) implements Invoker {
    @Override
    public boolean substitutes() {
      return true;
    }

    @Override
    public ToolExecutionResult invoke(ToolExecutionRequest request, @Nullable ToolInvocation invocation,
        @Nullable InvocationContext context) {
      ToolExecutionRequest resolved = invocation == null || invocation.secrets().isEmpty()
          ? request
          : request.toBuilder().arguments(invocation.arguments()).build();
      return delegate.executeWithContext(resolved, context);
    }
  }

  /**
   * @param task the task every call runs in, or null to take it per call from the call's
   *     {@code InvocationParameters} or {@link dev.keyhole.TaskContext}
   * @param guard a guard that declares {@code toolName} (handle parameters, destination)
   * @param redactor the redactor of results and errors (Keyhole's, or one built on it)
   */
  GuardedToolExecutor(String toolName, @Nullable TaskScope task, ToolGuard guard, Invoker invoker,
      Redactor redactor) {
    this.toolName = Objects.requireNonNull(toolName, "toolName");
    this.task = task;
    this.guard = Objects.requireNonNull(guard, "guard");
    this.invoker = Objects.requireNonNull(invoker, "invoker");
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  /** The tool name policy is checked against. */
  public String toolName() {
    return toolName;
  }

  /** The task this executor is bound to; empty when it takes the task per call. */
  public Optional<TaskScope> task() {
    return Optional.ofNullable(task);
  }

  /** This executor bound to {@code task} (or unbound for null); the same instance when unchanged. */
  GuardedToolExecutor withTask(@Nullable TaskScope task) {
    return task == this.task ? this : new GuardedToolExecutor(toolName, task, guard, invoker, redactor);
  }

  /** The declared handle parameters of the tool. */
  Collection<HandleParameter> handleParameters() {
    return guard.declaration(toolName).handleParameters().values();
  }

  /** Whether calls of this tool need a task (it takes handles). */
  boolean needsTask() {
    return invoker.needsTask() || !guard.declaration(toolName).handleParameters().isEmpty();
  }

  @Override
  public String execute(ToolExecutionRequest request, Object memoryId) {
    ToolExecutionResult r =
        executeWithContext(request, InvocationContext.builder().chatMemoryId(memoryId).build());
    return MessageRedaction.texts(r.resultContents());
  }

  @Override
  public ToolExecutionResult executeWithContext(ToolExecutionRequest request,
      @Nullable InvocationContext context) {
    TaskScope t;
    try {
      t = task != null ? task : CallTask.find(context);
    } catch (KeyholeException e) {
      return denied(e);
    }
    if (t == null) {
      return withoutTask(request, context);
    }
    try {
      return guard.call(t, toolName, request.arguments(), inv -> {
        ToolExecutionResult r = invoker.invoke(request, inv, context);
        if (r == null) {
          throw new ToolExecutionException("Tool '" + toolName + "' returned no result");
        }
        r.resultContents(); // evaluates a lazy result text while the call's values are live
        return r;
      }, (r, ignored) -> redacted(r), (original, redacted, ignored) -> translate(original));
    } catch (KeyholeException e) {
      return denied(e);
    }
  }

  /**
   * A call with no task: tools that take handles do not run; others run with their arguments
   * checked for handles and live values and their result redacted, as in a task.
   */
  private ToolExecutionResult withoutTask(ToolExecutionRequest request,
      @Nullable InvocationContext context) {
    if (needsTask()) {
      return error(CallTask.missing(toolName));
    }
    String args = request.arguments() == null ? "" : request.arguments();
    if (SecretHandle.containsToken(args)) {
      return error("Denied by Keyhole: tool '" + toolName + "' takes no secret handles, but its"
          + " arguments hold one. Call it without handles. The tool did not run.");
    }
    if (redactor.containsSecret(args)) {
      return error("Denied by Keyhole: the arguments of tool '" + toolName + "' contain a live"
          + " secret value. Pass no secret to this tool. The tool did not run.");
    }
    ToolExecutionResult r;
    try {
      r = invoker.invoke(request, null, context);
      if (r == null) {
        throw new ToolExecutionException("Tool '" + toolName + "' returned no result");
      }
      r.resultContents();
    } catch (Exception e) {
      throw translate(e);
    }
    return redacted(r);
  }

  /** LangChain4j's own exception types, with the text its ToolService would send, redacted. */
  private RuntimeException translate(Throwable original) {
    String text = redactor.redact(Errors.toolErrorText(original));
    if (original instanceof ToolArgumentsException a) {
      return new ToolArgumentsException(text, null, a.errorCode());
    }
    Integer code = original instanceof ToolExecutionException x ? x.errorCode() : null;
    return new ToolExecutionException(text, null, code);
  }

  private ToolExecutionResult denied(KeyholeException e) {
    String message = redactor.redact(String.valueOf(e.getMessage())).strip();
    if (!message.isEmpty() && ".!?".indexOf(message.charAt(message.length() - 1)) < 0) {
      message += ".";
    }
    String tail = message.contains("did not run") ? "" : " The tool '" + toolName + "' did not run.";
    if (e instanceof PolicyViolationException p) {
      return error("Denied by Keyhole policy (" + p.reason().name().toLowerCase(Locale.ROOT)
          .replace('_', ' ') + "): " + message + tail);
    }
    if (e instanceof TaskClosedException || e instanceof InvalidHandleException) {
      return error("Denied by Keyhole: " + message + tail);
    }
    return error("Keyhole could not run tool '" + toolName + "': " + message
        + (e.retryable() ? " (temporary; the call may succeed if retried later)" : ""));
  }

  private static ToolExecutionResult error(String text) {
    return ToolExecutionResult.builder().isError(true).resultText(text).build();
  }

  @Override
  public String toString() {
    return "GuardedToolExecutor[" + toolName + ", task=" + (task == null ? "per call" : task.taskId())
        + "]";
  }

  /**
   * The redaction step for LangChain4j's result type, run once by the guard: text contents
   * redacted, media that hold a value replaced by a note, attributes redacted, and the raw result
   * kept only when nothing had to change. Returns {@code r} itself when nothing changed.
   */
  private ToolExecutionResult redacted(ToolExecutionResult r) {
    List<Content> contents = r.resultContents();
    boolean changed = false;
    List<Content> safe = new ArrayList<>(contents.size());
    for (Content c : contents) {
      if (c instanceof TextContent t) {
        String text = redactor.redact(t.text());
        // One scan: redact() returns the same instance when nothing matched, and its output
        // holds no match by contract (tested by the redaction properties).
        @SuppressWarnings("ReferenceEquality")
        boolean same = text == t.text();
        changed |= !same;
        safe.add(same ? t : TextContent.from(text));
      } else if (redactor.containsSecret(MessageRedaction.binaryText(c))) {
        changed = true;
        safe.add(TextContent.from("[" + c.type().name().toLowerCase(Locale.ROOT) + " content removed"
            + " by Keyhole: it held a secret value]"));
      } else {
        safe.add(c);
      }
    }
    Map<String, Object> attributes = r.attributes();
    try {
      attributes = new MessageRedaction(redactor).attributes(attributes, "tool result");
      changed |= attributes != r.attributes();
    } catch (SecretLeakBlockedException e) {
      attributes = Map.of();
      changed = true;
    }
    if (!changed) {
      return r;
    }
    Object raw = r.result() instanceof String ? MessageRedaction.texts(safe) : null;
    ToolExecutionResult.Builder b = ToolExecutionResult.builder().isError(r.isError()).result(raw)
        .attributes(attributes);
    return safe.isEmpty() ? b.resultTextSupplier(() -> null).build() : b.resultContents(safe).build();
  }
}
