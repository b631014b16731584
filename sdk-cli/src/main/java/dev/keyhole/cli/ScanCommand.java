package dev.keyhole.cli;

import dev.keyhole.cli.report.JsonReport;
import dev.keyhole.cli.report.SarifReport;
import dev.keyhole.cli.report.TableReport;
import dev.keyhole.cli.scan.Baseline;
import dev.keyhole.cli.scan.Fingerprinter;
import dev.keyhole.cli.scan.PrivateFiles;
import dev.keyhole.cli.scan.ScanResult;
import dev.keyhole.cli.scan.Scanner;
import dev.keyhole.ConfigurationException;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.GitleaksRules;
import dev.keyhole.redact.SecretDetector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keyhole scan}: find secrets and {@code .env} values in a directory. */
@Command(
    name = "scan",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    description = {
        "Find secrets a coding agent could read: .env files and their keys, known key formats"
            + " (cloud keys, tokens, private keys, JWTs), and secret-named keys in YAML, JSON,"
            + " properties files and scripts.",
        "Respects .gitignore (but still reads git-ignored .env files, which agents read too),"
            + " skips binaries and large files, and follows no symbolic links.",
        "Each finding has a location, a kind, a keyed fingerprint and a masked preview; values are"
            + " never printed.",
        ""},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:no new findings (none, or all accepted by the baseline)",
        "1:new findings",
        "2:error (bad option, unreadable path, malformed baseline)"},
    footerHeading = "%nExamples:%n",
    footer = {
        "  keyhole scan .",
        "  keyhole scan . --format json > findings.json",
        "  keyhole scan . --format sarif --output keyhole.sarif",
        "  keyhole scan . --baseline .keyhole-baseline.json --update-baseline",
        "      accept every current finding (commit the baseline file)",
        "  keyhole scan . --baseline .keyhole-baseline.json",
        "      fail (exit 1) only on findings that are not in the baseline",
        "  keyhole scan . --rules gitleaks.toml",
        "      also run the rules of a gitleaks-format rule file",
        "",
        "Fingerprints are HMAC-SHA256 under a key kept outside the repository: by",
        "default a per-repository key in ~/.config/keyhole (or $KEYHOLE_HOME).",
        "CI and teammates who share a baseline must share the key: pass",
        "--fingerprint-key-file (or set KEYHOLE_FINGERPRINT_KEY_FILE) pointing at",
        "a file outside the checkout, e.g. written from a CI secret."})
final class ScanCommand implements Callable<Integer> {
  enum Format { table, json, sarif }

  @ParentCommand KeyholeCli parent;

  @Parameters(index = "0", arity = "0..1", paramLabel = "PATH",
      description = "Directory or file to scan (default: the current directory).")
  @Nullable Path path;

  @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Format format = Format.table;

  @Option(names = {"-o", "--output"}, paramLabel = "FILE",
      description = "Write the report to FILE instead of standard output.")
  @Nullable Path output;

  @Option(names = "--baseline", paramLabel = "FILE",
      description = "Findings listed in FILE are reported as baselined and do not fail the scan.")
  @Nullable Path baseline;

  @Option(names = "--update-baseline",
      description = "Write all current findings into the --baseline FILE (accepting them), then"
          + " report.")
  boolean updateBaseline;

  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      description = "Key for fingerprints (>= 16 bytes, or 64 hex digits), outside the repository."
          + " Default: $KEYHOLE_FINGERPRINT_KEY_FILE, else a per-repository key in the state"
          + " directory.")
  @Nullable Path keyFile;

  @Option(names = "--max-file-size", paramLabel = "BYTES", defaultValue = "1048576",
      description = "Skip files larger than this (default: ${DEFAULT-VALUE}).")
  long maxFileSize = Scanner.DEFAULT_MAX_FILE_SIZE;

  @Option(names = "--no-gitignore", description = "Scan git-ignored files too.")
  boolean noGitIgnore;

  @Option(names = "--ignored-env", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Read .env files even when git-ignored (default: true; --no-ignored-env to"
          + " skip them).")
  boolean ignoredEnv = true;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "Also run the rules of a gitleaks-format TOML rule file (gitleaks' own config"
          + " or yours; repeatable). Rules that cannot run as written (a Go regex feature Java"
          + " lacks, a path-only rule) are listed on standard error, one line each.")
  List<Path> rules = new ArrayList<>();

  @Option(names = "--no-builtin-detectors",
      description = "Run only the --rules files' rules instead of Keyhole's built-in detectors"
          + " (the .env, config and script rules still run).")
  boolean noBuiltinDetectors;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keyhole's state directory (default: $KEYHOLE_HOME, else"
          + " ~/.config/keyhole). Must be outside the repository.")
  @Nullable Path stateDir;

  @Override
  public Integer call() throws IOException {
    CliContext ctx = parent.ctx;
    Path target = path == null ? ctx.workingDirectory() : ctx.resolve(path);
    if (!Files.exists(target)) {
      throw new CliException("Nothing to scan: " + target + " does not exist");
    }
    if (updateBaseline && baseline == null) {
      throw new CliException("--update-baseline needs --baseline FILE to say where to write");
    }
    Path repo = StateDir.repositoryOf(target);
    Fingerprinter fp = StateDir.resolve(stateDir, ctx).fingerprinter(ctx, repo, keyFile);
    Scanner scanner = Scanner.builder().fingerprinter(fp).maxFileSize(maxFileSize)
        .useGitIgnore(!noGitIgnore).includeIgnoredEnv(ignoredEnv).detectors(detectors(ctx))
        .build();
    ScanResult result = scanner.scan(target);

    if (baseline != null) {
      Path bl = ctx.resolve(baseline);
      if (updateBaseline) {
        PrivateFiles.write(bl, Baseline.render(result.findings(), fp.keyCheck())
            .getBytes(StandardCharsets.UTF_8), false);
        ctx.err().println("keyhole: baseline " + bl + " now accepts " + result.findings().size()
            + " finding(s)");
      }
      Baseline accepted = loadBaseline(bl);
      if (accepted.keyCheck().isPresent() && !accepted.keyCheck().get().equals(fp.keyCheck())) {
        ctx.err().println("keyhole: warning: baseline " + bl + " was written with another"
            + " fingerprint key (key check " + accepted.keyCheck().get() + ", this run "
            + fp.keyCheck() + "), so none of its entries can match. Use the same"
            + " --fingerprint-key-file as when it was written.");
      }
      result = result.withBaseline(accepted);
    }
    int exit = result.newFindings().isEmpty() ? 0 : 1;
    String report = switch (format) {
      case table -> TableReport.render(result);
      case json -> JsonReport.render(result, KeyholeCli.version());
      case sarif -> SarifReport.render(result, KeyholeCli.version(), exit);
    };
    if (output != null) {
      PrivateFiles.write(ctx.resolve(output), report.getBytes(StandardCharsets.UTF_8), false);
      if (format != Format.table) {
        ctx.err().println("keyhole: " + result.findings().size() + " finding(s) ("
            + result.newFindings().size() + " new); report written to " + ctx.resolve(output));
      }
    } else {
      ctx.out().print(report);
    }
    ctx.out().flush();
    return exit;
  }

  /** Keyhole's detectors and those of the --rules files; unusable rules are listed on stderr. */
  private List<SecretDetector> detectors(CliContext ctx) {
    if (noBuiltinDetectors && rules.isEmpty()) {
      throw new CliException("--no-builtin-detectors needs at least one --rules FILE");
    }
    List<SecretDetector> out = new ArrayList<>(noBuiltinDetectors ? List.of()
        : Detectors.defaults());
    for (Path file : rules) {
      Path resolved = ctx.resolve(file);
      GitleaksRules loaded;
      try {
        loaded = GitleaksRules.load(resolved);
      } catch (ConfigurationException e) {
        throw new CliException(e.getMessage());
      }
      for (String problem : loaded.problems()) {
        ctx.err().println("keyhole: " + resolved + ": " + problem + "; not run");
      }
      if (loaded.ruleCount() == 0) {
        throw new CliException("No rule of " + resolved + " can run (see above); fix the file or"
            + " drop --rules " + file);
      }
      out.addAll(loaded.detectors());
    }
    return out;
  }

  private static Baseline loadBaseline(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException("Baseline " + file + " does not exist; create it with"
          + " --baseline " + file + " --update-baseline");
    }
    try {
      return Baseline.parse(text, file.toString());
    } catch (IllegalArgumentException e) {
      throw new CliException(e.getMessage());
    }
  }
}
