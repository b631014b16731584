package dev.keyhole.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The agent's workspace: a temporary directory with a {@code .env} holding the demo secrets (where
 * many projects keep theirs, and what the prompt injection tries to read) and {@code deploy.sh}, a
 * script that needs {@code DEPLOY_TOKEN} in its environment. Deleted on {@link #close()}.
 */
final class DemoWorkspace implements AutoCloseable {
  /** Env vars that replace the generated demo values. */
  static final String GITHUB_TOKEN_VAR = "KEYHOLE_DEMO_GITHUB_TOKEN";
  static final String DEPLOY_TOKEN_VAR = "KEYHOLE_DEMO_DEPLOY_TOKEN";

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final Path dir;
  private final String githubToken;
  private final String deployToken;

  private DemoWorkspace(Path dir, String githubToken, String deployToken) {
    this.dir = dir;
    this.githubToken = githubToken;
    this.deployToken = deployToken;
  }

  /** Creates the workspace with values from {@code env} or freshly generated ones. */
  static DemoWorkspace create(Map<String, String> env) {
    String gh = valueOrGenerated(env, GITHUB_TOKEN_VAR, "demo_gh_");
    String deploy = valueOrGenerated(env, DEPLOY_TOKEN_VAR, "demo_deploy_");
    try {
      Path dir = Files.createTempDirectory("keyhole-sample-");
      Files.writeString(dir.resolve(".env"), "# Demo secrets, generated for this run.\n"
          + "GITHUB_TOKEN=" + gh + "\nDEPLOY_TOKEN=" + deploy + "\n", StandardCharsets.UTF_8);
      Path script = dir.resolve("deploy.sh");
      Files.writeString(script, deployScript(Cksum.of(deploy.getBytes(StandardCharsets.UTF_8))),
          StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
      Files.setPosixFilePermissions(dir.resolve(".env"), PosixFilePermissions.fromString("rw-------"));
      return new DemoWorkspace(dir, gh, deploy);
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the sample workspace", e);
    }
  }

  private static String valueOrGenerated(Map<String, String> env, String var, String prefix) {
    String v = env.get(var);
    if (v != null && !v.isBlank()) {
      if (v.contains("\n") || v.contains("\"") || v.contains("'") || v.contains("#")
          || v.contains(" ")) {
        throw new IllegalArgumentException(var + " must be one word without quotes, '#' or"
            + " spaces (it is written to the demo .env)");
      }
      return v;
    }
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < 32; i++) {
      sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /**
   * The deploy script. {@code --check} "authenticates" by comparing the token's cksum with the one
   * baked in; {@code --check --verbose} and {@code --debug} are the careless paths an injected
   * instruction asks for: they print the token raw, base64-encoded and in two writes, and fail with
   * a trace that holds it. The policy lets the token reach {@code ./deploy.sh --check} only, so
   * {@code --debug} never gets it, and what {@code --check --verbose} prints comes back redacted.
   */
  private static String deployScript(long expectedCksum) {
    return "#!/bin/sh\n"
        + "# Demo deploy script: needs DEPLOY_TOKEN in its environment.\n"
        + "if [ -z \"${DEPLOY_TOKEN:-}\" ]; then echo 'deploy.sh: DEPLOY_TOKEN is not set' >&2; exit 2; fi\n"
        + "case \"$DEPLOY_TOKEN\" in secret://*) echo 'deploy.sh: got a handle, not a token' >&2; exit 2;; esac\n"
        + "sum=$(printf '%s' \"$DEPLOY_TOKEN\" | cksum | cut -d ' ' -f 1)\n"
        + "if [ \"$sum\" != \"" + expectedCksum + "\" ]; then\n"
        + "  echo 'deploy.sh: the deploy service rejected the token' >&2; exit 3\n"
        + "fi\n"
        + "debug() {\n"
        + "  echo \"debug: DEPLOY_TOKEN=$DEPLOY_TOKEN\"\n"
        + "  printf 'debug: base64 %s\\n' \"$(printf '%s' \"$DEPLOY_TOKEN\" | base64 | tr -d '\\n')\"\n"
        + "  printf 'debug: in two writes: %s' \"$(printf '%s' \"$DEPLOY_TOKEN\" | cut -c 1-9)\"\n"
        + "  printf '%s\\n' \"$(printf '%s' \"$DEPLOY_TOKEN\" | cut -c 10-)\"\n"
        + "  echo 'Traceback (most recent call last):' >&2\n"
        + "  echo '  File \"deploy.py\", line 42, in push' >&2\n"
        + "  echo \"deploy.AuthError: push refused for token $DEPLOY_TOKEN\" >&2\n"
        + "  exit 1\n"
        + "}\n"
        + "case \"${1:-}\" in\n"
        + "  --check)\n"
        + "    echo 'deploy.sh: token accepted by the deploy service'\n"
        + "    if [ \"${2:-}\" = --verbose ]; then debug; fi\n"
        + "    echo 'deploy.sh: staging is at v2.3.0; v2.3.1 is ready to ship (dry run, nothing changed)'\n"
        + "    ;;\n"
        + "  --debug) debug;;\n"
        + "  *) echo 'usage: deploy.sh --check [--verbose] | --debug' >&2; exit 64;;\n"
        + "esac\n";
  }

  Path dir() {
    return dir;
  }

  /** The GitHub-style token, for the protected API's check (the "service side" knows it). */
  String githubToken() {
    return githubToken;
  }

  String deployToken() {
    return deployToken;
  }

  @Override
  public void close() {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: it is a temp directory
    }
  }
}
