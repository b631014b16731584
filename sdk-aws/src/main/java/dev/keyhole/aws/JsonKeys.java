package dev.keyhole.aws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import java.io.IOException;
import dev.keyhole.spi.ResolvedSecret;
import java.util.Arrays;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Reads one top-level key of a JSON-object secret, the way ECS does for {@code json-key}. String
 * values are returned unquoted and unescaped; numbers and booleans as written; objects and arrays as
 * their JSON text.
 *
 * <p>Security: parses the characters with Jackson's streaming parser (no tree of Strings), with
 * buffer recycling off so no parser buffer holding secret text is pooled; wipes its own copies.
 * Error messages never quote the secret or the parser's message (which can quote the input).
 */
final class JsonKeys {
  private static final JsonFactory JSON = JsonFactory.builder()
      .recyclerPool(JsonRecyclerPools.nonRecyclingPool())
      .build();

  private JsonKeys() {}

  /**
   * Splits reference text at its first {@code #}: {@code {path, key}}, the key null without a
   * {@code #} and empty when the {@code #} ends the text.
   */
  static @Nullable String[] splitKey(String path) {
    int hash = path.indexOf('#');
    return hash < 0 ? new String[] {path, null}
        : new String[] {path.substring(0, hash), path.substring(hash + 1)};
  }

  /**
   * Applies a reference's optional JSON key to a whole secret. Takes ownership of {@code whole}:
   * returns it as is without a key, else a new secret of the key's value (same version).
   */
  static ResolvedSecret select(ResolvedSecret whole, Optional<String> key, String subject) {
    if (key.isEmpty()) {
      return whole;
    }
    try {
      return ResolvedSecret.of(extract(whole.value(), key.get(), subject),
          whole.version().orElse(null), null);
    } finally {
      whole.destroy();
    }
  }

  /**
   * The value of {@code key} in {@code secret}, which must be a JSON object.
   *
   * @param subject names the secret in error messages
   * @throws SecretFormatException when the secret is not a JSON object, or the key's value is null
   *     or empty
   * @throws SecretNotFoundException when the object has no such top-level key
   */
  static SecretValue extract(SecretValue secret, String key, String subject) {
    char[] text = secret.revealChars();
    char[] found = null;
    try {
      found = find(text, key, subject);
      return SecretValue.ofChars(found);
    } finally {
      Arrays.fill(text, '\0');
      if (found != null) {
        Arrays.fill(found, '\0');
      }
    }
  }

  private static char[] find(char[] text, String key, String subject) {
    char[] found = null;
    boolean wasNull = false;
    int keys = 0;
    try (JsonParser p = JSON.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw notAnObject(subject, key);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        keys++;
        boolean wanted = found == null && !wasNull && key.equals(p.currentName());
        JsonToken v = p.nextToken();
        if (wanted) {
          found = valueOf(p, v, text);
          wasNull = found == null;
        } else if (v != null && v.isStructStart()) {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
        wipe(found);
        throw notAnObject(subject, key);
      }
    } catch (IOException e) {
      wipe(found);
      throw notAnObject(subject, key);
    }
    if (wasNull) {
      throw new SecretFormatException("JSON key '" + key + "' of " + subject + " is null; store a"
          + " value under it, or point the reference at another key");
    }
    if (found == null) {
      throw new SecretNotFoundException(subject + " has no top-level JSON key '" + key + "' (the"
          + " secret is a JSON object with " + keys + " key(s)). Check the key's spelling and case;"
          + " nested keys are not supported.");
    }
    if (found.length == 0) {
      throw new SecretFormatException("JSON key '" + key + "' of " + subject + " holds an empty"
          + " string; store a value under it");
    }
    return found;
  }

  private static char @Nullable [] valueOf(JsonParser p, @Nullable JsonToken v, char[] text)
      throws IOException {
    if (v == null || v == JsonToken.VALUE_NULL) {
      return null;
    }
    if (v.isStructStart()) {
      long start = p.currentTokenLocation().getCharOffset();
      p.skipChildren();
      long end = p.currentLocation().getCharOffset();
      return Arrays.copyOfRange(text, (int) start, (int) end);
    }
    int off = p.getTextOffset();
    return Arrays.copyOfRange(p.getTextCharacters(), off, off + p.getTextLength());
  }

  private static SecretFormatException notAnObject(String subject, String key) {
    return new SecretFormatException(subject + " is not a JSON object, so JSON key '" + key
        + "' cannot be read from it. Remove the key from the reference, or store the secret as a"
        + " JSON object such as {\"" + key + "\": \"...\"}.");
  }

  private static void wipe(char @Nullable [] chars) {
    if (chars != null) {
      Arrays.fill(chars, '\0');
    }
  }
}
