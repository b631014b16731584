package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.SecretValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Item JSON for writers (Connect's item shape, which {@code op} shares). */
final class ItemWrites {
  static final ObjectMapper JSON = new ObjectMapper();

  private ItemWrites() {}

  /** A new item: title, category, tag, one concealed field per entry, in vault {@code vaultId}. */
  static ObjectNode newItem(String vaultId, String title, Map<String, SecretValue> fields) {
    ObjectNode item = JSON.createObjectNode();
    item.putObject("vault").put("id", vaultId);
    item.put("title", title);
    item.put("category", OnePasswordWriter.CATEGORY);
    item.putArray("tags").add(OnePasswordWriter.TAG);
    ArrayNode array = item.putArray("fields");
    fields.forEach((label, value) -> addField(array, label, value));
    return item;
  }

  /** Sets the entries on {@code item}: fields with the same label get the value, others are added. */
  static ObjectNode merge(ObjectNode item, Map<String, SecretValue> fields) {
    ArrayNode array = item.has("fields") && item.get("fields").isArray()
        ? (ArrayNode) item.get("fields") : item.putArray("fields");
    fields.forEach((label, value) -> {
      ObjectNode existing = null;
      for (JsonNode f : array) {
        if (f.isObject() && label.equals(f.path("label").asText(null))) {
          existing = (ObjectNode) f;
          break;
        }
      }
      if (existing == null) {
        addField(array, label, value);
      } else {
        existing.put("type", "CONCEALED");
        existing.put("value", value.revealString());
      }
    });
    return item;
  }

  private static void addField(ArrayNode array, String label, SecretValue value) {
    array.addObject().put("label", label).put("type", "CONCEALED").put("value", value.revealString());
  }

  /** The ids of the items in {@code list} whose title is exactly {@code title}. */
  static List<String> idsTitled(JsonNode list, String title) {
    List<String> ids = new ArrayList<>();
    for (JsonNode n : ItemFields.list(list)) {
      if (title.equals(ItemFields.text(n, "title"))) {
        ids.add(String.valueOf(ItemFields.text(n, "id")));
      }
    }
    return ids;
  }

  static AmbiguousReferenceException ambiguous(String vault, String title, List<String> ids) {
    return new AmbiguousReferenceException("Vault '" + vault + "' has " + ids.size() + " items titled '"
        + title + "' (IDs " + String.join(", ", ids) + "); rename or remove the extra ones, or write"
        + " to another item", "item", ids);
  }
}
