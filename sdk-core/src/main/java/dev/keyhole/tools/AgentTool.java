package dev.keyhole.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.TaskScope;

/**
 * A ready-made tool an agent framework can offer to a model: a name, a description, a JSON schema
 * for its arguments, and a guarded {@link #call}.
 *
 * <p>Security: {@link #call} runs through the task's {@link dev.keyhole.ToolGuard}: handles in the
 * arguments resolve only where the task's policy allows, values are destroyed when the call ends,
 * and the returned text, like every exception message, is redacted and never holds a value.
 */
public interface AgentTool {
  /** The tool's name, which is also the name policy grants list in {@code tools}. */
  String name();

  /**
   * What the model reads about the tool: what it does and which handles of {@code task} it may use
   * (names, descriptions, destinations or commands; never values).
   */
  String description(TaskScope task);

  /** The JSON schema of the arguments (an {@code object} schema), as a fresh mutable tree. */
  ObjectNode parametersSchema();

  /**
   * Runs one call with the arguments exactly as the model wrote them.
   *
   * @param task the open task whose grants the call may use
   * @param argumentsJson a JSON object matching {@link #parametersSchema()}
   * @return the text for the model, redacted
   * @throws ToolArgumentsException when the arguments are malformed, before anything resolves
   * @throws dev.keyhole.PolicyViolationException when the tool or the task's policy denies the call
   * @throws dev.keyhole.ToolFailedException when the tool could not complete (redacted message)
   * @throws dev.keyhole.ConfigurationException when called inside another guarded tool call (its
   *     executor was wrapped in a second guard, which would bypass this tool's own checks)
   */
  String call(TaskScope task, String argumentsJson);

  /**
   * Declares on a guard builder what the task scope must check for this tool's calls (its
   * destination host or its command), and validates the arguments before anything resolves. For
   * adapters that run {@link #run} inside their own {@link dev.keyhole.ToolGuard}; {@link #call}
   * does this itself.
   */
  dev.keyhole.ToolGuard.Builder configure(dev.keyhole.ToolGuard.Builder guard);

  /**
   * The tool body, for a guard built with {@link #configure} (any substitution setting): reads the
   * original, handle-bearing arguments and the resolved values from {@code invocation}. Fails
   * closed with a {@link dev.keyhole.ConfigurationException} when the guard did not check what
   * {@link #configure} declares.
   */
  String run(dev.keyhole.ToolInvocation invocation);
}
