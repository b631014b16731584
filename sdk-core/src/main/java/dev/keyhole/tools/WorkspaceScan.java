package dev.keyhole.tools;

import dev.keyhole.HandleMatch;
import dev.keyhole.Redactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.TaskScope;
import dev.keyhole.audit.AuditEventType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Looks for live values in the files of a tool's root that changed since a task started (by
 * modification or status-change time, which a program cannot set back), line by line through the
 * redactor. Each hit is audited as {@link AuditEventType#VALUE_PERSISTED} with the file (relative,
 * redacted) and line numbers, never the value; in {@link ProcessTool.PersistedValues#SCRUB} mode the
 * file is rewritten with every value replaced by its handle, atomically (a new file moved over the
 * old one, so a hard link elsewhere keeps its content and the rewrite never shows half-done).
 *
 * <p>Only the task's own values count (not those of other tasks or of {@code protect:}ed files),
 * and a file a grant's {@code dotenv:} reference reads its value from is the value's home, not a
 * leak: it is left alone. A file that also holds values the task was not given is reported, never
 * rewritten, so a secret store the agent edited keeps its secrets.
 *
 * <p>Not followed: symbolic links, devices, pipes. Not found: values in files larger than the
 * limit, and values a file holds compressed, encrypted or in an encoding the redactor does not know
 * (a git object, an archive).
 */
final class WorkspaceScan {
  private static final int MAX_LINES_LISTED = 20;

  private final Path root;
  private final FileTime since;
  private final TaskScope task;
  private final String tool;
  private final ProcessTool.PersistedValues mode;
  private final long maxFileBytes;
  private final Redactor redactor;
  private final Set<SecretHandle> own;
  private final Set<String> homes = new LinkedHashSet<>();

  WorkspaceScan(Path root, FileTime since, TaskScope task, String tool,
      ProcessTool.PersistedValues mode, long maxFileBytes) {
    this.root = root;
    this.since = since;
    this.task = task;
    this.tool = tool;
    this.mode = mode;
    this.maxFileBytes = maxFileBytes;
    this.redactor = task.redactor();
    this.own = task.handles();
    for (SecretHandle h : own) {
      task.grantFor(h).flatMap(g -> g.ref()).filter(r -> r.scheme().equals("dotenv"))
          .ifPresent(r -> {
            String file = r.path();
            int hash = file.indexOf('#');
            file = hash < 0 ? file : file.substring(0, hash);
            homes.add(file.startsWith("./") ? file.substring(2) : file);
          });
    }
  }

  /** Scans the root; never throws for a file it cannot read (it is skipped). */
  void run() {
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (attrs.isRegularFile() && changed(file, attrs) && attrs.size() <= maxFileBytes) {
            scan(file);
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      // the root went away: nothing to scan
    }
  }

  private boolean changed(Path file, BasicFileAttributes attrs) {
    if (attrs.lastModifiedTime().compareTo(since) >= 0) {
      return true;
    }
    try {
      Object ctime = Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
      return ctime instanceof FileTime t && t.compareTo(since) >= 0;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
  }

  private void scan(Path file) {
    String rel = root.relativize(file).toString().replace('\\', '/');
    if (homes.contains(rel)) {
      return; // where a grant's value comes from
    }
    String shownName = redactor.redact(rel);
    if (!shownName.equals(rel)) {
      // A value in the file's name: reported, never renamed (the name may be all the tool has).
      for (SecretHandle h : added(rel, shownName)) {
        if (own.contains(h)) {
          record(h, shownName, List.of(), "reported", "name");
        }
      }
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      return;
    }
    Charset cs = StandardCharsets.UTF_8;
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      cs = StandardCharsets.ISO_8859_1; // binary: one char per byte, written back unchanged
      text = new String(bytes, cs);
    }
    java.util.Arrays.fill(bytes, (byte) 0);
    String redacted = redactor.redact(text);
    if (redacted.equals(text)) {
      return;
    }
    Set<SecretHandle> inFile = added(text, redacted);
    boolean foreign = !own.containsAll(inFile);
    inFile.retainAll(own);
    if (inFile.isEmpty()) {
      return; // only values this task was not given (another task's, a protected file's)
    }
    Map<SecretHandle, List<Integer>> lines = new LinkedHashMap<>();
    String[] original = text.split("\n", -1);
    for (int i = 0; i < original.length; i++) {
      String line = original[i];
      for (SecretHandle h : added(line, redactor.redact(line))) {
        if (own.contains(h)) {
          lines.computeIfAbsent(h, k -> new ArrayList<>()).add(i + 1);
        }
      }
    }
    if (lines.isEmpty()) {
      // A value spanning lines: name the line where the first one starts.
      int at = 0;
      while (at < text.length() && at < redacted.length() && text.charAt(at) == redacted.charAt(at)) {
        at++;
      }
      int line = 1;
      for (int i = 0; i < at; i++) {
        line += text.charAt(i) == '\n' ? 1 : 0;
      }
      for (SecretHandle h : inFile) {
        lines.put(h, List.of(line));
      }
    }
    String outcome = "reported";
    if (mode == ProcessTool.PersistedValues.SCRUB && !foreign) {
      outcome = rewrite(file, redacted.getBytes(cs)) ? "scrubbed" : "scrub_failed";
    }
    for (Map.Entry<SecretHandle, List<Integer>> e : lines.entrySet()) {
      record(e.getKey(), shownName, e.getValue(), outcome, "content");
    }
  }

  /** Handles whose tokens {@code redacted} holds more often than {@code original}. */
  private static Set<SecretHandle> added(String original, String redacted) {
    Map<SecretHandle, Integer> before = count(original);
    Set<SecretHandle> out = new LinkedHashSet<>();
    count(redacted).forEach((h, n) -> {
      if (n > before.getOrDefault(h, 0)) {
        out.add(h);
      }
    });
    return out;
  }

  private static Map<SecretHandle, Integer> count(String text) {
    Map<SecretHandle, Integer> out = new LinkedHashMap<>();
    for (HandleMatch m : SecretHandle.findAll(text)) {
      if (m.valid()) {
        out.merge(m.handle(), 1, Integer::sum);
      }
    }
    return out;
  }

  private static boolean rewrite(Path file, byte[] content) {
    Path tmp = null;
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file,
          LinkOption.NOFOLLOW_LINKS);
      tmp = Files.createTempFile(file.getParent(), ".keyhole-scrub-", ".tmp");
      Files.write(tmp, content);
      Files.setPosixFilePermissions(tmp, perms);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort
        }
      }
      return false;
    } finally {
      java.util.Arrays.fill(content, (byte) 0);
    }
  }

  private void record(SecretHandle h, String file, List<Integer> lines, String outcome,
      String where) {
    StringBuilder listed = new StringBuilder();
    for (int i = 0; i < Math.min(lines.size(), MAX_LINES_LISTED); i++) {
      listed.append(i == 0 ? "" : ",").append(lines.get(i));
    }
    if (lines.size() > MAX_LINES_LISTED) {
      listed.append(",...");
    }
    task.audit(AuditEventType.VALUE_PERSISTED, b -> {
      b.tool(tool).handle(h.name()).outcome(outcome).attribute("file", file)
          .attribute("where", where);
      if (!lines.isEmpty()) {
        b.attribute("line", Integer.toString(lines.get(0))).attribute("lines", listed.toString());
      }
    });
  }
}
