package dev.keyhole.langchain4j;

import dev.keyhole.InvalidHandleException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.Redactor;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
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
 * <p>Both {@link #execute} and {@link #executeWithContext} take this path (LangChain4j's {@code
 * ToolService} calls only the latter). Thread-safe.
 *
 * <p>Security: the wrapped executor receives a request whose arguments hold the values (that is
 * its job); the original request, with handles, is what LangChain4j keeps, logs and stores. Nothing
 * this class returns or throws holds a value the redactor knows.
 */
public final class GuardedToolExecutor implements ToolExecutor {
  private final String toolName;
  private final TaskScope task;
  private final ToolGuard guard;
  private final Invoker invoker;

  /** Runs the real tool once the guard has resolved the handles. */
  interface Invoker {
    /** Whether the guard should substitute values for handle tokens in the argument text. */
    boolean substitutes();

    ToolExecutionResult invoke(ToolExecutionRequest request, ToolInvocation invocation,
        @Nullable InvocationContext context) throws Exception;
  }

  /** Calls a LangChain4j executor with the handle tokens in the arguments replaced by values. */
  record Delegating(ToolExecutor delegate) implements Invoker {
    @Override
    public boolean substitutes() {
      return true;
    }

    @Override
    public ToolExecutionResult invoke(ToolExecutionRequest request, ToolInvocation invocation,
        @Nullable InvocationContext context) {
      ToolExecutionRequest resolved = invocation.secrets().isEmpty()
          ? request
          : request.toBuilder().arguments(invocation.arguments()).build();
      return delegate.executeWithContext(resolved, context);
    }
  }

  /** @param guard a guard that declares {@code toolName} (handle parameters, destination) */
  GuardedToolExecutor(String toolName, TaskScope task, ToolGuard guard, Invoker invoker) {
    this.toolName = Objects.requireNonNull(toolName, "toolName");
    this.task = Objects.requireNonNull(task, "task");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.invoker = Objects.requireNonNull(invoker, "invoker");
  }

  /** The tool name policy is checked against. */
  public String toolName() {
    return toolName;
  }

  TaskScope task() {
    return task;
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
    try {
      return guard.call(task, toolName, request.arguments(), inv -> {
        ToolExecutionResult r = invoker.invoke(request, inv, context);
        if (r == null) {
          throw new ToolExecutionException("Tool '" + toolName + "' returned no result");
        }
        r.resultContents(); // evaluates a lazy result text while the call's values are live
        return r;
      }, this::redacted, GuardedToolExecutor::translate);
    } catch (KeyholeException e) {
      return denied(e, task.redactor());
    }
  }

  /** LangChain4j's own exception types, with the text its ToolService would send, redacted. */
  private static RuntimeException translate(Throwable original, ToolFailedException redacted,
      Redactor redactor) {
    String text = redactor.redact(Errors.toolErrorText(original));
    if (original instanceof ToolArgumentsException a) {
      return new ToolArgumentsException(text, null, a.errorCode());
    }
    Integer code = original instanceof ToolExecutionException x ? x.errorCode() : null;
    return new ToolExecutionException(text, null, code);
  }

  private ToolExecutionResult denied(KeyholeException e, Redactor redactor) {
    String message = redactor.redact(String.valueOf(e.getMessage()));
    if (e instanceof PolicyViolationException p) {
      return error("Denied by Keyhole policy (" + p.reason().name().toLowerCase(Locale.ROOT)
          + "): " + message + (message.contains("did not run") ? "" : " The tool '" + toolName
          + "' did not run."));
    }
    if (e instanceof TaskClosedException || e instanceof InvalidHandleException) {
      return error("Denied by Keyhole: " + message + " The tool '" + toolName + "' did not run.");
    }
    return error("Keyhole could not run tool '" + toolName + "': " + message
        + (e.retryable() ? " (temporary; the call may succeed if retried later)" : ""));
  }

  private static ToolExecutionResult error(String text) {
    return ToolExecutionResult.builder().isError(true).resultText(text).build();
  }

  @Override
  public String toString() {
    return "GuardedToolExecutor[" + toolName + ", task=" + task.taskId() + "]";
  }

  /**
   * The redaction step for LangChain4j's result type, run once by the guard: text contents
   * redacted, media that hold a value replaced by a note, attributes redacted, and the raw result
   * kept only when nothing had to change. Returns {@code r} itself when nothing changed.
   */
  private ToolExecutionResult redacted(ToolExecutionResult r, Redactor redactor) {
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
