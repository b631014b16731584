package dev.keyhole.langchain4j;

import dev.keyhole.InvalidHandleException;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.Redactor;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.ToolGuard;
import dev.keyhole.ToolInvocation;
import dev.keyhole.Use;
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
 *   <li>the task must be open (a closed or expired task's tools do not run at all);
 *   <li>handles may appear only in the tool's handle parameters (when it declares any), as whole
 *       tokens unless embedded, and only handles the parameter accepts;
 *   <li>the core guard checks policy for every handle (tool, destination, uses, TTL, approval),
 *       resolves the values and runs the wrapped tool with them;
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
  private final Map<String, HandleParameter> handleParameters;
  private final boolean handlesAnywhere;
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

  /**
   * @param handleParameters the tool's handle parameters by path; with {@code handlesAnywhere},
   *     handles are allowed in every argument (policy still decides whether they resolve)
   */
  GuardedToolExecutor(String toolName, TaskScope task, ToolGuard guard,
      Map<String, HandleParameter> handleParameters, boolean handlesAnywhere, Invoker invoker) {
    this.toolName = Objects.requireNonNull(toolName, "toolName");
    this.task = Objects.requireNonNull(task, "task");
    this.guard = Objects.requireNonNull(guard, "guard");
    this.handleParameters = Map.copyOf(handleParameters);
    this.handlesAnywhere = handlesAnywhere;
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
    Redactor redactor = task.redactor();
    String args = request.arguments() == null || request.arguments().isBlank() ? "{}" : request.arguments();
    try {
      // With no handles this only checks that the task is open, and audits the denial if not.
      task.resolveAll(List.of(), Use.byTool(toolName));
    } catch (KeyholeException e) {
      return denied(e, redactor);
    }
    if (!handlesAnywhere) {
      String misplaced = HandleArguments.violation(toolName, handleParameters, args);
      if (misplaced != null) {
        task.audit(AuditEventType.USE_DENIED, b -> b.tool(toolName).outcome("denied")
            .reason("HANDLE_NOT_ALLOWED_IN_PARAMETER"));
        return error("Denied by Keyhole: " + misplaced + " The tool did not run.");
      }
    }
    Call call = new Call(redactor);
    try {
      guard.call(toolName, args, inv -> call.run(invoker, request, inv, context));
    } catch (ToolFailedException e) {
      throw call.sanitized(e);
    } catch (KeyholeException e) {
      return denied(e, redactor);
    }
    return call.redactedResult();
  }

  private ToolExecutionResult denied(KeyholeException e, Redactor redactor) {
    String message = redactor.redact(String.valueOf(e.getMessage()));
    if (e instanceof PolicyViolationException p) {
      return error("Denied by Keyhole policy (" + p.reason().name().toLowerCase(Locale.ROOT)
          + "): " + message + " The tool '" + toolName + "' did not run.");
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

  /** The state of one call: what the tool returned, or how it failed (text already redacted). */
  private final class Call {
    private final Redactor redactor;
    private @Nullable ToolExecutionResult result;
    private List<Content> contents = List.of();
    private boolean argumentsError;
    private @Nullable Integer errorCode;
    private @Nullable String errorText;

    Call(Redactor redactor) {
      this.redactor = redactor;
    }

    String run(Invoker invoker, ToolExecutionRequest request, ToolInvocation inv,
        @Nullable InvocationContext context) throws Exception {
      ToolExecutionResult r;
      try {
        r = invoker.invoke(request, inv, context);
      } catch (ToolArgumentsException e) {
        failed(true, e.errorCode(), e);
        throw e;
      } catch (ToolExecutionException e) {
        failed(false, e.errorCode(), e);
        throw e;
      } catch (Exception e) {
        failed(false, null, e);
        throw e;
      }
      if (r == null) {
        throw new ToolExecutionException("Tool '" + toolName + "' returned no result");
      }
      contents = r.resultContents(); // evaluates a lazy result text while the call is still open
      result = r;
      return MessageRedaction.texts(contents);
    }

    private void failed(boolean arguments, @Nullable Integer code, Exception e) {
      // Redacted here, while the call's values are certainly still registered with the redactor.
      this.argumentsError = arguments;
      this.errorCode = code;
      this.errorText = redactor.redact(Errors.toolErrorText(e));
    }

    RuntimeException sanitized(ToolFailedException e) {
      String text = redactor.redact(errorText != null ? errorText : String.valueOf(e.getMessage()));
      return argumentsError
          ? new ToolArgumentsException(text, null, errorCode)
          : new ToolExecutionException(text, null, errorCode);
    }

    ToolExecutionResult redactedResult() {
      ToolExecutionResult r = Objects.requireNonNull(result, "result");
      boolean changed = false;
      List<Content> safe = new ArrayList<>(contents.size());
      for (Content c : contents) {
        if (c instanceof TextContent t) {
          String text = redactor.redact(t.text());
          if (redactor.containsSecret(text)) {
            return error("Keyhole withheld the result of tool '" + toolName + "': it still held a"
                + " secret value after redaction.");
          }
          changed |= !text.equals(t.text());
          safe.add(text.equals(t.text()) ? t : TextContent.from(text));
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
      Object raw = r.result();
      if (changed) {
        raw = raw instanceof String ? MessageRedaction.texts(safe) : null;
      }
      ToolExecutionResult.Builder b = ToolExecutionResult.builder().isError(r.isError()).result(raw)
          .attributes(attributes);
      return safe.isEmpty() ? b.resultTextSupplier(() -> null).build() : b.resultContents(safe).build();
    }
  }
}
