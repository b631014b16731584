package dev.keyhole.internal.guard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.Destination;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolInvocation;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** What the tool body receives; refuses Jackson through {@link ToolInvocation}'s annotation. */
final class Invocation implements ToolInvocation {
  private final String toolName;
  private final TaskScope task;
  private final JsonNode argumentsTree;
  private final String originalArguments;
  private final Map<SecretHandle, SecretValue> secrets;
  private final @Nullable Destination destination;

  Invocation(String toolName, TaskScope task, JsonNode argumentsTree, String originalArguments,
      Map<SecretHandle, SecretValue> secrets, @Nullable Destination destination) {
    this.toolName = toolName;
    this.task = task;
    this.argumentsTree = argumentsTree;
    this.originalArguments = originalArguments;
    this.secrets = secrets;
    this.destination = destination;
  }

  @Override
  public String toolName() {
    return toolName;
  }

  @Override
  public TaskScope task() {
    return task;
  }

  @Override
  public String arguments() {
    return argumentsTree.toString();
  }

  @Override
  public JsonNode argumentsTree() {
    return argumentsTree;
  }

  @Override
  public String originalArguments() {
    return originalArguments;
  }

  @Override
  public SecretValue secret(String handleName) {
    SecretValue v = secrets.get(SecretHandle.of(handleName));
    if (v == null) {
      throw new InvalidHandleException("Handle secret://" + handleName.toLowerCase(Locale.ROOT)
          + " was not used in this call's arguments");
    }
    return v;
  }

  @Override
  public Map<SecretHandle, SecretValue> secrets() {
    return Collections.unmodifiableMap(secrets);
  }

  @Override
  public Optional<Destination> destination() {
    return Optional.ofNullable(destination);
  }

  @Override
  public String toString() {
    return "ToolInvocation[" + toolName + ", task=" + task.taskId() + ", handles="
        + secrets.keySet() + "]";
  }
}
