package dev.keyhole.cli.scan;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One likely secret: where it is, what kind it looks like, a keyed fingerprint and a masked
 * preview. Holds no part of the value beyond what {@link Masking#preview} shows.
 *
 * @param file path relative to the scan root, {@code /}-separated
 * @param line 1-based line of the first character
 * @param column 1-based column (UTF-16 code units) of the first character
 * @param endLine 1-based line of the last character
 * @param endColumn 1-based column just past the last character
 * @param start offset of the first character in the scanned text
 * @param end offset just past the last character
 * @param ruleId a stable rule id: a core detector's id or one of the CLI's rules
 * @param kind a human-readable kind, e.g. "GitHub token" or "Secret in .env file"
 * @param key the key or variable name the value is assigned to, when known
 * @param fingerprint {@code hmac-sha256:} + 32 hex digits, keyed (see {@link Fingerprinter})
 * @param preview the masked preview (see {@link Masking})
 * @param baselined whether the finding is accepted in the baseline file
 */
public record Finding(
    String file,
    int line,
    int column,
    int endLine,
    int endColumn,
    int start,
    int end,
    String ruleId,
    String kind,
    @Nullable String key,
    String fingerprint,
    String preview,
    boolean baselined) {
  public Finding {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(preview, "preview");
  }

  /** This finding marked as baselined or new. */
  public Finding withBaselined(boolean accepted) {
    return new Finding(file, line, column, endLine, endColumn, start, end, ruleId, kind, key,
        fingerprint, preview, accepted);
  }

  /** {@code file:line:column}. */
  public String location() {
    return file + ":" + line + ":" + column;
  }
}
