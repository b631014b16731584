package dev.keyhole.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Knows which invocations run code that the caller (the model) chooses: shells and interpreters,
 * programs that run other programs, build tools and package managers (which run the workspace's
 * own scripts), and options of ordinary programs that execute a command ({@code find -exec}, {@code
 * git -c alias.x=!cmd}, {@code tar --to-command}). A program that receives a secret and runs such
 * code can print or send the value in a form no redactor knows.
 *
 * <p>A guard rail, not a sandbox: the lists cover programs known to do this, and no list can be
 * complete. The argument-prefix rules of a grant ({@link dev.keyhole.CommandRule}) are the real
 * control; this class catches the well-known ways around them.
 */
public final class CodeExecution {
  /** Run code from their arguments, a file or standard input by design. */
  private static final Set<String> INTERPRETERS = Set.of(
      "sh", "bash", "dash", "zsh", "ksh", "mksh", "ash", "csh", "tcsh", "fish", "rbash", "yash",
      "busybox", "toybox", "pwsh", "powershell", "nu", "xonsh", "elvish",
      "python", "pypy", "ipython", "node", "nodejs", "deno", "bun", "bunx", "ruby", "irb", "perl",
      "php", "lua", "luajit", "tclsh", "wish", "expect", "rscript", "r", "julia", "java", "jshell",
      "groovy", "scala", "kotlin", "kotlinc", "osascript", "awk", "gawk", "mawk", "nawk", "sed",
      "m4", "ed", "ex", "vi", "vim", "nvim", "view", "emacs", "gdb", "lldb",
      "psql", "mysql", "mariadb", "sqlite3", "mongo", "mongosh", "redis-cli");
  /** Run another program named in their arguments. */
  private static final Set<String> LAUNCHERS = Set.of(
      "env", "xargs", "nohup", "nice", "ionice", "timeout", "time", "stdbuf", "setsid", "sudo",
      "doas", "su", "runuser", "chroot", "chrt", "taskset", "unshare", "nsenter", "flock", "watch",
      "script", "strace", "ltrace", "valgrind", "parallel", "entr", "systemd-run", "command",
      "exec", "eval", "builtin", "fakeroot", "proot", "firejail", "bwrap", "docker", "podman",
      "kubectl", "nerdctl", "ctr", "lxc");
  /** Build tools and package managers: they run the workspace's own scripts and plugins. */
  private static final Set<String> BUILD_TOOLS = Set.of(
      "make", "gmake", "cmake", "ninja", "mvn", "mvnw", "gradle", "gradlew", "ant", "sbt", "bazel",
      "npm", "npx", "yarn", "pnpm", "pnpx", "pip", "pipx", "poetry", "uv", "uvx", "pdm", "hatch",
      "tox", "nox", "cargo", "go", "dotnet", "composer", "bundle", "bundler", "rake", "gem",
      "terraform", "tofu", "ansible", "ansible-playbook", "just", "task", "pre-commit");
  /** Long options (without dashes) that name a command to run, by program. */
  private static final Map<String, Set<String>> COMMAND_OPTIONS = Map.of(
      "git", Set.of("upload-pack", "receive-pack", "exec", "extcmd", "config-env", "exec-path",
          "template"),
      "tar", Set.of("to-command", "use-compress-program", "checkpoint-action", "info-script",
          "new-volume-script", "rsh-command", "rmt-command"),
      "rsync", Set.of("rsh", "rsync-path"),
      "sort", Set.of("compress-program"),
      "zip", Set.of("unzip-command"),
      "man", Set.of("pager", "html"),
      "find", Set.of(),
      "ssh", Set.of(), "scp", Set.of(), "sftp", Set.of());
  /** Short options that name a command to run (alone or in a cluster), by program. */
  private static final Map<String, String> COMMAND_SHORT_OPTIONS = Map.of(
      "rsync", "e", "ssh", "oF", "scp", "oFS", "sftp", "oFS", "tar", "IF", "man", "PH");
  /** find's actions that run a command. */
  private static final Set<String> FIND_ACTIONS = Set.of("-exec", "-execdir", "-ok", "-okdir");
  /** git subcommands that run commands or change configuration that later runs them. */
  private static final Set<String> GIT_RUNS_CODE = Set.of("config", "remote", "submodule",
      "filter-branch", "filter-repo", "bisect", "difftool", "mergetool", "send-email", "instaweb",
      "daemon", "web--browse", "credential", "credential-store", "credential-cache", "hook",
      "upload-pack", "receive-pack", "upload-archive", "shell", "help");
  /** git builtins that are safe to name as a subcommand (anything else may be a shell alias). */
  private static final Set<String> GIT_BUILTINS = Set.of("add", "am", "apply", "archive", "blame",
      "branch", "bundle", "cat-file", "check-ignore", "checkout", "cherry", "cherry-pick", "clean",
      "clone", "commit", "count-objects", "describe", "diff", "diff-files", "diff-index",
      "diff-tree", "fetch", "for-each-ref", "format-patch", "fsck", "gc", "grep", "init", "log",
      "ls-files", "ls-remote", "ls-tree", "merge", "merge-base", "mv", "name-rev", "notes", "pull",
      "push", "range-diff", "rebase", "reflog", "reset", "restore", "rev-list", "rev-parse",
      "revert", "rm", "shortlog", "show", "show-branch", "show-ref", "sparse-checkout", "stash",
      "status", "switch", "symbolic-ref", "tag", "verify-commit", "verify-tag", "version",
      "worktree", "write-tree", "whatchanged");
  /** git options before the subcommand that take a separate value. */
  private static final Set<String> GIT_GLOBAL_WITH_VALUE = Set.of("--namespace", "--super-prefix",
      "--list-cmds", "--attr-source");

  private CodeExecution() {}

  /** A program name as classified: lower case, without a trailing version ({@code python3.11}). */
  static String normalize(String program) {
    String p = program.replace('\\', '/');
    p = p.substring(p.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    String base = p.replaceFirst("[0-9][0-9.]*$", "");
    return base.isEmpty() ? p : base;
  }

  /**
   * Why every invocation of {@code program} runs code its caller chooses (a shell, interpreter,
   * launcher, build tool or package manager), or null.
   */
  public static @Nullable String ofProgram(String program) {
    String p = normalize(program);
    if (INTERPRETERS.contains(p)) {
      return "'" + program + "' is a shell or interpreter: it runs whatever code its arguments"
          + " name";
    }
    if (LAUNCHERS.contains(p)) {
      return "'" + program + "' runs another program named in its arguments";
    }
    if (BUILD_TOOLS.contains(p)) {
      return "'" + program + "' is a build tool or package manager: it runs the workspace's own"
          + " scripts";
    }
    return null;
  }

  /**
   * Why the invocation {@code argv} (program first) runs code its caller chooses, or null.
   */
  public static @Nullable String of(List<String> argv) {
    if (argv.isEmpty()) {
      return null;
    }
    String why = ofProgram(argv.get(0));
    if (why != null) {
      return why;
    }
    String p = normalize(argv.get(0));
    if (p.equals("git")) {
      why = git(argv);
      if (why != null) {
        return why;
      }
    }
    if (p.equals("find")) {
      for (String a : argv.subList(1, argv.size())) {
        if (FIND_ACTIONS.contains(a)) {
          return "'find " + a + "' runs a command";
        }
      }
    }
    Set<String> longs = COMMAND_OPTIONS.getOrDefault(p, Set.of());
    String shorts = COMMAND_SHORT_OPTIONS.getOrDefault(p, "");
    for (String a : argv.subList(1, argv.size())) {
      if (a.equals("--")) {
        break;
      }
      if (a.startsWith("--")) {
        String opt = longName(a);
        for (String l : longs) {
          if (opt.length() >= 2 && l.startsWith(opt)) {
            return "option '--" + l + "' of '" + p + "' runs a command";
          }
        }
      } else if (a.startsWith("-") && a.length() > 1) {
        for (int i = 1; i < a.length(); i++) {
          if (shorts.indexOf(a.charAt(i)) >= 0) {
            return "option '-" + a.charAt(i) + "' of '" + p + "' runs a command or reads a"
                + " configuration that can";
          }
        }
      }
    }
    return null;
  }

  /** {@code --name=value} → {@code name}. */
  private static String longName(String arg) {
    int eq = arg.indexOf('=');
    return eq < 0 ? arg.substring(2) : arg.substring(2, eq);
  }

  private static @Nullable String git(List<String> argv) {
    int i = 1;
    // Options before the subcommand: -c, --config-env and --exec-path set configuration or the
    // place git runs its helpers from; anything unknown here is refused rather than guessed.
    while (i < argv.size() && argv.get(i).startsWith("-")) {
      String a = argv.get(i);
      if (a.equals("-c") || a.startsWith("--config-env") || a.startsWith("--exec-path")) {
        return "'git " + a + "' sets configuration or helper programs, which can run commands";
      }
      if (GIT_GLOBAL_WITH_VALUE.contains(a)) {
        i += 2;
        continue;
      }
      if (a.equals("-C") || a.startsWith("--git-dir") || a.startsWith("--work-tree")) {
        return "'git " + a + "' points git at another repository, whose configuration can run"
            + " commands";
      }
      if (!Set.of("-P", "--no-pager", "--no-replace-objects", "--bare", "--literal-pathspecs",
          "--glob-pathspecs", "--noglob-pathspecs", "--icase-pathspecs", "--no-optional-locks",
          "--no-advice", "--version").contains(a) && !a.startsWith("--namespace=")) {
        return "'git " + a + "' is not an option Keyhole knows to be safe before the subcommand";
      }
      i++;
    }
    if (i >= argv.size()) {
      return null;
    }
    String sub = argv.get(i);
    if (GIT_RUNS_CODE.contains(sub)) {
      return "'git " + sub + "' runs commands or changes configuration that later runs them";
    }
    if (!GIT_BUILTINS.contains(sub)) {
      return "'git " + sub + "' is not a git command Keyhole knows; it may be an alias, which can"
          + " run a shell command";
    }
    List<String> rest = argv.subList(i + 1, argv.size());
    for (String a : rest) {
      if (a.equals("--")) {
        break;
      }
      boolean rebaseExec = sub.equals("rebase") && (a.equals("-x") || a.startsWith("--exec"));
      boolean uploadPack = (sub.equals("clone") || sub.equals("ls-remote")) && a.equals("-u");
      boolean cloneConfig = sub.equals("clone") && (a.equals("-c") || a.startsWith("--config"));
      if (rebaseExec || uploadPack || cloneConfig) {
        return "'git " + sub + " " + a + "' runs a command";
      }
    }
    return null;
  }
}
