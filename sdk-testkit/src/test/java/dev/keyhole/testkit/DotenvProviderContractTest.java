package dev.keyhole.testkit;

import dev.keyhole.SecretRef;
import dev.keyhole.providers.DotenvProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;

class DotenvProviderContractTest extends SecretProviderContractTest<DotenvProvider> {
  @TempDir Path dir;

  @Override
  protected DotenvProvider createProvider() {
    return DotenvProvider.withBaseDir(dir);
  }

  @Override
  protected synchronized SecretRef seed(String name, String value) {
    String key = name.toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      Path file = dir.resolve(".env");
      String line = "export " + key + "=\"" + value + "\" # seeded\n";
      Files.writeString(file, (Files.exists(file) ? Files.readString(file) : "# generated\n") + line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SecretRef.parse("dotenv:.env#" + key);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("dotenv:.env#KEYHOLE_CONTRACT_MISSING");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of("dotenv:.env", "dotenv:#KEY", "dotenv:.env#", "dotenv:.env#bad key");
  }
}
