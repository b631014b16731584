package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyhole.SecretRef;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Collects planted secrets and the errors a test produced, and checks none of them leaked. */
final class LeakGuard {
  private final List<String> planted = new ArrayList<>();
  private final List<Throwable> errors = new ArrayList<>();

  /** Remembers {@code secret} as a value that must never appear in logs or errors. */
  String plant(String secret) {
    planted.add(secret);
    return secret;
  }

  /** Resolves {@code ref}, expecting {@code type}; the error is kept for the leak check. */
  <T extends Throwable> T failure(SecretProvider provider, Class<T> type, String ref) {
    T t = catchThrowableOfType(type, () -> provider.resolve(SecretRef.parse(ref)));
    assertThat(t).as("resolving " + ref + " throws " + type.getSimpleName()).isNotNull();
    errors.add(t);
    return t;
  }

  /** No planted value in the captured output, nor in any kept error's message, causes or trace. */
  void assertNoLeaks(String capturedOutput) {
    for (String secret : planted) {
      assertThat(capturedOutput).as("captured log output").doesNotContain(secret);
      for (Throwable t : errors) {
        assertThat(fullText(t)).as("error text").doesNotContain(secret);
      }
    }
  }

  /** Resolves {@code ref} and returns its value as text, destroying the resolved copy. */
  static String reveal(SecretProvider provider, String ref) {
    ResolvedSecret r = provider.resolve(SecretRef.parse(ref));
    try {
      return r.value().revealString();
    } finally {
      r.destroy();
    }
  }

  static String fullText(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w + " " + t;
  }
}
