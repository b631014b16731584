/** The redaction engine: Keyhole's own multi-pattern matcher for live secret values. */
@NullMarked
package dev.keyhole.internal.redact;

import org.jspecify.annotations.NullMarked;
