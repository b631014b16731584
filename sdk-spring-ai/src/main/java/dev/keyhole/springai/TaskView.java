package dev.keyhole.springai;

import dev.keyhole.TaskScope;
import org.springframework.ai.tool.ToolCallback;

/** A tool callback that can show one task's handles in its definition. */
interface TaskView {
  ToolCallback forTask(TaskScope task);
}
