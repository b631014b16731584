package dev.keyhole.onepassword;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small 1Password Connect served by WireMock, with Connect's JSON shapes: vault and item lists
 * (with {@code filter=name eq "…"} / {@code title eq "…"} matched exactly and case-sensitively, as
 * Connect does), full items with sections, fields and files, file content, and Connect's
 * {@code {status, message}} 404 bodies for unknown IDs.
 */
final class ConnectWorld {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final String TIME = "2024-05-01T10:15:30.123456Z";

  private final List<ObjectNode> vaults = new ArrayList<>();
  private final Map<String, List<ObjectNode>> items = new LinkedHashMap<>();
  private final Map<String, byte[]> fileContent = new LinkedHashMap<>();

  ObjectNode vault(String name) {
    return vault(Fakes.id(), name);
  }

  ObjectNode vault(String id, String name) {
    ObjectNode v = JSON.createObjectNode()
        .put("id", id).put("name", name).put("attributeVersion", 1).put("contentVersion", 7)
        .put("items", 0).put("type", "USER_CREATED").put("createdAt", TIME).put("updatedAt", TIME);
    vaults.add(v);
    items.put(id, new ArrayList<>());
    return v;
  }

  Item item(ObjectNode vault, String title, String category) {
    return item(vault, Fakes.id(), title, category);
  }

  Item item(ObjectNode vault, String id, String title, String category) {
    ObjectNode i = JSON.createObjectNode();
    i.put("id", id).put("title", title).put("version", 4);
    i.putObject("vault").put("id", vault.get("id").asText());
    i.put("category", category).put("lastEditedBy", Fakes.id().toUpperCase(Locale.ROOT))
        .put("createdAt", TIME).put("updatedAt", TIME);
    i.putArray("tags").add("keyhole-test");
    i.putArray("sections");
    i.putArray("fields");
    items.get(vault.get("id").asText()).add(i);
    vault.put("items", items.get(vault.get("id").asText()).size());
    return new Item(i);
  }

  String vaultId(String name) {
    return vaults.stream().filter(v -> v.get("name").asText().equals(name)).findFirst()
        .orElseThrow().get("id").asText();
  }

  byte[] content(String fileId) {
    return fileContent.get(fileId);
  }

  /** Builds one item's sections, fields and files. */
  final class Item {
    final ObjectNode node;

    Item(ObjectNode node) {
      this.node = node;
    }

    String id() {
      return node.get("id").asText();
    }

    /** Declares a section and returns its id. */
    String section(String label) {
      String id = Fakes.id();
      ((ArrayNode) node.get("sections")).addObject().put("id", id).put("label", label);
      return id;
    }

    ObjectNode field(String sectionId, String id, String label, String type, String purpose, String value) {
      ObjectNode f = ((ArrayNode) node.get("fields")).addObject();
      f.put("id", id);
      if (sectionId != null) {
        f.putObject("section").put("id", sectionId);
      }
      if (type != null) {
        f.put("type", type);
      }
      if (purpose != null) {
        f.put("purpose", purpose);
      }
      if (label != null) {
        f.put("label", label);
      }
      if (value != null) {
        f.put("value", value);
      }
      return f;
    }

    /** Adds a file attachment and returns its id. */
    String file(String sectionId, String name, byte[] content) {
      String id = Fakes.id();
      ArrayNode files = node.has("files") ? (ArrayNode) node.get("files") : node.putArray("files");
      ObjectNode f = files.addObject().put("id", id).put("name", name).put("size", content.length)
          .put("content_path", "/v1/vaults/" + node.get("vault").get("id").asText() + "/items/" + id()
              + "/files/" + id + "/content");
      if (sectionId != null) {
        f.putObject("section").put("id", sectionId);
      }
      fileContent.put(id, content.clone());
      return id;
    }
  }

  /** Registers every stub. Call again after changing the world (it resets the server's stubs). */
  void install(WireMockServer wm) {
    wm.resetMappings();
    // Unknown IDs: Connect's 404 bodies (lowest priority).
    wm.stubFor(get(urlPathMatching("/v1/vaults/[^/]+")).atPriority(9)
        .willReturn(error(404, "vault not found")));
    wm.stubFor(get(urlPathMatching("/v1/vaults/[^/]+/items(/.*)?")).atPriority(9)
        .willReturn(error(404, "vault not found")));
    // Filters that match nothing.
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", matching(".*")).atPriority(5)
        .willReturn(json(JSON.createArrayNode())));
    ArrayNode allVaults = JSON.createArrayNode();
    vaults.forEach(allVaults::add);
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", absent()).atPriority(1)
        .willReturn(json(allVaults)));
    Map<String, ArrayNode> byName = new LinkedHashMap<>();
    for (ObjectNode v : vaults) {
      byName.computeIfAbsent(v.get("name").asText(), k -> JSON.createArrayNode()).add(v);
      String vid = v.get("id").asText();
      wm.stubFor(get(urlPathEqualTo("/v1/vaults/" + vid)).atPriority(1).willReturn(json(v)));
      installItems(wm, vid);
    }
    byName.forEach((name, list) -> wm.stubFor(get(urlPathEqualTo("/v1/vaults"))
        .withQueryParam("filter", equalTo("name eq " + ConnectResolver.quote(name))).atPriority(1)
        .willReturn(json(list))));
  }

  private void installItems(WireMockServer wm, String vid) {
    String base = "/v1/vaults/" + vid + "/items";
    wm.stubFor(get(urlPathMatching(base + "/[^/]+(/.*)?")).atPriority(8)
        .willReturn(error(404, "item not found")));
    wm.stubFor(get(urlPathEqualTo(base)).withQueryParam("filter", matching(".*")).atPriority(5)
        .willReturn(json(JSON.createArrayNode())));
    ArrayNode summaries = JSON.createArrayNode();
    Map<String, ArrayNode> byTitle = new LinkedHashMap<>();
    for (ObjectNode full : items.get(vid)) {
      ObjectNode summary = full.deepCopy();
      summary.remove(List.of("sections", "fields", "files"));
      summaries.add(summary);
      byTitle.computeIfAbsent(full.get("title").asText(), k -> JSON.createArrayNode()).add(summary);
      String iid = full.get("id").asText();
      wm.stubFor(get(urlPathEqualTo(base + "/" + iid)).atPriority(1).willReturn(json(full)));
      if (full.has("files")) {
        for (var f : full.get("files")) {
          String fid = f.get("id").asText();
          wm.stubFor(get(urlPathEqualTo(base + "/" + iid + "/files/" + fid + "/content")).atPriority(1)
              .willReturn(aResponse().withStatus(200)
                  .withHeader("Content-Type", "application/octet-stream")
                  .withBody(fileContent.get(fid))));
        }
      }
    }
    wm.stubFor(get(urlPathEqualTo(base)).withQueryParam("filter", absent()).atPriority(1)
        .willReturn(json(summaries)));
    byTitle.forEach((title, list) -> wm.stubFor(get(urlPathEqualTo(base))
        .withQueryParam("filter", equalTo("title eq " + ConnectResolver.quote(title))).atPriority(1)
        .willReturn(json(list))));
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(Object body) {
    try {
      return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
          .withBody(JSON.writeValueAsString(body));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Connect's error body. */
  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, String message) {
    return aResponse().withStatus(status).withHeader("Content-Type", "application/json")
        .withBody("{\"status\":" + status + ",\"message\":\"" + message + "\"}");
  }
}
