package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The help a newcomer reads: complete, with examples and exit codes, readable at 80 columns. */
class HelpTest {
  @TempDir Path tmp;

  private TestRepo.Run run(String... args) {
    return TestRepo.plain(tmp).run(args);
  }

  private static void fitsIn80Columns(String text) {
    assertThat(text.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
  }

  @Test
  void topLevelHelp_namesTheCommandsAndHowToStart() {
    TestRepo.Run r = run("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Usage: keyhole", "scan", "migrate", "Getting started:",
        "keyhole migrate .env --to local --apply", "Exit codes: 0 clean, 1 findings");
    fitsIn80Columns(r.out());
  }

  @Test
  void scanHelp_explainsFormatsBaselinesKeysAndExitCodes() {
    TestRepo.Run r = run("help", "scan");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--format", "table, json, sarif", "--baseline",
        "--update-baseline", "--fingerprint-key-file", ".gitignore", "Exit codes:",
        "1   new findings", "Examples:", "outside the repository");
    fitsIn80Columns(r.out());
    assertThat(run("scan", "--help").out()).isEqualTo(r.out());
  }

  @Test
  void migrateHelp_explainsDryRunTargetsAndSafety() {
    TestRepo.Run r = run("migrate", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("dry run", "--apply", "--allow-dirty", "Targets:", "--to local",
        "--to op", "--to aws-sm", "OP_CONNECT_TOKEN", "GITHUB_TOKEN=op://Dev/app-env/GITHUB_TOKEN",
        "never printed", "Examples:");
    fitsIn80Columns(r.out());
  }

  @Test
  void version_andUsageErrors() {
    assertThat(run("--version").out()).startsWith("keyhole ");
    TestRepo.Run noTarget = run("migrate", ".env");
    assertThat(noTarget.exit()).isEqualTo(2);
    assertThat(noTarget.err()).contains("Missing required option: '--to=TARGET'");
    TestRepo.Run badTarget = run("migrate", ".env", "--to", "vault");
    assertThat(badTarget.exit()).isEqualTo(2);
  }
}
