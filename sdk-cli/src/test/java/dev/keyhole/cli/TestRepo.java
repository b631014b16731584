package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.LeakAssertions;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A generated repository under a temp directory, with Keyhole's state directory beside it (never
 * inside), and a way to run the CLI against it with a fake clock and a private environment.
 */
public final class TestRepo {
  public final Path root;
  public final Path state;
  public final Map<String, String> env = new HashMap<>();
  public final FakeClock clock = FakeClock.at(Instant.parse("2026-03-01T10:15:30Z"));

  /** One CLI run's exit code and output. */
  public record Run(int exit, String out, String err) {
    public String all() {
      return out + "\n" + err;
    }
  }

  private TestRepo(Path tmp, String name) {
    this.root = tmp.resolve(name);
    this.state = tmp.resolve("keyhole-state");
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    env.put("KEYHOLE_HOME", state.toString());
    env.put("HOME", tmp.resolve("home").toString());
  }

  /** A plain directory (not a git repository). */
  public static TestRepo plain(Path tmp) {
    return new TestRepo(tmp, "app");
  }

  /** A git repository with one commit of whatever {@code write} calls happen before commit(). */
  public static TestRepo git(Path tmp) {
    TestRepo r = new TestRepo(tmp, "app");
    r.git("init", "-q", "-b", "main");
    return r;
  }

  public TestRepo write(String rel, String content) {
    try {
      Path p = root.resolve(rel);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content, StandardCharsets.UTF_8);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String read(String rel) {
    try {
      return Files.readString(root.resolve(rel), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public TestRepo commit() {
    git("add", "-A");
    git("-c", "user.email=dev@example.test", "-c", "user.name=Dev", "commit", "-q", "-m", "init");
    return this;
  }

  public String git(String... args) {
    List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", root.toString()));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("git %s: %s", args, out).isZero();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Runs {@code keyhole ARGS} with this repository as the working directory. */
  public Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = KeyholeCli.run(CliContext.of(env, clock, root, new PrintWriter(out, true),
        new PrintWriter(err, true)), args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** Asserts no file of the working tree (outside .git) contains any of {@code secrets}. */
  public void assertNoSecretInWorkingTree(String... secrets) {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile)
          .filter(f -> !root.relativize(f).startsWith(".git")).toList()) {
        LeakAssertions.assertNoLeak(root.relativize(f).toString(),
            Files.readString(f, StandardCharsets.ISO_8859_1), secrets);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
