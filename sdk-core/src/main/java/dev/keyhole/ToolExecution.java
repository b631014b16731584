package dev.keyhole;

import java.util.Optional;

/**
 * The guarded tool call running on the current thread, if any. Lets code deep inside a tool (an SDK
 * credentials provider, an HTTP interceptor) resolve handles for the same tool and task, under the
 * same policy, without passing the scope around; and lets it refuse to work outside a tool call.
 * Read-only: only {@link ToolGuard} sets it, after its checks passed.
 */
public final class ToolExecution {
  private static final ThreadLocal<ToolExecution> CURRENT = new ThreadLocal<>();

  private final TaskScope task;
  private final String toolName;
  private final Use use;

  private ToolExecution(TaskScope task, String toolName, Use use) {
    this.task = task;
    this.toolName = toolName;
    this.use = use;
  }

  /** The tool call running on this thread. */
  public static Optional<ToolExecution> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /**
   * Runs {@code body} as a checked call of {@code use}'s tool in {@code task}. Only {@link
   * ToolGuard} calls it, after the policy check: no code outside a guard can mark a call as
   * checked.
   */
  static <T> T runAs(TaskScope task, Use use, java.util.concurrent.Callable<T> body) throws Exception {
    ToolExecution previous = CURRENT.get();
    CURRENT.set(new ToolExecution(task, use.toolName(), use));
    try {
      return body.call();
    } finally {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }

  public TaskScope task() {
    return task;
  }

  public String toolName() {
    return toolName;
  }

  /** The use context (tool, destination, command) of the running call. */
  public Use use() {
    return use;
  }

  /** Resolves a handle for this tool call, under the same policy checks. The caller destroys it. */
  public SecretValue resolve(String handleName) {
    return task.resolve(SecretHandle.of(handleName), use);
  }

  @Override
  public String toString() {
    return "ToolExecution[" + task.taskId() + " " + toolName + "]";
  }
}
