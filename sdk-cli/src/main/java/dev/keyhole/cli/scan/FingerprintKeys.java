package dev.keyhole.cli.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Where the fingerprint key comes from.
 *
 * <ul>
 *   <li>An explicit key file ({@code --fingerprint-key-file}): at least 16 bytes; a file holding
 *       one line of 64 hex digits is decoded as hex, anything else is used as raw bytes. Teams and
 *       CI share one key this way, so a committed baseline matches on every machine.
 *   <li>Otherwise a per-repository key in Keyhole's state directory, created on first use with 32
 *       random bytes and owner-only permissions.
 * </ul>
 *
 * Either way the key must lie outside the scanned repository: fingerprints are published in
 * baselines and SARIF, and a key next to them would let anyone test guesses of short secrets
 * against them offline.
 */
public final class FingerprintKeys {
  private FingerprintKeys() {}

  /**
   * Reads a key file.
   *
   * @throws IllegalArgumentException if the file is missing, too short, or inside {@code repo}
   */
  public static Fingerprinter fromFile(Path keyFile, Path repo) throws IOException {
    Path abs = keyFile.toAbsolutePath().normalize();
    if (abs.startsWith(repo.toAbsolutePath().normalize()) || realStartsWith(abs, repo)) {
      throw new IllegalArgumentException("The fingerprint key file " + keyFile + " is inside the"
          + " scanned repository " + repo + "; keep it outside (e.g. in a CI secret written to a"
          + " temp dir), or anyone with the repository could test guesses against fingerprints");
    }
    byte[] raw;
    try {
      raw = Files.readAllBytes(abs);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("The fingerprint key file " + keyFile + " does not exist;"
          + " create one with: head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\n' > FILE");
    }
    byte[] key = decode(raw);
    try {
      return Fingerprinter.withKey(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The fingerprint key file " + keyFile + " holds fewer"
          + " than 16 bytes; use 32 random bytes (or 64 hex digits)");
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(raw, (byte) 0);
    }
  }

  /** The per-repository key at {@code keyFile}, created with 32 random bytes if absent. */
  public static Fingerprinter perRepository(Path keyFile) throws IOException {
    if (!Files.exists(keyFile)) {
      byte[] k = new byte[32];
      new SecureRandom().nextBytes(k);
      PrivateFiles.writeAtomically(keyFile,
          (HexFormat.of().formatHex(k) + "\n").getBytes(StandardCharsets.US_ASCII));
      Arrays.fill(k, (byte) 0);
    }
    byte[] raw = Files.readAllBytes(keyFile);
    byte[] key = decode(raw);
    try {
      return Fingerprinter.withKey(key);
    } finally {
      Arrays.fill(key, (byte) 0);
      Arrays.fill(raw, (byte) 0);
    }
  }

  private static byte[] decode(byte[] raw) {
    String s = new String(raw, StandardCharsets.US_ASCII).strip();
    if (s.length() == 64 && s.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      return HexFormat.of().parseHex(s);
    }
    return raw.clone();
  }

  private static boolean realStartsWith(Path file, Path repo) {
    try {
      return file.toRealPath().startsWith(repo.toRealPath());
    } catch (IOException e) {
      return false;
    }
  }
}
