package dev.keyhole.cli.migrate;

import dev.keyhole.KeyholeException;
import dev.keyhole.SecretValue;
import dev.keyhole.aws.AwsClientOptions;
import dev.keyhole.aws.SecretsManagerWriter;
import dev.keyhole.cli.CliContext;
import dev.keyhole.onepassword.OnePasswordCliProvider;
import dev.keyhole.onepassword.OnePasswordConnectProvider;
import dev.keyhole.onepassword.OnePasswordWriter;
import dev.keyhole.cli.CliException;
import dev.keyhole.cli.StateDir;
import dev.keyhole.cli.scan.Fingerprinter;
import dev.keyhole.cli.scan.Scanner;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * One {@code keyhole migrate} run: resolves the repository and state directory, builds the store,
 * plans, prints the plan, and (with {@code apply}) checks the git tree is clean and performs it.
 */
public final class Migration {
  /** The store to move values to. */
  public enum Target {
    /** 1Password through a Connect server. */
    OP,
    /** AWS Secrets Manager. */
    AWS_SM,
    /** Owner-only files in Keyhole's state directory, outside the repository. */
    LOCAL
  }

  /** AWS Secrets Manager layout: one JSON secret per file, or one secret per key. */
  public enum AwsLayout { PER_FILE, PER_KEY }

  /**
   * Everything {@code keyhole migrate} was asked to do.
   *
   * @param files the files to migrate (relative to the working directory or absolute)
   * @param target where values go
   * @param apply false for a dry run
   * @param allowDirty proceed even if the git tree has uncommitted changes
   * @param keys move exactly these .env keys (empty: the flagged ones)
   * @param allKeys move every non-empty .env key
   * @param findings fingerprints (or 12+ hex digit prefixes) of scan findings to move
   * @param item the store item / secret name (one file only); default REPO-PATH
   * @param vault the 1Password vault name
   * @param opHost the Connect server URL; default {@code $OP_CONNECT_HOST}
   * @param awsLayout the AWS layout
   * @param awsPrefix a prefix for AWS secret names, e.g. {@code dev/}
   * @param awsRegion the AWS region; default from the environment / AWS config
   * @param awsEndpoint an endpoint override (LocalStack, a VPC endpoint)
   * @param awsProfile an AWS profile name
   * @param policy the policy file; default {@code REPO/keyhole-policy.yaml}
   * @param tools tools allowed to use the migrated handles; default {@code *}
   * @param repo the repository root; default the git work tree of the first file
   * @param stateDir Keyhole's state directory
   * @param fingerprintKeyFile key for fingerprints (see {@code keyhole scan})
   */
  public record Options(
      List<Path> files,
      Target target,
      boolean apply,
      boolean allowDirty,
      List<String> keys,
      boolean allKeys,
      List<String> findings,
      @Nullable String item,
      @Nullable String vault,
      @Nullable String opHost,
      AwsLayout awsLayout,
      String awsPrefix,
      @Nullable String awsRegion,
      @Nullable URI awsEndpoint,
      @Nullable String awsProfile,
      @Nullable Path policy,
      List<String> tools,
      @Nullable Path repo,
      @Nullable Path stateDir,
      @Nullable Path fingerprintKeyFile) {
    public Options {
      files = List.copyOf(files);
      keys = List.copyOf(keys);
      findings = List.copyOf(findings);
      tools = List.copyOf(tools);
      Objects.requireNonNull(target, "target");
    }
  }

  private Migration() {}

  /** Runs the migration and returns the exit code (0 done or dry run, 2 failed). */
  public static int run(CliContext ctx, Options o) throws IOException {
    if (o.files().isEmpty()) {
      throw new CliException("Name the .env file(s) to migrate, e.g. 'keyhole migrate .env --to"
          + " local'");
    }
    if (o.allKeys() && !o.keys().isEmpty()) {
      throw new CliException("Use either --key (to name keys) or --all-keys, not both");
    }
    List<Path> files = new ArrayList<>();
    for (Path f : o.files()) {
      Path abs = ctx.resolve(f);
      if (!Files.exists(abs)) {
        throw new CliException(abs + " does not exist");
      }
      files.add(abs);
    }
    Path repo = (o.repo() != null ? ctx.resolve(o.repo()) : StateDir.repositoryOf(files.get(0)))
        .toRealPath();
    StateDir state = StateDir.resolve(o.stateDir(), ctx);
    state.requireOutside(repo);
    Fingerprinter fp = state.fingerprinter(ctx, repo, o.fingerprintKeyFile());
    Path policyPath = o.policy() != null ? ctx.resolve(o.policy())
        : repo.resolve("keyhole-policy.yaml");
    String policyBefore = Files.exists(policyPath)
        ? Files.readString(policyPath, StandardCharsets.UTF_8) : null;
    List<String> tools = o.tools().isEmpty() ? List.of("*") : o.tools();
    PrintWriter out = ctx.out();

    try (SecretStore store = store(ctx, o, state, repo)) {
      Scanner scanner = Scanner.builder().fingerprinter(fp).build();
      Planner planner = new Planner(repo, store, scanner, fp,
          new Planner.Options(o.keys(), o.allKeys(), o.findings(), o.item(), tools));
      Planner.Plan plan = planner.plan(files, policyBefore, display(repo, policyPath));
      printPlan(out, o, store, repo, policyPath, plan, tools);
      int moves = plan.files().stream().mapToInt(p -> p.moves().size()).sum();
      // The files being migrated are expected to be changed or untracked (an .env usually is):
      // only other changes make the tree dirty.
      List<String> migrated = plan.files().stream()
          .map(f -> f.relativePath().replace(java.io.File.separatorChar, '/')).toList();
      Git.Status fullStatus = Git.status(repo);
      Git.Status git = fullStatus.ignoring(migrated);
      if (!o.apply()) {
        out.println();
        out.println("Dry run: nothing was written. Re-run with --apply to perform it.");
        if (git.state() != Git.State.CLEAN && !o.allowDirty()) {
          out.println("Note: " + gitProblem(repo, git) + "; --apply will refuse unless you"
              + " commit first or pass --allow-dirty.");
        }
        out.flush();
        return 0;
      }
      if (moves == 0) {
        out.println();
        out.println("Nothing to move.");
        out.flush();
        return 0;
      }
      if (git.state() != Git.State.CLEAN && !o.allowDirty()) {
        throw new CliException(gitProblem(repo, git) + "; commit or stash first so the migration"
            + " is a reviewable change of its own, or pass --allow-dirty");
      }
      out.println();
      out.println("Applying:");
      Migrator migrator = new Migrator(store, state.backups(repo), policyPath,
          display(repo, policyPath), policyBefore, tools, ctx.clock(), out);
      Migrator.Outcome outcome = migrator.apply(plan);
      out.println();
      for (String m : outcome.moved()) {
        out.println("Moved (stored, file rewritten): " + m);
      }
      for (String s : outcome.storedOnly()) {
        out.println("Stored, but the file was left unchanged (re-run to finish): " + s);
      }
      for (String n : outcome.notMoved()) {
        out.println("Not moved: " + n);
      }
      if (!outcome.ok()) {
        out.flush();
        throw new CliException("migration stopped at " + outcome.failure() + ". Every file is"
            + " either unchanged or fully rewritten; originals are backed up under "
            + state.backups(repo));
      }
      List<String> untracked = migrated.stream().filter(fullStatus.untracked()::contains).toList();
      List<String> tracked = Git.tracked(repo, migrated);
      out.println("Done. Policy: " + policyPath + ". Review it, then commit it"
          + (tracked.isEmpty() ? "" : " and the rewritten " + String.join(", ", tracked))
          + ".");
      if (!untracked.isEmpty()) {
        out.println("Add " + String.join(", ", untracked) + " to .gitignore: git does not track"
            + (untracked.size() == 1 ? " it" : " them") + " and nothing ignores "
            + (untracked.size() == 1 ? "it" : "them") + " yet. It now holds references only,"
            + " but a file like it is where the next secret gets pasted.");
      }
      if (!tracked.isEmpty()) {
        out.println("The values moved out of " + String.join(", ", tracked) + " are still in"
            + " git history: rotate them.");
      }
      out.flush();
      return 0;
    }
  }

  private static void printPlan(PrintWriter out, Options o, SecretStore store, Path repo,
      Path policyPath, Planner.Plan plan, List<String> tools) {
    out.println("keyhole migrate" + (o.apply() ? "" : " (dry run)"));
    out.println("Repository: " + repo);
    out.println("Target:     " + store.describe());
    for (FilePlan p : plan.files()) {
      out.println();
      out.println(p.relativePath() + " -> '" + p.item() + "' (" + p.moves().size() + " value"
          + (p.moves().size() == 1 ? "" : "s") + ")");
      for (Move m : p.moves()) {
        out.println("  " + m.key() + " (line " + m.line() + ", " + m.preview() + ") -> "
            + m.reference() + "  [secret://" + m.handle() + "]");
      }
      if (!p.kept().isEmpty()) {
        out.println("  left as is: " + String.join("; ", p.kept()));
      }
    }
    out.println();
    out.println("Policy:     " + policyPath + " (a handle per moved value; tools: "
        + String.join(", ", tools) + ")");
    if (tools.contains("*")) {
      out.println("            Handles allow any tool ('*'); narrow them with --tool NAME or by"
          + " editing the policy, and add 'destinations'.");
    }
  }

  private static String gitProblem(Path repo, Git.Status git) {
    return switch (git.state()) {
      case DIRTY -> "the git working tree at " + repo + " has uncommitted changes ("
          + git.changedPaths() + " path(s))";
      case NOT_A_REPOSITORY -> repo + " is not a git work tree, so keyhole cannot check that it is"
          + " clean";
      case GIT_MISSING -> "git is not available, so keyhole cannot check that " + repo
          + " is clean";
      case CLEAN -> "clean";
    };
  }

  private static String display(Path repo, Path policy) {
    return policy.startsWith(repo) ? repo.relativize(policy).toString() : policy.toString();
  }

  private static SecretStore store(CliContext ctx, Options o, StateDir state, Path repo) {
    return switch (o.target()) {
      case LOCAL -> new LocalFileStore(state.localStore(), repo);
      case OP -> {
        if (o.vault() == null || o.vault().isBlank()) {
          throw new CliException("--to op needs --vault NAME (the 1Password vault to write to)");
        }
        if (!o.vault().matches("[A-Za-z0-9_.-]+")) {
          throw new CliException("--vault '" + o.vault() + "' cannot appear in an op:// reference"
              + " as written; use the vault's ID (26 letters and digits) instead");
        }
        String host = o.opHost() != null ? o.opHost() : ctx.env("OP_CONNECT_HOST");
        if (host != null && HttpUrl.parse(host) == null) {
          throw new CliException("The Connect host '" + host + "' is not an http(s) URL");
        }
        if (host != null) {
          yield new OnePasswordStore(() -> connect(ctx, host), o.vault(), "Connect at " + host);
        }
        yield new OnePasswordStore(() -> opCli(ctx), o.vault(),
            "through the op CLI (OP_SERVICE_ACCOUNT_TOKEN or a signed-in op; set OP_CONNECT_HOST"
                + " to use Connect)");
      }
      case AWS_SM -> {
        String where = o.awsEndpoint() != null ? o.awsEndpoint().toString()
            : "region " + (region(ctx, o) == null ? "from the AWS configuration" : region(ctx, o));
        yield new AwsSecretsManagerStore(() -> awsWriter(ctx, o),
            o.awsLayout() == AwsLayout.PER_KEY ? AwsSecretsManagerStore.Layout.PER_KEY
                : AwsSecretsManagerStore.Layout.PER_FILE,
            o.awsPrefix(), where);
      }
    };
  }

  /** 1Password Connect: the token comes from the environment only, never the command line. */
  private static OnePasswordStore.Connection connect(CliContext ctx, String host) {
    String token = ctx.env("OP_CONNECT_TOKEN");
    if (token == null || token.isBlank()) {
      throw new CliException("--to op with Connect needs OP_CONNECT_TOKEN in the environment (the"
          + " token is never taken on the command line, where shell history and process lists"
          + " would show it); or unset OP_CONNECT_HOST to use the op CLI");
    }
    SecretValue t = SecretValue.ofString(token.strip());
    OnePasswordConnectProvider p;
    try {
      p = OnePasswordConnectProvider.builder().host(host).token(t).clock(ctx.clock())
          .readTimeout(Duration.ofSeconds(30)).callTimeout(Duration.ofSeconds(60)).build();
    } catch (KeyholeException e) {
      throw new CliException(e.getMessage());
    } finally {
      t.destroy();
    }
    return connection(p.writer(), p);
  }

  /** The op CLI with the user's environment (OP_SERVICE_ACCOUNT_TOKEN or a signed-in op). */
  private static OnePasswordStore.Connection opCli(CliContext ctx) {
    OnePasswordCliProvider p = OnePasswordCliProvider.builder().environment(ctx.environment())
        .timeout(Duration.ofSeconds(60)).clock(ctx.clock()).build();
    return connection(p.writer(), p);
  }

  private static OnePasswordStore.Connection connection(OnePasswordWriter writer,
      AutoCloseable owner) {
    return new OnePasswordStore.Connection() {
      @Override
      public OnePasswordWriter writer() {
        return writer;
      }

      @Override
      public void close() {
        try {
          owner.close();
        } catch (Exception e) {
          // closing a provider releases threads and wipes its token; nothing to report
        }
      }
    };
  }

  private static @Nullable String region(CliContext ctx, Options o) {
    if (o.awsRegion() != null) {
      return o.awsRegion();
    }
    return ctx.env("AWS_REGION") != null ? ctx.env("AWS_REGION") : ctx.env("AWS_DEFAULT_REGION");
  }

  private static SecretsManagerWriter awsWriter(CliContext ctx, Options o) {
    AwsClientOptions.Builder b = AwsClientOptions.builder()
        .connectTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(30))
        .credentialsProvider(credentials(ctx, o))
        .clock(ctx.clock());
    String region = region(ctx, o);
    if (region != null) {
      b.region(region);
    }
    if (o.awsEndpoint() != null) {
      b.endpointOverride(o.awsEndpoint());
    }
    try {
      return SecretsManagerWriter.builder().options(b.build()).build();
    } catch (KeyholeException e) {
      throw new CliException("Cannot set up the AWS client: no region configured; pass"
          + " --aws-region or set AWS_REGION");
    }
  }

  private static AwsCredentialsProvider credentials(CliContext ctx, Options o) {
    String id = ctx.env("AWS_ACCESS_KEY_ID");
    String secret = ctx.env("AWS_SECRET_ACCESS_KEY");
    if (o.awsProfile() == null && id != null && secret != null) {
      String session = ctx.env("AWS_SESSION_TOKEN");
      return StaticCredentialsProvider.create(session == null
          ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret,
              session));
    }
    if (o.awsProfile() != null) {
      return ProfileCredentialsProvider.create(o.awsProfile());
    }
    return DefaultCredentialsProvider.builder().build();
  }
}
