package dev.keyhole.cli.scan;

import dev.keyhole.providers.Dotenv;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads {@code .env} files with core's {@link Dotenv} parser (the same one Keyhole's
 * {@code DotenvProvider} resolves with) and locates, for each entry, the exact characters of its
 * value, so a finding can point at it and a migration can replace it without touching anything
 * else on the line ({@code export}, comments, spacing).
 *
 * <p>All offsets refer to the {@linkplain #normalize normalized} text (LF line ends, no BOM), which
 * is what {@link Dotenv} parses; {@link #denormalize} restores the original line ends and BOM.
 */
public final class EnvFiles {
  private EnvFiles() {}

  /**
   * One entry and where its value is.
   *
   * <p>Security: holds the value; {@code toString} prints the key and position only.
   */
  public static final class Entry {
    private final String key;
    private final String value;
    private final int line;
    private final int column;
    private final boolean quoted;
    private final int rawStart;
    private final int rawEnd;
    private final int innerStart;
    private final int innerEnd;

    Entry(String key, String value, int line, int column, boolean quoted, int rawStart, int rawEnd,
        int innerStart, int innerEnd) {
      this.key = key;
      this.value = value;
      this.line = line;
      this.column = column;
      this.quoted = quoted;
      this.rawStart = rawStart;
      this.rawEnd = rawEnd;
      this.innerStart = innerStart;
      this.innerEnd = innerEnd;
    }

    public String key() {
      return key;
    }

    /** The parsed value, as {@code DotenvProvider} would resolve it. */
    public String value() {
      return value;
    }

    /** 1-based line of the key. */
    public int line() {
      return line;
    }

    /** 1-based column of the key. */
    public int column() {
      return column;
    }

    public boolean quoted() {
      return quoted;
    }

    /** Offset of the value as written, including its quotes. */
    public int rawStart() {
      return rawStart;
    }

    /** Offset just past the value as written, including its closing quote. */
    public int rawEnd() {
      return rawEnd;
    }

    /** Offset of the first character inside the quotes (or of the unquoted value). */
    public int innerStart() {
      return innerStart;
    }

    /** Offset just past the last character inside the quotes. */
    public int innerEnd() {
      return innerEnd;
    }

    @Override
    public String toString() {
      return "Entry[" + key + " at " + line + ":" + column + "]";
    }
  }

  /** Thrown when a {@code .env} file is not valid; the message has a line number, no content. */
  public static final class InvalidEnvFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    InvalidEnvFileException(String message) {
      super(message);
    }
  }

  /** LF line ends and no byte-order mark: the text {@link Dotenv} parses. */
  public static String normalize(String text) {
    String s = text.replace("\r\n", "\n");
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  /** Puts back the BOM and CRLF line ends of {@code original} into {@code normalized}. */
  public static String denormalize(String normalized, String original) {
    String s = normalized;
    if (original.contains("\r\n")) {
      s = s.replace("\n", "\r\n");
    }
    return original.startsWith("\uFEFF") ? "\uFEFF" + s : s;
  }

  /**
   * Parses {@code normalized} text and locates every entry's value.
   *
   * @throws InvalidEnvFileException if the file is not valid dotenv (the message names the line)
   */
  public static List<Entry> read(String normalized) {
    List<Dotenv.Entry> parsed;
    try {
      parsed = Dotenv.entries(normalized);
    } catch (Dotenv.DotenvSyntaxException e) {
      throw new InvalidEnvFileException(e.getMessage());
    }
    int[] lineStarts = Texts.lineStarts(normalized);
    List<Entry> out = new ArrayList<>(parsed.size());
    for (Dotenv.Entry e : parsed) {
      out.add(locate(normalized, lineStarts, e));
    }
    return out;
  }

  private static Entry locate(String s, int[] lineStarts, Dotenv.Entry e) {
    int i = lineStarts[e.line() - 1] + e.column() - 1;
    if (!s.startsWith(e.key(), i)) {
      throw located(e);
    }
    i += e.key().length();
    int n = s.length();
    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    if (i >= n || (s.charAt(i) != '=' && s.charAt(i) != ':')) {
      throw located(e);
    }
    i++;
    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    int rawStart = i;
    if (e.quoted()) {
      char q = s.charAt(i);
      int j = i + 1;
      while (j < n && s.charAt(j) != q) {
        j += (q == '"' && s.charAt(j) == '\\' && j + 1 < n) ? 2 : 1;
      }
      if (j >= n) {
        throw located(e);
      }
      // decode exactly as core does, by letting its parser read the quoted value alone
      String decoded = Dotenv.entries("K=" + s.substring(i, j + 1)).get(0).value();
      if (!decoded.equals(e.value())) {
        throw located(e);
      }
      return new Entry(e.key(), e.value(), e.line(), e.column(), true, rawStart, j + 1, i + 1, j);
    }
    int j = i;
    while (j < n && s.charAt(j) != '\n') {
      char d = s.charAt(j);
      if (d == '#' && (j == rawStart || s.charAt(j - 1) == ' ' || s.charAt(j - 1) == '\t')) {
        break;
      }
      j++;
    }
    while (j > rawStart && (s.charAt(j - 1) == ' ' || s.charAt(j - 1) == '\t')) {
      j--;
    }
    if (!s.substring(rawStart, j).equals(e.value())) {
      throw located(e);
    }
    return new Entry(e.key(), e.value(), e.line(), e.column(), false, rawStart, j, rawStart, j);
  }

  private static InvalidEnvFileException located(Dotenv.Entry e) {
    return new InvalidEnvFileException("line " + e.line() + ": cannot locate the value of '"
        + e.key() + "' exactly; edit this entry by hand");
  }



  /**
   * Writes {@code value} as a double-quoted dotenv value that {@link Dotenv} parses back to exactly
   * {@code value}.
   */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '$' -> sb.append("\\$");
        default -> sb.append(c);
      }
    }
    return sb.append('"').toString();
  }


}
