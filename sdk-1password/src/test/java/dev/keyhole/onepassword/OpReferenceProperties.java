package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyhole.InvalidReferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the {@code op://} parser: valid references round-trip, invalid ones are rejected with a reason. */
class OpReferenceProperties {
  static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.";

  @Provide
  Arbitrary<String> parts() {
    Arbitrary<String> names = Arbitraries.strings().withChars(NAME_CHARS.toCharArray()).ofMinLength(1)
        .ofMaxLength(40).filter(s -> !s.startsWith(" ") && !s.endsWith(" "));
    Arbitrary<String> ids = Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789".toCharArray())
        .ofLength(26);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, names), net.jqwik.api.Tuple.of(1, ids));
  }

  @Provide
  Arbitrary<OpReference> references() {
    Arbitrary<Optional<String>> sections = parts().optional(0.5);
    Arbitrary<Optional<OpAttribute>> attributes = Arbitraries.of(OpAttribute.class).optional(0.5);
    return Combinators.combine(parts(), parts(), sections, parts(), attributes, Arbitraries.of(true, false))
        .as((v, i, s, f, a, ssh) -> OpReference.builder().vault(v).item(i).section(s.orElse(null)).field(f)
            .attribute(a.orElse(null))
            .openSshFormat(ssh && (a.isEmpty() || a.get() == OpAttribute.VALUE)).build());
  }

  @Property
  void validReferences_roundTripThroughTextAndSecretRef(@ForAll("references") OpReference ref) {
    String text = ref.toString();
    OpReference again = OpReference.parse(text);
    assertThat(again).isEqualTo(ref);
    assertThat(again.toString()).isEqualTo(text);
    assertThat(OpReference.parse(ref.toSecretRef())).isEqualTo(ref);
  }

  @Property
  void aliasesAndCase_parseToTheSameReference(@ForAll("references") OpReference ref) {
    String text = ref.toString().replace("op://", "OP://").replace("attribute=", "attr=")
        .replace("=otp", "=TOTP").replace("ssh-format=openssh", "ssh-format=OPENSSH");
    assertThat(OpReference.parse(text)).isEqualTo(ref);
  }

  enum Fault { BAD_CHAR, EMPTY_PART, SPACE_EDGE, TOO_FEW, TOO_MANY, UNKNOWN_PARAM, BAD_ATTRIBUTE, BAD_FORMAT, DUPLICATE }

  @Property
  void everyInvalidReference_isRejectedWithAReason(@ForAll("references") OpReference ref,
      @ForAll Fault fault, @ForAll @IntRange(min = 0, max = 3) int partIndex,
      @ForAll("badChars") char bad) {
    List<String> parts = new ArrayList<>(List.of(ref.vault(), ref.item()));
    ref.section().ifPresent(parts::add);
    parts.add(ref.field());
    int at = partIndex % parts.size();
    String query = "";
    String expected;
    switch (fault) {
      case BAD_CHAR -> {
        String p = parts.get(at);
        parts.set(at, p.substring(0, p.length() / 2) + bad + p.substring(p.length() / 2));
        expected = "contains";
      }
      case EMPTY_PART -> {
        parts.set(at, "");
        expected = "is empty";
      }
      case SPACE_EDGE -> {
        parts.set(at, " " + parts.get(at));
        expected = "whitespace";
      }
      case TOO_FEW -> {
        parts = parts.subList(0, 2);
        expected = "path part";
      }
      case TOO_MANY -> {
        parts.add("extra");
        if (parts.size() < 5) {
          parts.add("more");
        }
        expected = "path part";
      }
      case UNKNOWN_PARAM -> {
        query = "?colour=blue";
        expected = "unknown";
      }
      case BAD_ATTRIBUTE -> {
        query = "?attribute=secret";
        expected = "unknown";
      }
      case BAD_FORMAT -> {
        query = "?ssh-format=putty";
        expected = "not supported";
      }
      default -> {
        query = "?attr=id&attribute=id";
        expected = "twice";
      }
    }
    String text = "op://" + String.join("/", parts) + query;
    Throwable t = catchThrowable(() -> OpReference.parse(text));
    assertThat(t).as(text).isInstanceOf(InvalidReferenceException.class);
    assertThat(t.getMessage()).contains(expected).startsWith("1Password reference");
  }

  @Provide
  Arbitrary<Character> badChars() {
    return Arbitraries.chars().all().filter(c -> NAME_CHARS.indexOf(c) < 0 && c != '/' && c != '?'
        && !Character.isSurrogate(c));
  }

  @Property
  void anyText_eitherParsesToARoundTrippingReferenceOrIsRejectedWithAMessage(@ForAll String noise,
      @ForAll("references") OpReference ref, @ForAll @IntRange(min = 0, max = 60) int cut) {
    String base = ref.toString();
    String text = base.substring(0, Math.min(cut, base.length())) + noise;
    try {
      OpReference r = OpReference.parse(text);
      assertThat(OpReference.parse(r.toString())).isEqualTo(r);
    } catch (InvalidReferenceException e) {
      assertThat(e.getMessage()).startsWith("1Password reference").contains("invalid");
    }
  }
}
