package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code keyhole} launcher script (sdk-cli/keyhole) finds the CLI jar next to itself or under
 * {@code target/} and runs it with {@code java -jar}. Runs the real script with {@code sh}; a
 * {@code java} stand-in on the PATH prints the arguments it was given.
 */
class LauncherTest {
  @TempDir Path tmp;
  private Path bin;

  @BeforeEach
  void fakeJava() throws IOException {
    bin = Files.createDirectories(tmp.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\necho \"java $*\"\n", StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exit, String output) {}

  private Run launch(Path dir, String... args) throws Exception {
    Path launcher = dir.resolve("keyhole");
    Files.copy(Path.of("keyhole"), launcher);
    List<String> command = new java.util.ArrayList<>(List.of("sh", launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
    pb.environment().remove("KEYHOLE_JAR");
    pb.environment().remove("KEYHOLE_JAVA_OPTS");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void jarUnderTarget_isRun_withTheArguments() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("sdk-cli"));
    Path target = Files.createDirectories(dir.resolve("target"));
    Path jar = Files.createFile(target.resolve("keyhole-cli-1.2.3.jar"));
    Files.createFile(target.resolve("keyhole-cli-1.2.3-sources.jar"));
    Files.createFile(target.resolve("original-keyhole-cli-1.2.3.jar"));

    Run r = launch(dir, "scan", ".");

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().strip()).isEqualTo("java -jar " + jar + " scan .");
  }

  @Test
  void jarNextToTheLauncher_isRun() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("download"));
    Path jar = Files.createFile(dir.resolve("keyhole-cli-1.2.3.jar"));
    Files.createFile(dir.resolve("keyhole-cli-1.2.3-javadoc.jar"));

    Run r = launch(dir, "--help");

    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output().strip()).isEqualTo("java -jar " + jar + " --help");
  }

  @Test
  void noJar_saysWhereItLookedAndExits2() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty"));

    Run r = launch(dir, "--help");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.output()).contains("no keyhole-cli jar next to", "set KEYHOLE_JAR");
  }
}
