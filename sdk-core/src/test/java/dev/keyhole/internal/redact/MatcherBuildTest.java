package dev.keyhole.internal.redact;

import static dev.keyhole.internal.redact.Encodings.randomSecret;
import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The full build's filter writes, which a filter larger than the caches takes in block order. */
class MatcherBuildTest {

  /** Block-ordered writes set exactly the words and bits that direct writes set. */
  @Test
  void blockOrderedFilterWrites_setTheSameBitsAsDirectWrites() {
    int words = 5 * Matcher.FilterWrites.DIRECT_WORDS + 12_345; // not a whole number of blocks
    long[] filter = new long[words];
    long[] expected = new long[words];
    // Enough writes that every block's buffer fills and is applied several times before finish.
    int n = 12 * words;
    Matcher.FilterWrites writes = new Matcher.FilterWrites(filter, n);
    SplittableRandom random = new SplittableRandom();
    long[] batch = new long[Matcher.MAX_STEP];
    for (int i = 0; i < n; i += batch.length) {
      for (int j = 0; j < batch.length; j++) {
        long h = random.nextLong();
        batch[j] = h;
        expected[Matcher.wordOf(h, words)] |= Matcher.bits(h);
      }
      if (i % 2 == 0) {
        writes.addAll(batch, batch.length);
      } else {
        for (long h : batch) {
          writes.add(h);
        }
      }
    }
    writes.finish();
    assertThat(filter).isEqualTo(expected);
  }

  /**
   * A build whose filter takes block-ordered writes finds every form of every value, as a matcher
   * grown one registration at a time from it (direct writes into a copy of its filter) does.
   */
  @Test
  void largeBuild_findsEveryPlantedForm_andGrowsByRegistration() {
    MutableClock clock = new MutableClock();
    KeyholeRedactionEngine engine = new KeyholeRedactionEngine(clock, RedactionOptions.defaults());
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 800; i++) {
      values.add(randomSecret(32));
      engine.register(SecretValue.ofString(values.get(i)), SecretHandle.of("v" + i));
    }
    engine.rebuildNow();
    KeyholeRedactionEngine.MatcherStats stats = engine.matcherStats();
    long filterEntries = (long) stats.patterns() * stats.step();
    assertThat(filterEntries * Matcher.BITS_PER_ENTRY / 64)
        .as("the filter is large enough for block-ordered writes")
        .isGreaterThan(Matcher.FilterWrites.DIRECT_WORDS);
    for (int i = 0; i < 20; i++) {
      String v = randomSecret(32);
      values.add(v);
      engine.register(SecretValue.ofString(v), SecretHandle.of("v" + (800 + i)));
      assertThat(engine.redact("> " + v + " <")).isEqualTo("> secret://v" + (800 + i) + " <");
    }
    Base64.Encoder mime = Base64.getMimeEncoder();
    for (int i = 0; i < values.size(); i++) {
      String v = values.get(i);
      String b64 = mime.encodeToString(("key=" + v).getBytes(StandardCharsets.UTF_8));
      String text = "a " + v + " b " + Encodings.hex(v) + " c " + new StringBuilder(v).reverse()
          + " d " + b64 + " e";
      String out = engine.redact(text);
      assertThat(out).as("value %d", i).doesNotContain(v).doesNotContain(Encodings.hex(v))
          .doesNotContain(new StringBuilder(v).reverse()).contains("secret://v" + i)
          .startsWith("a secret://v" + i + " b ").endsWith(" e");
      assertThat(out.replace("secret://v" + i, "")).doesNotContain(b64.substring(8, 24));
    }
  }
}
