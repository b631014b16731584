package dev.keyhole;

/** The task scope was closed or its TTL ran out; its handles are dead. Open a new task. */
public class TaskClosedException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  private final boolean expired;

  public TaskClosedException(String message, boolean expired) {
    super(message);
    this.expired = expired;
  }

  /** True when the task ended because its TTL ran out rather than by {@code close()}. */
  public boolean expired() {
    return expired;
  }
}
