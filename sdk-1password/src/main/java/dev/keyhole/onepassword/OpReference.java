package dev.keyhole.onepassword;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed 1Password secret reference, {@code op://vault/item/[section/]field[?attribute=…][&ssh-format=openssh]},
 * checked offline against 1Password's documented syntax.
 *
 * <ul>
 *   <li>Three path parts ({@code vault/item/field}) or four ({@code vault/item/section/field}).
 *       The field part may also name a file attachment.
 *   <li>Each part is a name made of ASCII letters, digits, space, {@code -}, {@code _} and
 *       {@code .} (no leading or trailing space), matched case-insensitively by the providers, or
 *       a 26-character lower-case 1Password ID, which the providers try as an ID first. A name with
 *       any other character (including {@code /}) must be given by its ID.
 *   <li>Query parameters: {@code attribute} (alias {@code attr}) with a value of {@link
 *       OpAttribute} ({@code value}, {@code type}, {@code id}, {@code purpose}, {@code otp}/{@code
 *       totp}; for files {@code content}, {@code size}, {@code name}, {@code id}), and {@code
 *       ssh-format=openssh} for SSH private keys. Each at most once, joined by {@code &}.
 * </ul>
 *
 * <p>Immutable. {@link #toString()} gives the canonical text ({@code attr} written as {@code
 * attribute}, {@code totp} as {@code otp}, {@code attribute} before {@code ssh-format}), which
 * {@link #parse} reads back to an equal reference. Equality compares the parts exactly (the
 * providers' matching is case-insensitive, equality is not). A reference is configuration, not a
 * secret: it is safe to log.
 */
public final class OpReference {
  private static final Pattern ID = Pattern.compile("[a-z0-9]{26}");
  private static final String ALLOWED =
      "letters, digits, space, '-', '_' and '.' (no leading or trailing space)";
  private static final String FORM = "expected op://vault/item/[section/]field[?attribute=...]";

  private final String vault;
  private final String item;
  private final @Nullable String section;
  private final String field;
  private final @Nullable OpAttribute attribute;
  private final boolean openSsh;

  private OpReference(String vault, String item, @Nullable String section, String field,
      @Nullable OpAttribute attribute, boolean openSsh) {
    this.vault = vault;
    this.item = item;
    this.section = section;
    this.field = field;
    this.attribute = attribute;
    this.openSsh = openSsh;
  }

  /**
   * Parses {@code op://…} text (surrounding whitespace is ignored, the {@code op} scheme is
   * case-insensitive).
   *
   * @throws InvalidReferenceException naming the part that is wrong and what it allows
   */
  public static OpReference parse(String text) {
    Objects.requireNonNull(text, "reference");
    String t = text.strip();
    if (!t.regionMatches(true, 0, "op://", 0, 5)) {
      throw invalid(t, "it does not start with 'op://'; " + FORM);
    }
    String rest = t.substring(5);
    int q = rest.indexOf('?');
    String path = q < 0 ? rest : rest.substring(0, q);
    String[] parts = path.split("/", -1);
    if (parts.length < 3 || parts.length > 4) {
      throw invalid(t, "it has " + parts.length + " path part" + (parts.length == 1 ? "" : "s")
          + " after 'op://'; " + FORM + " (3 or 4 parts). A name that contains '/' must be given"
          + " by its ID");
    }
    boolean withSection = parts.length == 4;
    String vault = checkPart(t, "vault", parts[0]);
    String item = checkPart(t, "item", parts[1]);
    String section = withSection ? checkPart(t, "section", parts[2]) : null;
    String field = checkPart(t, "field", parts[withSection ? 3 : 2]);
    OpAttribute attribute = null;
    boolean openSsh = false;
    if (q >= 0) {
      String query = rest.substring(q + 1);
      if (query.isEmpty()) {
        throw invalid(t, "nothing follows '?'; add attribute=... or ssh-format=openssh, or drop the '?'");
      }
      boolean sawAttribute = false;
      boolean sawFormat = false;
      for (String param : query.split("&", -1)) {
        int eq = param.indexOf('=');
        if (param.isEmpty()) {
          throw invalid(t, "it has an empty query parameter (a stray '&'); parameters are joined by a"
              + " single '&'");
        }
        if (eq <= 0 || eq == param.length() - 1) {
          throw invalid(t, "query parameter '" + abbreviate(param) + "' is not key=value; allowed:"
              + " attribute=<" + attributeList() + ">, attr=<same>, ssh-format=openssh");
        }
        String key = param.substring(0, eq).toLowerCase(Locale.ROOT);
        String value = param.substring(eq + 1);
        switch (key) {
          case "attribute", "attr" -> {
            if (sawAttribute) {
              throw invalid(t, "it gives the attribute twice ('attribute' and 'attr' are the same"
                  + " parameter); keep one");
            }
            sawAttribute = true;
            attribute = OpAttribute.fromQueryValue(value).orElseThrow(() -> invalid(t, "attribute '"
                + abbreviate(value) + "' is unknown; allowed: value, type, id, purpose, otp (or totp)"
                + " for fields, and content, size, name, id for files"));
          }
          case "ssh-format" -> {
            if (sawFormat) {
              throw invalid(t, "it gives ssh-format twice; keep one");
            }
            sawFormat = true;
            if (!value.equalsIgnoreCase("openssh")) {
              throw invalid(t, "ssh-format '" + abbreviate(value) + "' is not supported; the only"
                  + " format is 'openssh'");
            }
            openSsh = true;
          }
          default -> throw invalid(t, "query parameter '" + abbreviate(param.substring(0, eq))
              + "' is unknown; allowed: attribute (alias attr) and ssh-format");
        }
      }
    }
    return create(t, vault, item, section, field, attribute, openSsh);
  }

  /** Parses an {@code op:} {@link SecretRef}. */
  public static OpReference parse(SecretRef ref) {
    Objects.requireNonNull(ref, "ref");
    if (!ref.scheme().equals("op")) {
      throw new InvalidReferenceException("Reference '" + ref + "' is not a 1Password reference; "
          + FORM);
    }
    return parse("op:" + ref.path());
  }

  /** A builder for references made in code; {@link Builder#build()} checks the same rules as {@link #parse}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether {@code part} has the form of a 1Password ID (26 lower-case letters and digits). */
  public static boolean isId(String part) {
    return ID.matcher(part).matches();
  }

  private static OpReference create(String text, String vault, String item, @Nullable String section,
      String field, @Nullable OpAttribute attribute, boolean openSsh) {
    if (openSsh && attribute != null && attribute != OpAttribute.VALUE) {
      throw invalid(text, "ssh-format=openssh applies to an SSH key's value, not to attribute '"
          + attribute.queryValue() + "'; drop one of them");
    }
    return new OpReference(vault, item, section, field, attribute, openSsh);
  }

  private static String checkPart(String text, String what, String part) {
    if (part.isEmpty()) {
      throw invalid(text, "the " + what + " is empty; " + FORM);
    }
    if (Character.isWhitespace(part.charAt(0)) || Character.isWhitespace(part.charAt(part.length() - 1))) {
      throw invalid(text, "the " + what + " '" + abbreviate(part) + "' has leading or trailing"
          + " whitespace; remove it, or refer to the " + what + " by its ID");
    }
    for (int i = 0; i < part.length(); ) {
      int cp = part.codePointAt(i);
      if (!allowed(cp)) {
        throw invalid(text, "the " + what + " '" + abbreviate(part) + "' contains " + describe(cp)
            + ", which secret references do not allow; names may use " + ALLOWED + ". Refer to this "
            + what + " by its 26-character ID instead (shown by 'op " + (what.equals("vault")
                ? "vault" : "item") + " get ... --format json')");
      }
      i += Character.charCount(cp);
    }
    return part;
  }

  private static boolean allowed(int cp) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
        || cp == ' ' || cp == '-' || cp == '_' || cp == '.';
  }

  private static String describe(int cp) {
    if (cp < 0x20 || cp == 0x7f || Character.isWhitespace(cp) || Character.isISOControl(cp)) {
      return String.format(Locale.ROOT, "the character U+%04X", cp);
    }
    return "'" + new String(Character.toChars(cp)) + "'";
  }

  private static String attributeList() {
    return "value|type|id|purpose|otp|totp|content|size|name";
  }

  static String abbreviate(String s) {
    StringBuilder sb = new StringBuilder();
    s.codePoints().limit(80).forEach(cp -> {
      if (cp < 0x20 || cp == 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", cp));
      } else {
        sb.appendCodePoint(cp);
      }
    });
    return s.codePointCount(0, s.length()) > 80 ? sb + "..." : sb.toString();
  }

  private static InvalidReferenceException invalid(String text, String why) {
    return new InvalidReferenceException("1Password reference '" + abbreviate(text) + "' is invalid: "
        + why);
  }

  /** The vault part: a name or an ID. */
  public String vault() {
    return vault;
  }

  /** The item part: a name (title) or an ID. */
  public String item() {
    return item;
  }

  /** The section part, present in four-part references. */
  public Optional<String> section() {
    return Optional.ofNullable(section);
  }

  /** The field part: a field label or ID, or a file attachment's name or ID. */
  public String field() {
    return field;
  }

  /** The attribute query parameter, if given. */
  public Optional<OpAttribute> attribute() {
    return Optional.ofNullable(attribute);
  }

  /** The attribute to read: the given one, else {@link OpAttribute#VALUE}. */
  public OpAttribute effectiveAttribute() {
    return attribute == null ? OpAttribute.VALUE : attribute;
  }

  /** Whether {@code ssh-format=openssh} was given. */
  public boolean openSshFormat() {
    return openSsh;
  }

  /** The same reference without query parameters (its vault, item, section and field). */
  public OpReference withoutQuery() {
    return new OpReference(vault, item, section, field, null, false);
  }

  /** This reference as a Keyhole {@link SecretRef}. */
  public SecretRef toSecretRef() {
    return SecretRef.parse(toString());
  }

  /** The canonical reference text. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("op://").append(vault).append('/').append(item).append('/');
    if (section != null) {
      sb.append(section).append('/');
    }
    sb.append(field);
    char sep = '?';
    if (attribute != null) {
      sb.append(sep).append("attribute=").append(attribute.queryValue());
      sep = '&';
    }
    if (openSsh) {
      sb.append(sep).append("ssh-format=openssh");
    }
    return sb.toString();
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OpReference r && r.vault.equals(vault) && r.item.equals(item)
        && Objects.equals(r.section, section) && r.field.equals(field) && r.attribute == attribute
        && r.openSsh == openSsh;
  }

  @Override
  public int hashCode() {
    return Objects.hash(vault, item, section, field, attribute, openSsh);
  }

  /** Builds an {@link OpReference} from parts. */
  public static final class Builder {
    private @Nullable String vault;
    private @Nullable String item;
    private @Nullable String section;
    private @Nullable String field;
    private @Nullable OpAttribute attribute;
    private boolean openSsh;

    private Builder() {}

    public Builder vault(String nameOrId) {
      this.vault = Objects.requireNonNull(nameOrId, "vault");
      return this;
    }

    public Builder item(String nameOrId) {
      this.item = Objects.requireNonNull(nameOrId, "item");
      return this;
    }

    /** The section (optional). */
    public Builder section(@Nullable String nameOrId) {
      this.section = nameOrId;
      return this;
    }

    public Builder field(String labelOrId) {
      this.field = Objects.requireNonNull(labelOrId, "field");
      return this;
    }

    public Builder attribute(@Nullable OpAttribute attribute) {
      this.attribute = attribute;
      return this;
    }

    public Builder openSshFormat(boolean on) {
      this.openSsh = on;
      return this;
    }

    /**
     * Builds the reference, checking every part.
     *
     * @throws InvalidReferenceException when a part is missing or breaks the syntax rules
     */
    public OpReference build() {
      String text = "op://" + vault + "/" + item + "/" + (section == null ? "" : section + "/") + field;
      if (vault == null || item == null || field == null) {
        throw invalid(text, "vault, item and field are required; " + FORM);
      }
      return create(text, checkPart(text, "vault", vault), checkPart(text, "item", item),
          section == null ? null : checkPart(text, "section", section),
          checkPart(text, "field", field), attribute, openSsh);
    }
  }
}
