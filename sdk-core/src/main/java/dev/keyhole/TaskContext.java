package dev.keyhole;

import java.util.Objects;
import java.util.Optional;

/**
 * The task a caller opened for the work running on this thread. Frameworks build their agents and
 * tools once and share them; each request runs in the task its caller binds:
 *
 * <pre>{@code
 * try (TaskScope task = keyhole.openTask(options);
 *      TaskContext.Binding bound = TaskContext.bind(task)) {
 *   assistant.chat("fix issue 42");      // guarded tools use this task
 * }
 * }</pre>
 *
 * Bindings nest (closing one restores the previous) and belong to the thread that made them; work
 * handed to other threads must bind there too. A guard with no task bound and none passed refuses
 * calls that carry handles.
 */
public final class TaskContext {
  private static final ThreadLocal<TaskScope> CURRENT = new ThreadLocal<>();

  private TaskContext() {}

  /** Binds {@code task} to the current thread until the returned binding is closed. */
  public static Binding bind(TaskScope task) {
    Objects.requireNonNull(task, "task");
    TaskScope previous = CURRENT.get();
    CURRENT.set(task);
    return new Binding(task, previous, Thread.currentThread());
  }

  /** The task bound to the current thread, if any. */
  public static Optional<TaskScope> current() {
    return Optional.ofNullable(CURRENT.get());
  }

  /** One binding; close it on the thread that made it. */
  public static final class Binding implements AutoCloseable {
    private final TaskScope task;
    private final TaskScope previous;
    private final Thread owner;
    private boolean closed;

    private Binding(TaskScope task, TaskScope previous, Thread owner) {
      this.task = task;
      this.previous = previous;
      this.owner = owner;
    }

    public TaskScope task() {
      return task;
    }

    /** Restores the previous binding. Idempotent. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (Thread.currentThread() != owner) {
        throw new IllegalStateException("A TaskContext binding must be closed on the thread that"
            + " made it (" + owner.getName() + ")");
      }
      closed = true;
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }

    @Override
    public String toString() {
      return "TaskContext.Binding[" + task.taskId() + "]";
    }
  }
}
