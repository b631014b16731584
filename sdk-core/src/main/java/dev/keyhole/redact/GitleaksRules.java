package dev.keyhole.redact;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.keyhole.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The rules of a gitleaks-format TOML rule file, loaded as a {@link SecretDetector}, so users can
 * bring the field's largest maintained rule set (or their own) without it being copied into
 * Keyhole. Rules behave as in gitleaks: a rule runs only when one of its {@code keywords} occurs
 * (case-insensitively), its {@code regex} (Go RE2 syntax, translated to Java) finds candidates,
 * the secret is group {@code secretGroup} (else the first non-empty group, else the match), a
 * Shannon {@code entropy} above the rule's threshold is required, and allowlists (global and per
 * rule; {@code regexes} with {@code regexTarget} secret, match or line; {@code stopwords};
 * {@code condition} OR/AND) drop findings.
 *
 * <p>Rules that cannot behave as written are not skipped silently: each is listed in
 * {@link #problems()} with the reason (a regex feature Java lacks, a rule restricted to file
 * paths, which a text detector cannot see, an unknown key). Allowlist {@code paths} and
 * {@code commits} cannot apply to text and are ignored, which can only add findings.
 */
public final class GitleaksRules {
  private static final Set<String> TOP_KEYS =
      Set.of("title", "description", "minVersion", "allowlist", "allowlists", "rules", "extend");
  private static final Set<String> RULE_KEYS = Set.of("id", "description", "regex", "secretGroup",
      "entropy", "keywords", "path", "tags", "allowlist", "allowlists", "skipReport");
  private static final Set<String> ALLOW_KEYS = Set.of("description", "condition", "regexTarget",
      "regexes", "paths", "stopwords", "commits");

  private final String source;
  private final List<Rule> rules;
  private final List<String> problems;
  private final SecretDetector detector;

  private GitleaksRules(String source, List<Rule> rules, List<String> problems) {
    this.source = source;
    this.rules = List.copyOf(rules);
    this.problems = List.copyOf(problems);
    this.detector = new Detector("gitleaks:" + source, this.rules);
  }

  /**
   * Reads and loads a gitleaks rule file.
   *
   * @throws ConfigurationException if the file cannot be read or is not valid TOML
   */
  public static GitleaksRules load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigurationException("Cannot read gitleaks rule file " + file + ": "
          + e.getClass().getSimpleName() + ". Check the path and its permissions.");
    }
    return parse(text, file.toString());
  }

  /**
   * Loads gitleaks rules from TOML text.
   *
   * @param source names the rules in messages (a file name)
   * @throws ConfigurationException if the text is not valid TOML
   */
  public static GitleaksRules parse(String toml, String source) {
    JsonNode root;
    try {
      root = new TomlMapper().readTree(toml);
    } catch (JacksonException e) {
      throw new ConfigurationException(source + " is not valid TOML ("
          + e.getOriginalMessage() + "). Fix the file; gitleaks' own config is an example.");
    }
    List<String> problems = new ArrayList<>();
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!TOP_KEYS.contains(k)) {
        problems.add("(file): unknown key '" + k + "'");
      }
    }
    if (root.has("extend")) {
      problems.add("(file): [extend] pulls in another configuration (gitleaks' built-in default or"
          + " another file), which Keyhole does not resolve; put all rules in one file");
    }
    List<Allowlist> global = new ArrayList<>();
    try {
      global.addAll(allowlists(root, "allowlist", "allowlists"));
    } catch (Invalid e) {
      problems.add("(global allowlist): " + e.getMessage());
    }
    List<Rule> rules = new ArrayList<>();
    JsonNode ruleNodes = root.path("rules");
    for (JsonNode r : ruleNodes) {
      String id = r.path("id").asText("");
      try {
        rules.add(rule(r, global));
      } catch (Invalid e) {
        problems.add("rule '" + (id.isEmpty() ? "(no id)" : id) + "': " + e.getMessage());
      }
    }
    return new GitleaksRules(source, rules, problems);
  }

  /** The usable rules as one detector (detections carry the rule ids). */
  public List<SecretDetector> detectors() {
    return rules.isEmpty() ? List.of() : List.of(detector);
  }

  /** One line per rule (or file-level setting) that could not be loaded, with the reason. */
  public List<String> problems() {
    return problems;
  }

  /** How many rules were loaded. */
  public int ruleCount() {
    return rules.size();
  }

  @Override
  public String toString() {
    return "GitleaksRules[" + source + ", " + rules.size() + " rules, " + problems.size()
        + " problems]";
  }

  /** A rule that cannot be loaded as written. */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private static Rule rule(JsonNode r, List<Allowlist> global) throws Invalid {
    for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!RULE_KEYS.contains(k)) {
        throw new Invalid("unknown key '" + k + "' (Keyhole supports " + RULE_KEYS + ")");
      }
    }
    String id = r.path("id").asText("");
    if (id.isEmpty()) {
      throw new Invalid("has no id");
    }
    if (!r.hasNonNull("regex")) {
      throw new Invalid(r.has("path") ? "matches file paths only; Keyhole's detectors see text,"
          + " not file names" : "has no regex");
    }
    if (r.has("path")) {
      throw new Invalid("is restricted to file paths matching '" + r.get("path").asText()
          + "'; Keyhole's detectors see text, not file names (drop 'path' to apply it everywhere)");
    }
    Pattern regex = regex(r.get("regex").asText(), "regex");
    List<String> keywords = new ArrayList<>();
    for (JsonNode k : r.path("keywords")) {
      keywords.add(k.asText().toLowerCase(Locale.ROOT));
    }
    List<Allowlist> allow = new ArrayList<>(global);
    allow.addAll(allowlists(r, "allowlist", "allowlists"));
    String kind = r.path("description").asText(id);
    return new Rule(id, kind.length() > 80 ? kind.substring(0, 77) + "..." : kind, regex,
        r.path("secretGroup").asInt(0), r.path("entropy").asDouble(0), keywords, allow);
  }

  private static Pattern regex(String re2, String what) throws Invalid {
    try {
      return Re2.compile(re2);
    } catch (Re2.UnsupportedRegexException e) {
      throw new Invalid(what + " uses a Go RE2 feature Java lacks or reads differently: "
          + e.getMessage());
    }
  }

  private static List<Allowlist> allowlists(JsonNode parent, String single, String many)
      throws Invalid {
    List<Allowlist> out = new ArrayList<>();
    if (parent.has(single)) {
      out.add(allowlist(parent.get(single)));
    }
    for (JsonNode a : parent.path(many)) {
      out.add(allowlist(a));
    }
    out.removeIf(a -> a == null);
    return out;
  }

  private static @Nullable Allowlist allowlist(JsonNode a) throws Invalid {
    for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!ALLOW_KEYS.contains(k)) {
        throw new Invalid("allowlist has unknown key '" + k + "'");
      }
    }
    boolean and = a.path("condition").asText("OR").equalsIgnoreCase("AND");
    boolean textless = a.has("paths") || a.has("commits");
    if (and && textless) {
      return null; // needs a path or commit match, which text never has
    }
    String target = a.path("regexTarget").asText("secret").toLowerCase(Locale.ROOT);
    if (!Set.of("secret", "match", "line").contains(target)) {
      throw new Invalid("allowlist regexTarget '" + target + "' is not secret, match or line");
    }
    List<Pattern> regexes = new ArrayList<>();
    for (JsonNode r : a.path("regexes")) {
      regexes.add(regex(r.asText(), "allowlist regex"));
    }
    List<String> stopwords = new ArrayList<>();
    for (JsonNode s : a.path("stopwords")) {
      stopwords.add(s.asText().toLowerCase(Locale.ROOT));
    }
    if (regexes.isEmpty() && stopwords.isEmpty()) {
      return null;
    }
    return new Allowlist(and, target, regexes, stopwords);
  }

  /** A gitleaks allowlist, reduced to what applies to text. */
  record Allowlist(boolean and, String target, List<Pattern> regexes, List<String> stopwords) {
    boolean allows(String text, int ms, int me, String secret) {
      String subject = switch (target) {
        case "match" -> text.substring(ms, me);
        case "line" -> line(text, ms, me);
        default -> secret;
      };
      boolean regexHit = false;
      for (Pattern p : regexes) {
        if (p.matcher(subject).find()) {
          regexHit = true;
          break;
        }
      }
      boolean stopHit = false;
      String lower = secret.toLowerCase(Locale.ROOT);
      for (String w : stopwords) {
        if (lower.contains(w)) {
          stopHit = true;
          break;
        }
      }
      if (and) {
        return (regexes.isEmpty() || regexHit) && (stopwords.isEmpty() || stopHit);
      }
      return regexHit || stopHit;
    }

    private static String line(String text, int ms, int me) {
      int s = text.lastIndexOf('\n', Math.max(0, ms - 1)) + 1;
      int e = text.indexOf('\n', me);
      return text.substring(s, e < 0 ? text.length() : e);
    }
  }

  /** One loaded rule. */
  record Rule(String id, String kind, Pattern regex, int secretGroup, double entropy,
      List<String> keywords, List<Allowlist> allowlists) {}

  /** All rules of a file: one case-insensitive keyword pass decides which rules run. */
  private static final class Detector implements SecretDetector {
    private final String id;
    private final List<Rule> rules;
    private final @Nullable LiteralIndex keywords;
    private final int[] ruleOfKeyword;
    private final boolean[] alwaysRun;

    Detector(String id, List<Rule> rules) {
      this.id = id;
      this.rules = rules;
      List<String> literals = new ArrayList<>();
      List<Integer> owners = new ArrayList<>();
      this.alwaysRun = new boolean[rules.size()];
      for (int i = 0; i < rules.size(); i++) {
        Rule r = rules.get(i);
        if (r.keywords().isEmpty() || r.keywords().stream().anyMatch(k -> k.length() < 2)) {
          alwaysRun[i] = true;
          continue;
        }
        for (String k : r.keywords()) {
          literals.add(k);
          owners.add(i);
        }
      }
      this.keywords = literals.isEmpty() ? null : new LiteralIndex(literals, true);
      this.ruleOfKeyword = owners.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public List<Detection> detect(CharSequence text) {
      String s = text.toString();
      boolean[] run = alwaysRun.clone();
      if (keywords != null) {
        for (LiteralIndex.Hit h : keywords.find(s)) {
          run[ruleOfKeyword[h.literal()]] = true;
        }
      }
      List<Detection> out = new ArrayList<>();
      for (int i = 0; i < rules.size(); i++) {
        if (run[i]) {
          scan(rules.get(i), s, out);
        }
      }
      out.sort(java.util.Comparator.comparingInt(Detection::start)
          .thenComparingInt(d -> -d.end()));
      return List.copyOf(out);
    }

    private static void scan(Rule r, String s, List<Detection> out) {
      var m = r.regex().matcher(s);
      while (m.find()) {
        int gs = m.start();
        int ge = m.end();
        if (r.secretGroup() > 0 && r.secretGroup() <= m.groupCount()) {
          if (m.start(r.secretGroup()) >= 0) {
            gs = m.start(r.secretGroup());
            ge = m.end(r.secretGroup());
          }
        } else {
          for (int g = 1; g <= m.groupCount(); g++) {
            if (m.start(g) >= 0 && m.end(g) > m.start(g)) {
              gs = m.start(g);
              ge = m.end(g);
              break;
            }
          }
        }
        if (ge <= gs) {
          continue;
        }
        String secret = s.substring(gs, ge);
        if (r.entropy() > 0 && Tokens.bitsPerChar(secret, 0, secret.length()) <= r.entropy()) {
          continue;
        }
        boolean allowed = false;
        for (Allowlist a : r.allowlists()) {
          if (a.allows(s, m.start(), m.end(), secret)) {
            allowed = true;
            break;
          }
        }
        if (!allowed) {
          out.add(new Detection(r.id(), r.kind(), gs, ge));
        }
        if (m.end() == m.start()) {
          if (m.end() >= s.length()) {
            break;
          }
          m.region(m.end() + 1, s.length());
        }
      }
    }

    @Override
    public String toString() {
      return "SecretDetector[" + id + ", " + rules.size() + " rules]";
    }
  }
}
