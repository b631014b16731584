/**
 * Keyhole for Spring AI: tool callbacks that take secret handles and resolve them only inside
 * execution, and an advisor that keeps every live value away from the model.
 *
 * <ul>
 *   <li>{@link dev.keyhole.springai.KeyholeSpringAi}: the entry point; wraps {@code ToolCallback}s,
 *       {@code ToolCallbackProvider}s (MCP included) and {@code @Tool} objects with {@link
 *       dev.keyhole.springai.Secret} parameters into {@link dev.keyhole.springai.KeyholeToolCallback}s;
 *   <li>{@link dev.keyhole.springai.KeyholeAdvisor}: redacts every outgoing request and every
 *       streamed chunk, failing closed, and shows each task its own handles in tool schemas;
 *   <li>{@link dev.keyhole.springai.KeyholeToolExecutionExceptionProcessor}: tool errors as redacted
 *       text, never the original cause;
 *   <li>{@link dev.keyhole.springai.KeyholeChatMemory}: chat memory that never stores a value.
 * </ul>
 *
 * <p>The task of a request comes from its tool context ({@link
 * dev.keyhole.springai.KeyholeSpringAi#toolContext}), so one {@code ChatClient} serves many tasks.
 */
@NullMarked
package dev.keyhole.springai;

import org.jspecify.annotations.NullMarked;
