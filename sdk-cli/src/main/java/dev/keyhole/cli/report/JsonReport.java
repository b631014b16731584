package dev.keyhole.cli.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.cli.scan.Finding;
import dev.keyhole.cli.scan.ScanResult;

/**
 * The machine-readable report:
 *
 * <pre>{@code
 * {"tool": "keyhole", "version": "0.1.0", "schemaVersion": 1, "root": "/abs/path",
 *  "summary": {"filesScanned": 12, "findings": 3, "new": 2, "baselined": 1},
 *  "findings": [{"file": ".env", "line": 2, "column": 14, "endLine": 2, "endColumn": 54,
 *                "ruleId": "dotenv-secret", "kind": "Secret in .env file", "key": "GITHUB_TOKEN",
 *                "fingerprint": "hmac-sha256:…", "preview": "gh…[40-63]", "status": "new"}],
 *  "envFiles": [{"file": ".env", "keys": [{"key": "GITHUB_TOKEN", "line": 2, "flagged": true,
 *                "reference": false}]}],
 *  "skipped": [{"file": "logo.png", "reason": "binary"}],
 *  "warnings": [{"file": "chart/values.yaml", "message": "..."}]}
 * }</pre>
 */
public final class JsonReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  public static String render(ScanResult result, String toolVersion) {
    ObjectNode root = JSON.createObjectNode();
    root.put("tool", "keyhole");
    root.put("version", toolVersion);
    root.put("schemaVersion", 1);
    root.put("root", result.root().toString());
    ObjectNode summary = root.putObject("summary");
    summary.put("filesScanned", result.filesScanned());
    summary.put("findings", result.findings().size());
    summary.put("new", result.newFindings().size());
    summary.put("baselined", result.baselinedFindings().size());
    ArrayNode findings = root.putArray("findings");
    for (Finding f : result.findings()) {
      ObjectNode n = findings.addObject();
      n.put("file", f.file());
      n.put("line", f.line());
      n.put("column", f.column());
      n.put("endLine", f.endLine());
      n.put("endColumn", f.endColumn());
      n.put("ruleId", f.ruleId());
      n.put("kind", f.kind());
      if (f.key() != null) {
        n.put("key", f.key());
      } else {
        n.putNull("key");
      }
      n.put("fingerprint", f.fingerprint());
      n.put("preview", f.preview());
      n.put("status", f.baselined() ? "baselined" : "new");
    }
    ArrayNode env = root.putArray("envFiles");
    for (ScanResult.EnvFile e : result.envFiles()) {
      ObjectNode n = env.addObject();
      n.put("file", e.file());
      ArrayNode keys = n.putArray("keys");
      for (ScanResult.EnvKey k : e.keys()) {
        ObjectNode kn = keys.addObject();
        kn.put("key", k.key());
        kn.put("line", k.line());
        kn.put("flagged", k.flagged());
        kn.put("reference", k.reference());
      }
    }
    ArrayNode skipped = root.putArray("skipped");
    for (ScanResult.Skipped s : result.skipped()) {
      skipped.addObject().put("file", s.file()).put("reason", s.reason());
    }
    ArrayNode warnings = root.putArray("warnings");
    for (ScanResult.Warning w : result.warnings()) {
      warnings.addObject().put("file", w.file()).put("message", w.message());
    }
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
