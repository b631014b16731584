package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.keyhole.redact.RedactedThrowables;
import dev.keyhole.redact.RedactionEngines;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.spi.RedactionEngine;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import dev.keyhole.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider (or a redaction engine) that fails with a {@link KeyholeException} quoting a value
 * Keyhole knows: the message that leaves Keyhole has the value replaced by its handle token.
 */
class ProviderErrorRedactionTest {
  private final MutableClock clock = new MutableClock();
  private final String a = TestSupport.randomSecret();
  private final String b = TestSupport.randomSecret();
  private final ScriptedProvider provider = new ScriptedProvider();
  private Keyhole keyhole;

  /** Serves scheme {@code s}; each path answers with a value or throws what its script says. */
  static final class ScriptedProvider implements SecretProvider {
    final Map<String, Function<SecretRef, ResolvedSecret>> script = new ConcurrentHashMap<>();

    @Override
    public String id() {
      return "scripted";
    }

    @Override
    public Set<String> schemes() {
      return Set.of("s");
    }

    @Override
    public ResolvedSecret resolve(SecretRef ref) {
      return script.get(ref.path()).apply(ref);
    }
  }

  private static Function<SecretRef, ResolvedSecret> answer(String v) {
    return ref -> ResolvedSecret.of(SecretValue.ofString(v));
  }

  private Keyhole build(Keyhole.Builder extra) {
    Policy p = Policy.builder()
        .grant(Grant.builder("a").ref("s:a").tools("*").build())
        .grant(Grant.builder("b").ref("s:b").tools("*").build())
        .build();
    keyhole = extra.provider(provider).policy(p).clock(clock).expirySweep(false)
        .resilience(ResilienceSettings.defaults().withMaxAttempts(2)
            .withBackoff(Duration.ofMillis(1), 1.5, Duration.ofMillis(2)).withJitter(0))
        .build();
    return keyhole;
  }

  @AfterEach
  void tearDown() {
    if (keyhole != null) {
      keyhole.close();
    }
  }

  private static void assertClean(Throwable e, String... values) {
    String all = RedactedThrowables.stackTrace(e, dev.keyhole.Redactor.none());
    for (String v : values) {
      assertThat(all).doesNotContain(v);
    }
  }

  // Attack: the model asks for handle b; b's store fails with an error that quotes another live
  // value (a, already resolved in this task), and the error text goes back to the model.
  @Test
  void providerError_quotingARegisteredValue_isRedacted_andKeepsItsType() {
    build(Keyhole.builder());
    provider.script.put("a", answer(a));
    provider.script.put("b", ref -> {
      throw new SecretAccessDeniedException("access to " + ref + " denied; caller key " + a);
    });
    try (TaskScope task = keyhole.openTask("a", "b")) {
      task.resolve(task.handle("a"), Use.byTool("t")).destroy();
      SecretAccessDeniedException e = catchThrowableOfType(SecretAccessDeniedException.class,
          () -> task.resolve(task.handle("b"), Use.byTool("t")));
      assertThat(e).hasMessageContaining("access to s:b denied; caller key secret://a");
      assertClean(e, a);
    }
  }

  // Attack: a retryable failure whose cause (an HTTP client's exception) quotes the value.
  @Test
  void providerError_causeQuotingARegisteredValue_isRedacted() {
    build(Keyhole.builder().cache(CacheSettings.disabled()));
    provider.script.put("a", answer(a));
    provider.script.put("b", ref -> {
      throw new ProviderUnavailableException("upstream failed for " + ref,
          new IOException("HTTP 503, request had 'Authorization: Bearer " + a + "'"));
    });
    try (TaskScope task = keyhole.openTask("a", "b")) {
      task.resolve(task.handle("a"), Use.byTool("t")).destroy();
      ProviderUnavailableException e = catchThrowableOfType(ProviderUnavailableException.class,
          () -> task.resolve(task.handle("b"), Use.byTool("t")));
      assertThat(e.retryable()).isTrue();
      assertThat(e.getCause()).isNotNull();
      assertThat(e.getCause().getMessage()).contains("Bearer secret://a");
      assertClean(e, a);
    }
  }

  // Attack: the value being fetched was served before (the task that used it closed and its grace
  // period is over), and the refetch fails with an error quoting the old value.
  @Test
  void providerError_quotingTheValueBeingFetched_isRedacted() {
    RedactionEngine noGrace = RedactionEngines.create(clock,
        RedactionOptions.builder().gracePeriod(Duration.ZERO).build());
    build(Keyhole.builder().redactionEngine(noGrace)
        .cache(CacheSettings.defaults().withTtl(Duration.ofMinutes(1))));
    provider.script.put("b", answer(b));
    try (TaskScope task = keyhole.openTask("b")) {
      task.resolve(task.handle("b"), Use.byTool("t")).destroy();
    }
    clock.advance(Duration.ofMinutes(2));
    provider.script.put("b", ref -> {
      throw new SecretFormatException("the value of " + ref + " is not JSON: '" + b + "'");
    });
    try (TaskScope task = keyhole.openTask("b")) {
      SecretFormatException e = catchThrowableOfType(SecretFormatException.class,
          () -> task.resolve(task.handle("b"), Use.byTool("t")));
      assertThat(e).hasMessageContaining("is not JSON: 'secret://b'");
      assertClean(e, b);
    }
  }

  // Attack: a redaction engine that refuses a value and quotes it in its error.
  @Test
  void registrationError_quotingTheValueBeingRegistered_isRedacted() {
    RedactionEngine real = RedactionEngines.create(clock, RedactionOptions.defaults());
    RedactionEngine quoting = new RedactionEngine() {
      @Override
      public Registration register(SecretValue value, SecretHandle handle) {
        throw new SecretFormatException("cannot register '" + value.revealString() + "'");
      }

      @Override
      public String redact(String text) {
        return real.redact(text);
      }

      @Override
      public boolean containsSecret(CharSequence text) {
        return real.containsSecret(text);
      }

      @Override
      public StreamingRedactor streaming() {
        return real.streaming();
      }
    };
    build(Keyhole.builder().redactionEngine(quoting));
    provider.script.put("b", answer(b));
    try (TaskScope task = keyhole.openTask("b")) {
      SecretFormatException e = catchThrowableOfType(SecretFormatException.class,
          () -> task.resolve(task.handle("b"), Use.byTool("t")));
      assertThat(e).hasMessageContaining("cannot register 'secret://b'");
      assertClean(e, b);
    }
  }

  @Test
  void providerError_withoutAValue_isPassedOnUnchanged() {
    build(Keyhole.builder());
    SecretNotFoundException original = new SecretNotFoundException("no secret at s:b");
    provider.script.put("b", ref -> {
      throw original;
    });
    try (TaskScope task = keyhole.openTask("b")) {
      SecretNotFoundException e = catchThrowableOfType(SecretNotFoundException.class,
          () -> task.resolve(task.handle("b"), Use.byTool("t")));
      assertThat(e).isSameAs(original);
    }
  }
}
