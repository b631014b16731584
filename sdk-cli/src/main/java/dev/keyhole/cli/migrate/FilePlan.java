package dev.keyhole.cli.migrate;

import java.nio.file.Path;
import java.util.List;

/**
 * What a migration does to one file: the store item (1Password item, AWS secret name or local store
 * file) its values go to, the moves, and the keys left alone with the reason.
 *
 * <p>Security: the working text holds the file's content; {@code toString} omits it.
 *
 * @param file the absolute path
 * @param relativePath the path relative to the repository
 * @param item the item / secret name for this file, e.g. {@code app-env}
 * @param dotenv whether the file is a {@code .env} file (text normalized to LF, no BOM)
 * @param originalText the file as read
 * @param workingText the text the move ranges refer to
 * @param moves the values to move
 * @param kept keys not moved, each with the reason
 */
public record FilePlan(
    Path file,
    String relativePath,
    String item,
    boolean dotenv,
    String originalText,
    String workingText,
    List<Move> moves,
    List<String> kept) {
  public FilePlan {
    moves = List.copyOf(moves);
    kept = List.copyOf(kept);
  }

  /** The text of the file after the migration: every move's ranges replaced by its reference. */
  public String rewrittenText() {
    record Edit(int start, int end, String text) {}
    java.util.List<Edit> edits = new java.util.ArrayList<>();
    for (Move m : moves) {
      for (int[] r : m.ranges()) {
        edits.add(new Edit(r[0], r[1], m.reference()));
      }
    }
    edits.sort(java.util.Comparator.comparingInt(Edit::start));
    StringBuilder sb = new StringBuilder(workingText.length());
    int at = 0;
    for (Edit e : edits) {
      if (e.start() < at) {
        throw new IllegalStateException("overlapping edits in " + relativePath);
      }
      sb.append(workingText, at, e.start()).append(e.text());
      at = e.end();
    }
    sb.append(workingText, at, workingText.length());
    String out = sb.toString();
    return dotenv ? dev.keyhole.cli.scan.EnvFiles.denormalize(out, originalText) : out;
  }

  @Override
  public String toString() {
    return "FilePlan[" + relativePath + " -> " + item + ", " + moves + "]";
  }
}
