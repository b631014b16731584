package dev.keyhole.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behavioural spec every {@link SecretProvider} passes. An adapter's test extends it and
 * implements a few hooks that seed its backing store (an in-memory map, a WireMock stub of the real
 * service) with random values:
 *
 * <pre>{@code
 * class MyProviderContractTest extends SecretProviderContractTest<MyProvider> {
 *   protected MyProvider createProvider() { return MyProvider.create(endpoint); }
 *   protected SecretRef seed(String name, String value) { stubSecret(name, value); return ref(name); }
 *   protected SecretRef missingRef() { stubNotFound("missing"); return ref("missing"); }
 *   protected List<String> invalidReferences() { return List.of("my:", "my:bad//name"); }
 * }
 * }</pre>
 *
 * It checks: resolution, not-found, denied and unavailable mapping (when the adapter provides those
 * cases), versions and expiry (when supported), batch resolution, concurrency, malformed
 * references, and that no value appears in any exception (message, causes, stack trace) or
 * {@code toString}.
 */
public abstract class SecretProviderContractTest<P extends SecretProvider> {
  /** The provider under test, created before each test and closed after. */
  protected P provider;

  /** Creates the provider under test. */
  protected abstract P createProvider();

  /**
   * Stores {@code value} under a name derived from {@code name} in the backing store and returns
   * the reference that resolves to it.
   */
  protected abstract SecretRef seed(String name, String value);

  /** A reference the backing store answers "not found" for. */
  protected abstract SecretRef missingRef();

  /** References of the provider's scheme that are malformed (rejected without I/O). */
  protected abstract List<String> invalidReferences();

  /** A reference the backing store refuses for lack of permission, if the store can say so. */
  protected Optional<SecretRef> deniedRef() {
    return Optional.empty();
  }

  /** A reference whose resolution fails with a retryable fault (5xx, throttling), if testable. */
  protected Optional<SecretRef> unavailableRef() {
    return Optional.empty();
  }

  /** Whether resolved secrets carry a version. */
  protected boolean supportsVersions() {
    return false;
  }

  /** Whether the provider reports an expiry for secrets it seeds. */
  protected boolean reportsExpiry() {
    return false;
  }

  /** How many threads the concurrency test uses. */
  protected int concurrency() {
    return 8;
  }

  @BeforeEach
  void createProviderUnderTest() {
    provider = createProvider();
  }

  @AfterEach
  void closeProviderUnderTest() {
    if (provider != null) {
      provider.close();
    }
  }

  @Test
  void identity_hasIdAndSchemes() {
    assertThat(provider.id()).isNotBlank();
    assertThat(provider.schemes()).isNotEmpty().allSatisfy(s -> assertThat(s).isNotBlank());
  }

  @Test
  void resolve_returnsSeededValue() {
    String value = LeakAssertions.randomSecret();
    SecretRef ref = seed("contract-basic", value);
    assertThat(provider.schemes()).contains(ref.scheme());
    ResolvedSecret r = provider.resolve(ref);
    try {
      assertThat(r.value().revealString()).isEqualTo(value);
      LeakAssertions.assertNoLeak("ResolvedSecret.toString", r.toString(), value);
      LeakAssertions.assertNoLeak("SecretValue.toString", r.value().toString(), value);
      LeakAssertions.assertNoLeak("provider.toString", provider.toString(), value);
    } finally {
      r.destroy();
    }
    assertThat(r.value().isDestroyed()).isTrue();
  }

  @Test
  void resolve_returnsIndependentCopies() {
    String value = LeakAssertions.randomSecret();
    SecretRef ref = seed("contract-copies", value);
    ResolvedSecret first = provider.resolve(ref);
    first.destroy();
    ResolvedSecret second = provider.resolve(ref);
    try {
      assertThat(second.value().revealString()).isEqualTo(value);
    } finally {
      second.destroy();
    }
  }

  @Test
  void resolve_missing_throwsNotFound_notRetryable() {
    String planted = LeakAssertions.randomSecret();
    seed("contract-neighbour", planted);
    SecretRef missing = missingRef();
    Throwable t = catchThrowable(() -> provider.resolve(missing));
    assertThat(t).isInstanceOf(SecretNotFoundException.class);
    assertThat(((KeyholeException) t).retryable()).isFalse();
    assertThat(t.getMessage()).isNotBlank();
    assertNoValueIn(t, planted);
  }

  @Test
  void resolve_denied_throwsAccessDenied() {
    Optional<SecretRef> denied = deniedRef();
    Assumptions.assumeTrue(denied.isPresent(), "provider has no denied case");
    Throwable t = catchThrowable(() -> provider.resolve(denied.get()));
    assertThat(t).isInstanceOf(SecretAccessDeniedException.class);
    assertThat(((KeyholeException) t).retryable()).isFalse();
  }

  @Test
  void resolve_unavailable_throwsRetryable() {
    Optional<SecretRef> unavailable = unavailableRef();
    Assumptions.assumeTrue(unavailable.isPresent(), "provider has no unavailable case");
    Throwable t = catchThrowable(() -> provider.resolve(unavailable.get()));
    assertThat(t).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((KeyholeException) t).retryable()).isTrue();
  }

  @Test
  void resolve_reportsVersion_whenSupported() {
    Assumptions.assumeTrue(supportsVersions(), "provider has no versions");
    SecretRef ref = seed("contract-version", LeakAssertions.randomSecret());
    ResolvedSecret r = provider.resolve(ref);
    try {
      assertThat(r.version()).isPresent();
    } finally {
      r.destroy();
    }
  }

  @Test
  void resolve_reportsExpiry_whenSupported() {
    Assumptions.assumeTrue(reportsExpiry(), "provider reports no expiry");
    SecretRef ref = seed("contract-expiry", LeakAssertions.randomSecret());
    ResolvedSecret r = provider.resolve(ref);
    try {
      assertThat(r.expiresAt()).isPresent();
    } finally {
      r.destroy();
    }
  }

  @Test
  void invalidReferences_areRejected_withMessage() {
    List<String> invalid = invalidReferences();
    assertThat(invalid).as("invalidReferences() must list at least one malformed reference").isNotEmpty();
    for (String text : invalid) {
      Throwable t = catchThrowable(() -> {
        SecretRef ref = SecretRef.parse(text);
        provider.validate(ref);
        provider.resolve(ref);
      });
      assertThat(t).as("reference '%s'", text).isInstanceOf(InvalidReferenceException.class);
      assertThat(t.getMessage()).as("message for '%s'", text).isNotBlank();
    }
  }

  @Test
  void resolveAll_mixesSuccessesAndFailures() {
    String a = LeakAssertions.randomSecret();
    String b = LeakAssertions.randomSecret();
    SecretRef refA = seed("contract-batch-a", a);
    SecretRef refB = seed("contract-batch-b", b);
    SecretRef missing = missingRef();
    Map<SecretRef, SecretProvider.Result> results = provider.resolveAll(List.of(refA, refB, missing));
    assertThat(results).containsOnlyKeys(refA, refB, missing);
    ResolvedSecret ra = results.get(refA).getOrThrow();
    ResolvedSecret rb = results.get(refB).getOrThrow();
    try {
      assertThat(ra.value().revealString()).isEqualTo(a);
      assertThat(rb.value().revealString()).isEqualTo(b);
    } finally {
      ra.destroy();
      rb.destroy();
    }
    assertThat(results.get(missing).isSuccess()).isFalse();
    Throwable t = catchThrowable(() -> results.get(missing).getOrThrow());
    assertThat(t).isInstanceOf(SecretNotFoundException.class);
    assertNoValueIn(t, a, b);
    LeakAssertions.assertNoLeak("results.toString", results.toString(), a, b);
  }

  @Test
  void resolve_isThreadSafe() throws Exception {
    int n = concurrency();
    List<String> values = new ArrayList<>();
    List<SecretRef> refs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String v = LeakAssertions.randomSecret();
      values.add(v);
      refs.add(seed("contract-concurrent-" + i, v));
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (int round = 0; round < 4; round++) {
        for (int i = 0; i < n; i++) {
          SecretRef ref = refs.get(i);
          Callable<String> c = () -> {
            ResolvedSecret r = provider.resolve(ref);
            try {
              return r.value().revealString();
            } finally {
              r.destroy();
            }
          };
          futures.add(pool.submit(c));
        }
      }
      for (int k = 0; k < futures.size(); k++) {
        assertThat(futures.get(k).get(60, TimeUnit.SECONDS)).isEqualTo(values.get(k % n));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void resolve_wrongScheme_isRejected() {
    SecretRef foreign = SecretRef.parse("keyhole-contract-unknown-scheme:x");
    assertThatThrownBy(() -> {
      provider.validate(foreign);
      provider.resolve(foreign);
    }).isInstanceOf(KeyholeException.class);
  }

  /** Asserts that no planted value appears in the exception's message, causes or stack trace. */
  protected static void assertNoValueIn(Throwable t, String... values) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    LeakAssertions.assertNoLeak("exception", w + "\n" + t, values);
  }
}
