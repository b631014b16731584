package dev.keyhole.cli.scan;

import dev.keyhole.redact.Detection;
import dev.keyhole.redact.Detectors;
import dev.keyhole.redact.SecretDetector;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Scans a directory (or one file) for secrets: core's {@link Detectors#defaults() detectors} on
 * every text file (known token formats, private keys, JWTs, keyword + entropy; or any detectors,
 * such as a gitleaks rule file's), plus the CLI's rules for {@code .env} files,
 * YAML/JSON/properties configs and scripts, and PKCS#12 key stores ({@code .p12}, {@code .pfx},
 * reported as files). Overlapping candidates are
 * merged (a detector's specific kind wins over a key-name rule, keeping the key name), look-alikes
 * (git SHAs, UUIDs, pre-signed URLs, placeholders, references) are dropped, and each finding gets a
 * keyed fingerprint and a masked preview.
 *
 * <p>Security: values live only in local variables during one file's scan; findings carry no value.
 */
public final class Scanner {
  /** Default limit: files above 1 MiB are skipped. */
  public static final long DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

  private final Fingerprinter fingerprinter;
  private final List<SecretDetector> detectors;
  private final long maxFileSize;
  private final boolean useGitIgnore;
  private final boolean includeIgnoredEnv;

  private Scanner(Builder b) {
    this.fingerprinter = Objects.requireNonNull(b.fingerprinter, "fingerprinter");
    this.detectors = List.copyOf(b.detectors);
    this.maxFileSize = b.maxFileSize;
    this.useGitIgnore = b.useGitIgnore;
    this.includeIgnoredEnv = b.includeIgnoredEnv;
  }

  /** A builder; {@link Builder#fingerprinter} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Scans {@code path} (a directory or a file).
   *
   * @throws IOException when the tree cannot be read
   */
  public ScanResult scan(Path path) throws IOException {
    Path root = path.toRealPath();
    RepoWalker walker = new RepoWalker(root, maxFileSize, useGitIgnore, includeIgnoredEnv);
    List<Finding> findings = new ArrayList<>();
    List<ScanResult.EnvFile> envFiles = new ArrayList<>();
    List<ScanResult.Warning> warnings = new ArrayList<>();
    int[] count = {0};
    walker.walk(file -> {
      count[0]++;
      FileScan fs = scanFile(file);
      findings.addAll(fs.findings());
      if (fs.envFile() != null) {
        envFiles.add(fs.envFile());
      }
      if (fs.warning() != null) {
        warnings.add(new ScanResult.Warning(file.relativePath(), fs.warning()));
      }
    });
    findings.sort(Comparator.comparing(Finding::file).thenComparingInt(Finding::line)
        .thenComparingInt(Finding::column));
    List<ScanResult.Skipped> skipped = walker.skipped().stream()
        .map(s -> new ScanResult.Skipped(s.file(), s.reason())).toList();
    Path base = java.nio.file.Files.isDirectory(root) ? root : root.getParent();
    return new ScanResult(base, count[0], findings, envFiles, skipped, warnings);
  }

  /**
   * The findings in one file's {@code text}; for {@code .env}-style files (see
   * {@link #isDotenv}) the offsets refer to {@link EnvFiles#normalize normalized} text.
   */
  public List<Finding> findingsIn(Path file, String relativePath, String text) {
    return scanFile(new SourceFile(file, relativePath, FileType.of(file.getFileName().toString()),
        text)).findings();
  }

  /** Whether a file name is read as a {@code .env} file ({@code .env}, {@code .env.*}, {@code *.env}). */
  public static boolean isDotenv(String fileName) {
    return FileType.of(fileName) == FileType.DOTENV;
  }

  /** One file's findings, its .env inventory (if it is one) and a warning (if any). */
  record FileScan(List<Finding> findings, ScanResult.EnvFile envFile, String warning) {}

  FileScan scanFile(SourceFile file) {
    String text = file.type() == FileType.DOTENV ? EnvFiles.normalize(file.text()) : file.text();
    List<Candidate> candidates = new ArrayList<>();
    List<EnvFiles.Entry> entries = null;
    String warning = null;
    switch (file.type()) {
      case DOTENV -> {
        try {
          EnvAnalyzer.Result r = EnvAnalyzer.analyze(text);
          candidates.addAll(r.candidates());
          entries = r.entries();
        } catch (EnvFiles.InvalidEnvFileException e) {
          warning = "not valid dotenv (" + e.getMessage() + "); read line by line instead";
          candidates.addAll(ConfigAnalyzer.lines(text));
        }
      }
      case YAML, JSON, PROPERTIES -> {
        ConfigAnalyzer.Result r = ConfigAnalyzer.analyze(text, file.type());
        candidates.addAll(r.candidates());
        warning = r.warning();
      }
      case SCRIPT -> candidates.addAll(ScriptAnalyzer.analyze(text));
      case OTHER -> candidates.addAll(urlPasswords(text));
      case KEYSTORE -> candidates.add(new Candidate(0, text.length(), Rules.PKCS12_FILE,
          Rules.kind(Rules.PKCS12_FILE), null, Candidate.DETECTOR, text));
    }
    if (file.type() != FileType.KEYSTORE) {
      candidates.addAll(detect(text));
    }
    List<Candidate> accepted = merge(candidates);
    int[] lineStarts = Texts.lineStarts(text);
    List<Finding> findings = new ArrayList<>(accepted.size());
    for (Candidate c : accepted) {
      findings.add(toFinding(file.relativePath(), lineStarts, c));
    }
    ScanResult.EnvFile envFile = null;
    if (file.type() == FileType.DOTENV) {
      List<ScanResult.EnvKey> keys = new ArrayList<>();
      if (entries != null) {
        for (EnvFiles.Entry e : entries) {
          boolean flagged = accepted.stream()
              .anyMatch(c -> c.start < e.innerEnd() && e.innerStart() < c.end);
          keys.add(new ScanResult.EnvKey(e.key(), e.line(), flagged,
              Heuristics.isReference(e.value())));
        }
      }
      envFile = new ScanResult.EnvFile(file.relativePath(), keys);
    }
    return new FileScan(findings, envFile, warning);
  }

  private static List<Candidate> urlPasswords(String text) {
    List<Candidate> out = new ArrayList<>();
    Texts.forEachLine(text, (start, line) -> KeyValueRule.urlPassword(out, "", line, start, true));
    return out;
  }


  private List<Candidate> detect(String text) {
    List<Candidate> out = new ArrayList<>();
    for (SecretDetector d : detectors) {
      for (Detection hit : d.detect(text)) {
        int s = hit.start();
        int e = hit.end();
        if (s < 0 || e > text.length() || s >= e) {
          continue;
        }
        String v = text.substring(s, e);
        // A value under a secret name is reported even when it looks like a git SHA or a UUID
        // (many APIs use hex and UUID keys); bare look-alikes are not.
        boolean named = hit.detectorId().equals("keyword-entropy");
        boolean lookAlike = named ? Heuristics.insidePresignedUrl(text, s, e)
            : Heuristics.isLookAlike(text, s, e);
        if (lookAlike || Heuristics.isPlaceholder(v) || Heuristics.isReference(v)) {
          continue;
        }
        out.add(new Candidate(s, e, hit.detectorId(), hit.kind(), null, Candidate.DETECTOR, v));
      }
    }
    return out;
  }

  /**
   * Keeps the highest-priority candidate of each overlapping group (earliest first on ties) and
   * carries a dropped candidate's key name over to the winner.
   */
  static List<Candidate> merge(List<Candidate> candidates) {
    List<Candidate> sorted = new ArrayList<>(candidates);
    sorted.sort(Comparator.comparingInt((Candidate c) -> -c.priority)
        .thenComparingInt(c -> c.start).thenComparingInt(c -> -(c.end - c.start)));
    List<Candidate> accepted = new ArrayList<>();
    for (Candidate c : sorted) {
      Candidate winner = null;
      for (Candidate a : accepted) {
        if (a.overlaps(c)) {
          winner = a;
          break;
        }
      }
      if (winner == null) {
        accepted.add(c);
      } else if (winner.key == null && c.key != null) {
        winner.key = c.key;
      }
    }
    accepted.sort(Comparator.comparingInt(c -> c.start));
    return accepted;
  }

  private Finding toFinding(String file, int[] lineStarts, Candidate c) {
    int[] s = position(lineStarts, c.start);
    int[] e = position(lineStarts, Math.max(c.start, c.end - 1));
    return new Finding(file, s[0], s[1], e[0], e[1] + 1, c.start, c.end, c.ruleId, c.kind, c.key,
        fingerprinter.fingerprint(c.value), Masking.preview(c.value), false);
  }

  /** 1-based line and column of {@code offset}. */
  private static int[] position(int[] lineStarts, int offset) {
    int lo = 0;
    int hi = lineStarts.length - 1;
    while (lo < hi) {
      int mid = (lo + hi + 1) >>> 1;
      if (lineStarts[mid] <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return new int[] {lo + 1, offset - lineStarts[lo] + 1};
  }

  @Override
  public String toString() {
    return "Scanner[" + detectors.size() + " detectors, maxFileSize=" + maxFileSize + "]";
  }

  /** Builds a {@link Scanner}. */
  public static final class Builder {
    private Fingerprinter fingerprinter;
    private List<SecretDetector> detectors = Detectors.defaults();
    private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
    private boolean useGitIgnore = true;
    private boolean includeIgnoredEnv = true;

    private Builder() {}

    public Builder fingerprinter(Fingerprinter f) {
      this.fingerprinter = f;
      return this;
    }

    /** The detectors to run on every file; default {@link Detectors#defaults()}. */
    public Builder detectors(List<SecretDetector> list) {
      this.detectors = List.copyOf(list);
      return this;
    }

    /** Files larger than this many bytes are skipped. */
    public Builder maxFileSize(long bytes) {
      if (bytes < 1) {
        throw new IllegalArgumentException("maxFileSize must be at least 1 byte");
      }
      this.maxFileSize = bytes;
      return this;
    }

    /** Whether {@code .gitignore} files are honoured (default true). */
    public Builder useGitIgnore(boolean on) {
      this.useGitIgnore = on;
      return this;
    }

    /** Whether git-ignored {@code .env}-style files are still scanned (default true). */
    public Builder includeIgnoredEnv(boolean on) {
      this.includeIgnoredEnv = on;
      return this;
    }

    public Scanner build() {
      return new Scanner(this);
    }
  }
}
