package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.KeyholeException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@link OpReference}s against Connect: vault, then item, then field or file.
 *
 * <p>A part shaped like an ID is tried as an ID first and as a name when Connect answers 404. Names
 * are matched exactly through Connect's {@code filter} first and, when that finds nothing (Connect
 * filters are case-sensitive), case-insensitively over the full list; more than one match is an
 * {@link AmbiguousReferenceException}. Name-to-ID answers are kept in an {@link IdCache}; a cached ID
 * that Connect no longer knows is dropped and looked up again once. Within one {@link Session} each
 * vault, item and file is fetched once however many references share it.
 */
final class ConnectResolver {
  private record Vault(String id, String label, boolean fromCache) {}

  private final ConnectHttp http;
  private final IdCache ids;
  private final Clock clock;

  ConnectResolver(ConnectHttp http, IdCache ids, Clock clock) {
    this.http = http;
    this.ids = ids;
    this.clock = clock;
  }

  /** Shared fetches for the references of one call. Wipes fetched file content on close. */
  static final class Session implements AutoCloseable {
    private final Map<String, Object> vaults = new HashMap<>();
    private final Map<String, Object> items = new HashMap<>();
    private final Map<String, Object> itemsById = new HashMap<>();
    private final Map<String, Object> files = new HashMap<>();

    @Override
    public void close() {
      files.values().forEach(v -> {
        if (v instanceof byte[] b) {
          Arrays.fill(b, (byte) 0);
        }
      });
      files.clear();
      items.clear();
      itemsById.clear();
      vaults.clear();
    }
  }

  Session session() {
    return new Session();
  }

  ResolvedSecret resolve(OpReference ref, Session s) {
    Vault vault = memo(s.vaults, ref.vault(), () -> vault(ref.vault()));
    JsonNode item;
    try {
      item = memo(s.items, vault.id + "\u0000" + ref.item(), () -> item(vault, ref.item(), s));
    } catch (SecretNotFoundException e) {
      if (!vault.fromCache) {
        throw e;
      }
      // The cached vault ID may be stale (vault deleted and re-created): look it up once more.
      ids.invalidate(IdCache.vaultKey(ref.vault()));
      s.vaults.remove(ref.vault());
      Vault fresh = memo(s.vaults, ref.vault(), () -> vault(ref.vault()));
      if (fresh.id.equals(vault.id)) {
        throw e;
      }
      item = memo(s.items, fresh.id + "\u0000" + ref.item(), () -> item(fresh, ref.item(), s));
    }
    String itemId = ItemFields.text(item, "id");
    String vaultId = ItemFields.text(item.path("vault"), "id");
    String itemDesc = "item '" + ref.item() + "' (ID " + itemId + ") of vault '" + ref.vault() + "'";
    ItemFields.Target target = ItemFields.select(item, ref, itemDesc);
    OpAttribute attribute = ref.effectiveAttribute();
    String what = (target.isFile() ? "File '" : "Field '") + ref.field() + "' of " + itemDesc;
    ItemFields.checkAttribute(target, attribute, what);
    String version = item.path("version").isNumber() ? item.path("version").asText() : null;
    JsonNode n = target.node();
    if (target.isFile()) {
      return switch (attribute) {
        case ID -> text(n, "id", what);
        case NAME -> text(n, "name", what);
        case SIZE -> {
          if (!n.path("size").isNumber()) {
            throw new SecretFormatException(what + " has no size");
          }
          yield ResolvedSecret.of(SecretValue.ofString(n.path("size").asText()), version, null);
        }
        default -> {
          String fileId = ItemFields.text(n, "id");
          if (fileId == null) {
            throw new SecretFormatException(what + " has no ID, so its content cannot be read");
          }
          String v = vaultId != null ? vaultId : vault.id;
          HttpUrl url = http.url("v1", "vaults", v, "items", itemId, "files", fileId, "content").build();
          byte[] content = memo(s.files, v + "/" + itemId + "/" + fileId,
              () -> http.getBytes(url, "content of " + what.substring(0, 1).toLowerCase(Locale.ROOT)
                  + what.substring(1)));
          if (content.length == 0) {
            throw new SecretFormatException(what + " is empty");
          }
          yield ResolvedSecret.of(SecretValue.ofUtf8(content), version, null);
        }
      };
    }
    return switch (attribute) {
      case ID -> text(n, "id", what);
      case TYPE -> ResolvedSecret.of(SecretValue.ofString(
          String.valueOf(ItemFields.text(n, "type") == null ? ItemFields.DEFAULT_FIELD_TYPE
              : ItemFields.text(n, "type")).toLowerCase(Locale.ROOT)), version, null);
      case PURPOSE -> {
        String p = ItemFields.text(n, "purpose");
        if (p == null || p.isEmpty()) {
          throw new SecretFormatException(what + " has no purpose (only username, password and"
              + " notes fields have one)");
        }
        yield ResolvedSecret.of(SecretValue.ofString(p.toLowerCase(Locale.ROOT)), version, null);
      }
      case OTP -> {
        String value = ItemFields.text(n, "value");
        String type = ItemFields.text(n, "type");
        boolean otpField = "OTP".equalsIgnoreCase(type) || "TOTP".equalsIgnoreCase(type)
            || (value != null && value.regionMatches(true, 0, "otpauth://", 0, 10));
        if (!otpField) {
          throw new SecretFormatException(what + " is not a one-time password field (type "
              + (type == null ? "missing" : type) + "); attribute=otp needs an OTP field");
        }
        if (value == null || value.isBlank()) {
          throw new SecretFormatException(what + " has no one-time password secret");
        }
        Instant now = clock.instant();
        Totp.Code code = Totp.codeAt(value, now, what);
        try {
          yield ResolvedSecret.of(SecretValue.ofChars(code.digits()), version, code.validUntil());
        } finally {
          Arrays.fill(code.digits(), '\0');
        }
      }
      default -> {
        String value = ItemFields.text(n, "value");
        if (value == null || value.isEmpty()) {
          throw new SecretFormatException(what + " has no value");
        }
        if (ref.openSshFormat()) {
          char[] key = SshKeys.toOpenSsh(value, what);
          try {
            yield ResolvedSecret.of(SecretValue.ofChars(key), version, null);
          } finally {
            Arrays.fill(key, '\0');
          }
        }
        yield ResolvedSecret.of(SecretValue.ofString(value), version, null);
      }
    };
  }

  private static ResolvedSecret text(JsonNode n, String key, String what) {
    String v = ItemFields.text(n, key);
    if (v == null || v.isEmpty()) {
      throw new SecretFormatException(what + " has no " + key);
    }
    return ResolvedSecret.of(SecretValue.ofString(v));
  }

  // ---- vaults ----

  private Vault vault(String part) {
    String key = IdCache.vaultKey(part);
    String cached = ids.get(key).orElse(null);
    if (cached != null) {
      return new Vault(cached, part, true);
    }
    if (OpReference.isId(part)) {
      try {
        JsonNode v = http.getJson(http.url("v1", "vaults", part).build(), "vault with ID '" + part + "'");
        String id = ItemFields.text(v, "id");
        if (id != null) {
          ids.put(key, id);
          return new Vault(id, part, false);
        }
      } catch (SecretNotFoundException notAnId) {
        // fall back to the name
      }
    }
    HttpUrl filtered = http.url("v1", "vaults").addQueryParameter("filter", "name eq " + quote(part)).build();
    List<JsonNode> exact = matching(http.getJson(filtered, "vaults named '" + part + "'"), "name", part, false);
    String id = single(exact, "vault", part, "the vaults this token can see");
    if (id == null) {
      JsonNode all = http.getJson(http.url("v1", "vaults").build(), "the list of vaults");
      id = single(matching(all, "name", part, true), "vault", part, "the vaults this token can see");
      if (id == null) {
        throw new SecretNotFoundException("Vault '" + part + "' was not found: no vault this Connect"
            + " token can see has that name (ignoring case)" + (OpReference.isId(part) ? " or ID" : "")
            + "; visible vaults are " + Texts.list(labels(all, "name"), 10) + ". Check the name, or"
            + " give the token access to the vault");
      }
    }
    ids.put(key, id);
    return new Vault(id, part, false);
  }

  // ---- items ----

  private JsonNode item(Vault vault, String part, Session s) {
    String key = IdCache.itemKey(vault.id, part);
    String cached = ids.get(key).orElse(null);
    if (cached != null) {
      try {
        return getItem(vault, cached, part, s);
      } catch (SecretNotFoundException stale) {
        ids.invalidate(key);
        s.itemsById.remove(vault.id + "/" + cached);
      }
    }
    if (OpReference.isId(part)) {
      try {
        JsonNode item = getItem(vault, part, part, s);
        ids.put(key, part);
        return item;
      } catch (SecretNotFoundException notAnId) {
        // fall back to the title
      }
    }
    String where = "vault '" + vault.label + "' (ID " + vault.id + ")";
    HttpUrl filtered = http.url("v1", "vaults", vault.id, "items")
        .addQueryParameter("filter", "title eq " + quote(part)).build();
    String id = single(matching(http.getJson(filtered, "items titled '" + part + "' in " + where),
        "title", part, false), "item", part, where);
    if (id == null) {
      JsonNode all = http.getJson(http.url("v1", "vaults", vault.id, "items").build(), "the items of " + where);
      id = single(matching(all, "title", part, true), "item", part, where);
      if (id == null) {
        throw new SecretNotFoundException("Item '" + part + "' was not found in " + where + ": no item"
            + " has that title (ignoring case)" + (OpReference.isId(part) ? " or ID" : "")
            + ". Check the title, or give the item's ID");
      }
    }
    JsonNode item = getItem(vault, id, part, s);
    ids.put(key, id);
    return item;
  }

  /** Fetches an item by ID, once per session however many names lead to it. */
  private JsonNode getItem(Vault vault, String id, String part, Session s) {
    return memo(s.itemsById, vault.id + "/" + id, () -> http.getJson(
        http.url("v1", "vaults", vault.id, "items", id).build(),
        "item '" + part + "' (ID " + id + ") in vault '" + vault.label + "'"));
  }

  // ---- helpers ----

  /** Connect's filter value: a double-quoted string with {@code \} and {@code "} escaped. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static List<JsonNode> matching(JsonNode array, String key, String part, boolean ignoreCase) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : ItemFields.list(array)) {
      String v = ItemFields.text(n, key);
      if (v != null && (ignoreCase ? v.equalsIgnoreCase(part) : v.equals(part))) {
        out.add(n);
      }
    }
    return out;
  }

  private static @Nullable String single(List<JsonNode> matches, String kind, String part, String where) {
    Set<String> found = new LinkedHashSet<>();
    matches.forEach(n -> {
      String id = ItemFields.text(n, "id");
      if (id != null) {
        found.add(id);
      }
    });
    if (found.size() > 1) {
      throw new AmbiguousReferenceException("The " + kind + " name '" + part + "' matches "
          + found.size() + " " + kind + "s in " + where + " (IDs " + String.join(", ", found)
          + "); names are matched ignoring case. Put the right " + kind + "'s ID into the reference",
          kind, List.copyOf(found));
    }
    return found.isEmpty() ? null : found.iterator().next();
  }

  private static List<String> labels(JsonNode array, String key) {
    List<String> out = new ArrayList<>();
    ItemFields.list(array).forEach(n -> {
      String v = ItemFields.text(n, key);
      if (v != null) {
        out.add(v);
      }
    });
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <T> T memo(Map<String, Object> memo, String key, Supplier<T> loader) {
    Object v = memo.get(key);
    if (v == null) {
      try {
        v = loader.get();
      } catch (KeyholeException e) {
        v = e;
      }
      memo.put(key, v);
    }
    if (v instanceof KeyholeException e) {
      throw e;
    }
    return (T) v;
  }
}
