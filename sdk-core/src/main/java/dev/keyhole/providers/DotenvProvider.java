package dev.keyhole.providers;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Serves {@code dotenv:PATH#KEY} from {@code .env} files, parsed as dotenv users expect (see
 * {@link Dotenv}). Relative paths resolve against the provider's base directory (default: the
 * working directory). The file is read on each (uncached) resolution, so edits are picked up.
 *
 * <p>Security: a {@code .env} file in a repository is readable by any coding agent that opens it.
 * Keyhole's {@code keyhole migrate} moves such values into a store and leaves references behind.
 */
public final class DotenvProvider implements SecretProvider {
  private final Path baseDir;

  private DotenvProvider(Path baseDir) {
    this.baseDir = baseDir;
  }

  /** Resolves relative paths against the working directory. */
  public static DotenvProvider create() {
    return new DotenvProvider(Path.of("").toAbsolutePath());
  }

  /** Resolves relative paths against {@code baseDir}. */
  public static DotenvProvider withBaseDir(Path baseDir) {
    return new DotenvProvider(Objects.requireNonNull(baseDir, "baseDir").toAbsolutePath());
  }

  @Override
  public String id() {
    return "dotenv";
  }

  @Override
  public Set<String> schemes() {
    return Set.of("dotenv");
  }

  @Override
  public void validate(SecretRef ref) {
    if (!ref.scheme().equals("dotenv")) {
      throw new InvalidReferenceException("DotenvProvider serves only 'dotenv:' references, not '" + ref + "'");
    }
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    validate(ref);
    int hash = ref.path().lastIndexOf('#');
    Path file = baseDir.resolve(ref.path().substring(0, hash)).normalize();
    String key = ref.path().substring(hash + 1);
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SecretNotFoundException("The .env file " + file + " (reference " + ref
          + ") does not exist");
    } catch (IOException e) {
      throw new SecretNotFoundException("The .env file " + file + " (reference " + ref
          + ") cannot be read: " + e.getClass().getSimpleName());
    }
    Map<String, String> entries;
    try {
      entries = Dotenv.parse(text);
    } catch (Dotenv.DotenvSyntaxException e) {
      throw new SecretFormatException("The .env file " + file + " (reference " + ref + ") is"
          + " malformed: " + e.getMessage());
    }
    String v = entries.get(key);
    if (v == null) {
      throw new SecretNotFoundException("The .env file " + file + " has no key '" + key
          + "' (reference " + ref + ")");
    }
    if (v.isEmpty()) {
      throw new SecretFormatException("Key '" + key + "' in " + file + " (reference " + ref
          + ") is empty");
    }
    return ResolvedSecret.of(SecretValue.ofString(v));
  }

  @Override
  public String toString() {
    return "DotenvProvider[" + baseDir + "]";
  }
}
