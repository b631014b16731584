package dev.keyhole.cli.scan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YAML, JSON and properties-like files: a scalar under a secret-named key ({@code password},
 * {@code client_secret}, {@code apiKey}, ...) that is not a placeholder, template or reference; and
 * passwords inside URLs anywhere. YAML and JSON are read with Jackson's streaming parser so nested
 * keys get their full path ({@code database.password}); a file that does not parse (a Helm template,
 * say) is read line by line instead.
 */
final class ConfigAnalyzer {
  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();

  /** {@code key = value}, {@code key: value}, {@code - key: value}; quotes optional. */
  private static final Pattern LINE = Pattern.compile(
      "^[ \\t]*(?:-[ \\t]+)?[\"']?([A-Za-z0-9_.\\-\\[\\]@/]+)[\"']?[ \\t]*[:=][ \\t]*(.*?)[ \\t]*$");

  private ConfigAnalyzer() {}

  /** The result: candidates, and a warning when the structured parse failed. */
  record Result(List<Candidate> candidates, String warning) {}

  static Result analyze(String text, FileType type) {
    if (type == FileType.YAML || type == FileType.JSON) {
      try {
        return new Result(structured(text, type == FileType.YAML ? YAML : JSON), null);
      } catch (JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        return new Result(lines(text), "not valid " + type + (line > 0 ? " (line " + line + ")" : "")
            + "; read line by line instead");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Result(lines(text), null);
  }

  private static List<Candidate> structured(String text, JsonFactory factory) throws IOException {
    List<Candidate> out = new ArrayList<>();
    int[] lineStarts = Texts.lineStarts(text);
    try (JsonParser p = factory.createParser(text)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.VALUE_STRING && t != JsonToken.VALUE_NUMBER_INT) {
          continue;
        }
        String value = p.getText();
        JsonPointer ptr = p.getParsingContext().pathAsPointer();
        String key = keyPath(ptr);
        String name = lastName(ptr);
        JsonLocation loc = p.currentTokenLocation();
        int[] span = span(text, lineStarts, loc.getLineNr(), loc.getColumnNr(), value);
        if (span == null) {
          continue;
        }
        boolean exact = text.substring(span[0], span[1]).equals(value);
        KeyValueRule.judge(out, Rules.CONFIG_SECRET, name == null ? "" : name, key, value,
            span[0], span[1], exact);
      }
    }
    return out;
  }

  /** The value's characters: inside quotes when quoted; for block scalars, its first line. */
  private static int[] span(String text, int[] lineStarts, int line, int column, String value) {
    if (line < 1 || line > lineStarts.length) {
      return null;
    }
    int at = Math.min(text.length(), lineStarts[line - 1] + Math.max(0, column - 1));
    if (at < text.length()) {
      char c = text.charAt(at);
      if (c == '"' || c == '\'') {
        int j = at + 1;
        while (j < text.length()) {
          char d = text.charAt(j);
          if (c == '"' && d == '\\') {
            j += 2;
            continue;
          }
          if (d == c) {
            if (c == '\'' && j + 1 < text.length() && text.charAt(j + 1) == '\'') {
              j += 2;
              continue;
            }
            break;
          }
          j++;
        }
        return new int[] {at + 1, Math.min(j, text.length())};
      }
      if (text.startsWith(value, at)) {
        return new int[] {at, at + value.length()};
      }
    }
    // block scalars and folded plain scalars: point at the first line of the value
    String first = value.lines().findFirst().orElse("").strip();
    if (first.isEmpty()) {
      return null;
    }
    int found = text.indexOf(first, at);
    return found < 0 ? null : new int[] {found, found + first.length()};
  }

  private static String keyPath(JsonPointer ptr) {
    StringBuilder sb = new StringBuilder();
    for (JsonPointer p = ptr; p != null && !p.matches(); p = p.tail()) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(p.getMatchingIndex() >= 0 ? String.valueOf(p.getMatchingIndex())
          : p.getMatchingProperty());
    }
    return sb.toString();
  }

  private static String lastName(JsonPointer ptr) {
    String name = null;
    for (JsonPointer p = ptr; p != null && !p.matches(); p = p.tail()) {
      if (p.getMatchingIndex() < 0) {
        name = p.getMatchingProperty();
      }
    }
    return name;
  }

  /** Line-by-line reading of {@code key = value} / {@code key: value} files. */
  static List<Candidate> lines(String text) {
    List<Candidate> out = new ArrayList<>();
    Texts.forEachLine(text, (ls, line) -> {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")
          || trimmed.startsWith("!") || trimmed.startsWith("//") || trimmed.startsWith("[")) {
        return;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        KeyValueRule.urlPassword(out, "", line, ls, true);
        return;
      }
      String key = m.group(1);
      int vs = m.start(2);
      int ve = m.end(2);
      String raw = line.substring(vs, ve);
      if (raw.length() >= 2 && (raw.charAt(0) == '"' || raw.charAt(0) == '\'')) {
        int close = raw.indexOf(raw.charAt(0), 1);
        if (close > 0) {
          vs += 1;
          ve = vs + close - 1;
        }
      } else {
        int comment = indexOfComment(raw);
        if (comment >= 0) {
          ve = vs + comment;
          while (ve > vs && Character.isWhitespace(line.charAt(ve - 1))) {
            ve--;
          }
        }
      }
      KeyValueRule.judge(out, Rules.CONFIG_SECRET, key, key, line.substring(vs, ve), ls + vs,
          ls + ve, true);
    });
    return out;
  }

  private static int indexOfComment(String raw) {
    for (int i = 1; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if ((c == '#' || c == ';') && Character.isWhitespace(raw.charAt(i - 1))) {
        return i;
      }
    }
    return -1;
  }
}
