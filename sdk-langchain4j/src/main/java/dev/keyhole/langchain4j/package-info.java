/**
 * Keyhole for LangChain4j: tools that take secret handles and resolve them only inside execution,
 * and guards that keep every live value away from the model.
 *
 * <p>Start with {@link dev.keyhole.langchain4j.KeyholeLangChain4j#builder}: one AI service, built
 * once, whose calls each run in the task their caller opened. The parts it wires can also be used
 * one by one:
 *
 * <ul>
 *   <li>{@link dev.keyhole.langchain4j.GuardedTools}: wraps {@code @Tool} objects (with {@link
 *       dev.keyhole.langchain4j.Secret} parameters), any {@code ToolExecutor}, {@code AiServiceTool},
 *       {@code ToolProviderResult} and {@code ToolProvider} (including MCP) so that every call runs
 *       through Keyhole's {@link dev.keyhole.ToolGuard}, and rewrites tool specifications so that
 *       chosen parameters take handles;
 *   <li>{@link dev.keyhole.langchain4j.GuardedChatModel} and {@link
 *       dev.keyhole.langchain4j.GuardedStreamingChatModel}: the last line of defence, the outermost
 *       model decorator that redacts every request and fails closed;
 *   <li>{@link dev.keyhole.langchain4j.RedactingChatMemory} and {@link
 *       dev.keyhole.langchain4j.RedactingChatMemoryStore}: memory that never stores a value;
 *   <li>{@link dev.keyhole.langchain4j.KeyholeInputGuardrail} and {@link
 *       dev.keyhole.langchain4j.KeyholeSystemMessage}: what users paste, and what the model is told
 *       about the task's handles.
 * </ul>
 *
 * <p>Supported LangChain4j: 1.17.0 or later, below 2.0; other versions fail fast with a {@link
 * dev.keyhole.ConfigurationException}.
 *
 * <p>This module has no {@code module-info}: LangChain4j's jars declare no module names.
 */
@NullMarked
package dev.keyhole.langchain4j;

import org.jspecify.annotations.NullMarked;
