package dev.keyhole.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * PEM, OpenSSH and PGP private key blocks (also JSON-escaped, as in GCP service-account key
 * files) and PuTTY key files. A block counts only when its body holds key material: at least 40
 * base64 characters of high entropy, so documentation blocks whose body is empty, {@code ...} or
 * {@code ***} are left alone. A block whose END line is missing runs to a cap.
 */
final class PrivateKeyDetector implements SecretDetector {
  private static final int MAX_BLOCK = 64 * 1024;
  private static final Pattern BEGIN =
      Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----");
  private static final Pattern END =
      Pattern.compile("-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----");
  private static final Pattern HEADER_LINE =
      Pattern.compile("[A-Za-z-]+:.*");
  private static final String PUTTY = "PuTTY-User-Key-File-";
  private static final Pattern PUTTY_HEADER =
      Pattern.compile("PuTTY-User-Key-File-[23]: [A-Za-z0-9@.-]+\\r?\\n");

  @Override
  public String id() {
    return "private-key";
  }

  @Override
  public List<Detection> detect(CharSequence text) {
    String s = text.toString();
    List<Detection> out = new ArrayList<>(1);
    int from = 0;
    for (int hit = s.indexOf("-----BEGIN "); hit >= 0; hit = s.indexOf("-----BEGIN ", from)) {
      Matcher b = BEGIN.matcher(s).region(hit, Math.min(s.length(), hit + 80));
      if (!b.lookingAt()) {
        from = hit + 1;
        continue;
      }
      int cap = (int) Math.min(s.length(), (long) hit + MAX_BLOCK);
      Matcher e = END.matcher(s).region(b.end(), cap);
      boolean ended = e.find();
      int bodyEnd = ended ? e.start() : cap;
      int end = ended ? e.end() : cap;
      if (hasKeyMaterial(s.substring(b.end(), bodyEnd))) {
        out.add(new Detection(id(), "private key", hit, end));
      }
      from = Math.max(hit + 1, ended ? end : b.end());
      if (from >= s.length()) {
        break;
      }
    }
    for (int hit = s.indexOf(PUTTY); hit >= 0; hit = s.indexOf(PUTTY, hit + 1)) {
      Matcher header = PUTTY_HEADER.matcher(s).region(hit, Math.min(s.length(), hit + 200));
      int lines = s.indexOf("Private-Lines:", hit);
      int mac = s.indexOf("Private-MAC:", hit);
      if (header.lookingAt() && lines > 0 && mac > lines && mac - hit < MAX_BLOCK) {
        int bodyStart = s.indexOf('\n', lines);
        if (bodyStart > 0 && bodyStart < mac && hasKeyMaterial(s.substring(bodyStart, mac))) {
          int end = s.indexOf('\n', mac);
          out.add(new Detection(id(), "PuTTY private key", hit, end < 0 ? s.length() : end));
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Whether a block body holds key material: its leading base64 lines (header lines such as
   * {@code Proc-Type:} skipped, JSON-escaped newlines honoured) give at least 40 characters of
   * high entropy.
   */
  static boolean hasKeyMaterial(String body) {
    StringBuilder material = new StringBuilder(body.length());
    for (String line : body.replace("\\n", "\n").replace("\\r", "\n").split("\n", -1)) {
      String l = line.strip();
      if (l.isEmpty() || HEADER_LINE.matcher(l).matches()) {
        continue;
      }
      int n = material.length();
      for (int i = 0; i < l.length(); i++) {
        char c = l.charAt(i);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+'
            || c == '/') {
          material.append(c);
        } else if (c != '=' && c != '"' && c != ',') {
          material.setLength(n);
          return enough(material);
        }
      }
    }
    return enough(material);
  }

  private static boolean enough(CharSequence material) {
    return material.length() >= 40 && Tokens.bitsPerChar(material, 0, material.length()) >= 4.0;
  }

  @Override
  public String toString() {
    return "SecretDetector[private-key]";
  }
}
