package dev.keyhole.internal.redact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Every textual form in which a secret value commonly shows up in tool output: raw, per line,
 * JSON-escaped, percent-encoded, base64 at every byte alignment, hex, shell-quoted.
 *
 * <p>Forms are produced once per registration; matching never decodes text.
 */
final class Forms {
  private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();
  private static final char[] HEX_LOWER = "0123456789abcdef".toCharArray();

  /** A line of a multi-line value becomes a pattern of its own only above this entropy. */
  static final double MIN_LINE_BITS_PER_CHAR = 3.0;

  private Forms() {}

  /**
   * The distinct forms of a text value, each at least {@code minLength} characters long.
   *
   * @param value the secret's characters (not modified)
   * @param minLength shorter forms are dropped
   */
  static List<char[]> ofText(char[] value, int minLength) {
    Set<String> out = new LinkedHashSet<>();
    String raw = new String(value);
    for (String base : bases(raw, minLength)) {
      addTextForms(base, out);
      addByteForms(base.getBytes(StandardCharsets.UTF_8), out);
    }
    return finish(out, minLength);
  }

  /** The distinct forms of a binary value that is not valid UTF-8: base64 and hex of its bytes. */
  static List<char[]> ofBytes(byte[] value, int minLength) {
    Set<String> out = new LinkedHashSet<>();
    addByteForms(value, out);
    return finish(out, minLength);
  }

  private static List<char[]> finish(Set<String> forms, int minLength) {
    List<char[]> list = new ArrayList<>(forms.size());
    for (String f : forms) {
      if (f.length() >= minLength) {
        list.add(f.toCharArray());
      }
    }
    return list;
  }

  /** The raw value; for multi-line values also the LF form and every trimmed non-empty line. */
  static List<String> bases(String raw, int minLength) {
    List<String> bases = new ArrayList<>();
    bases.add(raw);
    if (raw.indexOf('\n') >= 0 || raw.indexOf('\r') >= 0) {
      String lf = raw.replace("\r\n", "\n");
      if (!lf.equals(raw)) {
        bases.add(lf);
      }
      for (String line : raw.split("\r\n|\r|\n", -1)) {
        String t = line.strip();
        // Lines must stand on their own: skip armor such as "-----BEGIN ... KEY-----" and
        // anything that is not clearly random.
        if (t.length() >= minLength && !t.startsWith("-----") && !ValueQuality.isLowEntropy(t)
            && ValueQuality.bitsPerChar(t) >= MIN_LINE_BITS_PER_CHAR) {
          bases.add(t);
        }
      }
    }
    return bases;
  }

  private static void addTextForms(String s, Set<String> out) {
    out.add(s);
    // JSON string escapes: Jackson's default, \\uXXXX for non-ASCII (both hex cases), "\/", and
    // Gson's HTML-safe escapes (<, >, &, =, ').
    for (int variant = 0; variant < 16; variant++) {
      out.add(json(s, (variant & 1) != 0, (variant & 2) != 0, (variant & 4) != 0,
          (variant & 8) != 0));
    }
    // Percent-encoding: java.net.URLEncoder / HTML forms (space as '+', and the common
    // "URLEncoder then + to %20" variant), RFC 3986, and JavaScript's encodeURIComponent, each with
    // upper- and lower-case hex.
    for (char[] hex : new char[][] {HEX_UPPER, HEX_LOWER}) {
      out.add(percent(s, ".-*_", true, hex));
      out.add(percent(s, ".-*_", false, hex));
      out.add(percent(s, "-._~", false, hex));
      out.add(percent(s, "-_.!~*'()", false, hex));
    }
    // Shell quoting.
    if (s.indexOf('"') >= 0 || s.indexOf('\'') >= 0 || s.indexOf('\\') >= 0
        || s.indexOf('$') >= 0 || s.indexOf('`') >= 0) {
      out.add(escapeChars(s, "\\\"$`"));
      out.add(s.replace("'", "'\\''"));
      out.add(s.replace("'", "'\"'\"'"));
      out.add(escapeChars(s, "\\\""));
      out.add(escapeChars(s, "\\'"));
    }
    if (needsShellEscape(s)) {
      out.add(shellBackslash(s));
    }
  }

  private static void addByteForms(byte[] bytes, Set<String> out) {
    out.add(hex(bytes, HEX_LOWER));
    out.add(hex(bytes, HEX_UPPER));
    for (Base64.Encoder enc :
        new Base64.Encoder[] {Base64.getEncoder().withoutPadding(),
            Base64.getUrlEncoder().withoutPadding()}) {
      for (int align = 0; align < 3; align++) {
        out.add(base64Core(enc, bytes, align));
      }
    }
  }

  /**
   * The base64 characters that depend only on {@code bytes} when they start {@code align} bytes
   * into a 3-byte group, whatever surrounds them. Neither padding nor the partial characters at the
   * edges are included, so the form does not reveal the length or depend on neighbours.
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

  static String hex(byte[] bytes, char[] digits) {
    char[] out = new char[bytes.length * 2];
    for (int i = 0; i < bytes.length; i++) {
      out[2 * i] = digits[(bytes[i] >> 4) & 0xF];
      out[2 * i + 1] = digits[bytes[i] & 0xF];
    }
    return new String(out);
  }

  /** A JSON string body, as Jackson writes it, with the optional escapes other writers use. */
  static String json(
      String s, boolean escapeNonAscii, boolean slash, boolean htmlSafe, boolean upperHex) {
    char[] hex = upperHex ? HEX_UPPER : HEX_LOWER;
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        case '/' -> sb.append(slash ? "\\/" : "/");
        default -> {
          boolean html = htmlSafe && (c == '<' || c == '>' || c == '&' || c == '=' || c == '\'');
          if (c < 0x20 || html || (c > 0x7F && escapeNonAscii)) {
            sb.append("\\u").append(hex[(c >> 12) & 0xF]).append(hex[(c >> 8) & 0xF])
                .append(hex[(c >> 4) & 0xF]).append(hex[c & 0xF]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }

  /** Percent-encodes the UTF-8 bytes of {@code s}, keeping ASCII alphanumerics and {@code safe}. */
  static String percent(String s, String safe, boolean spaceAsPlus, char[] hex) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length * 2);
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
    return sb.toString();
  }

  private static String escapeChars(String s, String special) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (special.indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  private static boolean isShellPlain(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || "_./-:=,+@%^".indexOf(c) >= 0 || c > 0x7F;
  }

  private static boolean needsShellEscape(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isShellPlain(c) && c != '\n') {
        return true;
      }
    }
    return false;
  }

  /** Bash {@code printf %q} style: a backslash before every shell-special character. */
  private static String shellBackslash(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!isShellPlain(c) && c != '\n') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
