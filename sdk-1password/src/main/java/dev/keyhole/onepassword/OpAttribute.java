package dev.keyhole.onepassword;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code attribute} (alias {@code attr}) query parameter of an {@code op://} reference: which
 * part of a field or file a reference reads. Without the parameter a field's value (or a file's
 * content) is read.
 */
public enum OpAttribute {
  /** A field's value (the default). */
  VALUE("value", true, false),
  /** A field's type, lower-case (e.g. {@code concealed}). */
  TYPE("type", true, false),
  /** A field's or file's id. */
  ID("id", true, true),
  /** A field's purpose, lower-case ({@code username}, {@code password}, {@code notes}). */
  PURPOSE("purpose", true, false),
  /** The current one-time password of an OTP field (alias {@code totp}). */
  OTP("otp", true, false),
  /** A file's content (the default for files). */
  CONTENT("content", false, true),
  /** A file's size in bytes, as decimal text. */
  SIZE("size", false, true),
  /** A file's name. */
  NAME("name", false, true);

  private final String queryValue;
  private final boolean forFields;
  private final boolean forFiles;

  OpAttribute(String queryValue, boolean forFields, boolean forFiles) {
    this.queryValue = queryValue;
    this.forFields = forFields;
    this.forFiles = forFiles;
  }

  /** The canonical query value, e.g. {@code otp}. */
  public String queryValue() {
    return queryValue;
  }

  /** Whether the attribute applies to fields. */
  public boolean appliesToFields() {
    return forFields;
  }

  /** Whether the attribute applies to file attachments. */
  public boolean appliesToFiles() {
    return forFiles;
  }

  /** The attribute for a query value, case-insensitive; {@code totp} is an alias of {@code otp}. */
  public static Optional<OpAttribute> fromQueryValue(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    if (t.equals("totp")) {
      return Optional.of(OTP);
    }
    for (OpAttribute a : values()) {
      if (a.queryValue.equals(t)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
