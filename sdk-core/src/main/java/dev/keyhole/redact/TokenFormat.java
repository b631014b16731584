package dev.keyhole.redact;

import java.util.List;
import java.util.regex.Pattern;

/**
 * One credential format: the literals that must occur in it (the prefilter), the pattern matched
 * at each literal hit, and a final check of the token (entropy, placeholder, checksum).
 *
 * @param id the detection id, e.g. {@code gitlab-token}
 * @param kind human-readable kind
 * @param literals case-sensitive literals at least one of which occurs in every token
 * @param pattern matched from each literal hit (or from up to {@code before} characters earlier);
 *     group 1, when it takes part, is the token, else the whole match
 * @param before how far before a literal hit the token may start (0: it starts at the literal)
 * @param maxLength how far after the hit the token may end
 * @param check final judgement of {@code text[start, end)}
 */
record TokenFormat(String id, String kind, List<String> literals, Pattern pattern, int before,
    int maxLength, Check check) {

  /** Final judgement of a candidate token {@code text[start, end)}. */
  @FunctionalInterface
  interface Check {
    boolean accept(CharSequence text, int start, int end);
  }

  TokenFormat {
    literals = List.copyOf(literals);
  }

  static TokenFormat of(String id, String kind, List<String> literals, String regex, int maxLength,
      Check check) {
    return new TokenFormat(id, kind, literals, Pattern.compile(regex), 0, maxLength, check);
  }
}
