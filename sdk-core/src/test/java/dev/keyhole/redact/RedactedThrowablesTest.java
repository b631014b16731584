package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.RedactionEngine;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class RedactedThrowablesTest {
  private final String secret = Fakes.mixed(28);
  private final RedactionEngine engine =
      RedactionEngines.create(Clock.systemUTC(), RedactionOptions.defaults());

  RedactedThrowablesTest() {
    engine.register(SecretValue.ofString(secret), SecretHandle.of("db_password"));
  }

  private Exception nested() {
    Exception root = new IllegalStateException("auth failed for password " + secret);
    Exception mid = new UncheckedIOException("connect jdbc:pg://u:" + secret + "@db/x",
        new java.io.IOException("io", root));
    Exception top = new RuntimeException("tool failed", mid);
    top.addSuppressed(new IllegalArgumentException("cleanup saw \"" + secret + "\""));
    return top;
  }

  @Test
  void message_coversTheCauseChain() {
    String m = RedactedThrowables.message(nested(), engine);
    assertThat(m).doesNotContain(secret).contains("RuntimeException: tool failed")
        .contains("caused by IllegalStateException: auth failed for password secret://db_password");
  }

  @Test
  void stackTrace_coversCausesAndSuppressed() {
    String t = RedactedThrowables.stackTrace(nested(), engine);
    assertThat(t).doesNotContain(secret).contains("Suppressed:").contains("Caused by:")
        .contains("secret://db_password").contains("RedactedThrowablesTest.nested");
  }

  @Test
  void copy_redactsEveryNode_keepsShapeAndFrames() {
    Exception original = nested();
    RedactedThrowables.RedactedException copy = RedactedThrowables.copy(original, engine);
    assertThat(copy.originalClassName()).isEqualTo("java.lang.RuntimeException");
    assertThat(copy.getStackTrace()).isEqualTo(original.getStackTrace());
    assertThat(copy.getSuppressed()).hasSize(1);
    assertThat(copy.getSuppressed()[0].getMessage()).isEqualTo("cleanup saw \"secret://db_password\"");
    Throwable root = copy.getCause().getCause().getCause();
    assertThat(root).hasMessage("auth failed for password secret://db_password");
    assertThat(root.toString()).startsWith("java.lang.IllegalStateException: ");
    java.io.StringWriter w = new java.io.StringWriter();
    copy.printStackTrace(new java.io.PrintWriter(w));
    assertThat(w.toString()).doesNotContain(secret).contains("java.io.UncheckedIOException");
  }

  @Test
  void cycles_areCut() {
    Exception a = new Exception("a " + secret);
    Exception b = new Exception("b", a);
    a.initCause(b);
    assertThat(RedactedThrowables.message(a, engine)).doesNotContain(secret)
        .isEqualTo("Exception: a secret://db_password; caused by Exception: b");
    RedactedThrowables.RedactedException copy = RedactedThrowables.copy(a, engine);
    assertThat(copy.getCause().getCause()).isSameAs(copy);
  }
}
