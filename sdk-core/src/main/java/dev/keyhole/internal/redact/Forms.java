package dev.keyhole.internal.redact;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Every textual form in which a secret value commonly shows up in tool output:
 *
 * <ul>
 *   <li>text forms of the value: raw, reversed, JSON-escaped (16 writer variants), percent-encoded
 *       (8 variants), shell-quoted;
 *   <li>byte forms of its UTF-8 bytes: hex (also {@code \x} and {@code 0x} per byte, and the
 *       {@code 0x6b, 0x74} of a C array), base64 and base64url at all 3 byte alignments, base32 at
 *       all 5, and base64 of each aligned base64 form at all 3 alignments again.
 * </ul>
 *
 * <p>Byte forms and raw values of 12 or more characters are separator-tolerant (the matcher skips
 * line breaks, spaces, tabs and colons between their characters); hex and base32 match in either
 * case. A multi-line value also contributes its LF form, each high-entropy line, and the body of a
 * PEM block, each with all of the above.
 *
 * <p>Forms are described once per registration ({@link FormSet}); matching never decodes text.
 */
final class Forms {
  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

  /** A line of a multi-line value becomes a pattern of its own only above this entropy. */
  static final double MIN_LINE_BITS_PER_CHAR = 3.0;

  /** A raw value this long or longer also matches with separators between its characters. */
  static final int MIN_TOLERANT_RAW = 12;

  private Forms() {}

  /**
   * The distinct forms of a text value, each at least {@code minLength} characters long.
   *
   * @param value the secret's characters (not modified; the set holds copies)
   * @param minLength shorter forms are dropped
   */
  static FormSet ofText(char[] value, int minLength) {
    FormSet out = new FormSet(minLength);
    List<Object> created = new ArrayList<>();
    for (char[] base : bases(value, minLength)) {
      created.add(base);
      addTextForms(base, out, created);
      byte[] utf8 = utf8(base);
      if (utf8 != null) {
        created.add(utf8);
        addByteForms(utf8, out, created);
      }
    }
    out.wipeUnreferenced(created);
    return out;
  }

  /** The distinct forms of a binary value that is not valid UTF-8: the byte forms of its bytes. */
  static FormSet ofBytes(byte[] value, int minLength) {
    FormSet out = new FormSet(minLength);
    List<Object> created = new ArrayList<>();
    byte[] copy = value.clone();
    created.add(copy);
    addByteForms(copy, out, created);
    out.wipeUnreferenced(created);
    return out;
  }

  /**
   * Copies of: the raw value; for multi-line values also the LF form, every trimmed high-entropy
   * line, and the joined body of a PEM block (so a key re-wrapped at another width still matches).
   */
  static List<char[]> bases(char[] raw, int minLength) {
    List<char[]> bases = new ArrayList<>();
    bases.add(raw.clone());
    if (indexOf(raw, '\n', 0) < 0 && indexOf(raw, '\r', 0) < 0) {
      return bases;
    }
    char[] lf = replaceCrLf(raw);
    if (lf.length != raw.length) {
      bases.add(lf);
    }
    Chars body = new Chars(raw.length);
    boolean inPem = false;
    boolean sawPem = false;
    int start = 0;
    for (int i = 0; i <= raw.length; i++) {
      if (i < raw.length && raw[i] != '\n' && raw[i] != '\r') {
        continue;
      }
      int from = start;
      int to = i;
      start = i + 1;
      while (from < to && Character.isWhitespace(raw[from])) {
        from++;
      }
      while (to > from && Character.isWhitespace(raw[to - 1])) {
        to--;
      }
      if (from == to) {
        continue;
      }
      char[] line = Arrays.copyOfRange(raw, from, to);
      boolean armour = startsWith(line, "-----");
      if (armour) {
        inPem = startsWith(line, "-----BEGIN");
        sawPem |= inPem;
      } else if (inPem && indexOf(line, ':', 0) < 0) {
        body.append(line); // header lines (Proc-Type: ...) are not part of the body
      }
      // Lines must stand on their own: skip armour and anything that is not clearly random.
      CharBuffer cb = CharBuffer.wrap(line);
      if (line.length >= minLength && !armour && !ValueQuality.isLowEntropy(cb)
          && ValueQuality.bitsPerChar(cb) >= MIN_LINE_BITS_PER_CHAR) {
        bases.add(line);
      } else {
        Arrays.fill(line, '\0');
      }
    }
    if (sawPem && body.length() >= minLength) {
      bases.add(body.toArray());
    }
    body.wipe();
    return bases;
  }

  private static void addTextForms(char[] s, FormSet out, List<Object> created) {
    out.add(FormSet.meta(FormSet.TEXT, 0, 0), s);
    if (s.length >= MIN_TOLERANT_RAW) {
      // The tolerant form is the value without its own separators (the matcher skips them in the
      // text as it does the wrapping's). The value's length and quality decide, not the
      // skeleton's: a value that holds separators must not escape because it is shorter or less
      // varied without them (the form set still drops a skeleton under the minimum length).
      char[] skeleton = withoutSeparators(s);
      created.add(skeleton);
      out.add(FormSet.meta(FormSet.TEXT, 0, FormSet.TOLERANT),
          skeleton.length == s.length ? s : skeleton);
    }
    out.add(FormSet.meta(FormSet.REVERSED, 0, 0), s);
    Chars b = new Chars(s.length + 16);
    try {
      // JSON string escapes: Jackson's default, \\uXXXX for non-ASCII (both hex cases), "\/", and
      // Gson's HTML-safe escapes (<, >, &, =, ').
      for (int variant = 0; variant < 16; variant++) {
        json(s, (variant & 1) != 0, (variant & 2) != 0, (variant & 4) != 0, (variant & 8) != 0, b);
        addText(b, s, out, created);
      }
      // Percent-encoding: java.net.URLEncoder / HTML forms (space as '+', and the common
      // "URLEncoder then + to %20" variant), RFC 3986, and JavaScript's encodeURIComponent, each
      // with upper- and lower-case hex.
      for (char[] hex : new char[][] {HEX_UPPER, HEX_LOWER}) {
        percent(s, ".-*_", true, hex, b);
        addText(b, s, out, created);
        percent(s, ".-*_", false, hex, b);
        addText(b, s, out, created);
        percent(s, "-._~", false, hex, b);
        addText(b, s, out, created);
        percent(s, "-_.!~*'()", false, hex, b);
        addText(b, s, out, created);
      }
      // Shell quoting.
      if (indexOf(s, '"', 0) >= 0 || indexOf(s, '\'', 0) >= 0 || indexOf(s, '\\', 0) >= 0
          || indexOf(s, '$', 0) >= 0 || indexOf(s, '`', 0) >= 0) {
        escapeChars(s, "\\\"$`", b);
        addText(b, s, out, created);
        replaceQuote(s, "'\\''", b);
        addText(b, s, out, created);
        replaceQuote(s, "'\"'\"'", b);
        addText(b, s, out, created);
        escapeChars(s, "\\\"", b);
        addText(b, s, out, created);
        escapeChars(s, "\\'", b);
        addText(b, s, out, created);
      }
      if (needsShellEscape(s)) {
        shellBackslash(s, b);
        addText(b, s, out, created);
      }
    } finally {
      b.wipe();
    }
  }

  /** Adds the builder's text as a form (sharing {@code same}'s array when equal), then clears it. */
  private static void addText(Chars b, char[] same, FormSet out, List<Object> created) {
    char[] form = b.equalsArray(same) ? same : b.toArray();
    created.add(form);
    out.add(FormSet.meta(FormSet.TEXT, 0, 0), form);
    b.clear();
  }

  private static void addByteForms(byte[] bytes, FormSet out, List<Object> created) {
    int hexFlags = FormSet.TOLERANT | FormSet.IGNORE_CASE;
    out.add(FormSet.meta(FormSet.HEX, 0, hexFlags), bytes);
    out.add(FormSet.meta(FormSet.HEX_BACKSLASH_X, 0, hexFlags), bytes);
    out.add(FormSet.meta(FormSet.HEX_0X, 0, hexFlags), bytes);
    out.add(FormSet.meta(FormSet.HEX_0X_COMMA, 0, hexFlags), bytes);
    for (int align = 0; align < 3; align++) {
      out.add(FormSet.meta(FormSet.BASE64, align, FormSet.TOLERANT), bytes);
      out.add(FormSet.meta(FormSet.BASE64_URL, align, FormSet.TOLERANT), bytes);
    }
    for (int align = 0; align < 5; align++) {
      out.add(FormSet.meta(FormSet.BASE32, align, hexFlags), bytes);
    }
    // base64 applied twice: each aligned standard form, itself at any alignment of the outer one.
    for (int inner = 0; inner < 3; inner++) {
      byte[] core = FormSet.base64CoreBytes(bytes, inner);
      created.add(core);
      if (core.length > 0) {
        for (int align = 0; align < 3; align++) {
          out.add(FormSet.meta(FormSet.BASE64, align, FormSet.TOLERANT), core);
        }
      }
    }
  }

  /** UTF-8 of {@code chars} (null if they hold an unpaired surrogate; the text forms still apply). */
  static byte @org.jspecify.annotations.Nullable [] utf8(char[] chars) {
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bb;
    try {
      bb = enc.encode(CharBuffer.wrap(chars));
    } catch (CharacterCodingException e) {
      return null;
    }
    byte[] out = new byte[bb.remaining()];
    bb.get(out);
    if (bb.hasArray()) {
      Arrays.fill(bb.array(), bb.arrayOffset(), bb.array().length, (byte) 0);
    }
    return out;
  }

  /**
   * The base64 characters that depend only on {@code bytes} when they start {@code align} bytes
   * into a 3-byte group, whatever surrounds them. Neither padding nor the partial characters at the
   * edges are included, so the form does not reveal the length or depend on neighbours. (The
   * engine computes the same characters from {@link FormSet#charAt}; this one, from the JDK
   * encoder, is what tests check it against.)
   */
  static String base64Core(Base64.Encoder enc, byte[] bytes, int align) {
    byte[] buf = new byte[align + bytes.length + 2];
    System.arraycopy(bytes, 0, buf, align, bytes.length);
    String all = enc.encodeToString(buf);
    int firstBit = 8 * align;
    int endBit = firstBit + 8 * bytes.length;
    int from = (firstBit + 5) / 6;
    int to = endBit / 6;
    return from >= to ? "" : all.substring(from, to);
  }

  /** Whether {@code c} may sit between the characters of a separator-tolerant form. */
  static boolean isSeparator(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':' || c == '\f' || c == 0x0B;
  }

  static char[] withoutSeparators(char[] s) {
    char[] out = new char[s.length];
    int n = 0;
    for (char c : s) {
      if (!isSeparator(c)) {
        out[n++] = c;
      }
    }
    if (n == s.length) {
      return out;
    }
    char[] trimmed = Arrays.copyOf(out, n);
    Arrays.fill(out, '\0');
    return trimmed;
  }

  /** A JSON string body, as Jackson writes it, with the optional escapes other writers use. */
  static void json(char[] s, boolean escapeNonAscii, boolean slash, boolean htmlSafe,
      boolean upperHex, Chars sb) {
    char[] hex = upperHex ? HEX_UPPER : HEX_LOWER;
    for (char c : s) {
      switch (c) {
        case '"' -> sb.append('\\').append('"');
        case '\\' -> sb.append('\\').append('\\');
        case '\n' -> sb.append('\\').append('n');
        case '\r' -> sb.append('\\').append('r');
        case '\t' -> sb.append('\\').append('t');
        case '\b' -> sb.append('\\').append('b');
        case '\f' -> sb.append('\\').append('f');
        case '/' -> {
          if (slash) {
            sb.append('\\');
          }
          sb.append('/');
        }
        default -> {
          boolean html = htmlSafe && (c == '<' || c == '>' || c == '&' || c == '=' || c == '\'');
          if (c < 0x20 || html || (c > 0x7F && escapeNonAscii)) {
            sb.append('\\').append('u').append(hex[(c >> 12) & 0xF]).append(hex[(c >> 8) & 0xF])
                .append(hex[(c >> 4) & 0xF]).append(hex[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
  }

  /** Percent-encodes the UTF-8 bytes of {@code s}, keeping ASCII alphanumerics and {@code safe}. */
  static void percent(char[] s, String safe, boolean spaceAsPlus, char[] hex, Chars sb) {
    byte[] bytes = utf8(s);
    if (bytes == null) {
      return;
    }
    for (byte b : bytes) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || (c < 0x80 && safe.indexOf(c) >= 0)) {
        sb.append((char) c);
      } else if (c == ' ' && spaceAsPlus) {
        sb.append('+');
      } else {
        sb.append('%').append(hex[c >> 4]).append(hex[c & 0xF]);
      }
    }
    Arrays.fill(bytes, (byte) 0);
  }

  private static void escapeChars(char[] s, String special, Chars sb) {
    for (char c : s) {
      if (special.indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
  }

  private static void replaceQuote(char[] s, String replacement, Chars sb) {
    for (char c : s) {
      if (c == '\'') {
        for (int i = 0; i < replacement.length(); i++) {
          sb.append(replacement.charAt(i));
        }
      } else {
        sb.append(c);
      }
    }
  }

  private static boolean isShellPlain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "_./-:=,+@%^".indexOf(c) >= 0 || c > 0x7F;
  }

  private static boolean needsShellEscape(char[] s) {
    for (char c : s) {
      if (!isShellPlain(c) && c != '\n') {
        return true;
      }
    }
    return false;
  }

  /** Bash {@code printf %q} style: a backslash before every shell-special character. */
  private static void shellBackslash(char[] s, Chars sb) {
    for (char c : s) {
      if (!isShellPlain(c) && c != '\n') {
        sb.append('\\');
      }
      sb.append(c);
    }
  }

  private static int indexOf(char[] s, char c, int from) {
    for (int i = from; i < s.length; i++) {
      if (s[i] == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean startsWith(char[] s, String prefix) {
    if (s.length < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (s[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static char[] replaceCrLf(char[] s) {
    Chars b = new Chars(s.length);
    for (int i = 0; i < s.length; i++) {
      if (s[i] == '\r' && i + 1 < s.length && s[i + 1] == '\n') {
        continue;
      }
      b.append(s[i]);
    }
    char[] out = b.toArray();
    b.wipe();
    return out;
  }

  /** A growable char buffer that can be wiped (a {@code StringBuilder} cannot). */
  static final class Chars {
    private char[] buf;
    private int len;

    Chars(int capacity) {
      buf = new char[Math.max(16, capacity)];
    }

    Chars append(char c) {
      if (len == buf.length) {
        char[] bigger = Arrays.copyOf(buf, len * 2);
        Arrays.fill(buf, '\0');
        buf = bigger;
      }
      buf[len++] = c;
      return this;
    }

    Chars append(char[] s) {
      for (char c : s) {
        append(c);
      }
      return this;
    }

    int length() {
      return len;
    }

    boolean equalsArray(char[] other) {
      return other.length == len && Arrays.equals(buf, 0, len, other, 0, len);
    }

    char[] toArray() {
      return Arrays.copyOf(buf, len);
    }

    void clear() {
      Arrays.fill(buf, 0, len, '\0');
      len = 0;
    }

    void wipe() {
      Arrays.fill(buf, '\0');
      len = 0;
    }
  }
}
