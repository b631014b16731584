package dev.keyhole.cli.scan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Walks a directory the way a reviewer would want a secret scan to: it honours {@code .gitignore}
 * files (nested ones too, those of enclosing directories up to the repository root, and
 * {@code .git/info/exclude}), never enters {@code .git}, follows no symbolic link (so nothing
 * outside the tree is read), and skips binaries (a NUL byte in the first 8000 bytes, git's own
 * test) and files larger than a limit.
 *
 * <p>{@code .env}-style files are read even when git-ignored (option {@code includeIgnoredEnv}):
 * ignoring them is exactly what projects do, and a coding agent opening the directory reads them
 * all the same. Ignored directories are never entered.
 */
final class RepoWalker {
  /** A skipped path and why. */
  record Skipped(String file, String reason) {}

  private static final int BINARY_PROBE = 8000;

  private final Path root;
  private final long maxFileSize;
  private final boolean useGitIgnore;
  private final boolean includeIgnoredEnv;
  private final List<Skipped> skipped = new ArrayList<>();

  RepoWalker(Path root, long maxFileSize, boolean useGitIgnore, boolean includeIgnoredEnv) {
    this.root = root;
    this.maxFileSize = maxFileSize;
    this.useGitIgnore = useGitIgnore;
    this.includeIgnoredEnv = includeIgnoredEnv;
  }

  List<Skipped> skipped() {
    return List.copyOf(skipped);
  }

  /** Calls {@code sink} for every text file to scan, in a stable (sorted) order. */
  void walk(Consumer<SourceFile> sink) throws IOException {
    Deque<GitIgnore> stack = new ArrayDeque<>();
    if (useGitIgnore) {
      for (GitIgnore g : enclosingIgnores(root)) {
        stack.addLast(g);
      }
    }
    if (Files.isRegularFile(root, LinkOption.NOFOLLOW_LINKS)) {
      visit(root, Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS),
          stack, sink);
      return;
    }
    walkDirectory(root, stack, sink);
  }

  private void walkDirectory(Path dir, Deque<GitIgnore> stack, Consumer<SourceFile> sink)
      throws IOException {
    boolean pushed = false;
    Path ignoreFile = dir.resolve(".gitignore");
    if (useGitIgnore && Files.isRegularFile(ignoreFile, LinkOption.NOFOLLOW_LINKS)) {
      stack.addLast(GitIgnore.parse(dir, Files.readString(ignoreFile, StandardCharsets.UTF_8)));
      pushed = true;
    }
    try {
      List<Path> children;
      try (var s = Files.list(dir)) {
        children = s.sorted().toList();
      }
      for (Path child : children) {
        BasicFileAttributes attrs =
            Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isSymbolicLink()) {
          skipped.add(new Skipped(rel(child), "symbolic link (not followed)"));
        } else if (attrs.isDirectory()) {
          if (child.getFileName().toString().equals(".git")) {
            continue;
          }
          if (ignored(child, true, stack)) {
            continue;
          }
          walkDirectory(child, stack, sink);
        } else {
          visit(child, attrs, stack, sink);
        }
      }
    } finally {
      if (pushed) {
        stack.removeLast();
      }
    }
  }

  private void visit(Path file, BasicFileAttributes attrs, Deque<GitIgnore> stack,
      Consumer<SourceFile> sink) throws IOException {
    if (!attrs.isRegularFile()) {
      skipped.add(new Skipped(rel(file), "not a regular file"));
      return;
    }
    FileType type = FileType.of(file.getFileName().toString());
    if (!file.equals(root) && ignored(file, false, stack)
        && !(includeIgnoredEnv && type == FileType.DOTENV)) {
      return;
    }
    if (attrs.size() > maxFileSize) {
      skipped.add(new Skipped(rel(file), "larger than " + maxFileSize + " bytes"));
      return;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readNBytes((int) Math.min(maxFileSize + 1, Integer.MAX_VALUE - 8));
    }
    if (FileType.isKeyStore(file.getFileName().toString())) {
      // Binary, but exactly what a secret scan is for: bundled private keys.
      sink.accept(new SourceFile(file, rel(file), FileType.KEYSTORE,
          java.util.Base64.getEncoder().encodeToString(bytes)));
      return;
    }
    for (int i = 0; i < Math.min(bytes.length, BINARY_PROBE); i++) {
      if (bytes[i] == 0) {
        skipped.add(new Skipped(rel(file), "binary"));
        return;
      }
    }
    String text = decode(bytes);
    if (isKeyholeReport(text)) {
      skipped.add(new Skipped(rel(file), "a keyhole scan report (json or sarif)"));
      return;
    }
    if (type == FileType.OTHER && text.startsWith("#!")) {
      type = FileType.SCRIPT;
    }
    sink.accept(new SourceFile(file, rel(file), type, text));
  }

  private static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPLACE)
          .onUnmappableCharacter(CodingErrorAction.REPLACE)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean ignored(Path path, boolean isDirectory, Deque<GitIgnore> stack) {
    var it = stack.descendingIterator();
    while (it.hasNext()) {
      GitIgnore g = it.next();
      if (!path.startsWith(g.dir())) {
        continue;
      }
      Optional<Boolean> d = g.decide(path, isDirectory);
      if (d.isPresent()) {
        return d.get();
      }
    }
    return false;
  }

  /**
   * The ignore files that apply above {@code start}: {@code .git/info/exclude} of the enclosing
   * repository (lowest precedence), then each {@code .gitignore} from the repository root down to
   * (not including) {@code start}'s own directory.
   */
  private static List<GitIgnore> enclosingIgnores(Path start) throws IOException {
    Path dir = Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS) ? start : start.getParent();
    Path top = null;
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        top = p;
        break;
      }
    }
    List<GitIgnore> out = new ArrayList<>();
    if (top == null) {
      return out;
    }
    Path exclude = top.resolve(".git").resolve("info").resolve("exclude");
    if (Files.isRegularFile(exclude)) {
      out.add(GitIgnore.parse(top, Files.readString(exclude, StandardCharsets.UTF_8)));
    }
    List<Path> chain = new ArrayList<>();
    Path stop = Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS) ? start : null;
    for (Path p = dir; p != null && p.startsWith(top); p = p.getParent()) {
      if (!p.equals(stop)) {
        chain.add(0, p);
      }
    }
    for (Path p : chain) {
      Path f = p.resolve(".gitignore");
      if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
        out.add(GitIgnore.parse(p, Files.readString(f, StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  private String rel(Path p) {
    Path base = Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS) ? root : root.getParent();
    return Texts.slashed(base.relativize(p));
  }


  private static final java.util.regex.Pattern JSON_REPORT = java.util.regex.Pattern.compile(
      "\\A\\s*\\{\\s*\"tool\"\\s*:\\s*\"keyhole\"");
  private static final java.util.regex.Pattern SARIF_DRIVER = java.util.regex.Pattern.compile(
      "\"driver\"\\s*:\\s*\\{\\s*\"name\"\\s*:\\s*\"keyhole\"");

  /**
   * Whether {@code text} is a report {@code keyhole scan} wrote ({@code -f json} or {@code -f sarif}):
   * it holds fingerprints, key names and masked previews of findings, never values, and scanning it
   * again would report its own bookkeeping.
   */
  static boolean isKeyholeReport(String text) {
    String head = text.length() > 4096 ? text.substring(0, 4096) : text;
    return JSON_REPORT.matcher(head).find()
        || (head.contains("sarif") && SARIF_DRIVER.matcher(head).find());
  }
}
