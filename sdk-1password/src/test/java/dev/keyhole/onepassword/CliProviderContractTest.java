package dev.keyhole.onepassword;

import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.testkit.SecretProviderContractTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;

/** The provider contract kit against the generated fake {@code op}. */
class CliProviderContractTest extends SecretProviderContractTest<OnePasswordCliProvider> {
  @TempDir Path dir;
  private FakeOp op;

  @Override
  protected OnePasswordCliProvider createProvider() {
    try {
      op = new FakeOp(dir);
      op.error("op://Contract/locked/password",
          "[ERROR] 2024/06/01 12:00:00 (403) Forbidden: Service account does not have permission to access vault");
      op.error("op://Contract/flaky/password", "[ERROR] 2024/06/01 12:00:00 (503) Service Unavailable");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return OnePasswordCliProvider.builder()
        .environment(Map.of("PATH", dir + ":/usr/bin:/bin", "HOME", dir.toString()))
        .serviceAccountToken(SecretValue.ofString("ops_" + Fakes.random("abcdefghijklmnop0123456789", 40)))
        .timeout(Duration.ofSeconds(20)).build();
  }

  @Override
  protected SecretRef seed(String name, String value) {
    String ref = "op://Contract/" + name + "/password";
    try {
      op.value(ref, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return SecretRef.parse(ref);
  }

  @Override
  protected SecretRef missingRef() {
    return SecretRef.parse("op://Contract/no-such-item/password");
  }

  @Override
  protected List<String> invalidReferences() {
    return List.of("op://Contract/only-two", "op://Contract/it@m/password", "op://a/b/c?attr=colour");
  }

  @Override
  protected Optional<SecretRef> deniedRef() {
    return Optional.of(SecretRef.parse("op://Contract/locked/password"));
  }

  @Override
  protected Optional<SecretRef> unavailableRef() {
    return Optional.of(SecretRef.parse("op://Contract/flaky/password"));
  }

  @Override
  protected int concurrency() {
    return 4;
  }
}
