package dev.keyhole.onepassword;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretNotFoundException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Maps the 1Password CLI's stderr ({@code [ERROR] 2024/06/01 12:00:00 message}) to Keyhole's typed
 * errors. The quoted message has every known secret (the partial output, the service account
 * token), anything shaped like a 1Password token, long opaque runs, and terminal colour codes
 * removed.
 */
final class CliErrors {
  private static final Pattern PREFIX =
      Pattern.compile("^\\[ERROR\\]\\s*(\\d{4}/\\d{2}/\\d{2}\\s+\\d{2}:\\d{2}:\\d{2}\\s*)?");
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
  // Service account tokens (ops_...), Connect tokens (JWTs) and other long opaque runs.
  private static final Pattern TOKENS =
      Pattern.compile("ops_[A-Za-z0-9+/=_-]{8,}|eyJ[A-Za-z0-9_-]{8,}(\\.[A-Za-z0-9_-]+)*|[A-Za-z0-9+/=_-]{40,}");

  private CliErrors() {}

  /** The error lines of stderr, without prefixes, made safe to quote. */
  static String message(String stderr, Collection<String> secrets) {
    String text = ANSI.matcher(stderr).replaceAll("");
    List<String> errors = new ArrayList<>();
    for (String line : text.split("\\R", -1)) {
      String l = line.strip();
      if (l.startsWith("[ERROR]")) {
        errors.add(PREFIX.matcher(l).replaceFirst(""));
      }
    }
    String m = errors.isEmpty() ? text : String.join("; ", errors);
    for (String s : secrets) {
      if (s != null && s.length() >= 4) {
        m = m.replace(s, Texts.REDACTED);
      }
    }
    m = TOKENS.matcher(m).replaceAll(Texts.REDACTED);
    return Texts.sanitize(m, 300, List.of());
  }

  static KeyholeException map(int exit, String stderr, String what, Collection<String> secrets) {
    return map(exit, stderr, what, secrets, "reading");
  }

  /** As {@link #map(int, String, String, Collection)} for {@code verb} ("reading", "writing"). */
  static KeyholeException map(int exit, String stderr, String what, Collection<String> secrets,
      String verb) {
    String m = message(stderr, secrets);
    String quoted = m.isEmpty() ? "no error message" : "'" + m + "'";
    String l = m.toLowerCase(Locale.ROOT);
    String lead = "The 1Password CLI failed (exit " + exit + ") " + verb + " " + what + ": " + quoted;
    if (l.contains("more than one") || l.contains("multiple items") || l.contains("multiple vaults")
        || l.contains("multiple fields")) {
      String part = l.contains("vault") && !l.contains("item") ? "vault" : l.contains("field") ? "field" : "item";
      return new AmbiguousReferenceException(lead + ". Put the " + part + "'s ID into the reference",
          part, List.of());
    }
    if (l.contains("invalid secret reference") || l.contains("invalid character")
        || l.contains("could not parse") || l.contains("parse secret reference")) {
      return new InvalidReferenceException(lead);
    }
    if (l.contains("not currently signed in") || l.contains("not signed in") || l.contains("sign in")
        || l.contains("signin") || l.contains("unauthorized") || l.contains("(401)")
        || l.contains("authentication") || l.contains("invalid token") || l.contains("session expired")
        || l.contains("forbidden") || l.contains("(403)") || l.contains("permission")
        || l.contains("not authorized") || l.contains("aren't authorized") || l.contains("access denied")) {
      return new SecretAccessDeniedException(lead + ". Sign in with 'op signin', or set"
          + " OP_SERVICE_ACCOUNT_TOKEN to a service account token that may read this vault");
    }
    if (l.contains("too many requests") || l.contains("rate limit") || l.contains("(429)")
        || l.contains("timeout") || l.contains("timed out") || l.contains("dial tcp")
        || l.contains("connection") || l.contains("network") || l.contains("no such host")
        || l.contains("eof") || l.contains("(500)") || l.contains("(502)") || l.contains("(503)")
        || l.contains("(504)") || l.contains("internal server error") || l.contains("service unavailable")
        || l.contains("temporarily")) {
      return new ProviderUnavailableException(lead + "; it will be retried");
    }
    if (l.contains("isn't a vault") || l.contains("isn't an item") || l.contains("isn't a field")
        || l.contains("isn't a section") || l.contains("isn't a file") || l.contains("not found")
        || l.contains("could not find") || l.contains("no item") || l.contains("does not exist")
        || l.contains("doesn't exist") || l.contains("no such")) {
      return new SecretNotFoundException(lead);
    }
    return new KeyholeException(lead, null, false);
  }
}
