package dev.keyhole.onepassword;

import dev.keyhole.InvalidReferenceException;
import java.util.List;

/**
 * A part of an {@code op://} reference matches more than one vault, item, section, field or file
 * (names are matched case-insensitively). Keyhole never guesses: the message names the candidates'
 * IDs; put the right one into the reference instead of the name.
 */
public class AmbiguousReferenceException extends InvalidReferenceException {
  private static final long serialVersionUID = 1L;

  private final String part;
  private final List<String> candidateIds;

  public AmbiguousReferenceException(String message, String part, List<String> candidateIds) {
    super(message);
    this.part = part;
    this.candidateIds = List.copyOf(candidateIds);
  }

  /** Which part was ambiguous: {@code vault}, {@code item}, {@code section}, {@code field} or {@code file}. */
  public String part() {
    return part;
  }

  /** The IDs of the candidates (empty when the CLI reported the ambiguity without IDs). */
  public List<String> candidateIds() {
    return candidateIds;
  }
}
