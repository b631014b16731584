package dev.keyhole.redact;

import java.util.List;

/**
 * Finds likely secrets that Keyhole does not know the value of (an AWS access key id, a GitHub
 * token, a PEM private key, a JWT, a high-entropy value next to a keyword). Thread-safe.
 */
public interface SecretDetector {
  /** A stable id, e.g. {@code aws-access-key-id}. */
  String id();

  /** Every detection in {@code text}, in order of start offset. */
  List<Detection> detect(CharSequence text);
}
