package dev.keyhole.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.NumericChars;
import net.jqwik.api.constraints.StringLength;

class MaskingProperties {
  @Property
  void shortValues_revealNoCharacter(
      @ForAll @AlphaChars @NumericChars @CharRange(from = '!', to = '~') @StringLength(min = 1, max = 19) String v) {
    String p = Masking.preview(v);
    assertThat(p).startsWith("…[").endsWith("]");
    assertThat(p).matches("…\\[(1-7|8-19)]");
  }

  @Property
  void longValues_revealAtMostTwoLeadingCharacters(
      @ForAll @AlphaChars @NumericChars @StringLength(min = 20, max = 300) String v) {
    String p = Masking.preview(v);
    assertThat(p).startsWith(v.substring(0, 2) + "…[");
    assertThat(p).doesNotContain(v.substring(0, 3));
    assertThat(p.length()).isLessThanOrEqualTo(11);
  }

  @Property
  void exactLengthIsNeverShown(@ForAll @StringLength(min = 1, max = 300) String v) {
    String p = Masking.preview(v);
    String bucket = p.substring(p.indexOf('[') + 1, p.length() - 1);
    assertThat(bucket).isIn("1-7", "8-19", "20-39", "40-63", "64-127", "128+");
  }
}
