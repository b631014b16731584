package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Finds the field or file an {@code op://} reference names inside a Connect item (JSON as Connect
 * returns it), tolerating odd items: fields without {@code type} or {@code label}, unknown types and
 * categories, and fields whose section id matches no declared section.
 *
 * <p>Matching: a section by exact id, else by label or id ignoring case (undeclared section ids
 * that fields point to count as sections too); a field by exact id, else by label or id ignoring
 * case, within the section when one is given. A three-part reference that matches several fields
 * picks the only one outside any section, if there is exactly one; otherwise it is ambiguous.
 * Files are searched (by id, then name) when no field matches, or first when the attribute applies
 * only to files.
 */
final class ItemFields {
  /** A field without {@code type} is a STRING field: the Connect API's default. */
  static final String DEFAULT_FIELD_TYPE = "STRING";

  private ItemFields() {}

  /** What a reference points at: exactly one of {@code field} or {@code file}. */
  record Target(@Nullable JsonNode field, @Nullable JsonNode file) {
    boolean isFile() {
      return file != null;
    }

    JsonNode node() {
      return Objects.requireNonNull(field != null ? field : file);
    }
  }

  static Target select(JsonNode item, OpReference ref, String itemDesc) {
    String sectionId = null;
    if (ref.section().isPresent()) {
      sectionId = sectionId(item, ref.section().get(), itemDesc);
    }
    String where = itemDesc + (ref.section().isPresent() ? " in section '" + ref.section().get() + "'" : "");
    OpAttribute attribute = ref.effectiveAttribute();
    List<JsonNode> fields = inSection(item.path("fields"), sectionId);
    List<JsonNode> files = inSection(item.path("files"), sectionId);
    boolean filesOnly = !attribute.appliesToFields();
    if (!filesOnly) {
      JsonNode f = match(fields, ref.field(), "label", sectionId == null, "field", where);
      if (f != null) {
        return new Target(f, null);
      }
    }
    JsonNode file = match(files, ref.field(), "name", sectionId == null, "file", where);
    if (file != null) {
      return new Target(null, file);
    }
    if (filesOnly) {
      // A field of that name: report the attribute mismatch rather than "not found".
      JsonNode f = match(fields, ref.field(), "label", sectionId == null, "field", where);
      if (f != null) {
        return new Target(f, null);
      }
    }
    throw new SecretNotFoundException((filesOnly ? "File '" : "Field '") + ref.field()
        + "' was not found in " + where + "; its fields are " + Texts.list(names(fields, "label"), 15)
        + " and its files are " + Texts.list(names(files, "name"), 10) + ". Use a field label or ID"
        + (sectionId == null ? " (add the section to the reference if the field is in one)" : ""));
  }

  /** Checks that the attribute applies to what was found. */
  static void checkAttribute(Target t, OpAttribute attribute, String what) {
    if (t.isFile() && !attribute.appliesToFiles() && attribute != OpAttribute.VALUE) {
      throw new SecretFormatException(what + " is a file attachment; attribute '" + attribute.queryValue()
          + "' applies to fields. Files support content, size, name and id");
    }
    if (!t.isFile() && !attribute.appliesToFields()) {
      throw new SecretFormatException(what + " is a field; attribute '" + attribute.queryValue()
          + "' applies to file attachments. Fields support value, type, id, purpose and otp");
    }
  }

  private static String sectionId(JsonNode item, String part, String itemDesc) {
    List<JsonNode> declared = list(item.path("sections"));
    Set<String> exact = ids(declared, s -> part.equals(text(s, "id")));
    if (exact.size() == 1) {
      return exact.iterator().next();
    }
    Set<String> loose = ids(declared, s -> part.equalsIgnoreCase(text(s, "id"))
        || part.equalsIgnoreCase(text(s, "label")));
    if (loose.size() > 1) {
      throw ambiguous("section", part, loose, itemDesc);
    }
    if (loose.size() == 1) {
      return loose.iterator().next();
    }
    // Sections that fields or files point to without the item declaring them.
    Set<String> declaredIds = ids(declared, s -> true);
    Set<String> implicit = new LinkedHashSet<>();
    for (JsonNode n : concat(list(item.path("fields")), list(item.path("files")))) {
      JsonNode s = n.path("section");
      String id = text(s, "id");
      if (id != null && !declaredIds.contains(id)
          && (part.equalsIgnoreCase(id) || part.equalsIgnoreCase(text(s, "label")))) {
        implicit.add(id);
      }
    }
    if (implicit.size() > 1) {
      throw ambiguous("section", part, implicit, itemDesc);
    }
    if (implicit.size() == 1) {
      return implicit.iterator().next();
    }
    List<String> labels = new ArrayList<>();
    for (JsonNode s : declared) {
      String label = text(s, "label");
      labels.add(label != null && !label.isEmpty() ? label : Objects.toString(text(s, "id"), "?"));
    }
    throw new SecretNotFoundException("Section '" + part + "' was not found in " + itemDesc
        + "; its sections are " + Texts.list(labels, 15) + ". Use a section label or ID, or drop the"
        + " section from the reference if the field is not in one");
  }

  private static @Nullable JsonNode match(List<JsonNode> scope, String part, String labelKey,
      boolean noSectionGiven, String kind, String where) {
    List<JsonNode> exact = new ArrayList<>();
    for (JsonNode n : scope) {
      if (part.equals(text(n, "id"))) {
        exact.add(n);
      }
    }
    if (exact.size() == 1) {
      return exact.get(0);
    }
    List<JsonNode> loose = new ArrayList<>();
    for (JsonNode n : scope) {
      if (part.equalsIgnoreCase(text(n, "id")) || part.equalsIgnoreCase(text(n, labelKey))) {
        loose.add(n);
      }
    }
    if (loose.size() > 1 && noSectionGiven) {
      List<JsonNode> top = new ArrayList<>();
      for (JsonNode n : loose) {
        if (text(n.path("section"), "id") == null) {
          top.add(n);
        }
      }
      if (top.size() == 1) {
        return top.get(0);
      }
    }
    if (loose.size() > 1) {
      Set<String> ids = new LinkedHashSet<>();
      loose.forEach(n -> ids.add(Objects.toString(text(n, "id"), "?")));
      throw ambiguous(kind, part, ids, where);
    }
    return loose.isEmpty() ? null : loose.get(0);
  }

  private static AmbiguousReferenceException ambiguous(String kind, String part, Set<String> ids,
      String where) {
    return new AmbiguousReferenceException("The " + kind + " '" + part + "' matches " + ids.size()
        + " " + kind + "s in " + where + " (IDs " + String.join(", ", ids) + "); names are matched"
        + " ignoring case. Put the right " + kind + "'s ID into the reference"
        + (kind.equals("field") ? ", or add its section" : ""), kind, List.copyOf(ids));
  }

  private static List<JsonNode> inSection(JsonNode array, @Nullable String sectionId) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : list(array)) {
      if (sectionId == null || sectionId.equals(text(n.path("section"), "id"))) {
        out.add(n);
      }
    }
    return out;
  }

  private static List<String> names(List<JsonNode> nodes, String labelKey) {
    List<String> out = new ArrayList<>();
    for (JsonNode n : nodes) {
      String label = text(n, labelKey);
      out.add(label != null && !label.isEmpty() ? label : Objects.toString(text(n, "id"), "?"));
    }
    return out;
  }

  private static Set<String> ids(List<JsonNode> nodes, Predicate<JsonNode> p) {
    Set<String> out = new LinkedHashSet<>();
    for (JsonNode n : nodes) {
      String id = text(n, "id");
      if (id != null && p.test(n)) {
        out.add(id);
      }
    }
    return out;
  }

  static List<JsonNode> list(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(n -> {
        if (n.isObject()) {
          out.add(n);
        }
      });
    }
    return out;
  }

  private static List<JsonNode> concat(List<JsonNode> a, List<JsonNode> b) {
    List<JsonNode> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** A text property, or null when absent, null or not text. */
  static @Nullable String text(JsonNode n, String key) {
    JsonNode v = n == null ? null : n.get(key);
    return v != null && v.isValueNode() && !v.isNull() ? v.asText() : null;
  }
}
