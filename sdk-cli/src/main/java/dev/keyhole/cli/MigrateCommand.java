package dev.keyhole.cli;

import dev.keyhole.cli.migrate.Migration;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code keyhole migrate}: move values into a secret store and leave references. */
@Command(
    name = "migrate",
    sortOptions = false,
    usageHelpAutoWidth = true,
    mixinStandardHelpOptions = true,
    description = {
        "Move the secrets of .env files (and chosen scan findings) into a secret store, and"
            + " rewrite the files to hold only references. Also writes a Keyhole policy file with"
            + " a handle per value. A migrated .env line looks like:",
        "  GITHUB_TOKEN=op://Dev/app-env/GITHUB_TOKEN",
        "A dry run by default: it prints what would change and writes nothing. With --apply it"
            + " backs up each original outside the repository, stores the values, writes the policy"
            + " and rewrites each file atomically. It refuses to run on a git tree with"
            + " uncommitted changes unless --allow-dirty. If a step fails, every file is left"
            + " either unchanged or fully rewritten, and the report lists which keys moved.",
        "Values are never printed, logged or written into the repository.",
        ""},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done (or dry run printed)", "2:error; nothing or only whole files changed"},
    footerHeading = "%nTargets:%n",
    footer = {
        "  --to local   owner-only files in Keyhole's local store (KEYHOLE_HOME,",
        "               default ~/.config/keyhole), outside the repository;",
        "               references keyhole-local:ITEM#KEY, which LocalStoreProvider",
        "               resolves on each machine (no machine path is written).",
        "  --to op      1Password: one item per file (title REPO-PATH, or --item),",
        "               one concealed field per key, in --vault. Through Connect",
        "               when OP_CONNECT_HOST (and OP_CONNECT_TOKEN) are set, else",
        "               through the op CLI (OP_SERVICE_ACCOUNT_TOKEN or a signed-in",
        "               op). References op://VAULT/ITEM/KEY.",
        "  --to aws-sm  AWS Secrets Manager with the usual AWS credentials: one",
        "               JSON secret per file (aws-sm:NAME#KEY), or one secret per",
        "               key with --aws-layout per-key (aws-sm:NAME/KEY).",
        "",
        "Examples:",
        "  keyhole migrate .env --to local                 # dry run",
        "  keyhole migrate .env --to local --apply",
        "  keyhole migrate .env --to op --vault Dev --apply",
        "  keyhole migrate .env .env.prod --to aws-sm --aws-prefix prod/ --apply",
        "  keyhole migrate config/app.yml --finding 3fa81c02d9e4 --to local"})
final class MigrateCommand implements Callable<Integer> {
  @ParentCommand KeyholeCli parent;

  @Parameters(arity = "1..*", paramLabel = "FILE",
      description = ".env file(s) to migrate; other files need --finding.")
  List<Path> files = new ArrayList<>();

  @Option(names = "--to", required = true, paramLabel = "TARGET",
      description = "Where values go: local, op or aws-sm.")
  String to;

  @Option(names = "--apply", description = "Perform the migration (default: dry run).")
  boolean apply;

  @Option(names = "--allow-dirty",
      description = "Run even if the git working tree has uncommitted changes.")
  boolean allowDirty;

  @Option(names = "--key", paramLabel = "KEY",
      description = "Move only this .env key (repeatable). Default: the keys 'keyhole scan' flags.")
  List<String> keys = new ArrayList<>();

  @Option(names = "--all-keys", description = "Move every non-empty .env key.")
  boolean allKeys;

  @Option(names = "--finding", paramLabel = "FINGERPRINT",
      description = "Also move this scan finding (FINGERPRINT column of 'keyhole scan';"
          + " repeatable). Outside .env files the value is replaced in place by its reference.")
  List<String> findings = new ArrayList<>();

  @Option(names = "--item", paramLabel = "NAME",
      description = "Store item / secret name for the (single) file. Default: REPO-PATH, e.g."
          + " app-env.")
  @Nullable String item;

  @Option(names = "--vault", paramLabel = "NAME", description = "1Password vault (--to op).")
  @Nullable String vault;

  @Option(names = "--op-host", paramLabel = "URL",
      description = "1Password Connect server URL. Default: $OP_CONNECT_HOST.")
  @Nullable String opHost;

  @Option(names = "--aws-layout", paramLabel = "LAYOUT", defaultValue = "per-file",
      description = "per-file (one JSON secret per file) or per-key (default: ${DEFAULT-VALUE}).")
  String awsLayout = "per-file";

  @Option(names = "--aws-prefix", paramLabel = "PREFIX", defaultValue = "",
      description = "Prefix for AWS secret names, e.g. dev/.")
  String awsPrefix = "";

  @Option(names = "--aws-region", paramLabel = "REGION",
      description = "AWS region. Default: $AWS_REGION or the AWS configuration.")
  @Nullable String awsRegion;

  @Option(names = "--aws-endpoint", paramLabel = "URL",
      description = "Secrets Manager endpoint override (LocalStack, VPC endpoint).")
  @Nullable URI awsEndpoint;

  @Option(names = "--aws-profile", paramLabel = "NAME", description = "AWS profile to use.")
  @Nullable String awsProfile;

  @Option(names = "--policy", paramLabel = "FILE",
      description = "Policy file to create or extend. Default: REPO/keyhole-policy.yaml.")
  @Nullable Path policy;

  @Option(names = "--tool", paramLabel = "TOOL",
      description = "Tool allowed to use the new handles (repeatable). Default: * (any tool).")
  List<String> tools = new ArrayList<>();

  @Option(names = "--repo", paramLabel = "DIR",
      description = "Repository root. Default: the git work tree of the first FILE.")
  @Nullable Path repo;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Keyhole's state directory for backups, the local store and keys (default:"
          + " $KEYHOLE_HOME, else ~/.config/keyhole). Must be outside the repository.")
  @Nullable Path stateDir;

  @Option(names = "--fingerprint-key-file", paramLabel = "FILE",
      description = "Fingerprint key, as for 'keyhole scan' (needed to match --finding).")
  @Nullable Path fingerprintKeyFile;

  @Override
  public Integer call() throws IOException {
    Migration.Target target = switch (to.toLowerCase(Locale.ROOT)) {
      case "local" -> Migration.Target.LOCAL;
      case "op", "1password" -> Migration.Target.OP;
      case "aws-sm", "aws" -> Migration.Target.AWS_SM;
      default -> throw new CliException("Unknown --to '" + to + "'; use local, op or aws-sm");
    };
    Migration.AwsLayout layout = switch (awsLayout.toLowerCase(Locale.ROOT)) {
      case "per-file" -> Migration.AwsLayout.PER_FILE;
      case "per-key" -> Migration.AwsLayout.PER_KEY;
      default -> throw new CliException("Unknown --aws-layout '" + awsLayout
          + "'; use per-file or per-key");
    };
    return Migration.run(parent.ctx, new Migration.Options(files, target, apply, allowDirty, keys,
        allKeys, findings, item, vault, opHost, layout, awsPrefix, awsRegion, awsEndpoint,
        awsProfile, policy, tools, repo, stateDir, fingerprintKeyFile));
  }
}
