package dev.keyhole.internal.redact;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The encoded forms the engine matches for a value, as strings. Internal: for benchmarks that feed
 * the same pattern set to baseline matchers, and for diagnostics. Never log the result.
 */
public final class RedactionForms {
  private RedactionForms() {}

  /**
   * The distinct forms of a text value that are at least {@code minLength} characters long, as
   * unbroken text; forms the engine matches in either case are listed in lower and upper case.
   */
  public static List<String> of(String value, int minLength) {
    FormSet forms = Forms.ofText(value.toCharArray(), minLength);
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < forms.size(); i++) {
      String f = new String(FormSet.materialize(forms.meta(i), forms.data(i)));
      out.add(f);
      if ((forms.meta(i) & FormSet.IGNORE_CASE) != 0) {
        out.add(f.toLowerCase(Locale.ROOT));
        out.add(f.toUpperCase(Locale.ROOT));
      }
    }
    forms.wipe();
    return new ArrayList<>(out);
  }
}
