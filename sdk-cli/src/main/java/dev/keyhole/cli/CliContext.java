package dev.keyhole.cli;

import java.io.Console;
import java.io.PrintWriter;
import java.lang.reflect.Method;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

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
    Console terminal = terminal();
    Charset cs = terminal != null ? terminal.charset() : Charset.defaultCharset();
    return new CliContext(System.getenv(), Clock.systemUTC(), Path.of(""),
        new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true));
  }

  /**
   * The console if the process is attached to an interactive terminal, else null. From JDK 22
   * {@code System.console()} returns a console even when the streams are redirected, so there
   * {@code Console.isTerminal()} (looked up reflectively: this code targets Java 17) decides.
   */
  // The null check is still needed on JDK 17-21, where null is how "no terminal" is reported.
  @SuppressWarnings("SystemConsoleNull")
  private static @Nullable Console terminal() {
    Console console = System.console();
    if (console == null) {
      return null;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console)) ? console : null;
    } catch (NoSuchMethodException e) {
      return console; // before JDK 22 a non-null console is a terminal
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
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

  /** The whole environment (for child processes such as {@code op}, which pick what they need). */
  public Map<String, String> environment() {
    return env;
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
