package dev.keyhole.springai;

import dev.keyhole.KeyholeException;

/**
 * Why a guarded tool call did not produce a result: denied by policy, no or a closed task, or the
 * tool failed. The message is what the model is told: redacted, and it says what to fix. It never
 * has a cause, so nothing that logs or processes it can reach the original exception or a value.
 * Spring AI receives it as the cause of a {@code ToolExecutionException}.
 */
public final class KeyholeToolException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  private final String toolName;

  public KeyholeToolException(String toolName, String message) {
    super(message);
    this.toolName = toolName;
  }

  /** The tool that was called. */
  public String toolName() {
    return toolName;
  }

  /** Never chains: there is no cause to reach a value through. */
  @Override
  public synchronized Throwable initCause(Throwable cause) {
    throw new IllegalStateException("KeyholeToolException never has a cause");
  }
}
