package dev.keyhole.cli.scan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules of one {@code .gitignore} (or {@code .git/info/exclude}) file, matched the way git does:
 * blank lines and {@code #} comments are skipped; {@code \#} and {@code \!} escape a leading
 * character; trailing unescaped spaces are dropped; {@code !} re-includes; a trailing {@code /}
 * matches directories only; a pattern with a {@code /} at its start or middle is anchored to the
 * file's directory, otherwise it matches a name at any depth; {@code *}, {@code ?} and
 * {@code [...]} never match {@code /}; a leading {@code **}{@code /}, a trailing {@code /**} and an
 * inner {@code /**}{@code /} match any number of directories. Within one file the last matching
 * rule wins. Immutable.
 */
final class GitIgnore {
  private final Path dir;
  private final List<Rule> rules;

  private record Rule(Pattern pattern, boolean negated, boolean dirOnly) {}

  private GitIgnore(Path dir, List<Rule> rules) {
    this.dir = dir;
    this.rules = List.copyOf(rules);
  }

  /** Parses {@code text} as the ignore file of directory {@code dir} (an absolute path). */
  static GitIgnore parse(Path dir, String text) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : text.split("\r?\n", -1)) {
      Rule r = compile(raw);
      if (r != null) {
        rules.add(r);
      }
    }
    return new GitIgnore(dir, rules);
  }

  Path dir() {
    return dir;
  }

  /**
   * Whether the last rule matching {@code path} ignores it ({@code Optional.of(true)}), re-includes
   * it ({@code false}), or no rule matches (empty). {@code path} must lie under {@link #dir()}.
   */
  Optional<Boolean> decide(Path path, boolean isDirectory) {
    String rel = relative(path);
    if (rel.isEmpty()) {
      return Optional.empty();
    }
    for (int i = rules.size() - 1; i >= 0; i--) {
      Rule r = rules.get(i);
      if (r.dirOnly && !isDirectory) {
        continue;
      }
      if (r.pattern.matcher(rel).matches()) {
        return Optional.of(!r.negated);
      }
    }
    return Optional.empty();
  }

  private String relative(Path path) {
    return Texts.slashed(dir.relativize(path));
  }


  private static Rule compile(String raw) {
    String line = stripTrailingSpaces(raw);
    if (line.isEmpty() || line.startsWith("#")) {
      return null;
    }
    boolean negated = false;
    if (line.startsWith("!")) {
      negated = true;
      line = line.substring(1);
    } else if (line.startsWith("\\!") || line.startsWith("\\#")) {
      line = line.substring(1);
    }
    boolean dirOnly = false;
    if (line.endsWith("/") && !line.endsWith("\\/")) {
      dirOnly = true;
      line = line.substring(0, line.length() - 1);
    }
    if (line.isEmpty()) {
      return null;
    }
    boolean anchored = line.indexOf('/') >= 0;
    if (line.startsWith("/")) {
      line = line.substring(1);
    }
    String regex = globToRegex(line);
    if (!anchored) {
      regex = "(?:.*/)?" + regex;
    }
    return new Rule(Pattern.compile(regex, Pattern.DOTALL), negated, dirOnly);
  }

  private static String stripTrailingSpaces(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ' && !(end >= 2 && s.charAt(end - 2) == '\\')) {
      end--;
    }
    return s.substring(0, end);
  }

  /** Translates one glob (already without its leading '/' and trailing '/') to a regex. */
  static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    int n = glob.length();
    int i = 0;
    while (i < n) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < n && glob.charAt(i + 1) == '*') {
        boolean atStart = i == 0;
        boolean slashBefore = i > 0 && glob.charAt(i - 1) == '/';
        boolean atEnd = i + 2 == n;
        boolean slashAfter = i + 2 < n && glob.charAt(i + 2) == '/';
        if (atStart && slashAfter) { // "**/x": any leading directories
          re.append("(?:.*/)?");
          i += 3;
          continue;
        }
        if (slashBefore && atEnd) { // "x/**": everything inside
          re.append(".*");
          i += 2;
          continue;
        }
        if (slashBefore && slashAfter) { // "a/**/b": zero or more directories
          re.append("(?:.*/)?");
          i += 3;
          continue;
        }
        // any other "**" is an ordinary "*"
        re.append("[^/]*");
        i += 2;
        continue;
      }
      switch (c) {
        case '*' -> re.append("[^/]*");
        case '?' -> re.append("[^/]");
        case '[' -> {
          int close = classEnd(glob, i);
          if (close < 0) {
            re.append("\\[");
          } else {
            re.append(characterClass(glob.substring(i + 1, close)));
            i = close;
          }
        }
        case '\\' -> {
          if (i + 1 < n) {
            re.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
          } else {
            re.append("\\\\");
          }
        }
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
      i++;
    }
    return re.toString();
  }

  private static int classEnd(String glob, int open) {
    int j = open + 1;
    if (j < glob.length() && (glob.charAt(j) == '!' || glob.charAt(j) == '^')) {
      j++;
    }
    if (j < glob.length() && glob.charAt(j) == ']') {
      j++;
    }
    while (j < glob.length()) {
      if (glob.charAt(j) == ']') {
        return j;
      }
      j++;
    }
    return -1;
  }

  private static String characterClass(String body) {
    StringBuilder sb = new StringBuilder("(?:(?!/)[");
    int k = 0;
    if (!body.isEmpty() && (body.charAt(0) == '!' || body.charAt(0) == '^')) {
      sb.append('^');
      k = 1;
    }
    for (; k < body.length(); k++) {
      char ch = body.charAt(k);
      if (ch == '-' && k > 0 && k < body.length() - 1) {
        sb.append('-');
      } else if (Character.isLetterOrDigit(ch)) {
        sb.append(ch);
      } else {
        sb.append('\\').append(ch);
      }
    }
    return sb.append("])").toString();
  }

  @Override
  public String toString() {
    return "GitIgnore[" + dir + ", " + rules.size() + " rules]";
  }
}
