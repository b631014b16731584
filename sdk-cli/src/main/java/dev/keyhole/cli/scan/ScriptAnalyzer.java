package dev.keyhole.cli.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scripts (shell, PowerShell, batch, Dockerfile, Makefile): literal values given to secret-named
 * variables ({@code export API_TOKEN=...}, {@code $env:API_KEY = "..."}, {@code ENV DB_PASSWORD=...}),
 * to secret flags ({@code --password=...}, {@code --token ...}), to {@code curl -u user:pass}, and to
 * {@code Authorization:} headers. Values that are variables or command substitutions
 * ({@code "$TOKEN"}, {@code ${X:-y}}, {@code $(op read ...)}) are what a script should do and are
 * not flagged.
 */
final class ScriptAnalyzer {
  private static final Pattern ASSIGN = Pattern.compile(
      "(?:^|[;&|({]\\s*|\\s)(?:export\\s+|set\\s+|local\\s+|readonly\\s+|typeset\\s+|ENV\\s+|ARG\\s+"
          + "|declare(?:\\s+-\\w+)*\\s+)?(?:\\$env:)?([A-Za-z_][A-Za-z0-9_]*)\\s*:?=\\s*");
  private static final Pattern FLAG = Pattern.compile(
      "(?i)(?:^|\\s)--?((?:db-|database-|admin-|client-|api-|access-|auth-|secret-|private-)?"
          + "(?:password|passwd|pass|token|secret|api-?key|access-token|auth-token))(?:=|\\s+)");
  private static final Pattern BASIC_USER = Pattern.compile("(?:^|\\s)(?:-u|--user)\\s+");
  private static final Pattern AUTH_HEADER = Pattern.compile(
      "(?i)Authorization:\\s*(?:Bearer|Basic|token)\\s+");

  private ScriptAnalyzer() {}

  static List<Candidate> analyze(String text) {
    List<Candidate> out = new ArrayList<>();
    Texts.forEachLine(text, (ls, line) -> {
      String trimmed = line.stripLeading();
      if (trimmed.startsWith("#") || trimmed.startsWith("REM ") || trimmed.startsWith("::")) {
        return;
      }
      int before = out.size();
      Matcher m = ASSIGN.matcher(line);
      while (m.find()) {
        int[] v = value(line, m.end());
        if (v != null && !isExpansion(line.substring(v[0], v[1]))) {
          String name = m.group(1);
          KeyValueRule.judge(out, Rules.SCRIPT_SECRET, name, name, line.substring(v[0], v[1]),
              ls + v[0], ls + v[1], true);
        }
      }
      m = FLAG.matcher(line);
      while (m.find()) {
        int[] v = value(line, m.end());
        if (v != null) {
          String val = line.substring(v[0], v[1]);
          String flag = m.group(1);
          if (!looksLikePath(val) && !isExpansion(val)) {
            judgeAlways(out, flag, val, ls + v[0], ls + v[1]);
          }
        }
      }
      m = BASIC_USER.matcher(line);
      while (m.find()) {
        int[] v = value(line, m.end());
        if (v != null) {
          String userPass = line.substring(v[0], v[1]);
          int colon = userPass.indexOf(':');
          if (colon > 0 && colon < userPass.length() - 1) {
            judgeAlways(out, "password", userPass.substring(colon + 1), ls + v[0] + colon + 1,
                ls + v[1]);
          }
        }
      }
      m = AUTH_HEADER.matcher(line);
      while (m.find()) {
        int e = m.end();
        while (e < line.length() && !Character.isWhitespace(line.charAt(e))
            && line.charAt(e) != '"' && line.charAt(e) != '\'') {
          e++;
        }
        if (e > m.end()) {
          judgeAlways(out, "authorization", line.substring(m.end(), e), ls + m.end(), ls + e);
        }
      }
      if (out.size() == before) {
        KeyValueRule.urlPassword(out, "", line, ls, true);
      }
    });
    return out;
  }

  /** A flag or header is secret by position; only its value is judged. */
  private static void judgeAlways(List<Candidate> out, String name, String value, int start,
      int end) {
    if (value.isBlank() || Heuristics.isPlaceholder(value) || Heuristics.isReference(value)) {
      return;
    }
    out.add(new Candidate(start, end, Rules.SCRIPT_SECRET, Rules.kind(Rules.SCRIPT_SECRET), name,
        Candidate.RULE, value));
  }

  /** A shell/PowerShell/batch expansion: the script reads the value, it does not hold it. */
  private static boolean isExpansion(String v) {
    return v.startsWith("$") || v.startsWith("`") || (v.startsWith("%") && v.indexOf('%', 1) > 0);
  }

  private static boolean looksLikePath(String v) {
    return v.startsWith("/") || v.startsWith("./") || v.startsWith("~/") || v.startsWith("../")
        || v.endsWith(".pem") || v.endsWith(".key") || v.endsWith(".txt") || v.endsWith(".json");
  }

  /** The value starting at {@code at}: inside quotes, or up to whitespace or a shell operator. */
  private static int[] value(String line, int at) {
    if (at >= line.length()) {
      return null;
    }
    char c = line.charAt(at);
    if (c == '"' || c == '\'') {
      int j = at + 1;
      while (j < line.length() && line.charAt(j) != c) {
        j += (c == '"' && line.charAt(j) == '\\') ? 2 : 1;
      }
      return j >= line.length() ? null : new int[] {at + 1, j};
    }
    int j = at;
    while (j < line.length() && !Character.isWhitespace(line.charAt(j))
        && ";&|)".indexOf(line.charAt(j)) < 0) {
      j++;
    }
    return j == at ? null : new int[] {at, j};
  }
}
