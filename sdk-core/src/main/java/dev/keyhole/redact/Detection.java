package dev.keyhole.redact;

/**
 * One detector hit: which detector, a human-readable kind, and the {@code [start, end)} range of
 * the secret-looking text. Holds no copy of the text itself.
 *
 * @param detectorId the detector's id
 * @param kind a human-readable kind, e.g. "AWS access key id"
 * @param start start offset in the scanned text
 * @param end end offset (exclusive)
 */
public record Detection(String detectorId, String kind, int start, int end) {}
