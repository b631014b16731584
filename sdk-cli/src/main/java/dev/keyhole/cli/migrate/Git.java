package dev.keyhole.cli.migrate;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Asks {@code git} whether a work tree is clean ({@code git status --porcelain}). */
final class Git {
  private Git() {}

  enum State { CLEAN, DIRTY, NOT_A_REPOSITORY, GIT_MISSING }

  /** The state and, when dirty, how many paths changed. */
  record Status(State state, int changedPaths) {}

  static Status status(Path repo) {
    ProcessBuilder pb = new ProcessBuilder("git", "-C", repo.toString(), "status", "--porcelain")
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Status(State.GIT_MISSING, 0);
    }
    try (InputStream in = p.getInputStream()) {
      String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Status(State.GIT_MISSING, 0);
      }
      if (p.exitValue() != 0) {
        return new Status(State.NOT_A_REPOSITORY, 0);
      }
      long n = out.lines().filter(l -> !l.isBlank()).count();
      return new Status(n == 0 ? State.CLEAN : State.DIRTY, (int) n);
    } catch (IOException e) {
      return new Status(State.GIT_MISSING, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return new Status(State.GIT_MISSING, 0);
    }
  }
}
