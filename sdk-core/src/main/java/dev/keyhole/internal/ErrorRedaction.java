package dev.keyhole.internal;

import dev.keyhole.ConfigurationException;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.KeyholeException;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.Redactor;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskClosedException;
import dev.keyhole.internal.redact.RedactionForms;
import dev.keyhole.redact.RedactedThrowables;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Redacts {@link KeyholeException}s raised by code Keyhole does not own (providers, credential
 * issuers, redaction engines) before they leave Keyhole: their messages may quote a value despite
 * the contract. An exception whose messages (causes and suppressed ones included) contain no known
 * value is passed on as it is; otherwise a copy of the same Keyhole type is made with every
 * message redacted, the original stack frames, and redacted copies of its causes.
 */
final class ErrorRedaction {
  /** Forms of a value shorter than this are not looked for (the raw value always is). */
  private static final int MIN_FORM_LENGTH = 4;

  private ErrorRedaction() {}

  /** {@code e} itself when no message in it holds a value {@code redactor} knows, else a copy. */
  static KeyholeException redact(KeyholeException e, Redactor redactor) {
    if (!leaks(e, redactor, Collections.newSetFromMap(new IdentityHashMap<>()))) {
      return e;
    }
    String m = e.getMessage();
    String message = m == null ? e.getClass().getSimpleName() : redactor.redact(m);
    Throwable c = e.getCause();
    Throwable cause = c == null || c == e ? null : RedactedThrowables.copy(c, redactor);
    KeyholeException copy = sameKind(e, message, cause);
    copy.setStackTrace(e.getStackTrace());
    for (Throwable s : e.getSuppressed()) {
      copy.addSuppressed(RedactedThrowables.copy(s, redactor));
    }
    return copy;
  }

  private static boolean leaks(Throwable t, Redactor redactor, Set<Throwable> seen) {
    if (!seen.add(t)) {
      return false;
    }
    String m = t.getMessage();
    if (m != null && redactor.containsSecret(m)) {
      return true;
    }
    Throwable c = t.getCause();
    if (c != null && leaks(c, redactor, seen)) {
      return true;
    }
    for (Throwable s : t.getSuppressed()) {
      if (leaks(s, redactor, seen)) {
        return true;
      }
    }
    return false;
  }

  /** A new exception of {@code e}'s public Keyhole type (or the closest one that takes a cause). */
  private static KeyholeException sameKind(KeyholeException e, String message,
      @Nullable Throwable cause) {
    if (e instanceof ProviderUnavailableException p) {
      return new ProviderUnavailableException(message, cause, p.retryAfter().orElse(null));
    }
    if (e instanceof SecretNotFoundException) {
      return new SecretNotFoundException(message, cause);
    }
    if (e instanceof SecretAccessDeniedException) {
      return new SecretAccessDeniedException(message, cause);
    }
    if (e instanceof SecretFormatException) {
      return new SecretFormatException(message, cause);
    }
    if (e instanceof InvalidReferenceException) {
      return new InvalidReferenceException(message, cause);
    }
    if (cause == null) {
      if (e instanceof ConfigurationException) {
        return new ConfigurationException(message);
      }
      if (e instanceof PolicyViolationException p) {
        return new PolicyViolationException(p.reason(), message);
      }
      if (e instanceof TaskClosedException t) {
        return new TaskClosedException(message, t.expired());
      }
    }
    return new KeyholeException(message, cause, e.retryable());
  }

  /**
   * {@code base}, and on top of it {@code value} in its plain and common encoded forms, replaced
   * by {@code token}: for exception text that may quote a value Keyhole holds but has not (or no
   * longer) registered. Only {@link Redactor#redact} and {@link Redactor#containsSecret} work.
   */
  static Redactor withValue(Redactor base, SecretValue value, String token) {
    List<String> forms = new ArrayList<>();
    String text = value.revealString();
    forms.add(text);
    forms.addAll(RedactionForms.of(text, MIN_FORM_LENGTH));
    if (value.isBinary()) {
      byte[] bytes = value.revealBytes();
      forms.add(Base64.getEncoder().encodeToString(bytes));
      forms.add(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
      forms.add(HexFormat.of().formatHex(bytes));
      forms.add(HexFormat.of().withUpperCase().formatHex(bytes));
      java.util.Arrays.fill(bytes, (byte) 0);
    }
    forms.removeIf(f -> f.isEmpty() || token.toLowerCase(Locale.ROOT).contains(f.toLowerCase(Locale.ROOT)));
    forms.sort(Comparator.comparingInt(String::length).reversed());
    return new ValueRedactor(base, List.copyOf(forms), token);
  }

  private static final class ValueRedactor implements Redactor {
    private final Redactor base;
    private final List<String> forms;
    private final String token;

    ValueRedactor(Redactor base, List<String> forms, String token) {
      this.base = base;
      this.forms = forms;
      this.token = token;
    }

    @Override
    public String redact(String text) {
      String out = base.redact(text);
      for (String f : forms) {
        out = out.replace(f, token);
      }
      return out;
    }

    @Override
    public boolean containsSecret(CharSequence text) {
      if (base.containsSecret(text)) {
        return true;
      }
      String s = text.toString();
      for (String f : forms) {
        if (s.contains(f)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public StreamingRedactor streaming() {
      throw new UnsupportedOperationException("only for exception text");
    }

    @Override
    public String toString() {
      return "ValueRedactor[" + token + "]";
    }
  }
}
