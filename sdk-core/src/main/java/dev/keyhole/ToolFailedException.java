package dev.keyhole;

/**
 * A guarded tool threw. The message is the redacted message of the original exception, prefixed with
 * its type; the original is deliberately <em>not</em> chained (its text may hold a value). The
 * redacted stack trace text is available from {@link #redactedTrace()} for logs.
 */
public class ToolFailedException extends KeyholeException {
  private static final long serialVersionUID = 1L;

  private final String toolName;
  private final String originalType;
  private final String redactedTrace;

  public ToolFailedException(
      String toolName, String originalType, String redactedMessage, String redactedTrace) {
    super(redactedMessage);
    this.toolName = toolName;
    this.originalType = originalType;
    this.redactedTrace = redactedTrace;
  }

  /** The tool that failed. */
  public String toolName() {
    return toolName;
  }

  /** The class name of the exception the tool threw. */
  public String originalType() {
    return originalType;
  }

  /** The original's stack trace text (with causes and suppressed), redacted. */
  public String redactedTrace() {
    return redactedTrace;
  }
}
