package dev.keyhole.redact;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A high-entropy value assigned to a secret-sounding name, in the assignment syntaxes of config
 * files and source code: {@code key = v}, {@code key: v}, {@code "key": "v"}, {@code key => v},
 * Go {@code :=} and {@code var key string = "v"} (backticks too), Makefile {@code ?=}, {@code :=},
 * {@code ::=}, {@code !=}, {@code +=}, PHP {@code .=}, function arguments
 * ({@code setProperty("API_TOKEN", "v")}), XML elements ({@code <apiToken>v</apiToken>}), YAML
 * block scalars ({@code token: |}) and {@code Bearer v}.
 *
 * <p>The name must contain the keyword as a word part ({@code githubToken}, {@code DB_PASSWORD};
 * not {@code io.jsonwebtoken}, {@code monkey}), and must not be about a secret rather than hold
 * one ({@code TOKEN_URL}, {@code LLM_SECRET_NAME}, {@code remoteRef.key}, {@code public_key}).
 * Values that are references, templates, code, UUID-free placeholders, SOPS {@code ENC[...]}
 * blobs, alphabets or publishable keys are left alone.
 */
final class KeywordDetector implements SecretDetector {
  private static final String[] KEYWORDS = {"password", "passwd", "passphrase", "pwd", "secret",
      "token", "apikey", "api_key", "api-key", "access_key", "accesskey", "private_key",
      "privatekey", "credential", "creds", "bearer", "auth", "key", "pat"};
  /** Keywords that count only as the last word of the name ({@code BASIC_AUTH}, {@code GITLAB_PAT}). */
  private static final LiteralIndex INDEX = new LiteralIndex(List.of(KEYWORDS), true);
  private static final Pattern CAMEL = Pattern.compile("([a-z0-9])([A-Z])");
  private static final Pattern ACRONYM = Pattern.compile("([A-Z]+)([A-Z][a-z])");
  private static final Pattern NON_WORD = Pattern.compile("[^a-z0-9]+");
  private static final Set<String> LAST_ONLY = Set.of("auth", "key", "pat", "creds", "bearer");
  private static final Set<String> META_SUFFIXES = Set.of(
      "id", "ids", "path", "file", "files", "dir", "name", "names", "url", "uri", "urls",
      "endpoint", "length", "len", "size", "type", "types", "ttl", "expiry", "expires",
      "expiration", "timeout", "count", "enabled", "enable", "disabled", "required", "header",
      "field", "env", "prefix", "format", "version", "arn", "ref", "reference", "location",
      "policy", "rotation", "hint", "host", "port", "user", "username", "algorithm", "alg", "mode",
      "provider", "store", "limit", "max", "min", "regex", "pattern", "label", "description",
      "kid", "hash", "event", "selector", "frame", "code", "board", "pair", "pressed", "press",
      "down", "up", "left", "right", "ring", "word", "alias", "vault", "source", "class", "flag",
      "param", "parameter", "variable", "var", "method", "scheme", "scope", "scopes", "audience",
      "issuer", "manager", "service", "handler", "helper", "generator", "validator", "mapping",
      "template", "placeholder", "example", "sample", "test", "mock", "fake", "dummy", "meshing",
      "fingerprint");
  /** Qualifiers that make any secret-sounding name public or harmless. */
  private static final Set<String> QUALIFIERS =
      Set.of("public", "publishable", "pub", "csrf", "xsrf", "anti", "forgery");
  /** Qualifiers that make a {@code key} name something other than a secret key. */
  private static final Set<String> KEY_QUALIFIERS = Set.of("public", "publishable", "pub",
      "primary", "foreign", "bucket", "sort", "partition", "schema", "sequence", "idx", "index",
      "natural", "hot", "cache", "map", "row", "shard", "routing", "object", "idempotency",
      "dedup", "lookup", "group", "unique", "composite", "surrogate", "ref", "remote", "secret",
      "i18n", "translation", "message", "react", "foreignkey", "storage", "registry", "license",
      "host", "ssh", "gpg", "pgp", "kms", "cmk", "cert", "certificate", "signing", "verify");
  private static final Pattern ASSIGNED = Pattern.compile(
      "\\G[\"'`\\]]?(?:\\s*:?\\s*[A-Za-z_][\\w.<>\\[\\]]{0,20}(?=\\s*(?:=|:=)))?"
          + "\\s{0,4}(?:(?::{1,3}=|\\?=|!=|\\+=|\\.=|=>|==?|:|\\|\\|)\\s{0,4}\\(?\\s{0,2}(?<q>[\"'`]?)"
          + "|,\\s{0,4}(?<q2>[\"'`]))"
          + "(?<v>[^\\s\"'`,;&<>()\\[\\]{}\\\\]{12,512})(?:\\k<q>|\\k<q2>)");
  private static final Pattern XML = Pattern.compile("\\G>\\s{0,40}(?<v>[^\\s<>\"']{12,512})\\s{0,40}</");
  private static final Pattern BLOCK = Pattern.compile(
      "\\G[\"']?\\s{0,4}:\\s*[|>][-+]?[ \\t]*\\r?\\n[ \\t]+(?<v>[^\\s\"'`]{12,512})");
  private static final List<Pattern> XML_ONLY = List.of(XML);
  private static final List<Pattern> ASSIGNMENTS = List.of(BLOCK, ASSIGNED);
  private static final Pattern BEARER = Pattern.compile("\\G\\s{1,4}(?<v>[A-Za-z0-9._~+/-]{16,512}=*)");
  private static final Pattern DOT = Pattern.compile("\\.");
  private static final Pattern PARENT_REF =
      Pattern.compile("(?i)(?:ref|valueFrom|secretKeyRef|configMapKeyRef)\"?\\s*:\\s*$");
  private static final Pattern UUID = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  // Source code: `token = Fakes.githubClassic(...)`, `KeyPair = X25519.KeyPair` — a qualified
  // name is not a value.
  private static final Pattern CODE_PATH =
      Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+(?:\\(\\))?");
  // ARNs name a secret (`arn:aws:secretsmanager:eu-west-1:111122223333:secret:db`), they are not one.
  private static final Pattern ARN_TAIL = Pattern.compile(".*:\\d{12}:.*");
  private static final String[] NOT_VALUES = {"://", "secret://", "op://", "ENC[", "ENC(",
      "sha256:", "sha512-", "sha384-", "sha1-", "pk_live_", "pk_test_", "${", "{{", "$(", "#{",
      ".."};
  private static final String[] SEQUENCES = {"abcdefgh", "0123456789", "12345678", "qwerty"};

  @Override
  public String id() {
    return "keyword-entropy";
  }

  @Override
  public List<Detection> detect(CharSequence text) {
    String s = text.toString();
    List<Detection> out = null;
    int lastEnd = 0;
    for (LiteralIndex.Hit h : INDEX.find(s)) {
      int hit = h.position();
      if (hit < lastEnd) {
        continue;
      }
      String keyword = KEYWORDS[h.literal()];
      int kwEnd = hit + keyword.length();
      if (!startsWordPart(s, hit) || !endsWordPart(s, kwEnd)
          || Detectors.precededBy(s, hit, "X-Amz-")
          || Detectors.precededBy(s, hit, "X-Amz-Security-") || insideArn(s, hit)) {
        continue;
      }
      int[] value = keyword.equals("bearer") ? bearer(s, kwEnd) : assigned(s, hit, kwEnd, keyword);
      if (value == null) {
        continue;
      }
      if (looksLikeSecret(s.substring(value[0], value[1]))) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(new Detection(id(), "high-entropy value of a secret-named field", value[0],
            value[1]));
        lastEnd = value[1];
      }
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  /** The keyword starts a word part: after a non-letter, or a lower-to-upper case change. */
  private static boolean startsWordPart(String s, int hit) {
    if (hit == 0) {
      return true;
    }
    char before = s.charAt(hit - 1);
    char first = s.charAt(hit);
    return !Character.isLetter(before)
        || (Character.isLowerCase(before) && Character.isUpperCase(first));
  }

  /** The keyword ends a word part: then a non-letter, an upper-case letter, or a plural 's'. */
  private static boolean endsWordPart(String s, int end) {
    if (end >= s.length()) {
      return true;
    }
    char after = s.charAt(end);
    if (!Character.isLetter(after)) {
      return true;
    }
    if (Character.isUpperCase(after) && !Character.isUpperCase(s.charAt(end - 1))) {
      return true;
    }
    return (after == 's' || after == 'S')
        && (end + 1 >= s.length() || !Character.isLetter(s.charAt(end + 1)));
  }

  private static int[] bearer(String s, int kwEnd) {
    Matcher m = BEARER.matcher(s).region(kwEnd, Math.min(s.length(), kwEnd + 600));
    return m.lookingAt() ? new int[] {m.start("v"), m.end("v")} : null;
  }

  private static int[] assigned(String s, int hit, int kwEnd, String keyword) {
    int nameStart = hit;
    while (nameStart > 0 && isNameChar(s.charAt(nameStart - 1))) {
      nameStart--;
    }
    int nameEnd = kwEnd;
    while (nameEnd < s.length() && nameEnd - kwEnd < 40 && isNameChar(s.charAt(nameEnd))) {
      nameEnd++;
    }
    while (nameEnd > kwEnd && (s.charAt(nameEnd - 1) == '.' || s.charAt(nameEnd - 1) == '-')) {
      nameEnd--;
    }
    if (nameStart > 0 && "/:@".indexOf(s.charAt(nameStart - 1)) >= 0) {
      return null; // a segment of a path or reference (`/run/secrets/token`, `aws-sm:db:key:`)
    }
    int limit = Math.min(s.length(), nameEnd + 600);
    boolean xmlOpen = nameStart > 0 && s.charAt(nameStart - 1) == '<';
    for (Pattern p : xmlOpen ? XML_ONLY : ASSIGNMENTS) {
      Matcher m = p.matcher(s).region(nameEnd, limit);
      if (m.lookingAt()) {
        int vs = m.start("v");
        int ve = m.end("v");
        // cheap value tests first; the name is judged only when a value is assigned
        if ((ve < s.length() && s.charAt(ve) == '(') || !looksLikeSecret(s.substring(vs, ve))
            || !secretName(s.substring(nameStart, nameEnd), keyword)
            || underReference(s, nameStart)) {
          return null;
        }
        return new int[] {vs, ve};
      }
    }
    return null;
  }

  /** A YAML key under a reference block ({@code remoteRef:}, {@code secretKeyRef:}, {@code valueFrom:}). */
  private static boolean underReference(String s, int nameStart) {
    int lineStart = s.lastIndexOf('\n', nameStart - 1);
    if (lineStart <= 0) {
      return false;
    }
    int prevStart = s.lastIndexOf('\n', lineStart - 1) + 1;
    return PARENT_REF.matcher(s.substring(prevStart, lineStart)).find();
  }

  private static boolean isNameChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
        || c == '-' || c == '.' || c == '$';
  }

  /** Whether a name holding {@code keyword} names a secret rather than something about one. */
  static boolean secretName(String name, String keyword) {
    List<String> words = words(name);
    if (words.isEmpty()) {
      return false;
    }
    String last = words.get(words.size() - 1);
    if (META_SUFFIXES.contains(last) && !last.equals(keyword)) {
      return false;
    }
    String kw = keyword.replace("_", "").replace("-", "");
    for (String w : words.subList(0, words.size() - 1)) {
      if (QUALIFIERS.contains(w)) {
        return false;
      }
    }
    if (LAST_ONLY.contains(kw)) {
      if (!last.equals(kw) && !last.equals(kw + "s")) {
        return false;
      }
      if (kw.equals("key")) {
        for (String w : words.subList(0, words.size() - 1)) {
          if (KEY_QUALIFIERS.contains(w)) {
            return false;
          }
        }
      }
    }
    for (String w : words) {
      if (w.equals("ref") || w.equals("remoteref") || w.equals("keyref") || w.equals("valuefrom")) {
        return false;
      }
    }
    return true;
  }

  /** {@code githubToken}, {@code DB_PASSWORD}, {@code spring.datasource.password} as lower words. */
  static List<String> words(String name) {
    String spaced = ACRONYM.matcher(CAMEL.matcher(name).replaceAll("$1 $2")).replaceAll("$1 $2");
    List<String> out = new ArrayList<>();
    for (String w : NON_WORD.split(spaced.toLowerCase(Locale.ROOT), -1)) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return out;
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
    if (v.startsWith("//") || v.startsWith("$") || v.startsWith("%") || v.startsWith("<")
        || v.startsWith(":") || v.startsWith(".")
        || v.startsWith("/") || v.startsWith("@") || ARN_TAIL.matcher(v).matches()) {
      return false;
    }
    for (String n : NOT_VALUES) {
      if (v.contains(n)) {
        return false;
      }
    }
    if (CODE_PATH.matcher(v).matches() && !hasRandomSegment(v)) {
      return false;
    }
    if (Tokens.isPlaceholder(v, 0, v.length()) || Tokens.repetitive(v)) {
      return false;
    }
    String lower = v.toLowerCase(Locale.ROOT);
    for (String q : SEQUENCES) {
      if (lower.contains(q)) {
        return false;
      }
    }
    if (lower.contains("xxxx") || lower.contains("redacted") || lower.contains("example")
        || lower.contains("changeme") || lower.contains("placeholder") || lower.contains("your_")
        || lower.contains("your-") || lower.startsWith("your")) {
      return false;
    }
    if (UUID.matcher(v).matches()) {
      return true; // many APIs use UUID keys; under a secret name it is one
    }
    int classes = Tokens.classes(v, 0, v.length());
    boolean digit = Tokens.hasDigit(v, 0, v.length());
    double bits = Tokens.bitsPerChar(v, 0, v.length());
    if (v.length() < 16) {
      return classes >= 3 && digit && bits >= 3.2;
    }
    return (classes >= 3 && bits >= 3.2) || (classes == 2 && digit && v.length() >= 20 && bits >= 3.3);
  }

  /** A dotted value with a long segment mixing letters and digits (a token, not a code path). */
  private static boolean hasRandomSegment(String v) {
    for (String seg : DOT.split(v, -1)) {
      if (seg.length() >= 16 && Tokens.hasDigit(seg, 0, seg.length())
          && Tokens.classes(seg, 0, seg.length()) >= 2) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "SecretDetector[keyword-entropy]";
  }
}
