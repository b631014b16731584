package dev.keyhole.redact;

import dev.keyhole.internal.redact.ValueQuality;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in detectors for secrets Keyhole never issued. Each runs a cheap literal keyword
 * prefilter first and looks at the text only around its hits. The rules are written from the
 * published token formats:
 *
 * <ul>
 *   <li>{@code aws-access-key-id}: {@code AKIA}/{@code ASIA} and 16 base-32 characters (not the
 *       {@code X-Amz-Credential} parameter of a presigned URL, which is public by design, and not
 *       AWS's documented {@code ...EXAMPLE} ids);
 *   <li>{@code github-token}: {@code ghp_}, {@code gho_}, {@code ghs_}, {@code ghu_}, {@code ghr_}
 *       with 36 or more alphanumerics, and fine-grained {@code github_pat_} tokens;
 *   <li>{@code slack-token}: {@code xox?-} followed by numeric and alphanumeric parts;
 *   <li>{@code sk-api-key}: OpenAI/Anthropic style {@code sk-...} keys of 20 or more characters
 *       that mix digits, upper and lower case;
 *   <li>{@code private-key}: PEM and PGP private key blocks (BEGIN to END, or to a cap when the
 *       END line is missing);
 *   <li>{@code jwt}: three base64url parts whose header decodes to JSON with an {@code alg};
 *   <li>{@code keyword-entropy}: a value of 16 or more characters that looks random (three
 *       character classes and 3.2 bits of entropy per character, or digits and letters over 20
 *       characters with 3.3 bits) assigned to a name like {@code password},
 *       {@code secret}, {@code token}, {@code api_key} or following {@code Bearer}. UUIDs, 40-digit
 *       hex (commit ids), URLs, handle tokens and placeholders are left alone.
 * </ul>
 *
 * <p>Security: a {@link Detection} holds offsets, never the detected text.
 */
public final class Detectors {
  private static final String NAME_BOUNDARY_BEFORE = "(?<![A-Za-z0-9_-])";
  private static final String NAME_BOUNDARY_AFTER = "(?![A-Za-z0-9_-])";

  private static final List<SecretDetector> DEFAULTS = List.of(
      awsAccessKeyId(), githubToken(), slackToken(), skApiKey(), new PrivateKeyDetector(), jwt(),
      new KeywordEntropyDetector());

  private Detectors() {}

  /** Every built-in detector (known token formats, private keys, JWTs, keyword + entropy). */
  public static List<SecretDetector> defaults() {
    return DEFAULTS;
  }

  /** AWS access key ids ({@code AKIA...}, {@code ASIA...}). */
  public static SecretDetector awsAccessKeyId() {
    Pattern p = Pattern.compile("(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Za-z0-9])");
    return new PatternDetector("aws-access-key-id", "AWS access key id", List.of("AKIA", "ASIA"),
        p, 0, 20, (text, m) -> !precededBy(text, m.start(), "X-Amz-Credential=")
            && !text.subSequence(m.start(), m.end()).toString().endsWith("EXAMPLE"));
  }

  /** GitHub personal, OAuth, app and refresh tokens, classic and fine-grained. */
  public static SecretDetector githubToken() {
    Pattern p = Pattern.compile(NAME_BOUNDARY_BEFORE
        + "(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{40,251})" + NAME_BOUNDARY_AFTER);
    return new PatternDetector("github-token", "GitHub token",
        List.of("ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_"), p, 0, 270,
        (text, m) -> true);
  }

  /** Slack tokens ({@code xoxb-}, {@code xoxp-}, {@code xoxa-}, ...). */
  public static SecretDetector slackToken() {
    Pattern p = Pattern.compile(
        "(?<![A-Za-z0-9])xox[a-z]-[0-9]+-[A-Za-z0-9-]{8,250}(?![A-Za-z0-9-])");
    return new PatternDetector("slack-token", "Slack token", List.of("xox"), p, 0, 270,
        (text, m) -> true);
  }

  /** OpenAI and Anthropic style API keys ({@code sk-...}, {@code sk-proj-...}, {@code sk-ant-...}). */
  public static SecretDetector skApiKey() {
    Pattern p = Pattern.compile(
        NAME_BOUNDARY_BEFORE + "sk-[A-Za-z0-9_-]{20,300}" + NAME_BOUNDARY_AFTER);
    return new PatternDetector("sk-api-key", "OpenAI/Anthropic style API key", List.of("sk-"), p,
        0, 310, (text, m) -> classes(text, m.start() + 3, m.end()) >= 3);
  }

  /** JSON Web Tokens (signed: header, payload and signature). */
  public static SecretDetector jwt() {
    Pattern p = Pattern.compile(NAME_BOUNDARY_BEFORE
        + "eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}" + NAME_BOUNDARY_AFTER);
    return new PatternDetector("jwt", "JSON Web Token", List.of("eyJ"), p, 0, 16384,
        (text, m) -> jwtHeaderHasAlg(text, m.start()));
  }

  private static boolean jwtHeaderHasAlg(CharSequence text, int start) {
    int dot = start;
    while (text.charAt(dot) != '.') {
      dot++;
    }
    try {
      byte[] header = Base64.getUrlDecoder().decode(text.subSequence(start, dot).toString());
      String json = new String(header, StandardCharsets.UTF_8);
      return json.startsWith("{") && json.contains("\"alg\"");
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static boolean precededBy(CharSequence text, int at, String prefix) {
    int from = at - prefix.length();
    return from >= 0 && text.toString().regionMatches(true, from, prefix, 0, prefix.length());
  }

  /** How many of lower case, upper case, digits and other characters occur. */
  static int classes(CharSequence s, int from, int to) {
    int mask = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      mask |= c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : c >= '0' && c <= '9' ? 4 : 8;
    }
    return Integer.bitCount(mask);
  }

  static double bitsPerChar(CharSequence s) {
    return ValueQuality.bitsPerChar(s);
  }

  /** PEM and PGP private key blocks. */
  static final class PrivateKeyDetector implements SecretDetector {
    private static final int MAX_BLOCK = 64 * 1024;
    private static final Pattern BEGIN =
        Pattern.compile("-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----");
    private static final Pattern END =
        Pattern.compile("-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----");

    @Override
    public String id() {
      return "private-key";
    }

    @Override
    public List<Detection> detect(CharSequence text) {
      String s = text.toString();
      List<Detection> out = new java.util.ArrayList<>(1);
      int from = 0;
      for (int hit = s.indexOf("-----BEGIN "); hit >= 0; hit = s.indexOf("-----BEGIN ", from)) {
        Matcher b = BEGIN.matcher(s).region(hit, Math.min(s.length(), hit + 80));
        if (!b.lookingAt()) {
          from = hit + 1;
          continue;
        }
        int cap = (int) Math.min(s.length(), (long) hit + MAX_BLOCK);
        Matcher e = END.matcher(s).region(b.end(), cap);
        int end = e.find() ? e.end() : cap;
        out.add(new Detection(id(), "private key", hit, end));
        from = end;
        if (from >= s.length()) {
          break;
        }
      }
      return List.copyOf(out);
    }

    @Override
    public String toString() {
      return "SecretDetector[private-key]";
    }
  }

  /** A high-entropy value assigned to a secret-sounding name. */
  static final class KeywordEntropyDetector implements SecretDetector {
    private static final String[] KEYWORDS = {"password", "passwd", "pwd", "secret", "token",
        "api_key", "apikey", "api-key", "access_key", "accesskey", "private_key", "credential",
        "bearer"};
    private static final Pattern ASSIGNED = Pattern.compile(
        "\\G[A-Za-z0-9_.-]{0,24}?[\"']?\\s{0,4}(?::=|=>|[:=])\\s{0,4}[\"']?"
            + "([^\\s\"'`,;&<>()\\[\\]{}\\\\]{16,512})");
    private static final Pattern BEARER =
        Pattern.compile("\\G\\s{1,4}([A-Za-z0-9._~+/-]{16,512}=*)");
    private static final Pattern UUID = Pattern.compile(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern HEX40 = Pattern.compile("[0-9a-fA-F]{40}");
    // Source code: `token = Fakes.githubClassic(...)`, `secret = Kind.SECRET_VALUE` — a qualified
    // name is not a value.
    private static final Pattern CODE_PATH =
        Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+");
    // ARNs name a secret (`arn:aws:secretsmanager:eu-west-1:111122223333:secret:db`), they are not one.
    private static final Pattern ARN_TAIL = Pattern.compile(".*:\\d{12}:.*");

    @Override
    public String id() {
      return "keyword-entropy";
    }

    @Override
    public List<Detection> detect(CharSequence text) {
      String s = text.toString();
      List<Detection> out = null;
      int lastEnd = 0;
      for (int hit : Keywords.positions(s, KEYWORDS, true)) {
        if (hit < lastEnd || precededBy(s, hit, "X-Amz-") || precededBy(s, hit, "X-Amz-Security-")
            || insideArn(s, hit)) {
          continue;
        }
        int kwEnd = hit;
        while (kwEnd < s.length() && Character.isLetter(s.charAt(kwEnd))) {
          kwEnd++;
        }
        boolean bearer = s.regionMatches(true, hit, "bearer", 0, 6);
        Matcher m = (bearer ? BEARER : ASSIGNED).matcher(s)
            .region(kwEnd, Math.min(s.length(), kwEnd + 600));
        if (!m.find()) {
          continue;
        }
        int vs = m.start(1);
        int ve = m.end(1);
        String value = s.substring(vs, ve);
        if (looksLikeSecret(value)) {
          if (out == null) {
            out = new java.util.ArrayList<>(2);
          }
          out.add(new Detection(id(), "high-entropy value of a secret-named field", vs, ve));
          lastEnd = ve;
        }
      }
      return out == null ? List.of() : List.copyOf(out);
    }

    /** Whether the keyword is part of an ARN ({@code arn:aws:secretsmanager:...:secret:name}). */
    private static boolean insideArn(String s, int hit) {
      int from = Math.max(0, hit - 200);
      for (int i = hit - 1; i >= from; i--) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c) || c == '"' || c == '\'' || c == '(' || c == ',' || c == '{') {
          break;
        }
        if (c == ':' && i >= 3 && s.regionMatches(true, i - 3, "arn", 0, 3)) {
          return true;
        }
      }
      return false;
    }

    static boolean looksLikeSecret(String v) {
      if (v.contains("://") || v.startsWith("//") || v.startsWith("$") || v.startsWith("%") || v.startsWith("<")
          || UUID.matcher(v).matches() || HEX40.matcher(v).matches()
          || ARN_TAIL.matcher(v).matches()
          || (CODE_PATH.matcher(v).matches() && v.chars().noneMatch(Character::isDigit))) {
        return false;
      }
      String lower = v.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("xxxx") || lower.contains("redacted") || lower.contains("example")
          || lower.contains("changeme") || lower.contains("placeholder")) {
        return false;
      }
      int classes = classes(v, 0, v.length());
      boolean digit = v.chars().anyMatch(c -> c >= '0' && c <= '9');
      double bits = bitsPerChar(v);
      return (classes >= 3 && bits >= 3.2) || (classes == 2 && digit && v.length() >= 20 && bits >= 3.3);
    }

    @Override
    public String toString() {
      return "SecretDetector[keyword-entropy]";
    }
  }
}
