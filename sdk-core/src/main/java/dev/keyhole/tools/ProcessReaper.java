package dev.keyhole.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Finds and kills what a call or a task started. A child runs in its own session (through {@code
 * setsid}) and carries a marker variable in its environment; on Linux this class kills every
 * process in that session or process group, and every process whose initial environment holds the
 * marker, which also catches children that double-forked or called {@code setsid} themselves.
 * Elsewhere (no {@code /proc}) it kills the descendants it was shown.
 *
 * <p>What still escapes: a process that both leaves the session and clears or replaces its
 * environment ({@code env -i}, {@code exec -c}), one started through a service manager or another
 * user ({@code systemd-run}, {@code at}, {@code ssh localhost}, {@code docker}), or one that changes
 * its user id. Only a sandbox (a container or cgroup per task) contains those.
 */
final class ProcessReaper {
  /** The environment variable that marks a task's processes: {@code <task mark>-<call number>}. */
  static final String MARK_VARIABLE = "KEYHOLE_PROCESS_MARK";

  private static final boolean PROC = Files.isReadable(Path.of("/proc/self/stat"));
  private static final @Nullable String SETSID = findSetsid();
  private static final long GRACE_MILLIS = 2_000;
  private static final int MAX_ROUNDS = 20;

  private ProcessReaper() {}

  private static @Nullable String findSetsid() {
    if (!PROC) {
      return null;
    }
    for (String p : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(p))) {
        return p;
      }
    }
    return null;
  }

  /** {@code command} started in a session of its own where the platform allows it. */
  static List<String> inOwnSession(List<String> command) {
    if (SETSID == null) {
      return command;
    }
    List<String> c = new ArrayList<>(command.size() + 1);
    c.add(SETSID);
    c.addAll(command);
    return c;
  }

  /**
   * Kills every live process that is in {@code seen}, in the session or process group led by
   * {@code leader} (when positive), or whose environment holds {@code markEntry} ({@code NAME=value},
   * exactly, or as a prefix when {@code prefix}); repeats until a round finds none (children forked
   * meanwhile are found in the next round). Waits briefly for them to die.
   *
   * @return how many processes other than {@code leader} were killed
   */
  static int kill(long leader, String markEntry, boolean prefix, Set<ProcessHandle> seen) {
    long self = ProcessHandle.current().pid();
    byte[] mark = markEntry.getBytes(StandardCharsets.UTF_8);
    Map<Long, ProcessHandle> killed = new LinkedHashMap<>();
    for (int round = 0; round < MAX_ROUNDS; round++) {
      List<ProcessHandle> found = new ArrayList<>();
      for (ProcessHandle h : seen) {
        if (h.isAlive()) {
          found.add(h);
        }
      }
      if (PROC) {
        ProcessHandle.allProcesses().forEach(h -> {
          if (h.pid() != self && marked(h.pid(), leader, mark, prefix)) {
            found.add(h);
          }
        });
      }
      if (found.isEmpty()) {
        break;
      }
      for (ProcessHandle h : found) {
        if (h.destroyForcibly()) {
          killed.putIfAbsent(h.pid(), h);
        }
      }
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MILLIS);
    try {
      for (ProcessHandle h : killed.values()) {
        long left = deadline - System.nanoTime();
        if (left > 0 && h.isAlive()) {
          h.onExit().get(left, TimeUnit.NANOSECONDS);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // best effort: the kill signal was sent
    }
    killed.remove(leader);
    return killed.size();
  }

  /** Whether {@code pid} is a live member of the leader's session or group, or carries the mark. */
  private static boolean marked(long pid, long leader, byte[] mark, boolean prefix) {
    Path dir = Path.of("/proc", Long.toString(pid));
    try {
      String stat = Files.readString(dir.resolve("stat"), StandardCharsets.ISO_8859_1);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      if (f[0].equals("Z") || f[0].equals("X")) {
        return false; // already dead, waiting to be reaped
      }
      if (leader > 0 && (Long.parseLong(f[2]) == leader || Long.parseLong(f[3]) == leader)) {
        return true;
      }
      return holds(Files.readAllBytes(dir.resolve("environ")), mark, prefix);
    } catch (IOException | RuntimeException e) {
      return false; // gone, or not ours to read
    }
  }

  /** Whether the NUL-separated {@code environ} has an entry equal to (or starting with) {@code mark}. */
  static boolean holds(byte[] environ, byte[] mark, boolean prefix) {
    int start = 0;
    while (start < environ.length) {
      int end = start;
      while (end < environ.length && environ[end] != 0) {
        end++;
      }
      int len = end - start;
      if (len >= mark.length && (prefix || len == mark.length)) {
        boolean same = true;
        for (int i = 0; i < mark.length && same; i++) {
          same = environ[start + i] == mark[i];
        }
        if (same) {
          return true;
        }
      }
      start = end + 1;
    }
    return false;
  }
}
