package dev.keyhole.cli.report;

import dev.keyhole.cli.scan.Finding;
import dev.keyhole.cli.scan.ScanResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** The human-readable report: a table of findings, the {@code .env} inventory, a summary. */
public final class TableReport {
  private TableReport() {}

  /** Renders {@code result}. */
  public static String render(ScanResult result) {
    StringBuilder sb = new StringBuilder();
    sb.append("keyhole scan ").append(result.root()).append(": ")
        .append(result.filesScanned()).append(result.filesScanned() == 1 ? " file" : " files")
        .append(" scanned");
    if (!result.skipped().isEmpty()) {
      sb.append(", ").append(result.skipped().size()).append(" skipped");
    }
    sb.append("\n\n");
    List<Finding> findings = result.findings();
    if (!findings.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"LOCATION", "KIND", "KEY", "PREVIEW", "FINGERPRINT", "STATUS"});
      for (Finding f : findings) {
        rows.add(new String[] {f.location(), f.kind(), f.key() == null ? "-" : f.key(),
            f.preview(), shortFingerprint(f.fingerprint()), f.baselined() ? "baselined" : "NEW"});
      }
      int[] widths = new int[rows.get(0).length];
      for (String[] r : rows) {
        for (int i = 0; i < r.length; i++) {
          widths[i] = Math.max(widths[i], r[i].length());
        }
      }
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
          line.append(r[i]);
          if (i < r.length - 1) {
            line.append(" ".repeat(widths[i] - r[i].length() + 2));
          }
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
      sb.append('\n');
    }
    if (!result.envFiles().isEmpty()) {
      sb.append(".env files (* = flagged, → = already a reference):\n");
      for (ScanResult.EnvFile e : result.envFiles()) {
        sb.append("  ").append(e.file()).append(": ");
        sb.append(e.keys().isEmpty() ? "(no keys)" : e.keys().stream()
            .map(k -> k.key() + (k.flagged() ? "*" : k.reference() ? "→" : ""))
            .collect(Collectors.joining(", ")));
        sb.append('\n');
      }
      sb.append('\n');
    }
    for (ScanResult.Warning w : result.warnings()) {
      sb.append("warning: ").append(w.file()).append(": ").append(w.message()).append('\n');
    }
    int n = result.newFindings().size();
    int b = result.baselinedFindings().size();
    if (findings.isEmpty()) {
      sb.append("No secrets found.\n");
    } else {
      sb.append(findings.size()).append(findings.size() == 1 ? " finding: " : " findings: ")
          .append(n).append(" new, ").append(b).append(" baselined.\n");
      if (n > 0) {
        sb.append("Next: move values with 'keyhole migrate FILE --to op|aws-sm|local' (outside .env"
            + " files add --finding FINGERPRINT),"
            + " or accept known findings with '--baseline FILE --update-baseline'.\n");
      }
    }
    return sb.toString();
  }

  /** The first 12 hex digits: enough to tell findings apart on screen. */
  static String shortFingerprint(String fp) {
    int colon = fp.indexOf(':');
    String hex = fp.substring(colon + 1);
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }
}
