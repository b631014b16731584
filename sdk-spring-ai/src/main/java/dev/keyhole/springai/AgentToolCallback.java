package dev.keyhole.springai;

import dev.keyhole.Keyhole;
import dev.keyhole.KeyholeException;
import dev.keyhole.TaskScope;
import dev.keyhole.tools.AgentTool;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.DefaultToolDefinition;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.execution.ToolExecutionException;

/**
 * One of Keyhole's ready-made tools ({@code HttpTool}, {@code ProcessTool}, any {@link AgentTool}) as
 * a Spring AI {@link ToolCallback}. The tool guards its own calls; this only finds the task (tool
 * context, else the bound view) and turns denials into {@link KeyholeToolException}s.
 */
final class AgentToolCallback implements ToolCallback, TaskView {
  private final AgentTool tool;
  private final Keyhole keyhole;
  private final @Nullable TaskScope task;
  private final ToolDefinition definition;

  AgentToolCallback(AgentTool tool, Keyhole keyhole, @Nullable TaskScope task) {
    this.tool = tool;
    this.keyhole = keyhole;
    this.task = task;
    String description = task == null
        ? "A Keyhole tool; arguments take secret handles (secret://NAME), never values."
        : tool.description(task);
    this.definition = DefaultToolDefinition.builder().name(tool.name()).description(description)
        .inputSchema(tool.parametersSchema().toString()).build();
  }

  @Override
  public AgentToolCallback forTask(TaskScope task) {
    return task.equals(this.task) ? this : new AgentToolCallback(tool, keyhole, task);
  }

  @Override
  public ToolDefinition getToolDefinition() {
    return definition;
  }

  @Override
  public String call(String toolInput) {
    return call(toolInput, null);
  }

  @Override
  public String call(String toolInput, @Nullable ToolContext toolContext) {
    TaskScope t = KeyholeSpringAi.taskOf(toolContext);
    t = t != null ? t : task;
    if (t == null) {
      throw new ToolExecutionException(definition, new KeyholeToolException(tool.name(),
          KeyholeToolCallback.noTask(tool.name())));
    }
    try {
      return tool.call(t, toolInput);
    } catch (KeyholeException e) {
      throw new ToolExecutionException(definition,
          new KeyholeToolException(tool.name(), GuardCall.denial(tool.name(), e, t)));
    }
  }

  @Override
  public String toString() {
    return "AgentToolCallback[" + tool.name() + "]";
  }
}
