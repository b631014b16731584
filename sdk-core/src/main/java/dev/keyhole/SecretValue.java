package dev.keyhole;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import dev.keyhole.spi.AccessObserver;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import javax.security.auth.Destroyable;
import org.jspecify.annotations.Nullable;

/**
 * A secret's plaintext. It exists only inside a tool's execution (and in Keyhole's own caches).
 *
 * <p>Security:
 *
 * <ul>
 *   <li>Stored as a {@code char[]} (text) or {@code byte[]} (binary), copied in and out; {@link
 *       #destroy()} overwrites the array and every accessor throws afterwards.
 *   <li>{@code toString}, {@code equals} and {@code hashCode} reveal nothing (identity semantics);
 *       compare contents with {@link #contentEquals}, which runs in constant time.
 *   <li>Not {@code Serializable}, not a record; Jackson refuses to serialize it.
 *   <li>Reading the plaintext takes a deliberate, grep-able {@code reveal*} call, which notifies
 *       Keyhole's audit trail when the value was handed out by a task scope.
 * </ul>
 */
@JsonSerialize(using = SecretValue.RefusingSerializer.class)
public final class SecretValue implements Destroyable, AutoCloseable {
  private char @Nullable [] chars;
  private byte @Nullable [] bytes;
  private final boolean binary;
  private final @Nullable AccessObserver observer;
  // A view holds no plaintext of its own: it reads through to `source`, and dies with it.
  private final @Nullable SecretValue source;
  private volatile boolean destroyed;

  private SecretValue(
      char @Nullable [] chars, byte @Nullable [] bytes, @Nullable AccessObserver observer) {
    this.chars = chars;
    this.bytes = bytes;
    this.binary = bytes != null;
    this.observer = observer;
    this.source = null;
  }

  private SecretValue(SecretValue source, @Nullable AccessObserver observer) {
    this.source = source.source != null ? source.source : source;
    this.binary = source.binary;
    this.observer = observer;
  }

  /** A text secret from a copy of {@code value}. The caller should wipe its own array. */
  public static SecretValue ofChars(char[] value) {
    Objects.requireNonNull(value, "value");
    return new SecretValue(value.clone(), null, null);
  }

  /**
   * A text secret from a {@code String}. Strings cannot be wiped; prefer {@link #ofChars} where the
   * source gives you an array.
   */
  public static SecretValue ofString(String value) {
    Objects.requireNonNull(value, "value");
    return new SecretValue(value.toCharArray(), null, null);
  }

  /** A binary secret from a copy of {@code value}. */
  public static SecretValue ofBytes(byte[] value) {
    Objects.requireNonNull(value, "value");
    return new SecretValue(null, value.clone(), null);
  }

  /**
   * A text secret decoded from UTF-8 bytes; falls back to a binary secret when the bytes are not
   * valid UTF-8. The caller should wipe its own array.
   */
  public static SecretValue ofUtf8(byte[] utf8) {
    Objects.requireNonNull(utf8, "utf8");
    try {
      CharBuffer cb =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8));
      char[] out = new char[cb.remaining()];
      cb.get(out);
      if (cb.hasArray()) {
        Arrays.fill(cb.array(), '\0');
      }
      return new SecretValue(out, null, null);
    } catch (CharacterCodingException e) {
      return ofBytes(utf8);
    }
  }

  /**
   * A copy of {@code source} whose {@code reveal*} calls notify {@code observer}. Keyhole uses this
   * to audit reads of values it hands to tools. Like {@link #copy()}, a copy of a view is itself a
   * view of the same value, and dies with it.
   */
  public static SecretValue observedCopy(SecretValue source, AccessObserver observer) {
    Objects.requireNonNull(observer, "observer");
    return source.copy(observer);
  }

  /**
   * A view of {@code source} whose {@code reveal*} calls notify {@code observer}. The view holds no
   * plaintext of its own: destroying it ends access through it only, and it stops working as soon as
   * {@code source} is destroyed. Keyhole hands tools views of a task's values, so that no copy
   * outlives the task.
   */
  public static SecretValue observedView(SecretValue source, @Nullable AccessObserver observer) {
    source.checkLive();
    return new SecretValue(source, observer);
  }

  /**
   * An independent copy: destroying one does not destroy the other.
   *
   * <p>Security: a copy of a view (what a task scope hands a tool) is another view of the same
   * value, with the same observer: it holds no plaintext of its own and dies with the task like
   * the view it was made from, so a tool cannot keep a value past its task by copying it.
   */
  public SecretValue copy() {
    return copy(observer);
  }

  private SecretValue copy(@Nullable AccessObserver obs) {
    SecretValue src = source;
    if (src != null) {
      checkLive();
      return new SecretValue(src, obs);
    }
    synchronized (this) {
      checkLive();
      return binary
          ? new SecretValue(null, Objects.requireNonNull(bytes).clone(), obs)
          : new SecretValue(Objects.requireNonNull(chars).clone(), null, obs);
    }
  }

  /** Whether this secret was created from bytes rather than text. */
  public boolean isBinary() {
    return binary;
  }

  /** Returns a copy of the plaintext characters (UTF-8 decoded for binary values). Wipe it after use. */
  public char[] revealChars() {
    notifyObserver("chars");
    SecretValue src = source;
    if (src != null) {
      checkLive();
      return src.revealChars();
    }
    synchronized (this) {
      checkLive();
      if (!binary) {
        return Objects.requireNonNull(chars).clone();
      }
      return new String(Objects.requireNonNull(bytes), StandardCharsets.UTF_8).toCharArray();
    }
  }

  /**
   * Returns the plaintext as a {@code String}. Strings cannot be wiped: use only where the
   * consuming API needs one (an HTTP header, an environment variable).
   */
  public String revealString() {
    notifyObserver("string");
    SecretValue src = source;
    if (src != null) {
      checkLive();
      return src.revealString();
    }
    synchronized (this) {
      checkLive();
      return binary
          ? new String(Objects.requireNonNull(bytes), StandardCharsets.UTF_8)
          : new String(Objects.requireNonNull(chars));
    }
  }

  /** Returns a copy of the plaintext bytes (UTF-8 encoded for text values). Wipe it after use. */
  public byte[] revealBytes() {
    notifyObserver("bytes");
    return utf8Copy();
  }

  /** Constant-time comparison of the contents of two live values. */
  public boolean contentEquals(SecretValue other) {
    // Not a reveal: nothing leaves this class, so the observer is not told.
    byte[] a = utf8Copy();
    byte[] b = other.utf8Copy();
    try {
      return MessageDigest.isEqual(a, b);
    } finally {
      Arrays.fill(a, (byte) 0);
      Arrays.fill(b, (byte) 0);
    }
  }

  @SuppressWarnings("ByteBufferBackingArray") // encode() gives a heap buffer at offset 0; we wipe all of it
  private byte[] utf8Copy() {
    SecretValue src = source;
    if (src != null) {
      checkLive();
      return src.utf8Copy();
    }
    synchronized (this) {
      checkLive();
      if (binary) {
        return Objects.requireNonNull(bytes).clone();
      }
      ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(Objects.requireNonNull(chars)));
      byte[] out = new byte[bb.remaining()];
      bb.get(out);
      if (bb.hasArray()) {
        Arrays.fill(bb.array(), (byte) 0);
      }
      return out;
    }
  }

  private void notifyObserver(String how) {
    AccessObserver obs = observer;
    if (obs != null && !isDestroyed()) {
      obs.revealed(how);
    }
  }

  private void checkLive() {
    SecretValue src = source;
    if (destroyed || (src != null && src.destroyed)) {
      throw new IllegalStateException(
          "This SecretValue was destroyed (its task closed or the tool call ended); resolve the"
              + " handle again inside an open task");
    }
  }

  /** Overwrites the plaintext. Idempotent; accessors throw afterwards. */
  @Override
  public void destroy() {
    synchronized (this) {
      if (chars != null) {
        Arrays.fill(chars, '\0');
        chars = null;
      }
      if (bytes != null) {
        Arrays.fill(bytes, (byte) 0);
        bytes = null;
      }
      destroyed = true;
    }
  }

  /** Same as {@link #destroy()}, for try-with-resources. */
  @Override
  public void close() {
    destroy();
  }

  @Override
  public boolean isDestroyed() {
    SecretValue src = source;
    return destroyed || (src != null && src.destroyed);
  }

  /** Prints no content and no length. */
  @Override
  public String toString() {
    return isDestroyed() ? "SecretValue[destroyed]" : "SecretValue[***]";
  }

  // Identity equality on purpose: equals/hashCode must not depend on (or leak through) the content.
  @Override
  public boolean equals(@Nullable Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  /** Jackson serializer that refuses, so a value never ends up in JSON by accident. */
  static final class RefusingSerializer extends JsonSerializer<SecretValue> {
    @Override
    public void serialize(SecretValue value, JsonGenerator gen, SerializerProvider serializers)
        throws JsonMappingException {
      throw JsonMappingException.from(
          gen,
          "Refusing to serialize a SecretValue to JSON: secret values never leave a tool's"
              + " execution. Serialize its handle (secret://name) instead.");
    }
  }
}
