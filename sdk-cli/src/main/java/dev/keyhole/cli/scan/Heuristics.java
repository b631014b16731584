package dev.keyhole.cli.scan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The judgement calls of the scanner, in one place so they can be read and tested together: which
 * key names carry secrets, which values are placeholders or references rather than secrets, and
 * which secret-looking strings are harmless look-alikes (git SHAs, UUIDs, pre-signed URLs).
 */
public final class Heuristics {
  private Heuristics() {}

  /** Tokens that make a key name secret-bearing wherever they occur. */
  private static final Set<String> SECRET_WORDS = Set.of(
      "password", "passwords", "passwd", "passphrase", "pwd", "pass", "secret", "secrets", "token",
      "credential",
      "credentials", "apikey", "privatekey", "accesskey", "secretkey", "clientsecret", "authkey",
      "signingkey", "encryptionkey", "masterkey", "pat", "bearer", "auth");

  /** A final {@code key}/{@code keys} token is secret-bearing unless qualified as public. */
  private static final Set<String> PUBLIC_QUALIFIERS = Set.of("public", "publishable", "pub");

  /**
   * Final tokens that say the value is about a secret rather than the secret itself
   * ({@code PASSWORD_FILE}, {@code TOKEN_URL}, {@code SECRET_NAME}, {@code PASSWORD_MIN_LENGTH}).
   */
  private static final Set<String> META_SUFFIXES = Set.of(
      "id", "ids", "path", "file", "files", "dir", "name", "names", "url", "uri", "endpoint",
      "length", "len", "size", "type", "ttl", "expiry", "expires", "expiration", "timeout",
      "count", "enabled", "enable", "disabled", "required", "header", "field", "env", "prefix",
      "format", "version", "arn", "ref", "reference", "location", "policy", "rotation", "hint",
      "host", "port", "user", "username", "algorithm", "alg", "mode", "provider", "store",
      "limit", "max", "min", "regex", "pattern", "label", "description", "kid");

  private static final Set<String> PLACEHOLDER_WORDS = Set.of(
      "changeme", "change-me", "change_me", "changeit", "password", "passwd", "secret", "token",
      "todo", "tbd", "fixme", "none", "null", "nil", "undefined", "empty", "example", "sample",
      "dummy", "fake", "test", "testing", "placeholder", "redacted", "masked", "hidden", "xxx",
      "replace_me", "replace-me", "replaceme", "your_password", "yourpassword", "default",
      "true", "false", "yes", "no", "on", "off", "insert", "secret123", "password123",
      "admin", "root", "guest", "user", "foo", "bar", "foobar", "baz", "abc", "abc123", "123456",
      "12345678", "letmein", "qwerty", "notasecret", "not-a-secret", "n/a", "na", "-", "...");

  private static final Pattern TEMPLATE = Pattern.compile(
      "^(?:\\$\\{[^}]*}|\\$[A-Za-z_][A-Za-z0-9_]*|\\$\\([^)]*\\)|`[^`]*`|%[A-Za-z_][A-Za-z0-9_]*%"
          + "|\\{\\{.*}}|\\$\\{\\{.*}}|#\\{[^}]*}|@[A-Za-z0-9_.-]+@|<[^<>]*>|\\[[^\\[\\]]*]"
          + "|\\$env:[A-Za-z_][A-Za-z0-9_]*|ENC\\(.*\\)|!Ref .*|!Sub .*|!GetAtt .*)$",
      Pattern.DOTALL);
  private static final Pattern CONTAINS_TEMPLATE =
      Pattern.compile("\\$\\{[A-Za-z_][^}]*}|\\{\\{[^}]*}}|\\$\\([^)]*\\)");
  private static final Pattern YOUR_X = Pattern.compile(
      "(?i)^(?:your|insert|enter|put|add|replace|example|sample|dummy|fake|test|<)[-_ ]?.*"
          + "(?:here|key|token|secret|password|pass|value|id)>?$");
  private static final Pattern REPEATED = Pattern.compile("^(.)\\1*$", Pattern.DOTALL);
  private static final Pattern MASKED = Pattern.compile("^[*x•.#_-]{3,}$", Pattern.CASE_INSENSITIVE);
  private static final Pattern REFERENCE = Pattern.compile(
      "^(?:op://\\S+|aws-sm:\\S+|aws-ssm:\\S+|env:[A-Za-z_]\\w*|dotenv:\\S+#\\S+|keyhole-local:\\S+#\\S+|memory:\\S+"
          + "|secret://\\S+|vault:\\S+|gcp-sm:\\S+|azure-kv:\\S+|sm://\\S+"
          + "|arn:aws:(?:secretsmanager|ssm|kms):\\S+|projects/[^/]+/secrets/\\S+)$");
  private static final Pattern UUID = Pattern.compile(
      "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  private static final Pattern GIT_SHA = Pattern.compile("^(?:[0-9a-f]{40}|[0-9a-f]{64})$");
  private static final Pattern NUMBER = Pattern.compile("^[-+]?\\d{1,5}(?:\\.\\d+)?$");
  private static final Pattern URL_TEMPLATE = Pattern.compile("\\{[^}]*}|<[^>]*>|%[sd]|%\\w+%");
  private static final Pattern URL_USERINFO = Pattern.compile(
      "\\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://([^\\s:/@'\"]{1,128}):([^\\s/@'\"]{1,256})@[^\\s/'\"]");

  /** Whether a key name says its value is a secret ({@code GITHUB_TOKEN}, {@code db.password}). */
  public static boolean isSecretKeyName(String key) {
    List<String> tokens = tokens(key);
    if (tokens.isEmpty()) {
      return false;
    }
    String last = tokens.get(tokens.size() - 1);
    if (META_SUFFIXES.contains(last)) {
      return false;
    }
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (SECRET_WORDS.contains(t)) {
        // "pass" and "auth" only as whole last tokens ("BASIC_AUTH", "DB_PASS"), not "PASS_THROUGH"
        if ((t.equals("pass") || t.equals("auth") || t.equals("pat") || t.equals("bearer"))
            && i != tokens.size() - 1) {
          continue;
        }
        return true;
      }
      if (i + 1 < tokens.size()) {
        String joined = t + tokens.get(i + 1);
        if (SECRET_WORDS.contains(joined)) {
          return true;
        }
      }
    }
    if (last.equals("key") || last.equals("keys")) {
      for (String t : tokens) {
        if (PUBLIC_QUALIFIERS.contains(t)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /** Splits {@code GITHUB_TOKEN}, {@code githubToken}, {@code db.password} into lower tokens. */
  static List<String> tokens(String key) {
    String spaced = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2")
        .replaceAll("([A-Z]+)([A-Z][a-z])", "$1 $2");
    List<String> out = new ArrayList<>();
    for (String t : spaced.toLowerCase(Locale.ROOT).split("[^a-z0-9]+", -1)) {
      if (!t.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * Whether a value is clearly not a real secret: empty, a placeholder ({@code changeme},
   * {@code <your-key>}, {@code your_api_key_here}, {@code xxxx}, {@code ****}), a template or
   * variable ({@code ${VAR}}, {@code $VAR}, {@code {{ .Values.x }}}, {@code %VAR%}), an encrypted
   * blob marker ({@code ENC(...)}), a boolean, or a short number.
   */
  public static boolean isPlaceholder(String value) {
    String v = value.strip();
    if (v.length() < 4) {
      return true;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    if (PLACEHOLDER_WORDS.contains(lower) || TEMPLATE.matcher(v).matches()
        || CONTAINS_TEMPLATE.matcher(v).find() || REPEATED.matcher(v).matches()
        || MASKED.matcher(v).matches() || NUMBER.matcher(v).matches()) {
      return true;
    }
    if (v.length() <= 48 && YOUR_X.matcher(v).matches() && !looksRandom(v)) {
      return true;
    }
    return lower.contains("changeme") || lower.contains("change_me") || lower.contains("change-me")
        || lower.contains("placeholder") || (lower.contains("your-") && lower.contains("-here"))
        || (lower.contains("your_") && lower.contains("_here")) || lower.startsWith("example");
  }

  /** Whether a value is a secret reference (managed elsewhere), not a secret. */
  public static boolean isReference(String value) {
    return REFERENCE.matcher(value.strip()).matches();
  }

  /** A UUID in its canonical 8-4-4-4-12 form. */
  public static boolean isUuid(String value) {
    return UUID.matcher(value).matches();
  }

  /** A full git object id (SHA-1 or SHA-256, lower-case hex). */
  public static boolean isGitSha(String value) {
    return GIT_SHA.matcher(value).matches();
  }

  /**
   * Whether {@code [start, end)} of {@code text} lies inside a pre-signed URL (S3's
   * {@code X-Amz-Signature}, or the legacy {@code Signature=...&Expires=...} query form, or a GCS
   * {@code X-Goog-Signature}). Such URLs carry a time-limited signature and the public access key
   * id, not a long-lived secret.
   */
  public static boolean insidePresignedUrl(CharSequence text, int start, int end) {
    int s = start;
    while (s > 0 && !isUrlBoundary(text.charAt(s - 1))) {
      s--;
    }
    int e = end;
    while (e < text.length() && !isUrlBoundary(text.charAt(e))) {
      e++;
    }
    String token = text.subSequence(s, e).toString();
    if (!token.contains("://")) {
      return false;
    }
    return token.contains("X-Amz-Signature=") || token.contains("X-Goog-Signature=")
        || (token.contains("Signature=") && token.contains("Expires="));
  }

  private static boolean isUrlBoundary(char c) {
    return Character.isWhitespace(c) || c == '"' || c == '\'' || c == '<' || c == '>' || c == '`';
  }

  /**
   * A harmless look-alike that detectors and the entropy test should not flag: a UUID, a git SHA,
   * or anything inside a pre-signed URL.
   */
  public static boolean isLookAlike(CharSequence text, int start, int end) {
    String v = text.subSequence(start, end).toString();
    return isUuid(v) || isGitSha(v) || insidePresignedUrl(text, start, end);
  }

  /** Shannon entropy in bits per character. */
  static double entropy(String s) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 128) {
        counts[c]++;
      } else {
        other++;
      }
    }
    double h = 0;
    int n = s.length();
    for (int c : counts) {
      if (c > 0) {
        double p = (double) c / n;
        h -= p * (Math.log(p) / Math.log(2));
      }
    }
    if (other > 0) {
      double p = (double) other / n;
      h -= p * (Math.log(p) / Math.log(2));
    }
    return h;
  }

  /**
   * Whether a value looks machine-generated: at least 20 characters without whitespace, letters
   * and digits, high entropy, and not a UUID, git SHA, URL, path or reference.
   */
  public static boolean looksRandom(String v) {
    if (v.length() < 20 || v.chars().anyMatch(Character::isWhitespace)) {
      return false;
    }
    if (isUuid(v) || isGitSha(v) || isReference(v) || v.contains("://") || v.startsWith("/")
        || (v.matches("^[0-9a-fA-F]+$") && v.length() % 8 == 0 && v.length() <= 64)) {
      return false;
    }
    // Generated tokens mix letters and digits (a 20-character base62 token has no digit with
    // probability ~3%); identifiers, host names and dotted class names rarely have digits.
    boolean letters = v.chars().anyMatch(Character::isLetter);
    boolean digits = v.chars().anyMatch(Character::isDigit);
    return letters && digits && entropy(v) >= 3.5;
  }

  /** The password of a {@code scheme://user:password@host} URL in {@code value}, as a range. */
  static int[] urlPasswordRange(String value) {
    var m = URL_USERINFO.matcher(value);
    while (m.find()) {
      String pw = m.group(2);
      // {USER}:{PASS} templates and dev defaults such as postgres:postgres@localhost are not secrets
      if (!isPlaceholder(pw) && !pw.startsWith("$") && !pw.equalsIgnoreCase(m.group(1))
          && !URL_TEMPLATE.matcher(pw).matches()
          && !pw.toLowerCase(Locale.ROOT).contains("password") && pw.chars().distinct().count() >= 3) {
        return new int[] {m.start(2), m.end(2)};
      }
    }
    return null;
  }
}
