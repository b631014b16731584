package dev.keyhole.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The less common forms, checked against what their writers produce. */
class FormsTest {
  private static List<String> forms(String value) {
    return RedactionForms.of(value, 8);
  }

  @Test
  void gsonHtmlSafeEscapes_areIncluded() {
    // Gson escapes <, >, &, = and ' as lower-case \\u00XX by default.
    assertThat(forms("a=b<c>d&e'f9")).contains("a\\u003db\\u003cc\\u003ed\\u0026e\\u0027f9");
  }

  @Test
  void javascriptEncodeUriComponent_isIncluded() {
    // encodeURIComponent keeps A-Z a-z 0-9 - _ . ! ~ * ' ( ) and encodes the rest as UTF-8.
    assertThat(forms("p!x (é)*~'k9")).contains("p!x%20(%C3%A9)*~'k9");
  }

  @Test
  void shellForms_areIncluded() {
    String v = "it's \"$HOME\" \\ ok9";
    assertThat(forms(v)).contains(
        "it'\\''s \"$HOME\" \\ ok9",                 // inside single quotes
        "it's \\\"\\$HOME\\\" \\\\ ok9",             // inside double quotes
        "it\\'s\\ \\\"\\$HOME\\\"\\ \\\\\\ ok9");    // printf %q
  }

  @Test
  void base64Cores_dependOnlyOnTheValue() {
    String v = "Zq8-secret-Value";
    byte[] bytes = v.getBytes(StandardCharsets.UTF_8);
    for (int align = 0; align < 3; align++) {
      String core = Forms.base64Core(Base64.getEncoder().withoutPadding(), bytes, align);
      for (int fill = 0; fill < 256; fill += 51) {
        byte[] around = new byte[align + bytes.length + 2];
        java.util.Arrays.fill(around, (byte) fill);
        System.arraycopy(bytes, 0, around, align, bytes.length);
        assertThat(Base64.getEncoder().encodeToString(around)).contains(core);
      }
      // padding and partial edge characters are never part of the form
      assertThat(core).doesNotContain("=").hasSizeLessThanOrEqualTo(bytes.length * 4 / 3);
    }
  }

  @Test
  void shortForms_areDropped_andFormsAreDistinct() {
    List<String> f = forms("Kx9mQ2vL");
    assertThat(f).doesNotHaveDuplicates().allSatisfy(s -> assertThat(s.length()).isGreaterThanOrEqualTo(8));
  }
}
