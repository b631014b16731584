package dev.keyhole.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.cli.scan.Finding;
import dev.keyhole.cli.scan.Rules;
import dev.keyhole.cli.scan.ScanResult;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, VS Code's SARIF viewer, ...): one run,
 * one rule per rule id, one result per finding with its region, the keyed fingerprint as a partial
 * fingerprint (so UIs track a finding across commits), and {@code baselineState} plus an external
 * suppression for baselined findings. Locations are relative to {@code %SRCROOT%}, the scan root.
 * The message names the kind, key and masked preview; never the value.
 */
public final class SarifReport {
  static final String SCHEMA =
      "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SarifReport() {}

  public static String render(ScanResult result, String toolVersion, int exitCode) {
    ObjectNode log = JSON.createObjectNode();
    log.put("$schema", SCHEMA);
    log.put("version", "2.1.0");
    ObjectNode run = log.putArray("runs").addObject();
    ObjectNode driver = run.putObject("tool").putObject("driver");
    driver.put("name", "keyhole");
    driver.put("semanticVersion", toolVersion);
    ArrayNode rules = driver.putArray("rules");
    Map<String, Integer> ruleIndex = new LinkedHashMap<>();
    for (Finding f : result.findings()) {
      if (!ruleIndex.containsKey(f.ruleId())) {
        ruleIndex.put(f.ruleId(), ruleIndex.size());
        ObjectNode r = rules.addObject();
        r.put("id", f.ruleId());
        r.put("name", pascal(f.ruleId()));
        r.putObject("shortDescription").put("text", f.kind());
        r.putObject("fullDescription").put("text", Rules.help(f.ruleId()));
        r.putObject("help").put("text", Rules.help(f.ruleId()));
        r.putObject("defaultConfiguration").put("level", "error");
        ObjectNode props = r.putObject("properties");
        props.putArray("tags").add("security").add("secret");
        props.put("security-severity", "8.0");
      }
    }
    String rootUri = result.root().toUri().toString();
    run.putObject("originalUriBaseIds").putObject("%SRCROOT%")
        .put("uri", rootUri.endsWith("/") ? rootUri : rootUri + "/");
    run.put("columnKind", "utf16CodeUnits");
    ArrayNode results = run.putArray("results");
    for (Finding f : result.findings()) {
      ObjectNode r = results.addObject();
      r.put("ruleId", f.ruleId());
      r.put("ruleIndex", ruleIndex.get(f.ruleId()));
      r.put("kind", "fail");
      r.put("level", "error");
      r.putObject("message").put("text", f.kind()
          + (f.key() == null ? "" : " (" + f.key() + ")") + "; preview " + f.preview()
          + "; value withheld");
      ObjectNode phys = r.putArray("locations").addObject().putObject("physicalLocation");
      phys.putObject("artifactLocation").put("uri", uri(f.file())).put("uriBaseId", "%SRCROOT%");
      ObjectNode region = phys.putObject("region");
      region.put("startLine", f.line());
      region.put("startColumn", f.column());
      region.put("endLine", f.endLine());
      region.put("endColumn", f.endColumn());
      r.putObject("partialFingerprints").put("keyholeValueHmac/v1", f.fingerprint());
      r.put("baselineState", f.baselined() ? "unchanged" : "new");
      if (f.baselined()) {
        r.putArray("suppressions").addObject().put("kind", "external").put("status", "accepted")
            .put("justification", "Accepted in the keyhole baseline file");
      }
      r.putObject("properties").put("preview", f.preview());
    }
    ObjectNode inv = run.putArray("invocations").addObject();
    inv.put("executionSuccessful", true);
    inv.put("exitCode", exitCode);
    try {
      return JSON.writeValueAsString(log) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A relative URI reference for a {@code /}-separated path, percent-encoding what needs it. */
  static String uri(String relativePath) {
    try {
      return new URI(null, null, relativePath, null).toASCIIString();
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("Cannot express " + relativePath + " as a URI", e);
    }
  }

  private static String pascal(String id) {
    StringBuilder sb = new StringBuilder();
    for (String part : id.split("[^A-Za-z0-9]+", -1)) {
      if (!part.isEmpty()) {
        sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
      }
    }
    return sb.toString();
  }
}
