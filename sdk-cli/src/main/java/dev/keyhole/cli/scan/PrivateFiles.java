package dev.keyhole.cli.scan;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Atomic file writes: the content goes to a temporary file in the target's directory, is flushed to
 * disk, and is then moved over the target in one step, so a reader (or a crash) sees the old file or
 * the new one, never a mix. Files holding secrets or keys are created owner-only ({@code 0600}) on
 * POSIX file systems, their directories {@code 0700}.
 */
public final class PrivateFiles {
  private static final boolean POSIX =
      java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private PrivateFiles() {}

  /** Writes {@code bytes} to {@code target} atomically, owner-only. */
  public static void writeAtomically(Path target, byte[] bytes) throws IOException {
    write(target, bytes, true);
  }

  /**
   * Writes {@code bytes} to {@code target} atomically, keeping the target's current permissions
   * (or the defaults for a new file) unless {@code ownerOnly}.
   */
  public static void write(Path target, byte[] bytes, boolean ownerOnly) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    createPrivateDirectories(dir, ownerOnly);
    Set<PosixFilePermission> keep = null;
    if (POSIX && !ownerOnly && Files.exists(target)) {
      keep = Files.getPosixFilePermissions(target);
    }
    Path tmp = POSIX
        ? Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC)) {
        out.write(bytes);
      }
      if (keep != null) {
        Files.setPosixFilePermissions(tmp, keep);
      } else if (POSIX && !ownerOnly) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Creates {@code dir} and missing parents; new ones owner-only when {@code ownerOnly}. */
  public static void createPrivateDirectories(Path dir, boolean ownerOnly) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    if (POSIX && ownerOnly) {
      FileAttribute<Set<PosixFilePermission>> attr =
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
      try {
        Files.createDirectories(dir, attr);
      } catch (FileAlreadyExistsException e) {
        // raced with another process: fine if it is a directory
        if (!Files.isDirectory(dir)) {
          throw e;
        }
      }
    } else {
      Files.createDirectories(dir);
    }
  }
}
