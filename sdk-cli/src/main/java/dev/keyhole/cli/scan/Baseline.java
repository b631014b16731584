package dev.keyhole.cli.scan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Known findings a team has accepted: a JSON file listing fingerprint, file and kind of each.
 * A finding matching all three is reported as baselined, not new, and does not fail the scan.
 * Line numbers are not part of the match, so editing around a finding keeps it accepted; changing
 * the value, moving it to another file or another kind makes it new again.
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "keyCheck": "3fa81c02d9e4",
 *   "findings": [
 *     {"fingerprint": "hmac-sha256:…", "file": "config/app.yml", "kind": "Secret in configuration file",
 *      "ruleId": "config-secret"}
 *   ]
 * }
 * }</pre>
 *
 * {@code keyCheck} identifies the fingerprint key (see {@link Fingerprinter#keyCheck()}), so a scan
 * under another key warns instead of silently reporting every accepted finding as new.
 *
 * <p>Security: holds fingerprints only; safe to commit while the fingerprint key stays outside the
 * repository.
 */
public final class Baseline {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private record Key(String fingerprint, String file, String kind) {}

  private final Set<Key> entries;
  private final @Nullable String keyCheck;

  private Baseline(Set<Key> entries, @Nullable String keyCheck) {
    this.entries = Set.copyOf(entries);
    this.keyCheck = keyCheck;
  }

  /** A baseline that accepts nothing. */
  public static Baseline empty() {
    return new Baseline(Set.of(), null);
  }

  /**
   * Parses baseline JSON.
   *
   * @throws IllegalArgumentException naming {@code source} and what is wrong
   */
  public static Baseline parse(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Baseline " + source + " is not valid JSON (line "
          + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + "); regenerate it"
          + " with 'keyhole scan PATH --baseline FILE --update-baseline'");
    }
    if (root == null || !root.isObject() || root.path("version").asInt() != 1
        || !root.path("findings").isArray()) {
      throw new IllegalArgumentException("Baseline " + source + " must be an object with"
          + " \"version\": 1 and a \"findings\" array; regenerate it with --update-baseline");
    }
    Set<Key> keys = new HashSet<>();
    int i = 0;
    for (JsonNode f : root.get("findings")) {
      String fp = f.path("fingerprint").asText("");
      String file = f.path("file").asText("");
      String kind = f.path("kind").asText("");
      if (!fp.startsWith("hmac-sha256:") || file.isEmpty() || kind.isEmpty()) {
        throw new IllegalArgumentException("Baseline " + source + ": findings[" + i + "] needs"
            + " \"fingerprint\" (hmac-sha256:...), \"file\" and \"kind\"");
      }
      keys.add(new Key(fp, file, kind));
      i++;
    }
    String check = root.hasNonNull("keyCheck") ? root.get("keyCheck").asText() : null;
    return new Baseline(keys, check);
  }

  /** Baseline JSON accepting {@code findings}, in a stable order for reviewable diffs. */
  public static String render(List<Finding> findings, String keyCheck) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    root.put("keyCheck", keyCheck);
    ArrayNode arr = root.putArray("findings");
    Map<Key, String> unique = new LinkedHashMap<>();
    findings.stream()
        .sorted(Comparator.comparing(Finding::file).thenComparing(Finding::kind)
            .thenComparing(Finding::fingerprint))
        .forEach(f -> unique.putIfAbsent(new Key(f.fingerprint(), f.file(), f.kind()), f.ruleId()));
    unique.forEach((k, ruleId) -> {
      ObjectNode n = arr.addObject();
      n.put("fingerprint", k.fingerprint());
      n.put("file", k.file());
      n.put("kind", k.kind());
      n.put("ruleId", ruleId);
    });
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether {@code f} is accepted. */
  public boolean accepts(Finding f) {
    return entries.contains(new Key(f.fingerprint(), f.file(), f.kind()));
  }

  /** The key check the baseline was written with, if it says. */
  public Optional<String> keyCheck() {
    return Optional.ofNullable(keyCheck);
  }

  public int size() {
    return entries.size();
  }

  @Override
  public String toString() {
    return "Baseline[" + entries.size() + " findings]";
  }
}
