/**
 * Runnable samples on embedded defaults. {@link dev.keyhole.samples.CodingAgentSample} runs a
 * coding agent with LangChain4j's OpenAI client against an offline scripted model (or a real one),
 * a local protected API and a deploy script, and shows that the model never sees a secret.
 */
@NullMarked
package dev.keyhole.samples;

import org.jspecify.annotations.NullMarked;
