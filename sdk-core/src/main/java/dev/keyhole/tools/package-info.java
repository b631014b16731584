/**
 * Ready-made agent tools that use secrets without showing them to the model: {@link
 * dev.keyhole.tools.ProcessTool} runs a program with handles injected into its environment (what
 * {@code op run} does for humans), and {@link dev.keyhole.tools.HttpTool} sends an HTTP request
 * whose URL, headers and body may hold handles. Both run through the {@link dev.keyhole.ToolGuard},
 * so every handle is checked against the task's policy (tool, command, destination host, transport)
 * before it resolves, and everything they return is redacted.
 *
 * <p>Framework-neutral: {@link dev.keyhole.tools.AgentTool#call} takes the model's JSON arguments
 * and returns the text for the model. The LangChain4j module exposes them as LangChain4j tools.
 */
@NullMarked
package dev.keyhole.tools;

import org.jspecify.annotations.NullMarked;
