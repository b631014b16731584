/**
 * Redaction utilities beyond {@link dev.keyhole.Redactor}: {@link dev.keyhole.redact.RedactionOptions}
 * and {@link dev.keyhole.redact.RedactionEngines} to configure Keyhole's engine (minimum length, weak
 * values, grace period); {@link dev.keyhole.redact.RedactingStreams} for readers, writers and byte
 * streams; {@link dev.keyhole.redact.RedactedThrowables} for exception text and copies; and
 * detectors for secrets Keyhole never issued ({@link dev.keyhole.redact.Detectors}, well-known key
 * formats, private keys, JWTs, keyword + entropy), used by the output path through {@link
 * dev.keyhole.redact.DetectingRedactor} (off by default) and by {@code keyhole scan}.
 */
@NullMarked
package dev.keyhole.redact;

import org.jspecify.annotations.NullMarked;
