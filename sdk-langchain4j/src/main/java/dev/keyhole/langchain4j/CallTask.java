package dev.keyhole.langchain4j;

import dev.keyhole.ConfigurationException;
import dev.keyhole.TaskContext;
import dev.keyhole.TaskScope;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.invocation.InvocationParameters;
import org.jspecify.annotations.Nullable;

/**
 * The task one AI-service call runs in: the one its {@code InvocationParameters} carry under
 * {@link KeyholeLangChain4j#TASK_PARAMETER}, else the one the caller bound with {@link
 * TaskContext#bind}. Two different tasks for one call are a configuration error (fail closed).
 */
final class CallTask {
  private CallTask() {}

  static @Nullable TaskScope find(@Nullable InvocationContext context) {
    TaskScope carried = null;
    if (context != null) {
      carried = fromParameters(context.invocationParameters());
    }
    TaskScope bound = TaskContext.current().orElse(null);
    if (carried != null && bound != null && carried != bound) {
      throw new ConfigurationException("This AI service call carries task '" + carried.taskId()
          + "' in its InvocationParameters, but task '" + bound.taskId() + "' is bound to the"
          + " thread with TaskContext.bind; pass one task, one way");
    }
    return carried != null ? carried : bound;
  }

  private static @Nullable TaskScope fromParameters(@Nullable InvocationParameters parameters) {
    if (parameters == null) {
      return null;
    }
    Object t = parameters.asMap().get(KeyholeLangChain4j.TASK_PARAMETER);
    if (t == null || t instanceof TaskScope) {
      return (TaskScope) t;
    }
    throw new ConfigurationException("InvocationParameters '" + KeyholeLangChain4j.TASK_PARAMETER
        + "' holds a " + t.getClass().getName() + ", not a TaskScope; use"
        + " KeyholeLangChain4j.invocationParameters(task)");
  }

  /** The error text for a tool that needs a task when the call has none. */
  static String missing(String toolName) {
    return "Tool '" + toolName + "' takes secret handles and needs a Keyhole task, but no task is"
        + " bound to this AI service call, so the tool did not run. The application must open a"
        + " task and run the call in it: try (TaskContext.Binding b = TaskContext.bind(task)) {"
        + " assistant.chat(...); }, or pass KeyholeLangChain4j.invocationParameters(task) to the"
        + " AI service method.";
  }
}
