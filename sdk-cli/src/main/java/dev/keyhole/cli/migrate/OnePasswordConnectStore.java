package dev.keyhole.cli.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * 1Password through a Connect server's REST API, with OkHttp. One item per file, titled with the
 * item name, in the named vault; one concealed field per key, labelled with the key. References are
 * {@code op://VAULT/ITEM/KEY}.
 *
 * <p>The vault is found with {@code GET /v1/vaults?filter=name eq "VAULT"}; the item with
 * {@code GET /v1/vaults/{id}/items?filter=title eq "ITEM"}. A new item is created with one
 * {@code POST /v1/vaults/{id}/items}; an existing one is read in full, its fields with matching
 * labels get the new values, missing ones are added, and it is replaced with one
 * {@code PUT /v1/vaults/{id}/items/{itemId}} (other fields and attributes are kept). Either way
 * each file is a single write: all of its values or none.
 *
 * <p>Security: the Connect token is sent only as the bearer token to the configured host; error
 * messages carry the HTTP status and Connect's error message, never a request body.
 */
final class OnePasswordConnectStore implements SecretStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final MediaType APPLICATION_JSON = MediaType.get("application/json");

  private final @Nullable HttpUrl host;
  private final @Nullable String token;
  private final String vault;
  private final OkHttpClient http;
  private String vaultId;

  /** {@code host} and {@code token} may be null for a dry run; writing then fails clearly. */
  OnePasswordConnectStore(@Nullable HttpUrl host, @Nullable String token, String vault) {
    this.host = host;
    this.token = token;
    this.vault = Objects.requireNonNull(vault);
    this.http = new OkHttpClient.Builder()
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(Duration.ofSeconds(30))
        .callTimeout(Duration.ofSeconds(60))
        .retryOnConnectionFailure(false)
        .build();
  }

  @Override
  public String describe() {
    return "1Password Connect at " + (host == null ? "$OP_CONNECT_HOST (not set)" : host) + ", vault '" + vault + "', one item per file";
  }

  @Override
  public String reference(String item, String key) {
    return "op://" + vault + "/" + item + "/" + key;
  }

  @Override
  public void store(FilePlan plan) throws StoreException {
    if (host == null || token == null) {
      throw new StoreException("1Password Connect is not configured: set OP_CONNECT_HOST and"
          + " OP_CONNECT_TOKEN");
    }
    String vid = vaultId();
    HttpUrl items = base().addPathSegment("vaults").addPathSegment(vid).addPathSegment("items")
        .build();
    JsonNode found = call("GET", items.newBuilder()
        .addQueryParameter("filter", "title eq \"" + plan.item() + "\"").build(), null,
        "list items titled '" + plan.item() + "'");
    if (!found.isArray()) {
      throw new StoreException("1Password Connect returned an unexpected item list for vault '"
          + vault + "'");
    }
    if (found.size() > 1) {
      throw new StoreException("Vault '" + vault + "' has " + found.size() + " items titled '"
          + plan.item() + "'; rename or remove the extra ones, or choose another --item name");
    }
    if (found.isEmpty()) {
      ObjectNode item = JSON.createObjectNode();
      item.putObject("vault").put("id", vid);
      item.put("title", plan.item());
      item.put("category", "API_CREDENTIAL");
      item.putArray("tags").add("keyhole");
      ArrayNode fields = item.putArray("fields");
      for (Move m : plan.moves()) {
        addField(fields, m);
      }
      call("POST", items, item, "create item '" + plan.item() + "'");
      return;
    }
    String itemId = found.get(0).path("id").asText("");
    if (itemId.isEmpty()) {
      throw new StoreException("1Password Connect listed item '" + plan.item() + "' without an id");
    }
    HttpUrl itemUrl = items.newBuilder().addPathSegment(itemId).build();
    JsonNode full = call("GET", itemUrl, null, "read item '" + plan.item() + "'");
    if (!full.isObject()) {
      throw new StoreException("1Password Connect returned an unexpected item for '"
          + plan.item() + "'");
    }
    ObjectNode item = (ObjectNode) full;
    ArrayNode fields = item.has("fields") && item.get("fields").isArray()
        ? (ArrayNode) item.get("fields") : item.putArray("fields");
    for (Move m : plan.moves()) {
      ObjectNode existing = null;
      for (JsonNode f : fields) {
        if (f.isObject() && m.key().equals(f.path("label").asText(null))) {
          existing = (ObjectNode) f;
          break;
        }
      }
      if (existing == null) {
        addField(fields, m);
      } else {
        existing.put("type", "CONCEALED");
        existing.put("value", m.value());
      }
    }
    call("PUT", itemUrl, item, "update item '" + plan.item() + "'");
  }

  private static void addField(ArrayNode fields, Move m) {
    ObjectNode f = fields.addObject();
    f.put("label", m.key());
    f.put("type", "CONCEALED");
    f.put("value", m.value());
  }

  private String vaultId() throws StoreException {
    if (vaultId != null) {
      return vaultId;
    }
    JsonNode vaults = call("GET", base().addPathSegment("vaults")
        .addQueryParameter("filter", "name eq \"" + vault + "\"").build(), null,
        "look up vault '" + vault + "'");
    if (!vaults.isArray() || vaults.isEmpty()) {
      throw new StoreException("No vault named '" + vault + "' is visible to this Connect token;"
          + " check the name (case matters) and that the token has access to the vault");
    }
    if (vaults.size() > 1) {
      throw new StoreException("Several vaults are named '" + vault + "'; pass the vault's ID"
          + " with --vault instead");
    }
    vaultId = vaults.get(0).path("id").asText("");
    if (vaultId.isEmpty()) {
      throw new StoreException("1Password Connect listed vault '" + vault + "' without an id");
    }
    return vaultId;
  }

  private HttpUrl.Builder base() {
    return Objects.requireNonNull(host).newBuilder().addPathSegment("v1");
  }

  private JsonNode call(String method, HttpUrl url, JsonNode body, String what)
      throws StoreException {
    Request.Builder rb = new Request.Builder().url(url)
        .header("Authorization", "Bearer " + token)
        .header("Accept", "application/json");
    if (body != null) {
      rb.method(method, RequestBody.create(body.toString(), APPLICATION_JSON));
    } else {
      rb.method(method, null);
    }
    try (Response resp = http.newCall(rb.build()).execute()) {
      ResponseBody rbody = resp.body();
      String text = rbody == null ? "" : rbody.string();
      if (!resp.isSuccessful()) {
        throw new StoreException("1Password Connect could not " + what + ": HTTP " + resp.code()
            + connectMessage(text) + hint(resp.code()));
      }
      if (text.isBlank()) {
        return JSON.createObjectNode();
      }
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new StoreException("1Password Connect answered with malformed JSON while trying to "
          + what);
    } catch (IOException e) {
      throw new StoreException("Cannot reach 1Password Connect at " + host + " to " + what + ": "
          + e.getClass().getSimpleName() + "; check OP_CONNECT_HOST and that the server runs");
    }
  }

  /** Connect's error body is {@code {"status": 401, "message": "Invalid token signature"}}. */
  private static String connectMessage(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      String m = n == null ? null : n.path("message").asText(null);
      return m == null || m.isBlank() ? "" : " (" + m + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private static String hint(int status) {
    return switch (status) {
      case 401 -> "; check OP_CONNECT_TOKEN";
      case 403 -> "; the Connect token lacks write access to this vault";
      case 404 -> "; the vault or item no longer exists";
      default -> status >= 500 ? "; the Connect server failed, try again later" : "";
    };
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  @Override
  public String toString() {
    return "OnePasswordConnectStore[" + host + ", vault " + vault + "]";
  }
}
