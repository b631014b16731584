package dev.keyhole.cli.scan;

import java.nio.file.Path;
import java.util.List;

/**
 * What a scan found: findings (sorted by file, line, column), the {@code .env}-style files with
 * their keys, the paths skipped and why, and warnings (files read in a fallback mode). Holds no
 * value.
 *
 * @param root the scanned directory, or the scanned file's directory (absolute, real path);
 *     finding paths are relative to it
 * @param filesScanned how many text files were read
 * @param findings every finding, baselined or new
 * @param envFiles the {@code .env}-style files and their keys
 * @param skipped paths not read, with the reason
 * @param warnings files read in a degraded mode, with the reason
 */
public record ScanResult(
    Path root,
    int filesScanned,
    List<Finding> findings,
    List<EnvFile> envFiles,
    List<Skipped> skipped,
    List<Warning> warnings) {
  public ScanResult {
    findings = List.copyOf(findings);
    envFiles = List.copyOf(envFiles);
    skipped = List.copyOf(skipped);
    warnings = List.copyOf(warnings);
  }

  /** A {@code .env}-style file and its keys in file order. */
  public record EnvFile(String file, List<EnvKey> keys) {
    public EnvFile {
      keys = List.copyOf(keys);
    }
  }

  /**
   * One key of a {@code .env} file.
   *
   * @param key the key
   * @param line its line
   * @param flagged whether its value is a finding
   * @param reference whether its value is already a secret reference
   */
  public record EnvKey(String key, int line, boolean flagged, boolean reference) {}

  /** A path that was not read. */
  public record Skipped(String file, String reason) {}

  /** A file read in a fallback mode. */
  public record Warning(String file, String message) {}

  /** Findings not accepted by the baseline. */
  public List<Finding> newFindings() {
    return findings.stream().filter(f -> !f.baselined()).toList();
  }

  /** Findings accepted by the baseline. */
  public List<Finding> baselinedFindings() {
    return findings.stream().filter(Finding::baselined).toList();
  }

  /** This result with each finding's baselined flag set by {@code baseline}. */
  public ScanResult withBaseline(Baseline baseline) {
    return new ScanResult(root, filesScanned,
        findings.stream().map(f -> f.withBaselined(baseline.accepts(f))).toList(), envFiles,
        skipped, warnings);
  }
}
