package dev.keyhole.redact;

import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Translates a Go RE2 regular expression (as written in gitleaks rule files) into a Java one with
 * the same meaning, or says which feature Java lacks. Handled: {@code (?P<name>...)} and
 * {@code (?<name>...)} groups (kept as numbered groups), POSIX classes ({@code [[:alpha:]]}),
 * literal braces (<code>a&#123;</code>), and characters that are literal inside an RE2 class but
 * special in Java (<code>[</code>, <code>&amp;&amp;</code>). Refused: {@code (?U)} (ungreedy in RE2, Unicode classes in Java),
 * {@code \C}, octal escapes ({@code \1} is a back-reference in Java).
 */
final class Re2 {
  private static final Map<String, String> POSIX = Map.ofEntries(
      Map.entry("alnum", "\\p{Alnum}"), Map.entry("alpha", "\\p{Alpha}"),
      Map.entry("ascii", "\\p{ASCII}"), Map.entry("blank", "\\p{Blank}"),
      Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("digit", "\\p{Digit}"),
      Map.entry("graph", "\\p{Graph}"), Map.entry("lower", "\\p{Lower}"),
      Map.entry("print", "\\p{Print}"), Map.entry("punct", "\\p{Punct}"),
      Map.entry("space", "\\s"), Map.entry("upper", "\\p{Upper}"), Map.entry("word", "\\w"),
      Map.entry("xdigit", "\\p{XDigit}"));
  private static final Pattern REPEAT = Pattern.compile("\\{\\d+(?:,\\d*)?}");

  /** A regex feature Java cannot express the RE2 way. */
  static final class UnsupportedRegexException extends Exception {
    private static final long serialVersionUID = 1L;

    UnsupportedRegexException(String message) {
      super(message, null, false, false);
    }
  }

  private Re2() {}

  static Pattern compile(String re2) throws UnsupportedRegexException {
    String java = translate(re2);
    try {
      return Pattern.compile(java);
    } catch (PatternSyntaxException e) {
      throw new UnsupportedRegexException("Java cannot compile it (" + e.getDescription()
          + " near index " + e.getIndex() + ")");
    }
  }

  static String translate(String re) throws UnsupportedRegexException {
    StringBuilder out = new StringBuilder(re.length() + 16);
    boolean inClass = false;
    int i = 0;
    int n = re.length();
    while (i < n) {
      char c = re.charAt(i);
      if (c == '\\') {
        if (i + 1 >= n) {
          throw new UnsupportedRegexException("it ends with a lone backslash");
        }
        char d = re.charAt(i + 1);
        if (d == 'C') {
          throw new UnsupportedRegexException("\\C (any byte) has no Java equivalent");
        }
        if (d >= '0' && d <= '9' && !(d == '0' && (i + 2 >= n || !Character.isDigit(re.charAt(i + 2))))) {
          throw new UnsupportedRegexException("octal escape \\" + d
              + "... is a back-reference in Java; write \\x{..} instead");
        }
        if (d == 'Q') {
          int end = re.indexOf("\\E", i + 2);
          int stop = end < 0 ? n : end + 2;
          out.append(re, i, stop);
          i = stop;
          continue;
        }
        out.append(c).append(d);
        i += 2;
        continue;
      }
      if (inClass) {
        if (c == '[' && re.startsWith("[:", i)) {
          int close = re.indexOf(":]", i + 2);
          if (close < 0) {
            throw new UnsupportedRegexException("unterminated POSIX class");
          }
          String name = re.substring(i + 2, close);
          boolean negated = name.startsWith("^");
          String java = POSIX.get(negated ? name.substring(1) : name);
          if (java == null) {
            throw new UnsupportedRegexException("unknown POSIX class [:" + name + ":]");
          }
          out.append(negated ? negate(java) : java);
          i = close + 2;
          continue;
        }
        if (c == '[') {
          out.append("\\[");
        } else if (c == '&' && i + 1 < n && re.charAt(i + 1) == '&') {
          out.append("&\\&");
          i += 2;
          continue;
        } else if (c == ']') {
          inClass = false;
          out.append(c);
        } else {
          out.append(c);
        }
        i++;
        continue;
      }
      if (c == '[') {
        inClass = true;
        out.append(c);
        i++;
        if (i < n && re.charAt(i) == '^') {
          out.append('^');
          i++;
        }
        if (i < n && re.charAt(i) == ']') {
          out.append("\\]");
          i++;
        }
        continue;
      }
      if (c == '(' && re.startsWith("(?", i)) {
        if (re.startsWith("(?P<", i) || (re.startsWith("(?<", i) && i + 3 < n
            && re.charAt(i + 3) != '=' && re.charAt(i + 3) != '!')) {
          int close = re.indexOf('>', i);
          if (close < 0) {
            throw new UnsupportedRegexException("unterminated group name");
          }
          out.append('(');
          i = close + 1;
          continue;
        }
        int j = i + 2;
        while (j < n && (Character.isLetter(re.charAt(j)) || re.charAt(j) == '-')) {
          if (re.charAt(j) == 'U') {
            throw new UnsupportedRegexException("flag U (ungreedy) means something else in Java;"
                + " write lazy quantifiers (*?, +?) instead");
          }
          j++;
        }
      }
      if (c == '{' && !REPEAT.matcher(re).region(i, n).lookingAt()) {
        out.append("\\{");
        i++;
        continue;
      }
      out.append(c);
      i++;
    }
    if (inClass) {
      throw new UnsupportedRegexException("unterminated character class");
    }
    return out.toString();
  }

  private static String negate(String java) {
    if (java.startsWith("\\p")) {
      return "\\P" + java.substring(2);
    }
    return java.equals("\\s") ? "\\S" : "\\W";
  }
}
