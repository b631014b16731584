package dev.keyhole.cli.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Asks {@code git} whether a work tree is clean ({@code git status --porcelain}). */
final class Git {
  private Git() {}

  enum State { CLEAN, DIRTY, NOT_A_REPOSITORY, GIT_MISSING }

  /**
   * The state, the changed paths (relative to the repository, {@code /}-separated) and which of
   * them are untracked (and not ignored).
   */
  record Status(State state, List<String> changed, List<String> untracked) {
    Status {
      changed = List.copyOf(changed);
      untracked = List.copyOf(untracked);
    }

    Status(State state) {
      this(state, List.of(), List.of());
    }

    int changedPaths() {
      return changed.size();
    }

    /** This status without {@code paths}: a tree whose only changes are those counts as clean. */
    Status ignoring(Collection<String> paths) {
      if (state != State.DIRTY) {
        return this;
      }
      List<String> rest = changed.stream().filter(p -> !paths.contains(p)).toList();
      return new Status(rest.isEmpty() ? State.CLEAN : State.DIRTY, rest,
          untracked.stream().filter(rest::contains).toList());
    }
  }

  static Status status(Path repo) {
    ProcessBuilder pb = new ProcessBuilder("git", "-C", repo.toString(), "status", "--porcelain",
        "-z", "--untracked-files=all").redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Status(State.GIT_MISSING);
    }
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Status(State.GIT_MISSING);
      }
      if (p.exitValue() != 0) {
        return new Status(State.NOT_A_REPOSITORY);
      }
      // -z: "XY path\0", and for renames and copies "XY new\0old\0"; no quoting.
      List<String> changed = new ArrayList<>();
      List<String> untracked = new ArrayList<>();
      String[] entries = out.split("\0", -1);
      for (int i = 0; i < entries.length; i++) {
        String e = entries[i];
        if (e.length() < 4) {
          continue;
        }
        String xy = e.substring(0, 2);
        String path = e.substring(3);
        changed.add(path);
        if (xy.equals("??")) {
          untracked.add(path);
        }
        if (xy.charAt(0) == 'R' || xy.charAt(0) == 'C') {
          i++; // the original path
        }
      }
      return new Status(changed.isEmpty() ? State.CLEAN : State.DIRTY, changed, untracked);
    } catch (IOException e) {
      return new Status(State.GIT_MISSING);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Status(State.GIT_MISSING);
    }
  }

  /** Which of {@code paths} git tracks ({@code git ls-files}); empty when git cannot tell. */
  static List<String> tracked(Path repo, List<String> paths) {
    if (paths.isEmpty()) {
      return List.of();
    }
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString(), "ls-files", "-z", "--"));
    cmd.addAll(paths);
    try {
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try (InputStream in = p.getInputStream()) {
        String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroyForcibly();
          return List.of();
        }
        return List.of(out.split("\0")).stream().filter(paths::contains).toList();
      }
    } catch (IOException e) {
      return List.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return List.of();
    }
  }
}
