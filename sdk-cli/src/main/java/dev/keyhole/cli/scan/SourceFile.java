package dev.keyhole.cli.scan;

import java.nio.file.Path;

/**
 * One text file to scan.
 *
 * <p>Security: holds the file's text, which may contain secrets; {@code toString} names the file
 * only.
 *
 * @param path the absolute path
 * @param relativePath the path relative to the scan root, with {@code /} separators
 * @param type how it is read
 * @param text the content (UTF-8, malformed bytes replaced)
 */
record SourceFile(Path path, String relativePath, FileType type, String text) {
  @Override
  public String toString() {
    return "SourceFile[" + relativePath + ", " + type + "]";
  }
}
