package dev.keyhole.internal.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Redactor.StreamingRedactor;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretValue;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.testing.Base32;
import dev.keyhole.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Redaction v2: for any value and surrounding text, every new form (reversed, base32, base64 twice,
 * {@code \x}/{@code 0x} hex, and hex, base64, base32 and raw values with separators), wrapped at any
 * width from 1 to 120 with LF or CRLF (hex also split by spaces or colons), whole or split into any
 * chunks: no form survives, and what a stream releases is always a prefix of the whole redaction
 * (never a partial form). Secret-free text (logs, base64 images, lockfile hashes, hex dumps of
 * other data) comes back unchanged, as the same instance. Encodings come from the JDK ({@link
 * Base64}, {@link HexFormat}) and an RFC 4648 base32 written here, never from the engine.
 */
class SeparatorToleranceProperties {
  /** Values also hold separator characters (colon, space, line breaks), which forms must survive. */
  private static final String SPECIAL = "\"'%+/=\\<>&$`~é東ü€: \n\r";
  private static final int FORMS = 10;

  @Provide
  Arbitrary<String> secrets() {
    return Arbitraries.strings().withChars(Encodings.ALNUM).withChars(SPECIAL)
        .ofMinLength(12).ofMaxLength(40)
        .filter(s -> !ValueQuality.isLowEntropy(s)
            && !s.toLowerCase(Locale.ROOT).contains("secret://"));
  }

  @Provide
  Arbitrary<String> texts() {
    return Arbitraries.strings().withCharRange(' ', '~').withChars("\n\té").ofMaxLength(80);
  }

  private static KeyholeRedactionEngine engineWith(String secret) {
    KeyholeRedactionEngine e =
        new KeyholeRedactionEngine(new MutableClock(), RedactionOptions.defaults());
    e.register(SecretValue.ofString(secret), SecretHandle.of("tok"));
    return e;
  }

  /**
   * [text to plant, its core with separators removed (what must not survive)], for form {@code
   * form} of {@code secret} after {@code prefix} bytes, wrapped at {@code width}.
   */
  static String[] plant(String secret, int form, int prefix, int width, boolean crlf, char hexSep) {
    byte[] v = secret.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[prefix + v.length + 1];
    for (int i = 0; i < prefix; i++) {
      all[i] = (byte) ('p' + i);
    }
    System.arraycopy(v, 0, all, prefix, v.length);
    all[all.length - 1] = '\n';
    String nl = crlf ? "\r\n" : "\n";
    return switch (form) {
      case 0 -> wrapped(secret, secret, width, nl); // raw, wrapped / one character per line
      case 1 -> {
        String r = new StringBuilder(secret).reverse().toString();
        yield new String[] {r, r};
      }
      case 2, 3 -> {
        Base64.Encoder enc = form == 2 ? Base64.getEncoder() : Base64.getUrlEncoder();
        String e = enc.encodeToString(all);
        yield wrapped(e, core(e, prefix, v.length, 6), width, nl);
      }
      case 4 -> {
        String e = Base32.encode(all);
        String c = core(e, prefix, v.length, 5);
        yield wrapped(form == 4 && width % 2 == 0 ? e.toLowerCase(Locale.ROOT) : e,
            width % 2 == 0 ? c.toLowerCase(Locale.ROOT) : c, width, nl);
      }
      case 5 -> {
        // base64 applied twice: the inner encoding (of the value after the prefix) inside more text
        String inner = Base64.getEncoder().encodeToString(all);
        String innerCore = core(inner, prefix, v.length, 6);
        byte[] outerBytes = ("x".repeat(prefix) + inner).getBytes(StandardCharsets.US_ASCII);
        String outer = Base64.getEncoder().encodeToString(outerBytes);
        int at = prefix + inner.indexOf(innerCore);
        yield wrapped(outer, core(outer, at, innerCore.length(), 6), width, nl);
      }
      case 6, 7 -> {
        // hex as od/xxd print it: bytes separated by spaces or colons, lines of `width` bytes
        HexFormat hf = HexFormat.ofDelimiter(String.valueOf(hexSep));
        String hex = hf.formatHex(v);
        if (form == 7) {
          hex = hex.toUpperCase(Locale.ROOT);
        }
        yield new String[] {lines(hex, 3 * width, nl), HexFormat.of().formatHex(v)
            .toLowerCase(Locale.ROOT)};
      }
      case 8 -> {
        String h = HexFormat.ofDelimiter("").withPrefix("\\x").formatHex(v);
        yield wrapped(h, h, width, nl);
      }
      default -> {
        String h = HexFormat.ofDelimiter(", ").withPrefix("0x").formatHex(v);
        yield wrapped(h, h.replace(" ", "").replace(",", ""), width, nl);
      }
    };
  }

  /** The characters of an encoding (base64: 6 bits each, base32: 5) that only the value sets. */
  private static String core(String encoded, int prefixBytes, int valueBytes, int bits) {
    int from = (8 * prefixBytes + bits - 1) / bits;
    int to = 8 * (prefixBytes + valueBytes) / bits;
    return encoded.substring(from, to);
  }

  private static String[] wrapped(String text, String mustGo, int width, String nl) {
    return new String[] {lines(text, width, nl), mustGo};
  }

  private static String lines(String text, int width, String nl) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < text.length(); i += width) {
      sb.append(text, i, Math.min(text.length(), i + width)).append(nl);
    }
    return sb.toString();
  }

  private static String skeleton(String s) {
    return s.replaceAll("[\\s:,]", "");
  }

  private static void assertNoForm(String out, String mustGo, String planted) {
    String m = skeleton(mustGo);
    String o = skeleton(out);
    assertThat(o).as(planted).doesNotContainIgnoringCase(m);
    assertThat(out).contains("secret://");
  }

  @Property(tries = 400)
  void everyNewForm_wrappedAtAnyWidth_wholeOrInChunks_isRedacted(
      @ForAll("secrets") String secret,
      @ForAll("texts") String before,
      @ForAll("texts") String after,
      @ForAll @IntRange(min = 0, max = FORMS - 1) int form,
      @ForAll @IntRange(min = 0, max = 5) int prefix,
      @ForAll @IntRange(min = 1, max = 120) int width,
      @ForAll boolean crlf,
      @ForAll boolean colons,
      @ForAll @Size(max = 8) List<@IntRange(min = 0, max = 600) Integer> cuts) {
    assertEveryFormRedacted(engineWith(secret), secret, before, after, form, prefix, width, crlf,
        colons, cuts);
  }

  /**
   * The value this property shrank to when the generator first let separator characters into
   * values (seed -4063672262426261983): its raw form wrapped at width 1 escaped, because the
   * separator-tolerant raw form was only made when the value without separators still had 12
   * characters and looked random on its own. Every form, every width, both line breaks, whole and
   * in 3-character chunks.
   */
  @Example
  void valueEndingInAColon_isRedactedInEveryFormAndWidth() {
    assertEveryWidth("AAAAAABBCDE:");
  }

  /** Random values holding a colon, a space, a line feed and a carriage return, made at run time. */
  @Example
  void valuesHoldingEverySeparator_areRedactedInEveryFormAndWidth() {
    Random r = new SecureRandom();
    for (String seps : List.of(":", " ", "\n", "\r", "\r\n")) {
      String v = Encodings.randomSecret(12 + r.nextInt(10));
      int at = r.nextInt(v.length() + 1);
      assertEveryWidth(v.substring(0, at) + seps + v.substring(at));
      assertEveryWidth(seps + v);
      assertEveryWidth(v + seps);
    }
  }

  /**
   * A run of separators inside the value, at every position: wrapped one character per line with
   * CRLF it becomes 14 separators in a row, which pushed the q-gram of the sample next to it out of
   * the matcher's 32-character window.
   */
  @Example
  void aSeparatorRunAtAnyPositionOfTheValue_isRedactedInEveryFormAndWidth() {
    String v = Encodings.randomSecret(14);
    for (int at = 0; at <= v.length(); at++) {
      assertEveryWidth(v.substring(0, at) + ": \n\r" + v.substring(at));
    }
  }

  private static void assertEveryWidth(String secret) {
    KeyholeRedactionEngine engine = engineWith(secret);
    List<Integer> cuts = new ArrayList<>();
    for (int c = 3; c < 600; c += 3) {
      cuts.add(c);
    }
    for (int form = 0; form < FORMS; form++) {
      for (int width = 1; width <= 120; width++) {
        for (int prefix = 0; prefix < 3; prefix++) {
          boolean crlf = (width + prefix) % 2 == 0;
          assertEveryFormRedacted(engine, secret, "log: x", "y ", form, prefix, width, crlf,
              width % 3 == 0, width % 7 == 0 ? cuts : List.of());
        }
      }
    }
  }

  private static void assertEveryFormRedacted(KeyholeRedactionEngine engine, String secret,
      String before, String after, int form, int prefix, int width, boolean crlf, boolean colons,
      List<Integer> cuts) {
    String[] planted = plant(secret, form, prefix, width, crlf, colons ? ':' : ' ');
    String text = before + " " + planted[0] + " " + after;
    String whole = engine.redact(text);
    assertNoForm(whole, planted[1], String.format("form %d, prefix %d, width %d, %s, %s", form,
        prefix, width, crlf ? "CRLF" : "LF", colons ? "colons" : "spaces"));
    assertThat(engine.redact(whole)).isSameAs(whole);
    // line structure: the redacted text has as many line breaks as the input
    assertThat(whole.chars().filter(c -> c == '\n').count())
        .isEqualTo(text.chars().filter(c -> c == '\n').count());

    StreamingRedactor s = engine.streaming();
    StringBuilder released = new StringBuilder();
    for (String chunk : chunks(text, cuts)) {
      released.append(s.write(chunk));
      // nothing released so far can be part of a form that is still to be completed
      assertThat(whole).startsWith(released);
    }
    released.append(s.finish());
    assertThat(released.toString()).isEqualTo(whole);
  }

  @Provide
  Arbitrary<String> secretFree() {
    Random r = new SecureRandom();
    return Arbitraries.integers().between(0, 4).map(kind -> switch (kind) {
      case 0 -> logs(r);
      case 1 -> Base64.getMimeEncoder().encodeToString(bytes(r, 300 + r.nextInt(500)));
      case 2 -> lockfile(r);
      case 3 -> hexDump(bytes(r, 200 + r.nextInt(300)));
      default -> HexFormat.ofDelimiter(":").formatHex(bytes(r, 64)) + "\n"
          + Base64.getEncoder().encodeToString(Base64.getEncoder().encode(bytes(r, 90)));
    });
  }

  @Property(tries = 200)
  void secretFreeText_comesBackUnchanged_asTheSameInstance(
      @ForAll("secretFree") String text,
      @ForAll("secrets") String secret,
      @ForAll @Size(max = 6) List<@IntRange(min = 0, max = 2000) Integer> cuts) {
    Assume.that(!text.contains(secret));
    KeyholeRedactionEngine engine = engineWith(secret);
    for (int i = 0; i < 20; i++) {
      engine.register(SecretValue.ofString(Encodings.randomSecret(32)), SecretHandle.of("s" + i));
    }
    String copy = new String(text.toCharArray());
    assertThat(engine.redact(copy)).isSameAs(copy);
    StreamingRedactor s = engine.streaming();
    StringBuilder out = new StringBuilder();
    chunks(text, cuts).forEach(c -> out.append(s.write(c)));
    assertThat(out.append(s.finish()).toString()).isEqualTo(text);
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static String logs(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append("2030-01-01T10:").append(10 + i).append(":0").append(i % 10).append("Z INFO  [main] ")
          .append("GET /api/v1/items/").append(r.nextInt(100000)).append(" -> 200 in ")
          .append(r.nextInt(900)).append(" ms trace=").append(Long.toHexString(r.nextLong()))
          .append(" user=").append(new java.util.UUID(r.nextLong(), r.nextLong())).append('\n');
    }
    return sb.toString();
  }

  private static String lockfile(Random r) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      sb.append("    \"node_modules/pkg").append(i).append("\": {\n      \"version\": \"1.")
          .append(i).append(".0\",\n      \"resolved\": \"https://registry.npmjs.org/pkg")
          .append(i).append("/-/pkg-1.0.tgz\",\n      \"integrity\": \"sha512-")
          .append(Base64.getEncoder().encodeToString(bytes(r, 64))).append("\"\n    },\n");
    }
    return sb.toString();
  }

  private static String hexDump(byte[] data) {
    StringBuilder sb = new StringBuilder();
    for (int off = 0; off < data.length; off += 16) {
      sb.append(String.format("%07x", off));
      for (int i = off; i < Math.min(data.length, off + 16); i++) {
        sb.append(' ').append(String.format("%02x", data[i] & 0xFF));
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  private static List<String> chunks(String text, List<Integer> cuts) {
    TreeSet<Integer> at = new TreeSet<>();
    for (int c : cuts) {
      at.add(Math.min(c, text.length()));
    }
    at.add(text.length());
    List<String> out = new ArrayList<>();
    int prev = 0;
    for (int c : at) {
      out.add(text.substring(prev, c));
      prev = c;
    }
    return out;
  }
}
