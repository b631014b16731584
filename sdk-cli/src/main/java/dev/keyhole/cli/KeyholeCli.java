package dev.keyhole.cli;

import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code keyhole} command: {@code keyhole scan} finds hardcoded secrets and {@code .env}
 * values; {@code keyhole migrate} moves them into a secret store and leaves references behind.
 *
 * <p>Security: no value is ever printed, logged or written into the repository; errors name keys,
 * files and lines only. Unexpected errors print their type, not their message, because a
 * third-party message may quote file content.
 */
@Command(
    name = "keyhole",
    mixinStandardHelpOptions = true,
    versionProvider = KeyholeCli.Version.class,
    subcommands = {ScanCommand.class, MigrateCommand.class, McpCommand.class,
        CommandLine.HelpCommand.class},
    synopsisSubcommandLabel = "COMMAND",
    description = {
        "Find secrets that coding agents could read in a repository, and move them into a secret"
            + " store, leaving references that Keyhole resolves at run time.",
        ""},
    commandListHeading = "%nCommands:%n",
    footerHeading = "%nGetting started:%n",
    footer = {
        "  keyhole scan .                     list secrets and .env keys here",
        "  keyhole scan . -f sarif -o k.sarif for a code-scanning UI",
        "  keyhole migrate .env --to local    show what would move (dry run)",
        "  keyhole migrate .env --to local --apply",
        "  keyhole mcp serve --policy keyhole-policy.yaml   MCP server for agents",
        "",
        "Run 'keyhole help COMMAND' for the options of a command.",
        "Exit codes: 0 clean, 1 findings (scan), 2 error."})
public final class KeyholeCli implements Callable<Integer> {
  final CliContext ctx;

  @Spec CommandSpec spec;

  KeyholeCli(CliContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public Integer call() {
    ctx.err().println("keyhole: missing command; use 'keyhole scan PATH' or 'keyhole migrate FILE'");
    spec.commandLine().usage(ctx.err());
    return 2;
  }

  /** Runs the CLI in this process and exits with its exit code. */
  public static void main(String[] args) {
    System.exit(run(CliContext.system(), args));
  }

  /** Runs the CLI with {@code ctx} and returns the exit code (0, 1 or 2). */
  public static int run(CliContext ctx, String... args) {
    CommandLine cl = new CommandLine(new KeyholeCli(ctx));
    cl.setOut(ctx.out());
    cl.setErr(ctx.err());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    HelpLayout.install(cl, HelpLayout.width(ctx));
    cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      cmd.getErr().println("keyhole: " + describe(ex));
      cmd.getErr().flush();
      return 2;
    });
    try {
      return cl.execute(args);
    } finally {
      ctx.out().flush();
      ctx.err().flush();
    }
  }

  /** A message for {@code ex} that cannot carry file content. */
  static String describe(Throwable ex) {
    if (ex instanceof CliException) {
      return ex.getMessage();
    }
    if (ex instanceof java.nio.file.FileSystemException fse) {
      // messages of these are a path and a reason, e.g. "x: Permission denied"
      return fse.getClass().getSimpleName() + ": " + fse.getMessage();
    }
    if (ex instanceof IOException) {
      return "I/O error (" + ex.getClass().getSimpleName() + ")";
    }
    return "unexpected error (" + ex.getClass().getName() + "); please report it";
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static String version() {
    String v = KeyholeCli.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Supplies {@code --version}. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"keyhole " + version()};
    }
  }
}
