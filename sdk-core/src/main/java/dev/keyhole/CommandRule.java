package dev.keyhole;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A command that a grant (or a process tool) allows: a program and the arguments its argument list
 * must start with, written as one line of words separated by spaces:
 *
 * <ul>
 *   <li>{@code git push} — {@code git push}, {@code git push origin main}; not {@code git -c x push},
 *       not {@code git status};
 *   <li>{@code git fetch origin} — only fetches from {@code origin};
 *   <li>{@code ./deploy.sh --check} — the workspace script {@code deploy.sh} (run by a path such as
 *       {@code ./deploy.sh}, never found on {@code PATH}) whose first argument is {@code --check};
 *   <li>{@code pg_dump} — the program with any arguments.
 * </ul>
 *
 * <p>The program is a file name: {@code argv[0]}'s last path segment must equal it. Written as
 * {@code ./name}, the call must also name the program by a path (the process tool keeps paths
 * inside its workspace root); written as a bare {@code name}, the program may come from either
 * {@code PATH} or the workspace. The words after the program must equal the call's next arguments,
 * one by one, exactly (no patterns, no quoting: a word cannot hold a space); later arguments are
 * free, so an argument prefix is a floor, not a fence: prefer the longest prefix the use needs.
 *
 * <p>Immutable. Contains no secret.
 */
public final class CommandRule {
  private static final Pattern WORDS = Pattern.compile("\\s+");

  private final String program;
  private final boolean byPath;
  private final List<String> prefix;

  private CommandRule(String program, boolean byPath, List<String> prefix) {
    this.program = program;
    this.byPath = byPath;
    this.prefix = List.copyOf(prefix);
  }

  /**
   * Parses a rule such as {@code git push} or {@code ./deploy.sh --check}.
   *
   * @throws IllegalArgumentException for a blank rule, control characters, or a program with a
   *     path other than a leading {@code ./}
   */
  public static CommandRule parse(String text) {
    Objects.requireNonNull(text, "text");
    String t = text.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("A command rule may not be blank; write the program and"
          + " the arguments it must start with, e.g. 'git push' or './deploy.sh --check'");
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (Character.isISOControl(c) && !Character.isWhitespace(c)) {
        throw new IllegalArgumentException("Command rule '" + t.replaceAll("\\p{Cntrl}", "?")
            + "' holds a control character");
      }
    }
    String[] words = WORDS.split(t, -1);
    String first = words[0];
    boolean byPath = first.startsWith("./");
    String program = byPath ? first.substring(2) : first;
    if (program.isEmpty() || program.contains("/") || program.contains("\\")
        || program.equals(".") || program.equals("..")) {
      throw new IllegalArgumentException("Command rule '" + t + "' is invalid: name the program by"
          + " its file name without a path ('git', 'pg_dump'), or as './name' for a script in the"
          + " workspace, followed by the arguments it must start with");
    }
    List<String> prefix = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      prefix.add(words[i]);
    }
    return new CommandRule(program, byPath, prefix);
  }

  /** The program's file name (no path). */
  public String program() {
    return program;
  }

  /** Whether the rule was written {@code ./name}: the call must name the program by a path. */
  public boolean byPath() {
    return byPath;
  }

  /** The words the call's arguments (after the program) must start with. */
  public List<String> argumentPrefix() {
    return prefix;
  }

  /** Whether {@code argv} (program first, as the call names it) is allowed by this rule. */
  public boolean matches(List<String> argv) {
    if (argv.isEmpty() || argv.size() - 1 < prefix.size()) {
      return false;
    }
    String exe = argv.get(0).replace('\\', '/');
    int slash = exe.lastIndexOf('/');
    if (byPath && slash < 0) {
      return false;
    }
    if (!exe.substring(slash + 1).equals(program)) {
      return false;
    }
    for (int i = 0; i < prefix.size(); i++) {
      if (!prefix.get(i).equals(argv.get(i + 1))) {
        return false;
      }
    }
    return true;
  }

  /** The canonical text: {@code ./deploy.sh --check}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(byPath ? "./" : "").append(program);
    for (String w : prefix) {
      sb.append(' ').append(w);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CommandRule r && r.toString().equals(toString());
  }

  @Override
  public int hashCode() {
    return toString().hashCode();
  }
}
