package dev.keyhole.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitIgnoreTest {
  private static final Path DIR = Path.of("/repo").toAbsolutePath();

  private static Optional<Boolean> decide(String rules, String path, boolean dir) {
    return GitIgnore.parse(DIR, rules).decide(DIR.resolve(path), dir);
  }

  private static boolean ignored(String rules, String path) {
    return decide(rules, path, false).orElse(false);
  }

  @Test
  void unanchoredName_matchesAtAnyDepth() {
    assertThat(ignored("*.log\n", "a.log")).isTrue();
    assertThat(ignored("*.log\n", "deep/er/a.log")).isTrue();
    assertThat(ignored("*.log\n", "a.log.txt")).isFalse();
    assertThat(ignored("secrets.txt", "x/secrets.txt")).isTrue();
  }

  @Test
  void starAndQuestionMark_doNotCrossSlashes() {
    assertThat(ignored("build/*.tmp", "build/a.tmp")).isTrue();
    assertThat(ignored("build/*.tmp", "build/sub/a.tmp")).isFalse();
    assertThat(ignored("a?c", "abc")).isTrue();
    assertThat(ignored("a?c", "a/c")).isFalse();
  }

  @Test
  void slashInPattern_anchorsItToTheIgnoreFilesDirectory() {
    assertThat(ignored("/out", "out")).isTrue();
    assertThat(ignored("/out", "sub/out")).isFalse();
    assertThat(ignored("doc/frotz", "doc/frotz")).isTrue();
    assertThat(ignored("doc/frotz", "a/doc/frotz")).isFalse();
  }

  @Test
  void doubleStar_matchesAnyNumberOfDirectories() {
    assertThat(ignored("**/foo", "foo")).isTrue();
    assertThat(ignored("**/foo", "a/b/foo")).isTrue();
    assertThat(ignored("**/foo/bar", "x/foo/bar")).isTrue();
    assertThat(ignored("abc/**", "abc/x/y")).isTrue();
    assertThat(ignored("abc/**", "abc")).isFalse();
    assertThat(ignored("a/**/b", "a/b")).isTrue();
    assertThat(ignored("a/**/b", "a/x/y/b")).isTrue();
    assertThat(ignored("a/**/b", "xa/b")).isFalse();
  }

  @Test
  void trailingSlash_matchesDirectoriesOnly() {
    assertThat(decide("logs/\n", "logs", true)).contains(true);
    assertThat(decide("logs/\n", "logs", false)).isEmpty();
  }

  @Test
  void negation_reincludes_lastMatchWins() {
    String rules = "*.env\n!example.env\n";
    assertThat(ignored(rules, "prod.env")).isTrue();
    assertThat(decide(rules, "example.env", false)).contains(false);
    assertThat(ignored("!keep\n*", "keep")).isTrue(); // the later '*' wins
  }

  @Test
  void commentsBlankLinesEscapesAndTrailingSpaces() {
    String rules = "# comment\n\n\\#hash\n\\!bang\ntrailing   \nsp\\ \n";
    assertThat(ignored(rules, "# comment")).isFalse();
    assertThat(ignored(rules, "#hash")).isTrue();
    assertThat(ignored(rules, "!bang")).isTrue();
    assertThat(ignored(rules, "trailing")).isTrue();
    assertThat(ignored(rules, "sp ")).isTrue();
  }

  @Test
  void characterClasses() {
    assertThat(ignored("file[0-9].txt", "file7.txt")).isTrue();
    assertThat(ignored("file[0-9].txt", "filex.txt")).isFalse();
    assertThat(ignored("file[!0-9].txt", "filex.txt")).isTrue();
    assertThat(ignored("file[!0-9].txt", "file7.txt")).isFalse();
    assertThat(ignored("[ab]/x", "a/x")).isTrue();
  }

  @Test
  void noRule_decidesNothing() {
    assertThat(decide("*.log", "a.txt", false)).isEmpty();
  }
}
