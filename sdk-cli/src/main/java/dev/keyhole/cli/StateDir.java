package dev.keyhole.cli;

import dev.keyhole.cli.scan.FingerprintKeys;
import dev.keyhole.cli.scan.Fingerprinter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Keyhole's per-user state directory, which is never inside a repository: per-repository
 * fingerprint keys, backups of migrated files, and the local secret store. It is
 * {@code --state-dir}, else {@code $KEYHOLE_HOME}, else {@code $XDG_CONFIG_HOME/keyhole}, else
 * {@code ~/.config/keyhole}. Each repository gets a sub-directory named after it and a hash of
 * its real path, so two checkouts never share backups or keys by accident.
 */
public final class StateDir {
  private final Path dir;

  private StateDir(Path dir) {
    this.dir = dir;
  }

  /** Resolves the state directory from the option and the environment. */
  public static StateDir resolve(@Nullable Path option, CliContext ctx) {
    Path d;
    if (option != null) {
      d = ctx.resolve(option);
    } else if (ctx.env("KEYHOLE_HOME") != null) {
      d = Path.of(ctx.env("KEYHOLE_HOME"));
    } else if (ctx.env("XDG_CONFIG_HOME") != null) {
      d = Path.of(ctx.env("XDG_CONFIG_HOME")).resolve("keyhole");
    } else {
      String home = ctx.env("HOME") != null ? ctx.env("HOME") : System.getProperty("user.home");
      d = Path.of(home).resolve(".config").resolve("keyhole");
    }
    return new StateDir(d.toAbsolutePath().normalize());
  }

  public Path path() {
    return dir;
  }

  /**
   * Refuses a state directory inside {@code repo}: keys, backups and moved values would then be
   * readable by anyone (or any agent) with the repository.
   */
  public void requireOutside(Path repo) {
    Path r = real(repo);
    if (dir.startsWith(r) || real(dir).startsWith(r)) {
      throw new CliException("Keyhole's state directory " + dir + " is inside the repository " + r
          + "; it holds keys, backups and moved values and must live outside. Set KEYHOLE_HOME or"
          + " --state-dir to a directory outside the repository");
    }
  }

  /**
   * The fingerprinter for {@code repo}: {@code keyFile} (or {@code $KEYHOLE_FINGERPRINT_KEY_FILE})
   * when given, else the per-repository key in this state directory (which must then be outside the
   * repository).
   */
  public Fingerprinter fingerprinter(CliContext ctx, Path repo, @Nullable Path keyFile)
      throws IOException {
    Path kf = keyFile != null ? ctx.resolve(keyFile)
        : ctx.env("KEYHOLE_FINGERPRINT_KEY_FILE") != null
            ? ctx.resolve(Path.of(ctx.env("KEYHOLE_FINGERPRINT_KEY_FILE"))) : null;
    if (kf != null) {
      try {
        return FingerprintKeys.fromFile(kf, repo);
      } catch (IllegalArgumentException e) {
        throw new CliException(e.getMessage());
      }
    }
    requireOutside(repo);
    return FingerprintKeys.perRepository(fingerprintKey(repo));
  }

  /** {@code NAME-HASH}: the repository's directory name and 12 hex digits of its real path. */
  public static String repoId(Path repo) {
    Path r = real(repo);
    String name = r.getFileName() == null ? "root"
        : r.getFileName().toString().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    try {
      byte[] h = MessageDigest.getInstance("SHA-256")
          .digest(r.toString().getBytes(StandardCharsets.UTF_8));
      return name + "-" + HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Path fingerprintKey(Path repo) {
    return dir.resolve("fingerprint-keys").resolve(repoId(repo) + ".key");
  }

  public Path backups(Path repo) {
    return dir.resolve("backups").resolve(repoId(repo));
  }

  /** The local secret store, shared by the repositories of this machine (see LocalStoreProvider). */
  public Path localStore() {
    return dir.resolve("local-store");
  }

  /**
   * The root of the git work tree containing {@code path} (the nearest ancestor with a
   * {@code .git} entry), or {@code path} itself (its directory, for a file) when there is none.
   */
  public static Path repositoryOf(Path path) {
    Path start = real(path);
    if (!Files.isDirectory(start)) {
      start = start.getParent();
    }
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.exists(p.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) {
        return p;
      }
    }
    return start;
  }

  static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      Path parent = p.toAbsolutePath().normalize().getParent();
      return parent == null ? p.toAbsolutePath().normalize()
          : real(parent).resolve(p.getFileName());
    }
  }

  @Override
  public String toString() {
    return "StateDir[" + dir + "]";
  }
}
