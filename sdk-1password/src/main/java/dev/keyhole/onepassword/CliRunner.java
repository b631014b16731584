package dev.keyhole.onepassword;

import dev.keyhole.ConfigurationException;
import dev.keyhole.ProviderUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Runs the {@code op} executable with a given (restricted) environment and a time limit, reading
 * stdout into a wipeable buffer and stderr as text, both on daemon threads so neither pipe can
 * block the other. On timeout the process and its descendants are killed.
 */
final class CliRunner implements AutoCloseable {
  /** What a run produced. The caller owns {@code stdout} and wipes it. */
  // stdout holds secret bytes: it must stay a wipeable array, not an immutable copy.
  @SuppressWarnings("ArrayRecordComponent")
  record Outcome(int exit, byte[] stdout, String stderr) {}

  private static final int MAX_STDERR = 64 * 1024;
  private static final int MAX_STDOUT = 64 * 1024 * 1024;

  private final String executable;
  private final Duration timeout;
  private final ExecutorService io;

  CliRunner(String executable, Duration timeout) {
    this.executable = executable;
    this.timeout = timeout;
    AtomicInteger n = new AtomicInteger();
    this.io = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "keyhole-op-io-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /** The executable to start: a path, or a name looked up on the child's {@code PATH}. */
  Path locate(Map<String, String> env) {
    if (executable.indexOf('/') >= 0 || executable.indexOf('\\') >= 0) {
      Path p = Path.of(executable);
      if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
        throw new ConfigurationException("The 1Password CLI executable '" + executable + "' does not"
            + " exist or is not executable; install op (https://developer.1password.com/docs/cli/get-started)"
            + " or point OnePasswordCliProvider.builder().executable(...) at it");
      }
      return p;
    }
    String path = env.getOrDefault("PATH", "");
    List<String> dirs = new ArrayList<>();
    for (String dir : path.split(Pattern.quote(java.io.File.pathSeparator), -1)) {
      if (dir.isEmpty()) {
        continue;
      }
      dirs.add(dir);
      for (String name : List.of(executable, executable + ".exe")) {
        Path p = Path.of(dir, name);
        if (Files.isRegularFile(p) && Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new ConfigurationException("The 1Password CLI '" + executable + "' was not found on PATH ("
        + dirs.size() + " directories searched); install op (https://developer.1password.com/docs/cli/get-started)"
        + " or point OnePasswordCliProvider.builder().executable(...) at it");
  }

  Outcome run(Map<String, String> env, List<String> args, byte @Nullable [] stdin, String what) {
    List<String> command = new ArrayList<>();
    command.add(locate(env).toString());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().clear();
    pb.environment().putAll(env);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new ConfigurationException("The 1Password CLI '" + executable + "' could not be started ("
          + Texts.sanitize(String.valueOf(e.getMessage()), 160, List.of()) + "); check that it is"
          + " installed and executable");
    }
    Future<byte[]> out = io.submit(() -> readAll(process.getInputStream(), MAX_STDOUT));
    Future<byte[]> err = io.submit(() -> readAll(process.getErrorStream(), MAX_STDERR));
    byte[] stdout = null;
    try {
      try (OutputStream in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      } catch (IOException e) {
        // The process exited before reading its input; its exit code and stderr tell why.
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        kill(process);
        wipe(out);
        throw new ProviderUnavailableException("The 1Password CLI did not finish within "
            + timeout.toMillis() + " ms while reading " + what + "; it was stopped and will be retried."
            + " Raise OnePasswordCliProvider.builder().timeout(...) if op is slow to sign in");
      }
      stdout = out.get(5, TimeUnit.SECONDS);
      byte[] errBytes = err.get(5, TimeUnit.SECONDS);
      String stderr = new String(errBytes, StandardCharsets.UTF_8);
      Arrays.fill(errBytes, (byte) 0);
      return new Outcome(process.exitValue(), stdout, stderr);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(process);
      wipe(out);
      throw new ProviderUnavailableException("Interrupted while the 1Password CLI read " + what);
    } catch (ExecutionException | TimeoutException e) {
      kill(process);
      wipe(out);
      if (stdout != null) {
        Arrays.fill(stdout, (byte) 0);
      }
      throw new ProviderUnavailableException("The 1Password CLI's output could not be read while"
          + " reading " + what + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void wipe(Future<byte[]> out) {
    try {
      Arrays.fill(out.get(2, TimeUnit.SECONDS), (byte) 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      out.cancel(true);
    }
  }

  /** Reads a stream to its end into an array that is grown by copying and wiping. */
  private static byte[] readAll(InputStream in, int max) throws IOException {
    byte[] buf = new byte[4096];
    int n = 0;
    try (in) {
      while (true) {
        if (n == buf.length) {
          if (buf.length >= max) {
            throw new IOException("output larger than " + max + " bytes");
          }
          byte[] bigger = Arrays.copyOf(buf, Math.min(max, buf.length * 2));
          Arrays.fill(buf, (byte) 0);
          buf = bigger;
        }
        int r = in.read(buf, n, buf.length - n);
        if (r < 0) {
          break;
        }
        n += r;
      }
      byte[] out = Arrays.copyOf(buf, n);
      return out;
    } finally {
      Arrays.fill(buf, (byte) 0);
    }
  }

  @Override
  public void close() {
    io.shutdownNow();
  }
}
