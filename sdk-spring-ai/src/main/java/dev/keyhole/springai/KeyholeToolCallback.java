package dev.keyhole.springai;

import dev.keyhole.Keyhole;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskContext;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolDeclaration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * A {@link ToolCallback} that runs every call through Keyhole's tool guard. Made by {@link
 * KeyholeSpringAi}; the wrapped callback keeps its name, description and metadata ({@code
 * returnDirect} included).
 *
 * <p>The definition's input schema is rewritten so that the declared handle parameters are strings
 * that take a handle ({@code secret://NAME}): an enum of the handles the task grants this tool when
 * the callback is {@linkplain #forTask bound to a task} (the {@link KeyholeAdvisor} does this per
 * request), a described string otherwise. No Keyhole type appears in the schema.
 *
 * <p>A call runs in the task found in the {@link ToolContext} (under {@link KeyholeSpringAi#TASK}),
 * else the task this view is bound to, else the one {@link TaskContext} binds on the calling thread;
 * the wrapped callback receives the context without it.
 * Denials (policy, closed task, no task for a call that carries a handle) and tool failures are
 * thrown as a {@link ToolExecutionException} whose cause is a {@link KeyholeToolException} with a
 * redacted message that says what to fix; the original exception is never chained. Thread-safe.
 *
 * <p>Security: the wrapped callback receives arguments with the values substituted (that is its
 * job); what this callback returns, throws, and what Spring AI observes (arguments as the model
 * wrote them, the redacted result) holds handles only.
 */
public final class KeyholeToolCallback implements ToolCallback, TaskView {
  private final ToolCallback delegate;
  private final Keyhole keyhole;
  private final ToolDeclaration declaration;
  private final GuardCall guard;
  private final @Nullable TaskScope task;
  private final ToolDefinition definition;

  KeyholeToolCallback(ToolCallback delegate, Keyhole keyhole, ToolDeclaration declaration) {
    this(delegate, keyhole, declaration, new GuardCall(declaration), null);
  }

  private KeyholeToolCallback(ToolCallback delegate, Keyhole keyhole, ToolDeclaration declaration,
      GuardCall guard, @Nullable TaskScope task) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.keyhole = keyhole;
    this.declaration = declaration;
    this.guard = guard;
    this.task = task;
    ToolDefinition d = delegate.getToolDefinition();
    this.definition = DefaultToolDefinition.builder().name(d.name()).description(d.description())
        .inputSchema(HandleSchema.rewrite(d.name(), d.inputSchema(),
            declaration.handleParameters().values(), task))
        .build();
  }

  /** This tool with its schema listing the handles {@code task} grants it; calls default to it. */
  @Override
  public KeyholeToolCallback forTask(TaskScope task) {
    return task.equals(this.task) ? this
        : new KeyholeToolCallback(delegate, keyhole, declaration, guard, task);
  }

  /** The wrapped callback. */
  public ToolCallback delegate() {
    return delegate;
  }

  /** What the tool declares to the guard: its handle parameters and destination. */
  public ToolDeclaration declaration() {
    return declaration;
  }

  @Override
  public ToolDefinition getToolDefinition() {
    return definition;
  }

  @Override
  public ToolMetadata getToolMetadata() {
    return delegate.getToolMetadata();
  }

  @Override
  public String call(String toolInput) {
    return call(toolInput, null);
  }

  @Override
  public String call(String toolInput, @Nullable ToolContext toolContext) {
    String name = definition.name();
    TaskScope t = KeyholeSpringAi.taskOf(toolContext);
    if (t == null) {
      t = task != null ? task : TaskContext.current().orElse(null);
    }
    @Nullable ToolContext forDelegate = withoutTask(toolContext);
    try {
      if (t == null) {
        if (SecretHandle.containsToken(toolInput == null ? "" : toolInput)) {
          throw new KeyholeToolException(name, noTask(name));
        }
        return keyhole.redactor().redact(delegate.call(toolInput, forDelegate));
      }
      return guard.call(t, name, toolInput, inv -> delegate.call(inv.arguments(), forDelegate));
    } catch (KeyholeToolException e) {
      throw new ToolExecutionException(definition, e);
    } catch (RuntimeException e) {
      // Only reached without a task: the tool itself failed.
      throw new ToolExecutionException(definition, new KeyholeToolException(name, "Tool '" + name
          + "' failed: " + keyhole.redactor().redact(String.valueOf(e.getMessage()))));
    }
  }

  static String noTask(String name) {
    return "Denied by Keyhole: tool '" + name + "' was called with a handle but no Keyhole task is"
        + " bound to this request; pass KeyholeSpringAi.toolContext(task) as the prompt's tool"
        + " context. The tool did not run.";
  }

  private static @Nullable ToolContext withoutTask(@Nullable ToolContext context) {
    if (context == null || !context.getContext().containsKey(KeyholeSpringAi.TASK)) {
      return context;
    }
    Map<String, Object> rest = new HashMap<>(context.getContext());
    rest.remove(KeyholeSpringAi.TASK);
    return new ToolContext(rest);
  }

  @Override
  public String toString() {
    return "KeyholeToolCallback[" + definition.name() + (task == null ? "" : ", task=" + task.taskId()) + "]";
  }
}
