/**
 * The stages of {@link dev.keyhole.ToolGuard}'s pipeline, each small and separately tested: parse
 * once, refuse live values, locate handles, destination, (policy and approval in the task scope),
 * resolve, substitute, run, redact once, audit. Not exported.
 */
@NullMarked
package dev.keyhole.internal.guard;

import org.jspecify.annotations.NullMarked;
