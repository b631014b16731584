package dev.keyhole.aws;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the {@code aws-sm:} and {@code aws-ssm:} reference parsers share: the scheme check, the
 * {@code #json-key} split and error messages that name the service, the (abbreviated) reference and
 * the grammar. References hold no secret, so messages may quote them.
 */
final class ReferenceSyntax {
  private final String scheme;
  private final String article;
  private final String service;
  private final String grammar;

  /**
   * @param article {@code a} or {@code an}, whichever reads right before {@code service}
   * @param service names the reference kind in messages, e.g. {@code Secrets Manager}
   * @param grammar the expected form, appended to every message
   */
  ReferenceSyntax(String scheme, String article, String service, String grammar) {
    this.scheme = scheme;
    this.article = article;
    this.service = service;
    this.grammar = grammar;
  }

  /**
   * Checks {@code ref}'s scheme and splits its path at the first {@code #}: {@code {path, key}},
   * the key null without a {@code #}.
   *
   * @throws InvalidReferenceException for another scheme or an empty key after {@code #}
   */
  @Nullable String[] splitKey(SecretRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (!ref.scheme().equals(scheme)) {
      throw new InvalidReferenceException("Reference '" + ref + "' is not " + article + " " + service
          + " reference; " + grammar);
    }
    @Nullable String[] keyed = JsonKeys.splitKey(ref.path());
    if (keyed[1] != null && keyed[1].isEmpty()) {
      throw invalid(ref, "has an empty JSON key after '#'");
    }
    return keyed;
  }

  /** An error saying that {@code ref} {@code problem} (e.g. "has no secret name"). */
  InvalidReferenceException invalid(SecretRef ref, String problem) {
    return new InvalidReferenceException(service + " reference '" + abbreviate(ref.toString())
        + "' " + problem + "; " + grammar);
  }

  /** {@code s}, cut to 120 characters for messages. */
  static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
