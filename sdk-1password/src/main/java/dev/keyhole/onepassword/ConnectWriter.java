package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;

/**
 * {@link OnePasswordWriter} over Connect's REST API: the vault by {@code GET
 * /v1/vaults?filter=name eq "V"} (or its ID), the item by {@code GET
 * /v1/vaults/{id}/items?filter=title eq "T"}; a new item with one {@code POST}, an existing one read
 * in full, merged and replaced with one {@code PUT}.
 */
final class ConnectWriter implements OnePasswordWriter {
  private final ConnectHttp http;

  ConnectWriter(ConnectHttp http) {
    this.http = http;
  }

  @Override
  public void putConcealedFields(String vault, String item, Map<String, SecretValue> fields) {
    Objects.requireNonNull(vault, "vault");
    Objects.requireNonNull(item, "item");
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("no fields to write to item '" + item + "'");
    }
    String vaultId = vaultId(vault);
    HttpUrl items = http.url("v1", "vaults", vaultId, "items").build();
    String where = "item '" + item + "' in vault '" + vault + "'";
    JsonNode found = http.exchange("GET", items.newBuilder()
        .addQueryParameter("filter", "title eq \"" + item + "\"").build(), null, "looking up " + where);
    List<String> ids = ItemWrites.idsTitled(found, item);
    if (ids.size() > 1) {
      throw ItemWrites.ambiguous(vault, item, ids);
    }
    if (ids.isEmpty()) {
      http.exchange("POST", items, ItemWrites.newItem(vaultId, item, fields), "creating " + where);
      return;
    }
    HttpUrl itemUrl = items.newBuilder().addPathSegment(ids.get(0)).build();
    JsonNode full = http.exchange("GET", itemUrl, null, "reading " + where);
    if (!full.isObject()) {
      throw new ProviderUnavailableException("1Password Connect returned something other than an"
          + " item while reading " + where);
    }
    http.exchange("PUT", itemUrl, ItemWrites.merge((ObjectNode) full, fields), "updating " + where);
  }

  private String vaultId(String vault) {
    JsonNode byName = http.exchange("GET", http.url("v1", "vaults")
        .addQueryParameter("filter", "name eq \"" + vault + "\"").build(), null,
        "looking up vault '" + vault + "'");
    List<JsonNode> vaults = ItemFields.list(byName);
    if (vaults.size() > 1) {
      throw new AmbiguousReferenceException("Several vaults are named '" + vault + "'; name the"
          + " vault by its ID instead", "vault", List.of());
    }
    if (vaults.size() == 1 && ItemFields.text(vaults.get(0), "id") != null) {
      return ItemFields.text(vaults.get(0), "id");
    }
    if (OpReference.isId(vault)) {
      try {
        JsonNode v = http.exchange("GET", http.url("v1", "vaults", vault).build(), null,
            "looking up vault '" + vault + "'");
        if (ItemFields.text(v, "id") != null) {
          return ItemFields.text(v, "id");
        }
      } catch (SecretNotFoundException e) {
        // reported below
      }
    }
    throw new SecretNotFoundException("No vault named '" + vault + "' is visible to this Connect"
        + " token; check the name (case matters) and that the token has access to the vault");
  }

  @Override
  public String toString() {
    return "OnePasswordWriter[Connect " + http.host() + "]";
  }
}
