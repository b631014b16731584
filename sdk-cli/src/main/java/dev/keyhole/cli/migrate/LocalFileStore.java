package dev.keyhole.cli.migrate;

import dev.keyhole.cli.scan.EnvFiles;
import dev.keyhole.cli.scan.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local target: one owner-only {@code .env}-format file per item in Keyhole's state directory,
 * outside the repository (so never committed, never in an agent's working tree). References are
 * {@code dotenv:/absolute/path/ITEM.env#KEY}, which core's {@code DotenvProvider} resolves when
 * its base directory is the store directory (it refuses paths outside its base directory).
 * Existing keys of the store file are kept; written atomically.
 */
final class LocalFileStore implements SecretStore {
  private final Path dir;

  LocalFileStore(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  Path fileFor(String item) {
    return dir.resolve(item + ".env");
  }

  @Override
  public String describe() {
    return "local store files in " + dir + " (outside the repository, owner-only)";
  }

  @Override
  public String reference(String item, String key) {
    return "dotenv:" + fileFor(item) + "#" + key;
  }

  @Override
  public void store(FilePlan plan) throws StoreException {
    Path file = fileFor(plan.item());
    Map<String, String> values = new LinkedHashMap<>();
    try {
      if (Files.exists(file)) {
        for (EnvFiles.Entry e : EnvFiles.read(EnvFiles.normalize(
            Files.readString(file, StandardCharsets.UTF_8)))) {
          values.put(e.key(), e.value());
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new StoreException("Cannot read the existing local store " + file + " ("
          + e.getClass().getSimpleName() + "); fix or remove it and re-run");
    }
    for (Move m : plan.moves()) {
      values.put(m.key(), m.value());
    }
    StringBuilder sb = new StringBuilder();
    sb.append("# Keyhole local secret store for ").append(plan.relativePath())
        .append(". Written by 'keyhole migrate'.\n")
        .append("# Outside the repository on purpose: do not copy it back in.\n");
    values.forEach((k, v) -> sb.append(k).append('=').append(EnvFiles.quote(v)).append('\n'));
    try {
      PrivateFiles.writeAtomically(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new StoreException("Cannot write the local store " + file + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
    }
  }

  @Override
  public void close() {}

  @Override
  public String toString() {
    return "LocalFileStore[" + dir + "]";
  }
}
