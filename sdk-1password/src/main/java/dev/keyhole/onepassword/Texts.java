package dev.keyhole.onepassword;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/** Text helpers for messages that quote third-party text (Connect and {@code op} errors). */
final class Texts {
  static final String REDACTED = "[REDACTED]";

  private Texts() {}

  /**
   * Makes third-party text safe to put into an exception message: every occurrence of a known
   * secret is replaced, control characters become spaces, whitespace is collapsed, and the result
   * is cut to {@code max} characters. Secrets shorter than 4 characters are not searched for (they
   * would match ordinary words); callers drop such text instead.
   */
  static String sanitize(String text, int max, Collection<String> secrets) {
    String t = text;
    for (String s : secrets) {
      if (s != null && s.length() >= 4) {
        t = t.replace(s, REDACTED);
      }
    }
    StringBuilder sb = new StringBuilder(Math.min(t.length(), max + 3));
    boolean space = false;
    for (int i = 0; i < t.length() && sb.length() < max; i++) {
      char c = t.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        if (!space && sb.length() > 0) {
          sb.append(' ');
        }
        space = true;
      } else {
        sb.append(c);
        space = false;
      }
    }
    String out = sb.toString().strip();
    return t.length() > max && out.length() >= max ? out + "..." : out;
  }

  /** Up to {@code limit} quoted names, then how many more. */
  static String list(Collection<String> names, int limit) {
    if (names.isEmpty()) {
      return "none";
    }
    List<String> shown = names.stream().limit(limit).map(n -> "'" + OpReference.abbreviate(n) + "'")
        .collect(Collectors.toList());
    String s = String.join(", ", shown);
    return names.size() > limit ? s + " and " + (names.size() - limit) + " more" : s;
  }
}
