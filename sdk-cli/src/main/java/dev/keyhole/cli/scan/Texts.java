package dev.keyhole.cli.scan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small text and path helpers shared by the scanner and the migration. */
public final class Texts {
  private Texts() {}

  /** Receives one line (without its line end) and the offset where it starts. */
  interface LineVisitor {
    void line(int start, String line);
  }

  /** Calls {@code visitor} for each line of {@code text}; CR of CRLF line ends is dropped. */
  static void forEachLine(String text, LineVisitor visitor) {
    int[] starts = lineStarts(text);
    for (int i = 0; i < starts.length; i++) {
      int start = starts[i];
      int end = i + 1 < starts.length ? starts[i + 1] - 1 : text.length();
      if (end > start && text.charAt(end - 1) == '\r') {
        end--;
      }
      visitor.line(start, text.substring(start, end));
    }
  }

  /** The offset at which each line starts (lines end at LF). */
  static int[] lineStarts(String s) {
    List<Integer> starts = new ArrayList<>();
    starts.add(0);
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == '\n') {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  /** A relative path with {@code /} separators on every platform. */
  public static String slashed(Path relative) {
    StringBuilder sb = new StringBuilder();
    for (Path part : relative) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(part);
    }
    return sb.toString();
  }
}
