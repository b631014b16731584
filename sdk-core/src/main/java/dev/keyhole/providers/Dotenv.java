package dev.keyhole.providers;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code .env} parser following the common dotenv conventions: {@code KEY=value} lines, an
 * optional {@code export } prefix, {@code #} comments (whole-line, or after whitespace in unquoted
 * values), single quotes (literal), double quotes (escapes {@code \n \r \t \" \\ \$}) and backticks
 * (literal), quoted values spanning lines, surrounding whitespace trimmed from unquoted values, CRLF
 * line ends. Variable expansion ({@code ${OTHER}}) is not performed. Later keys win.
 *
 * <p>Security: error messages give line numbers only, never content.
 */
public final class Dotenv {
  private Dotenv() {}

  /** A syntax error, with its line number. */
  public static final class DotenvSyntaxException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    DotenvSyntaxException(String message) {
      super(message);
    }
  }

  /** One parsed entry and where its key is. */
  public record Entry(String key, String value, int line, int column, boolean quoted) {
    @Override
    public String toString() {
      return "Entry[" + key + " at " + line + ":" + column + "]";
    }
  }

  /** Parses {@code text} into key to value. */
  public static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Entry e : entries(text)) {
      out.put(e.key(), e.value());
    }
    return out;
  }

  /** Parses {@code text} into entries in file order (duplicates kept), with positions. */
  public static java.util.List<Entry> entries(String text) {
    java.util.List<Entry> out = new java.util.ArrayList<>();
    String s = text.replace("\r\n", "\n");
    if (s.startsWith("\uFEFF")) {
      s = s.substring(1);
    }
    int i = 0;
    int line = 1;
    int n = s.length();
    while (i < n) {
      // skip leading blanks
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      char c = s.charAt(i);
      if (c == '\n') {
        i++;
        line++;
        continue;
      }
      if (c == '#') {
        while (i < n && s.charAt(i) != '\n') {
          i++;
        }
        continue;
      }
      int lineStart = s.lastIndexOf('\n', i - 1) + 1;
      if (s.startsWith("export ", i) || s.startsWith("export\t", i)) {
        i += 7;
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
      }
      int keyStart = i;
      while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_'
          || s.charAt(i) == '.' || s.charAt(i) == '-')) {
        i++;
      }
      String key = s.substring(keyStart, i);
      int column = keyStart - lineStart + 1;
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
      if (key.isEmpty() || i >= n || (s.charAt(i) != '=' && s.charAt(i) != ':')) {
        throw new DotenvSyntaxException("line " + line + ": expected KEY=VALUE");
      }
      i++; // '=' (or YAML-style ':')
      while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
        i++;
      }
      int startLine = line;
      StringBuilder v = new StringBuilder();
      boolean quoted = false;
      if (i < n && (s.charAt(i) == '"' || s.charAt(i) == '\'' || s.charAt(i) == '`')) {
        char q = s.charAt(i++);
        quoted = true;
        boolean closed = false;
        while (i < n) {
          char d = s.charAt(i);
          if (d == q) {
            closed = true;
            i++;
            break;
          }
          if (d == '\n') {
            line++;
          }
          if (q == '"' && d == '\\' && i + 1 < n) {
            char e = s.charAt(i + 1);
            switch (e) {
              case 'n' -> v.append('\n');
              case 'r' -> v.append('\r');
              case 't' -> v.append('\t');
              case '"' -> v.append('"');
              case '\\' -> v.append('\\');
              case '$' -> v.append('$');
              default -> v.append('\\').append(e);
            }
            i += 2;
            continue;
          }
          v.append(d);
          i++;
        }
        if (!closed) {
          throw new DotenvSyntaxException("line " + startLine + ": the quoted value of '" + key
              + "' is not closed");
        }
        // rest of line: only whitespace or a comment
        while (i < n && s.charAt(i) != '\n') {
          char d = s.charAt(i);
          if (d == '#') {
            while (i < n && s.charAt(i) != '\n') {
              i++;
            }
            break;
          }
          if (d != ' ' && d != '\t') {
            throw new DotenvSyntaxException("line " + line + ": unexpected text after the closing"
                + " quote of '" + key + "'");
          }
          i++;
        }
      } else {
        while (i < n && s.charAt(i) != '\n') {
          char d = s.charAt(i);
          if (d == '#' && (v.length() == 0 || v.charAt(v.length() - 1) == ' '
              || v.charAt(v.length() - 1) == '\t')) {
            while (i < n && s.charAt(i) != '\n') {
              i++;
            }
            break;
          }
          v.append(d);
          i++;
        }
      }
      String value = quoted ? v.toString() : v.toString().strip();
      out.add(new Entry(key, value, startLine, column, quoted));
    }
    return out;
  }
}
