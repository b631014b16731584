package dev.keyhole.tools;

import dev.keyhole.KeyholeException;
import dev.keyhole.Redactor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Starts one process in a session of its own, drains and redacts its output, enforces the timeout,
 * and kills everything it started (see {@link ProcessReaper}).
 */
final class ProcessRunner {
  /** How often the descendants of a running process are recorded (so they can be killed later). */
  private static final long POLL_MILLIS = 50;
  /** How long killed processes and output streams get to wind down. */
  private static final long GRACE_MILLIS = 2_000;

  private ProcessRunner() {}

  /** What happened. {@code exitCode} is null when the process was killed on timeout. */
  record Outcome(@Nullable Integer exitCode, boolean timedOut, int killedDescendants, String stdout,
      long stdoutDropped, String stderr, long stderrDropped, boolean outputIncomplete) {}

  /**
   * Runs {@code command}; {@code env} must hold {@code markEntry} ({@code NAME=value}), by which
   * the process and whatever it starts are found and killed when the call ends.
   */
  static Outcome run(List<String> command, Path cwd, Map<String, String> env, String markEntry,
      Duration timeout, int maxChars, int chunkBytes, Redactor redactor) {
    ProcessBuilder pb = new ProcessBuilder(ProcessReaper.inOwnSession(command))
        .directory(cwd.toFile());
    Map<String, String> pbEnv = pb.environment();
    pbEnv.clear();
    pbEnv.putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      // The JDK's message names the program and an errno text; it holds no environment value.
      throw new KeyholeException("Could not start '" + command.get(0) + "': "
          + redactor.redact(String.valueOf(e.getMessage())));
    } finally {
      pbEnv.clear();
    }
    try {
      p.getOutputStream().close(); // no stdin: a program waiting for input sees end-of-file
    } catch (IOException ignored) {
      // nothing to do
    }
    OutputCapture out = new OutputCapture(p.getInputStream(), redactor, maxChars, chunkBytes);
    OutputCapture err = new OutputCapture(p.getErrorStream(), redactor, maxChars, chunkBytes);
    Thread tOut = start(out, "keyhole-process-stdout-" + p.pid());
    Thread tErr = start(err, "keyhole-process-stderr-" + p.pid());
    Set<ProcessHandle> seen = new LinkedHashSet<>();
    boolean timedOut = false;
    int killed;
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        p.descendants().forEach(seen::add);
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          timedOut = !p.waitFor(0, TimeUnit.MILLISECONDS);
          break;
        }
        if (p.waitFor(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, POLL_MILLIS),
            TimeUnit.MILLISECONDS)) {
          break;
        }
      }
      // On timeout the whole tree goes; after a normal exit, background leftovers go too.
      killed = killTree(p, seen, markEntry);
      boolean outDone = out.await(GRACE_MILLIS);
      boolean errDone = err.await(GRACE_MILLIS);
      boolean complete = outDone && errDone;
      if (complete) {
        tOut.join(GRACE_MILLIS);
        tErr.join(GRACE_MILLIS);
      }
      Integer exit = timedOut ? null : p.exitValue();
      return new Outcome(exit, timedOut, killed, out.text(), out.dropped(), err.text(),
          err.dropped(), !complete);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      killTree(p, seen, markEntry);
      throw new KeyholeException("Interrupted while running '" + command.get(0)
          + "'; the process tree was killed");
    } finally {
      if (p.isAlive()) {
        killTree(p, seen, markEntry);
      }
      tOut.interrupt();
      tErr.interrupt();
    }
  }

  private static Thread start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * Kills {@code p}, its session and process group, every recorded or current descendant and every
   * process carrying the call's mark; returns how many processes besides {@code p} died.
   */
  private static int killTree(Process p, Set<ProcessHandle> seen, String markEntry) {
    if (p.isAlive()) {
      p.descendants().forEach(seen::add);
    }
    // Through handles, not Process.destroyForcibly(), which would also close our ends of the
    // pipes and lose output the readers have not consumed yet.
    int killed = ProcessReaper.kill(p.pid(), markEntry, false, seen);
    if (p.isAlive()) {
      p.toHandle().destroyForcibly();
    }
    try {
      p.waitFor(GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return killed;
  }
}
