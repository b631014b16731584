package dev.keyhole.cli.migrate;

import dev.keyhole.cli.scan.EnvFiles;
import dev.keyhole.providers.LocalStoreProvider;
import dev.keyhole.cli.scan.PrivateFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local target: one owner-only {@code .env}-format file per item in Keyhole's local store
 * ({@code STATE/local-store}, outside the repository: never committed, never in an agent's working
 * tree). References are {@code keyhole-local:ITEM#KEY}, which core's {@code LocalStoreProvider}
 * resolves on each machine; they name no machine path, so they can be committed. Existing keys of
 * the store file are kept; a store file written for another repository is not overwritten; written
 * atomically.
 */
final class LocalFileStore implements SecretStore {
  private static final String REPOSITORY_LINE = "# repository: ";

  private final Path dir;
  private final Path repo;

  LocalFileStore(Path dir, Path repo) {
    this.dir = dir.toAbsolutePath().normalize();
    this.repo = repo;
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
    return LocalStoreProvider.SCHEME + ":" + item + "#" + key;
  }

  @Override
  public void store(FilePlan plan) throws StoreException {
    Path file = fileFor(plan.item());
    Map<String, String> values = new LinkedHashMap<>();
    try {
      if (Files.exists(file)) {
        String text = EnvFiles.normalize(Files.readString(file, StandardCharsets.UTF_8));
        String owner = text.lines().filter(l -> l.startsWith(REPOSITORY_LINE))
            .map(l -> l.substring(REPOSITORY_LINE.length())).findFirst().orElse(null);
        if (owner != null && !owner.equals(repo.toString())) {
          throw new StoreException("The local store item '" + plan.item() + "' (" + file
              + ") holds values of another repository (" + owner + "); choose another name with"
              + " --item");
        }
        for (EnvFiles.Entry e : EnvFiles.read(text)) {
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
        .append("# Outside the repository on purpose: do not copy it back in.\n")
        .append(REPOSITORY_LINE).append(repo).append('\n');
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
