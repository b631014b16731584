package dev.keyhole.onepassword;

import dev.keyhole.Grant;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretHandle;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Renders {@code op inject}-style templates into handle-bearing text: every {@code {{ op://… }}}
 * becomes a handle token ({@code secret://name}) and the result lists which reference each handle
 * stands for, ready to become {@link Grant}s. Nothing is resolved and no I/O happens; the rendered
 * text holds no secret and may be shown to a model or written to a config file that Keyhole-aware
 * tools read.
 *
 * <pre>{@code
 * OpTemplate.Rendered r = OpTemplate.render("DATABASE_URL=postgres://app:{{ op://Prod/DB/password }}@db:5432/app");
 * r.text();        // DATABASE_URL=postgres://app:secret://db_password@db:5432/app
 * r.references();  // {db_password=op://Prod/DB/password}
 * Grant g = r.grant("db_password").tools("psql").build();
 * }</pre>
 *
 * <p>Other {@code {{ … }}} expressions (Helm, Go templates) are left alone. A malformed {@code op://}
 * reference fails with its line and column. {@code op inject} variables ({@code $NAME}) are not
 * expanded; expand them before rendering.
 */
public final class OpTemplate {
  private OpTemplate() {}

  /** Renders with the default handle names ({@link #defaultName}). */
  public static Rendered render(String template) {
    return render(template, OpTemplate::defaultName);
  }

  /**
   * Renders, naming each distinct reference with {@code naming} (the same reference always gets
   * the same handle; if two references get the same name, later ones get {@code _2}, {@code _3}…).
   *
   * @throws InvalidReferenceException for a malformed reference, naming its line and column
   * @throws dev.keyhole.InvalidHandleException if {@code naming} returns an invalid handle name
   */
  public static Rendered render(String template, Function<OpReference, String> naming) {
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(naming, "naming");
    StringBuilder out = new StringBuilder(template.length());
    Map<OpReference, String> names = new LinkedHashMap<>();
    Map<String, OpReference> byName = new LinkedHashMap<>();
    int pos = 0;
    while (true) {
      int open = template.indexOf("{{", pos);
      if (open < 0) {
        break;
      }
      int start = open + 2;
      while (start < template.length() && (template.charAt(start) == ' ' || template.charAt(start) == '\t')) {
        start++;
      }
      if (!template.regionMatches(true, start, "op://", 0, 5)) {
        out.append(template, pos, start);
        pos = start;
        continue;
      }
      int close = template.indexOf("}}", start);
      int newline = indexOfNewline(template, start);
      if (close < 0 || (newline >= 0 && newline < close)) {
        throw new InvalidReferenceException("Template " + position(template, open) + ": '{{ op://'"
            + " is not closed by '}}' on the same line");
      }
      String inner = template.substring(start, close).strip();
      OpReference ref;
      try {
        if (inner.indexOf('$') >= 0) {
          throw new InvalidReferenceException("1Password reference '" + OpReference.abbreviate(inner)
              + "' uses an op inject variable ('$'); Keyhole does not expand variables, expand them"
              + " before rendering");
        }
        ref = OpReference.parse(inner);
      } catch (InvalidReferenceException e) {
        throw new InvalidReferenceException("Template " + position(template, open) + ": "
            + e.getMessage());
      }
      String name = names.get(ref);
      if (name == null) {
        name = unique(SecretHandle.of(naming.apply(ref)).name(), byName);
        names.put(ref, name);
        byName.put(name, ref);
      }
      out.append(template, pos, open).append(SecretHandle.PREFIX).append(name);
      pos = close + 2;
    }
    out.append(template, pos, template.length());
    return new Rendered(out.toString(), byName);
  }

  /**
   * The default handle name: item, section (if any), field and a non-default attribute, lower-cased,
   * with every run of other characters turned into {@code _}, at most 60 characters; for example
   * {@code op://Prod/GitHub/api token} becomes {@code github_api_token}.
   */
  public static String defaultName(OpReference ref) {
    StringBuilder sb = new StringBuilder(ref.item());
    ref.section().ifPresent(s -> sb.append('_').append(s));
    sb.append('_').append(ref.field());
    ref.attribute().filter(a -> a != OpAttribute.VALUE).ifPresent(a -> sb.append('_').append(a.queryValue()));
    String n = sb.toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
        .replaceAll("^_+|_+$", "");
    if (n.length() > 60) {
      n = n.substring(0, 60).replaceAll("_+$", "");
    }
    return n.isEmpty() ? "op_secret" : n;
  }

  private static String unique(String base, Map<String, OpReference> taken) {
    if (!taken.containsKey(base)) {
      return base;
    }
    for (int i = 2; ; i++) {
      String suffix = "_" + i;
      String candidate = (base.length() + suffix.length() > 64
          ? base.substring(0, 64 - suffix.length()) : base) + suffix;
      if (!taken.containsKey(candidate)) {
        return candidate;
      }
    }
  }

  private static int indexOfNewline(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\n' || c == '\r') {
        return i;
      }
    }
    return -1;
  }

  private static String position(String s, int index) {
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i < index; i++) {
      if (s.charAt(i) == '\n') {
        line++;
        lineStart = i + 1;
      }
    }
    return "line " + line + ", column " + (index - lineStart + 1);
  }

  /** A rendered template: the handle-bearing text and the reference behind each handle. */
  public static final class Rendered {
    private final String text;
    private final Map<String, OpReference> references;

    private Rendered(String text, Map<String, OpReference> references) {
      this.text = text;
      this.references = Collections.unmodifiableMap(new LinkedHashMap<>(references));
    }

    /** The template with every {@code {{ op://… }}} replaced by {@code secret://name}. */
    public String text() {
      return text;
    }

    /** Handle name to reference, in order of first appearance. */
    public Map<String, OpReference> references() {
      return references;
    }

    /**
     * A grant builder for one handle of this template, with its reference set; add tools and
     * destinations, then build.
     *
     * @throws IllegalArgumentException if the template has no such handle
     */
    public Grant.Builder grant(String handleName) {
      OpReference ref = references.get(handleName.toLowerCase(Locale.ROOT));
      if (ref == null) {
        throw new IllegalArgumentException("The rendered template has no handle '" + handleName
            + "'; it has " + references.keySet());
      }
      return Grant.builder(handleName).ref(ref.toSecretRef());
    }

    /** A grant builder for every handle, in order; see {@link #grant}. */
    public Map<String, Grant.Builder> grants() {
      Map<String, Grant.Builder> out = new LinkedHashMap<>();
      references.keySet().forEach(n -> out.put(n, grant(n)));
      return out;
    }

    @Override
    public String toString() {
      return "OpTemplate.Rendered[" + references.size() + " handles]";
    }
  }
}
