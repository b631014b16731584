package dev.keyhole.cli.migrate;

import dev.keyhole.cli.scan.PrivateFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Carries out a {@link Planner.Plan}, one file at a time, in an order that keeps every file either
 * old or new:
 *
 * <ol>
 *   <li>back up the original, owner-only, in the state directory (outside the repository);
 *   <li>store the file's values (one write per file, except AWS per-key layout);
 *   <li>write the policy with the handles of every file done so far (atomically);
 *   <li>rewrite the file with references (atomically: temp file + move).
 * </ol>
 *
 * The first failure stops the run; the report then says which keys were moved (stored and file
 * rewritten), which were stored while their file stayed unchanged, and which were not moved.
 *
 * <p>Security: messages are scrubbed of every value being moved before they are printed.
 */
final class Migrator {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private final SecretStore store;
  private final Path backupRoot;
  private final Path policyFile;
  private final String policySource;
  private final @Nullable String policyBefore;
  private final List<String> tools;
  private final Clock clock;
  private final PrintWriter out;

  Migrator(SecretStore store, Path backupRoot, Path policyFile, String policySource,
      @Nullable String policyBefore, List<String> tools, Clock clock, PrintWriter out) {
    this.store = store;
    this.backupRoot = backupRoot;
    this.policyFile = policyFile;
    this.policySource = policySource;
    this.policyBefore = policyBefore;
    this.tools = List.copyOf(tools);
    this.clock = clock;
    this.out = out;
  }

  /** The outcome: per file, what happened. */
  record Outcome(List<String> moved, List<String> storedOnly, List<String> notMoved,
      @Nullable String failure) {
    boolean ok() {
      return failure == null;
    }
  }

  Outcome apply(Planner.Plan plan) {
    Path backupDir = backupRoot.resolve(STAMP.format(clock.instant()));
    List<FilePlan> done = new ArrayList<>();
    List<String> moved = new ArrayList<>();
    List<String> storedOnly = new ArrayList<>();
    List<String> notMoved = new ArrayList<>();
    Scrubber scrub = Scrubber.of(plan.files());
    String failure = null;
    for (FilePlan p : plan.files()) {
      if (failure != null) {
        notMoved.add(p.relativePath() + ": " + keys(p.moves()));
        continue;
      }
      if (p.moves().isEmpty()) {
        out.println("  " + p.relativePath() + ": nothing to move");
        continue;
      }
      List<String> stored = List.of();
      boolean allStored = false;
      try {
        Path backup = backupDir.resolve(p.relativePath());
        PrivateFiles.writeAtomically(backup, p.originalText().getBytes(StandardCharsets.UTF_8));
        out.println("  " + p.relativePath() + ": original backed up to " + backup);
        try {
          store.store(p);
        } catch (StoreException e) {
          stored = e.storedKeys();
          throw e;
        }
        allStored = true;
        out.println("  " + p.relativePath() + ": " + p.moves().size() + " value(s) stored in '"
            + p.item() + "'");
        List<FilePlan> withThis = new ArrayList<>(done);
        withThis.add(p);
        PrivateFiles.write(policyFile, policyText(withThis).getBytes(StandardCharsets.UTF_8),
            false);
        PrivateFiles.write(p.file(), p.rewrittenText().getBytes(StandardCharsets.UTF_8), false);
        out.println("  " + p.relativePath() + ": rewritten with references only");
        done.add(p);
        moved.add(p.relativePath() + ": " + keys(p.moves()));
      } catch (StoreException | IOException | RuntimeException e) {
        String reason = e instanceof StoreException ? e.getMessage()
            : e.getClass().getSimpleName() + (e instanceof IOException ? ": " + e.getMessage() : "");
        failure = p.relativePath() + ": " + scrub.clean(reason);
        List<String> all = p.moves().stream().map(Move::key).toList();
        List<String> inStore = allStored ? all : stored;
        if (!inStore.isEmpty()) {
          storedOnly.add(p.relativePath() + ": " + String.join(", ", inStore));
        }
        List<String> rest = all.stream().filter(k -> !inStore.contains(k)).toList();
        if (!rest.isEmpty()) {
          notMoved.add(p.relativePath() + ": " + String.join(", ", rest));
        }
      }
    }
    out.flush();
    return new Outcome(moved, storedOnly, notMoved, failure);
  }

  /** The policy with the handles of {@code files} added to what the file held before the run. */
  private String policyText(List<FilePlan> files) {
    PolicyFile pf = PolicyFile.open(policyBefore, policySource);
    for (FilePlan p : files) {
      pf.addAll(p, tools);
    }
    return pf.render();
  }

  private static String keys(List<Move> moves) {
    return String.join(", ", moves.stream().map(Move::key).toList());
  }
}
