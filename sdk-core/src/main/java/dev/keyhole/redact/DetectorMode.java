package dev.keyhole.redact;

/** What the output path does with detector hits (secrets Keyhole never issued). */
public enum DetectorMode {
  /** Detectors do not run (the default). */
  OFF,
  /** Hits are reported to a listener; the text is passed on unchanged. */
  FLAG,
  /** Hits are reported and replaced by {@code [REDACTED:detector-id]}. */
  REDACT
}
