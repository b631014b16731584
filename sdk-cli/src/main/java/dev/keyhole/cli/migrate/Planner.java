package dev.keyhole.cli.migrate;

import dev.keyhole.cli.CliException;
import dev.keyhole.cli.scan.EnvFiles;
import dev.keyhole.cli.scan.Finding;
import dev.keyhole.cli.scan.Fingerprinter;
import dev.keyhole.cli.scan.Heuristics;
import dev.keyhole.cli.scan.Masking;
import dev.keyhole.cli.scan.Scanner;
import dev.keyhole.cli.scan.Texts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decides, without writing anything, what a migration will do: which values of which files move,
 * under which item, key, handle and reference, and what each file will look like afterwards.
 *
 * <p>Which values: for a {@code .env} file, by default the entries that {@code keyhole scan}
 * flags; {@code --key} names them instead, {@code --all-keys} takes every non-empty entry; entries
 * that are already references are left alone. For any file, {@code --finding FINGERPRINT} (from
 * the scan report, 12 or more hex digits) selects individual findings; outside {@code .env} files
 * the value is replaced in place by its reference.
 */
final class Planner {
  private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  private static final int MIN_FINGERPRINT_PREFIX = 12;

  record Options(List<String> keys, boolean allKeys, List<String> findings, @Nullable String item,
      List<String> tools) {}

  /** The files' plans, and the policy text as it will be once every file is migrated. */
  record Plan(List<FilePlan> files, String policyText) {}

  private final Path repo;
  private final SecretStore store;
  private final Scanner scanner;
  private final Fingerprinter fingerprinter;
  private final Options options;

  Planner(Path repo, SecretStore store, Scanner scanner, Fingerprinter fingerprinter,
      Options options) {
    this.repo = repo;
    this.store = store;
    this.scanner = scanner;
    this.fingerprinter = fingerprinter;
    this.options = options;
  }

  Plan plan(List<Path> files, @Nullable String policyText, String policySource)
      throws IOException {
    PolicyFile policy;
    try {
      policy = PolicyFile.open(policyText, policySource);
    } catch (dev.keyhole.PolicyFileException e) {
      throw new CliException("The existing policy cannot be extended: " + e.getMessage());
    }
    if (options.item() != null && files.size() > 1) {
      throw new CliException("--item names the store item of one file; with several files, leave"
          + " it out and each file gets its own item (REPO-PATH, e.g. app-env)");
    }
    Set<String> wanted = new LinkedHashSet<>();
    for (String f : options.findings()) {
      String hex = f.startsWith("hmac-sha256:") ? f.substring("hmac-sha256:".length()) : f;
      if (hex.length() < MIN_FINGERPRINT_PREFIX || !hex.matches("[0-9a-f]+")) {
        throw new CliException("--finding " + f + ": give the fingerprint from 'keyhole scan'"
            + " (at least " + MIN_FINGERPRINT_PREFIX + " lower-case hex digits)");
      }
      wanted.add(hex);
    }
    Set<String> usedFindings = new HashSet<>();
    List<FilePlan> plans = new ArrayList<>();
    Set<String> items = new HashSet<>();
    for (Path file : files) {
      FilePlan p = planFile(file, wanted, usedFindings);
      if (!items.add(p.item())) {
        throw new CliException("Two files map to the store item '" + p.item() + "'; migrate them"
            + " one at a time with distinct --item names");
      }
      plans.add(p);
    }
    Set<String> unused = new LinkedHashSet<>(wanted);
    unused.removeAll(usedFindings);
    if (!unused.isEmpty()) {
      throw new CliException("No finding in the given files has fingerprint " + unused
          + "; run 'keyhole scan' on them and copy the FINGERPRINT column");
    }
    Set<String> requestedKeys = new LinkedHashSet<>(options.keys());
    for (FilePlan p : plans) {
      if (p.dotenv()) {
        for (EnvFiles.Entry e : EnvFiles.read(p.workingText())) {
          requestedKeys.remove(e.key());
        }
      }
    }
    if (!requestedKeys.isEmpty()) {
      throw new CliException("--key " + String.join(", ", requestedKeys) + ": not found in the"
          + " given .env files (keys are case-sensitive)");
    }
    return assignHandles(plans, policy);
  }

  private FilePlan planFile(Path file, Set<String> wanted, Set<String> usedFindings)
      throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new CliException(file + " is not a regular file (symbolic links are not followed)");
    }
    Path real = file.toRealPath();
    if (!real.startsWith(repo)) {
      throw new CliException(file + " is outside the repository " + repo + "; run from inside"
          + " the repository or pass --repo");
    }
    String rel = relative(real);
    String text;
    try {
      text = Files.readString(real, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new CliException(file + " does not exist");
    } catch (java.nio.charset.MalformedInputException e) {
      throw new CliException(rel + " is not UTF-8 text");
    }
    String item = options.item() != null ? validItem(options.item()) : defaultItem(rel);
    List<Finding> findings = scanner.findingsIn(real, rel, text);
    boolean dotenv = Scanner.isDotenv(real.getFileName().toString());
    List<Move> moves = new ArrayList<>();
    List<String> kept = new ArrayList<>();
    if (dotenv) {
      String working = EnvFiles.normalize(text);
      List<EnvFiles.Entry> entries;
      try {
        entries = EnvFiles.read(working);
      } catch (EnvFiles.InvalidEnvFileException e) {
        throw new CliException(rel + ": " + e.getMessage());
      }
      Map<String, List<EnvFiles.Entry>> byKey = new LinkedHashMap<>();
      for (EnvFiles.Entry e : entries) {
        byKey.computeIfAbsent(e.key(), k -> new ArrayList<>()).add(e);
      }
      for (var kv : byKey.entrySet()) {
        String key = kv.getKey();
        List<EnvFiles.Entry> occurrences = kv.getValue();
        EnvFiles.Entry last = occurrences.get(occurrences.size() - 1);
        String value = last.value();
        List<Finding> hits = findings.stream().filter(f -> occurrences.stream()
            .anyMatch(e -> f.start() < Math.max(e.innerEnd(), e.innerStart() + 1)
                && e.innerStart() < f.end())).toList();
        boolean chosen = hits.stream().anyMatch(f -> matches(f, wanted, usedFindings));
        boolean selected = options.keys().isEmpty()
            ? options.allKeys() || !hits.isEmpty() || chosen
            : options.keys().contains(key) || chosen;
        if (Heuristics.isReference(value)) {
          kept.add(key + " (already a reference)");
          continue;
        }
        if (value.isEmpty()) {
          kept.add(key + " (empty)");
          continue;
        }
        if (!selected) {
          boolean plain = value.matches("[-+]?\\d+(\\.\\d+)?|(?i)true|false|yes|no|on|off");
          kept.add(key + (Heuristics.isPlaceholder(value) && !plain ? " (placeholder)"
              : " (not flagged; name it with --key or use --all-keys)"));
          continue;
        }
        requireValidKey(key, rel);
        List<int[]> ranges = occurrences.stream()
            .map(e -> new int[] {e.rawStart(), e.rawEnd()}).toList();
        moves.add(new Move(key, "", "", value, last.line(), Masking.preview(value),
            fingerprinter.fingerprint(value), ranges));
      }
      return new FilePlan(real, rel, item, true, text, working, moves, kept);
    }
    Set<String> keysUsed = new HashSet<>();
    for (Finding f : findings) {
      if (!matches(f, wanted, usedFindings)) {
        continue;
      }
      String value = text.substring(f.start(), f.end());
      if (!fingerprinter.fingerprint(value).equals(f.fingerprint())) {
        throw new CliException(f.location() + ": the value is not written literally at its"
            + " location (escape sequences or a multi-line block), so it cannot be replaced in"
            + " place; move it by hand");
      }
      String key = fieldName(f.key() == null ? "secret_line_" + f.line() : f.key());
      String unique = key;
      for (int n = 2; !keysUsed.add(unique); n++) {
        unique = key + "_" + n;
      }
      moves.add(new Move(unique, "", "", value, f.line(), f.preview(), f.fingerprint(),
          List.of(new int[] {f.start(), f.end()})));
    }
    if (wanted.isEmpty()) {
      throw new CliException(rel + " is not a .env file; choose the findings to move from it with"
          + " --finding FINGERPRINT (the FINGERPRINT column of 'keyhole scan')");
    }
    return new FilePlan(real, rel, item, false, text, text, moves, kept);
  }

  private static boolean matches(Finding f, Set<String> wanted, Set<String> used) {
    String hex = f.fingerprint().substring(f.fingerprint().indexOf(':') + 1);
    for (String w : wanted) {
      if (hex.startsWith(w)) {
        used.add(w);
        return true;
      }
    }
    return false;
  }

  /** Gives each move its handle name and reference, avoiding clashes with the policy. */
  private Plan assignHandles(List<FilePlan> plans, PolicyFile policy) {
    Set<String> taken = new HashSet<>();
    List<FilePlan> out = new ArrayList<>();
    for (FilePlan p : plans) {
      List<Move> moves = new ArrayList<>();
      for (Move m : p.moves()) {
        String ref = store.reference(p.item(), m.key());
        String base = handleName(m.key());
        String name = base;
        if (!reusable(policy, name, ref, taken)) {
          name = truncate(base + "-" + p.item());
          for (int n = 2; !reusable(policy, name, ref, taken); n++) {
            name = truncate(base + "-" + p.item()) + "-" + n;
          }
        }
        taken.add(name);
        moves.add(m.withReference(name, ref));
      }
      FilePlan np = new FilePlan(p.file(), p.relativePath(), p.item(), p.dotenv(),
          p.originalText(), p.workingText(), moves, p.kept());
      verifyRewrite(np);
      out.add(np);
      policy.addAll(np, options.tools());
    }
    return new Plan(out, policy.render()); // render() checks it with Policy.parse
  }

  private static boolean reusable(PolicyFile policy, String name, String ref, Set<String> taken) {
    if (taken.contains(name)) {
      return false;
    }
    return !policy.has(name) || policy.refOf(name).map(ref::equals).orElse(false);
  }

  /** The rewritten .env must parse and hold exactly the references. */
  private static void verifyRewrite(FilePlan p) {
    if (!p.dotenv()) {
      return;
    }
    String rewritten = EnvFiles.normalize(p.rewrittenText());
    Map<String, String> after = new LinkedHashMap<>();
    try {
      for (EnvFiles.Entry e : EnvFiles.read(rewritten)) {
        after.put(e.key(), e.value());
      }
    } catch (IllegalArgumentException e) {
      throw new CliException(p.relativePath() + ": the rewritten file would not parse ("
          + e.getMessage() + "); please report this");
    }
    for (Move m : p.moves()) {
      if (!m.reference().equals(after.get(m.key()))) {
        throw new CliException(p.relativePath() + ": the rewritten entry " + m.key()
            + " would not read back as its reference; please report this");
      }
    }
  }

  /** {@code GITHUB_TOKEN} to {@code github_token}: a valid Keyhole handle name. */
  static String handleName(String key) {
    String s = key.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_-]", "_")
        .replaceAll("^[_-]+", "");
    return s.isEmpty() ? "secret" : truncate(s);
  }

  private static String truncate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60);
  }

  private static String fieldName(String key) {
    String s = key.replaceAll("[^A-Za-z0-9_]", "_").replaceAll("^[^A-Za-z_]+", "");
    return s.isEmpty() ? "secret" : s.length() > 100 ? s.substring(0, 100) : s;
  }

  private static void requireValidKey(String key, String rel) {
    if (!KEY.matcher(key).matches()) {
      throw new CliException(rel + ": key '" + key + "' cannot be used as a store key; rename it"
          + " to start with a letter or '_' (letters, digits, '_', '.', '-')");
    }
  }

  private String defaultItem(String rel) {
    String repoName = repo.getFileName() == null ? "repo" : repo.getFileName().toString();
    return slug(repoName) + "-" + slug(rel);
  }

  private static String validItem(String item) {
    if (!item.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")) {
      throw new CliException("--item '" + item + "': use letters, digits, '_', '.', '-' (no '/'),"
          + " starting with a letter or digit");
    }
    return item;
  }

  private static String slug(String s) {
    String out = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
    return out.isEmpty() ? "x" : out;
  }

  private String relative(Path real) {
    return Texts.slashed(repo.relativize(real));
  }

}
