/**
 * Redaction utilities beyond {@link dev.keyhole.Redactor}: detectors for secrets Keyhole never
 * issued (well-known key formats, private keys, JWTs, keyword + entropy), used by the output path
 * (opt-in) and by {@code keyhole scan}.
 */
@NullMarked
package dev.keyhole.redact;

import org.jspecify.annotations.NullMarked;
