package dev.keyhole.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * What a CLI run sees of the outside world: environment variables, the clock, the working
 * directory and the two output streams. {@link #system()} is the real one; tests build their own so
 * that no test touches the real home directory, environment or clock.
 */
public final class CliContext {
  private final Map<String, String> env;
  private final Clock clock;
  private final Path workingDirectory;
  private final PrintWriter out;
  private final PrintWriter err;

  private CliContext(Map<String, String> env, Clock clock, Path workingDirectory, PrintWriter out,
      PrintWriter err) {
    this.env = Map.copyOf(env);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.workingDirectory = workingDirectory.toAbsolutePath().normalize();
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
  }

  /** The process's environment, system clock, working directory, stdout and stderr. */
  public static CliContext system() {
    Charset cs = System.console() != null ? System.console().charset() : Charset.defaultCharset();
    return new CliContext(System.getenv(), Clock.systemUTC(), Path.of(""),
        new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true));
  }

  /** A context with the given parts. */
  public static CliContext of(Map<String, String> env, Clock clock, Path workingDirectory,
      PrintWriter out, PrintWriter err) {
    return new CliContext(env, clock, workingDirectory, out, err);
  }

  public Map<String, String> env() {
    return env;
  }

  /** An environment variable, or null when unset or blank. */
  public String env(String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v;
  }

  public Clock clock() {
    return clock;
  }

  public Path workingDirectory() {
    return workingDirectory;
  }

  /** Resolves {@code p} against the working directory. */
  public Path resolve(Path p) {
    return workingDirectory.resolve(p).normalize();
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  @Override
  public String toString() {
    return "CliContext[" + workingDirectory + "]";
  }
}
