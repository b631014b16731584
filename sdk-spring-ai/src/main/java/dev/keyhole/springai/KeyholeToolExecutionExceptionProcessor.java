package dev.keyhole.springai;

import dev.keyhole.Redactor;
import java.util.Objects;
import org.springframework.ai.tool.execution.ToolExecutionException;
import org.springframework.ai.tool.execution.ToolExecutionExceptionProcessor;

/**
 * Turns a failed tool call into the text the model is told: a {@link KeyholeToolException}'s
 * message (already redacted; it says what was refused and how to fix it), or, for tools Keyhole does
 * not guard, the exception's message run through the redactor. The original cause is never
 * returned, logged or rethrown. Register it with Spring AI's {@code ToolCallingManager} (the starter
 * does).
 */
public final class KeyholeToolExecutionExceptionProcessor implements ToolExecutionExceptionProcessor {
  private final Redactor redactor;

  public KeyholeToolExecutionExceptionProcessor(Redactor redactor) {
    this.redactor = Objects.requireNonNull(redactor, "redactor");
  }

  @Override
  public String process(ToolExecutionException exception) {
    String tool = exception.getToolDefinition().name();
    if (exception.getCause() instanceof KeyholeToolException k) {
      return redactor.redact(String.valueOf(k.getMessage()));
    }
    Throwable cause = exception.getCause() == null ? exception : exception.getCause();
    return "Tool '" + tool + "' failed (" + cause.getClass().getSimpleName() + "): "
        + redactor.redact(String.valueOf(cause.getMessage()));
  }
}
