package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.security.auth.Destroyable;
import org.junit.jupiter.api.Test;

class SecretValueTest {
  private final String secret = TestSupport.randomSecret();

  @Test
  void isFinal_notRecord_notSerializable_destroyable() {
    assertThat(Modifier.isFinal(SecretValue.class.getModifiers())).isTrue();
    assertThat(SecretValue.class.isRecord()).isFalse();
    assertThat(Serializable.class.isAssignableFrom(SecretValue.class)).isFalse();
    assertThat(Destroyable.class.isAssignableFrom(SecretValue.class)).isTrue();
  }

  @Test
  void toString_revealsNoContentAndNoLength() {
    SecretValue a = SecretValue.ofString(secret);
    SecretValue b = SecretValue.ofString("x".repeat(100));
    assertThat(a.toString()).doesNotContain(secret).isEqualTo(b.toString());
    assertThat(a.toString()).doesNotContain("32");
  }

  @Test
  void equalsAndHashCode_areIdentity_notContent() {
    SecretValue a = SecretValue.ofString(secret);
    SecretValue b = SecretValue.ofString(secret);
    assertThat(a).isNotEqualTo(b);
    assertThat(a.equals(a)).isTrue();
    assertThat(a.hashCode()).isEqualTo(System.identityHashCode(a));
    assertThat(a.contentEquals(b)).isTrue();
    assertThat(a.contentEquals(SecretValue.ofString(secret + "x"))).isFalse();
  }

  @Test
  void jackson_refusesToSerialize_withoutTheValue() {
    ObjectMapper mapper = new ObjectMapper();
    SecretValue v = SecretValue.ofString(secret);
    assertThatThrownBy(() -> mapper.writeValueAsString(v))
        .isInstanceOf(JsonMappingException.class)
        .hasMessageContaining("Refusing to serialize a SecretValue")
        .hasMessageNotContaining(secret);
    assertThatThrownBy(() -> mapper.writeValueAsString(Map.of("token", v)))
        .isInstanceOf(JsonMappingException.class)
        .hasMessageNotContaining(secret);
  }

  @Test
  void destroy_wipesAndAccessorsThrow() {
    char[] source = secret.toCharArray();
    SecretValue v = SecretValue.ofChars(source);
    v.destroy();
    assertThat(v.isDestroyed()).isTrue();
    assertThatThrownBy(v::revealString).isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(secret);
    assertThatThrownBy(v::revealChars).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(v::revealBytes).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(v::copy).isInstanceOf(IllegalStateException.class);
    assertThat(v.toString()).isEqualTo("SecretValue[destroyed]");
    v.destroy(); // idempotent
    // the caller's array was copied in, not aliased
    assertThat(new String(source)).isEqualTo(secret);
  }

  @Test
  void copies_inAndOut_areIndependent() {
    char[] source = secret.toCharArray();
    SecretValue v = SecretValue.ofChars(source);
    source[0] = '#';
    char[] out = v.revealChars();
    out[1] = '#';
    assertThat(v.revealString()).isEqualTo(secret);
    SecretValue copy = v.copy();
    v.destroy();
    assertThat(copy.revealString()).isEqualTo(secret);
  }

  @Test
  void bytes_roundTrip_andUtf8Fallback() {
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3, 4, 5, 6};
    SecretValue b = SecretValue.ofUtf8(binary);
    assertThat(b.isBinary()).isTrue();
    assertThat(b.revealBytes()).containsExactly(binary);
    SecretValue t = SecretValue.ofUtf8("pässwörd-123".getBytes(StandardCharsets.UTF_8));
    assertThat(t.isBinary()).isFalse();
    assertThat(t.revealString()).isEqualTo("pässwörd-123");
  }

  @Test
  void observedCopy_notifiesOnEveryReveal_butNotAfterDestroy() {
    List<String> seen = new ArrayList<>();
    SecretValue v = SecretValue.observedCopy(SecretValue.ofString(secret), seen::add);
    v.revealString();
    v.revealChars();
    v.revealBytes();
    assertThat(seen).containsExactly("string", "chars", "bytes");
    v.destroy();
    assertThatThrownBy(v::revealString).isInstanceOf(IllegalStateException.class);
    assertThat(seen).hasSize(3);
  }

  @Test
  void view_readsThroughToItsSource_andDiesWithIt() {
    List<String> seen = new ArrayList<>();
    SecretValue master = SecretValue.ofString(secret);
    SecretValue view = SecretValue.observedView(master, seen::add);
    SecretValue other = SecretValue.observedView(master, null);
    assertThat(view.revealString()).isEqualTo(secret);
    assertThat(view.contentEquals(master)).isTrue();
    assertThat(seen).containsExactly("string");
    view.destroy(); // ends access through this view only
    assertThatThrownBy(view::revealChars).isInstanceOf(IllegalStateException.class);
    assertThat(other.revealString()).isEqualTo(secret);
    SecretValue copyOfView = other.copy();
    copyOfView.destroy(); // ends access through the copy only
    assertThat(other.revealString()).isEqualTo(secret);
    SecretValue viewCopy = other.copy();
    master.destroy(); // the task ends: every view dies, and so does every copy of a view
    assertThat(other.isDestroyed()).isTrue();
    assertThatThrownBy(other::revealBytes).isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(secret);
    assertThat(other.toString()).isEqualTo("SecretValue[destroyed]");
    assertThat(viewCopy.isDestroyed()).isTrue();
    assertThatThrownBy(viewCopy::revealString).isInstanceOf(IllegalStateException.class);
    assertThat(seen).hasSize(1);
  }

  @Test
  void closeable_inTryWithResources() {
    SecretValue outer;
    try (SecretValue v = SecretValue.ofString(secret)) {
      outer = v;
      assertThat(v.revealString()).isEqualTo(secret);
    }
    assertThat(outer.isDestroyed()).isTrue();
  }
}
