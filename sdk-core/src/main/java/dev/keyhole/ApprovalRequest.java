package dev.keyhole;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What an {@link ApprovalHandler} is asked about. Holds no secret value.
 *
 * @param taskId the task
 * @param agentId the agent, if known
 * @param toolName the tool that wants to use the handle
 * @param handleName the handle name
 * @param destination the destination host of the call, if it has one
 * @param arguments the tool call's arguments with handles unresolved (redacted)
 */
public record ApprovalRequest(
    String taskId,
    @Nullable String agentId,
    String toolName,
    String handleName,
    @Nullable String destination,
    String arguments) {
  public ApprovalRequest {
    Objects.requireNonNull(taskId, "taskId");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(handleName, "handleName");
    Objects.requireNonNull(arguments, "arguments");
  }
}
