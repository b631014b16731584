/** Audit events and sinks. Events never carry a secret value. */
@NullMarked
package dev.keyhole.audit;

import org.jspecify.annotations.NullMarked;
