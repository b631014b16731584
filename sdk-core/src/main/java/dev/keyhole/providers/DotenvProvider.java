package dev.keyhole.providers;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
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
 * References stay inside the base directory: a path that leads out of it, through {@code ..}, as
 * an absolute path elsewhere, or through a symbolic link, is refused with an {@link
 * InvalidReferenceException} naming the reference, unless the provider is built with {@link
 * Builder#allowPathsOutsideBaseDir(boolean)}.
 */
public final class DotenvProvider implements SecretProvider {
  private final Path baseDir;
  private final boolean allowOutside;

  private DotenvProvider(Path baseDir, boolean allowOutside) {
    this.baseDir = baseDir.toAbsolutePath().normalize();
    this.allowOutside = allowOutside;
  }

  /** Resolves relative paths against the working directory; paths stay inside it. */
  public static DotenvProvider create() {
    return builder().build();
  }

  /** Resolves relative paths against {@code baseDir}; paths stay inside it. */
  public static DotenvProvider withBaseDir(Path baseDir) {
    return builder().baseDir(baseDir).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link DotenvProvider}. */
  public static final class Builder {
    private Path baseDir = Path.of("");
    private boolean allowOutside;

    private Builder() {}

    /** The directory relative paths resolve against and paths must stay in; default: working directory. */
    public Builder baseDir(Path baseDir) {
      this.baseDir = Objects.requireNonNull(baseDir, "baseDir");
      return this;
    }

    /**
     * Also serve files outside the base directory ({@code ..}, absolute paths, symbolic links
     * leading out). Off by default: a reference is configuration that an agent may be able to
     * influence, and it should not reach the user's other {@code .env} files.
     */
    public Builder allowPathsOutsideBaseDir(boolean allow) {
      this.allowOutside = allow;
      return this;
    }

    public DotenvProvider build() {
      return new DotenvProvider(baseDir, allowOutside);
    }
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
    lexicalFile(ref);
  }

  /** The file {@code ref} names, normalized; refused if it is outside the base directory. */
  private Path lexicalFile(SecretRef ref) {
    String path = ref.path().substring(0, ref.path().lastIndexOf('#'));
    Path file;
    try {
      file = baseDir.resolve(path).normalize();
    } catch (InvalidPathException e) {
      throw new InvalidReferenceException("Reference '" + ref + "' is not a valid file path");
    }
    if (!allowOutside && !file.startsWith(baseDir)) {
      throw outside(ref, Path.of(path).isAbsolute() ? "an absolute path" : "'..'");
    }
    return file;
  }

  /**
   * The file to read: {@link #lexicalFile} with symbolic links resolved, refused if they lead out
   * of the base directory. A missing file is returned as is (reading it reports not found).
   */
  private Path realFile(SecretRef ref) {
    Path file = lexicalFile(ref);
    if (allowOutside) {
      return file;
    }
    Path real;
    try {
      real = file.toRealPath();
    } catch (IOException e) {
      return file;
    }
    try {
      if (real.startsWith(baseDir.toRealPath())) {
        return real;
      }
    } catch (IOException e) {
      // the base directory cannot be resolved: fail closed below
    }
    throw outside(ref, "a symbolic link");
  }

  private InvalidReferenceException outside(SecretRef ref, String how) {
    return new InvalidReferenceException("Reference '" + ref + "' leads outside the dotenv"
        + " provider's base directory " + baseDir + " (through " + how + "). Keep the file under"
        + " the base directory, or build the provider with"
        + " DotenvProvider.builder().allowPathsOutsideBaseDir(true) if reading it is intended");
  }

  @Override
  public ResolvedSecret resolve(SecretRef ref) {
    if (!ref.scheme().equals("dotenv")) {
      throw new InvalidReferenceException("DotenvProvider serves only 'dotenv:' references, not '" + ref + "'");
    }
    Path file = realFile(ref);
    String key = ref.path().substring(ref.path().lastIndexOf('#') + 1);
    String text;
    try {
      text = read(file);
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

  /** Reads {@code file}; its last component must not have become a symbolic link meanwhile. */
  private String read(Path file) throws IOException {
    if (allowOutside) {
      return Files.readString(file, StandardCharsets.UTF_8);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      bytes = in.readAllBytes();
    }
    try {
      // strict, like Files.readString: malformed input is an error, not replacement characters
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  @Override
  public String toString() {
    return "DotenvProvider[" + baseDir + (allowOutside ? ", paths outside allowed" : "") + "]";
  }
}
