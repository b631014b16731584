package dev.keyhole.cli.scan;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code .env} files: every entry is inventoried; an entry is a finding when its key names a secret,
 * its value looks machine-generated, or it holds a URL with a password, unless the value is empty,
 * a placeholder or already a reference.
 */
final class EnvAnalyzer {
  private EnvAnalyzer() {}

  /** The result for one file: candidates and the entries (for the inventory). */
  record Result(List<Candidate> candidates, List<EnvFiles.Entry> entries) {}

  /** Analyzes {@code normalized} text; throws {@link EnvFiles.InvalidEnvFileException}. */
  static Result analyze(String normalized) {
    List<Candidate> out = new ArrayList<>();
    List<EnvFiles.Entry> entries = EnvFiles.read(normalized);
    for (EnvFiles.Entry e : entries) {
      String v = e.value();
      boolean exact = normalized.substring(e.innerStart(), e.innerEnd()).equals(v);
      boolean flagged = KeyValueRule.judge(out, Rules.DOTENV_SECRET, e.key(), e.key(), v, e.innerStart(),
          e.innerEnd(), exact);
      if (!flagged && !Heuristics.isReference(v) && !Heuristics.isPlaceholder(v)
          && Heuristics.looksRandom(v)) {
        out.add(new Candidate(e.innerStart(), e.innerEnd(), Rules.DOTENV_HIGH_ENTROPY,
            Rules.kind(Rules.DOTENV_HIGH_ENTROPY), e.key(), Candidate.RULE, v));
      }
    }
    return new Result(out, entries);
  }
}
