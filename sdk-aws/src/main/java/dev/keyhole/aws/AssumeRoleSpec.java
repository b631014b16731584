package dev.keyhole.aws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.keyhole.ConfigurationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.PolicyDescriptorType;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * A grant's {@code aws-sts} issuer parameters, parsed and checked against STS's documented limits
 * before any call (the SDK checks none of them). See {@link StsCredentialIssuer} for the parameter
 * list. Holds no secret.
 */
final class AssumeRoleSpec {
  static final String TASK_TAG = "keyhole-task-id";
  static final String AGENT_TAG = "keyhole-agent-id";
  static final int MIN_DURATION = 900;
  static final int MAX_DURATION = 43_200;
  static final int DEFAULT_MAX_DURATION = 3_600;
  static final int MAX_POLICY_CHARS = 2_048;
  static final int MAX_POLICY_ARNS = 10;
  static final int MAX_TAGS = 50;

  private static final Set<String> KNOWN = new TreeSet<>(List.of("roleArn", "policy", "actions",
      "resources", "policyArns", "externalId", "sourceIdentity", "tags", "transitiveTagKeys",
      "taskTags", "maxDurationSeconds", "sessionNamePrefix", "fullRolePermissions"));
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws(-[a-z]+)*:iam::\\d{12}:role/([\\w+=,.@-]+/)*[\\w+=,.@-]{1,64}");
  private static final Pattern POLICY_ARN =
      Pattern.compile("arn:aws(-[a-z]+)*:iam::(\\d{12}|aws):policy/([\\w+=.@-]+/)*[\\w+=.@-]{1,128}");
  private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");
  private static final Pattern SOURCE_IDENTITY = Pattern.compile("[\\w+=,.@-]{2,64}");
  private static final Pattern TAG_KEY = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}");
  private static final Pattern TAG_VALUE = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}");
  private static final Pattern POLICY_CHARS = Pattern.compile("[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
  private static final Pattern ACTION = Pattern.compile("\\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+");
  private static final Pattern RESOURCE = Pattern.compile("\\*|arn:[^\\s,]+");
  private static final Pattern PREFIX = Pattern.compile("[\\w+=,.@-]{0,32}");

  private final String grant;
  final String roleArn;
  final @Nullable String policy;
  final List<String> policyArns;
  final @Nullable String externalId;
  final @Nullable String sourceIdentityTemplate;
  final Map<String, String> tagTemplates;
  final List<String> transitiveTagKeys;
  final boolean taskTags;
  final int maxDurationSeconds;
  final String sessionNamePrefix;

  private AssumeRoleSpec(String grant, Map<String, String> p) {
    this.grant = grant;
    for (String k : p.keySet()) {
      if (!KNOWN.contains(k)) {
        throw bad("has unknown parameter '" + k + "'; known parameters: " + KNOWN);
      }
    }
    this.roleArn = required(p, "roleArn");
    if (roleArn.length() < 20 || roleArn.length() > 2048 || !ROLE_ARN.matcher(roleArn).matches()) {
      throw bad("has an invalid 'roleArn' '" + abbreviate(roleArn) + "'; expected"
          + " arn:aws:iam::ACCOUNT:role/[path/]NAME");
    }
    this.policy = sessionPolicy(p);
    this.policyArns = list(p.get("policyArns"));
    if (policyArns.size() > MAX_POLICY_ARNS) {
      throw bad("lists " + policyArns.size() + " 'policyArns'; STS accepts at most "
          + MAX_POLICY_ARNS + " managed session policies");
    }
    for (String arn : policyArns) {
      if (arn.length() < 20 || arn.length() > 2048 || !POLICY_ARN.matcher(arn).matches()) {
        throw bad("has an invalid policy ARN '" + abbreviate(arn) + "' in 'policyArns'; expected"
            + " arn:aws:iam::ACCOUNT-OR-aws:policy/[path/]NAME (comma-separated)");
      }
    }
    boolean full = bool(p, "fullRolePermissions", false);
    if (policy == null && policyArns.isEmpty() && !full) {
      throw bad("would give the task every permission of role " + roleArn + ". Scope it to what"
          + " the task needs with 'policy' (an inline session policy), 'actions' + 'resources', or"
          + " 'policyArns'; or set 'fullRolePermissions: true' to accept the role's full"
          + " permissions");
    }
    this.externalId = p.get("externalId");
    if (externalId != null && !EXTERNAL_ID.matcher(externalId).matches()) {
      throw bad("has an invalid 'externalId': 2-1224 characters of letters, digits and"
          + " _+=,.@:/- are allowed");
    }
    this.sourceIdentityTemplate = p.get("sourceIdentity");
    this.tagTemplates = tags(p.get("tags"));
    this.taskTags = bool(p, "taskTags", true);
    this.transitiveTagKeys = list(p.get("transitiveTagKeys"));
    String max = p.get("maxDurationSeconds");
    try {
      this.maxDurationSeconds = max == null ? DEFAULT_MAX_DURATION : Integer.parseInt(max.strip());
    } catch (NumberFormatException e) {
      throw bad("has a non-numeric 'maxDurationSeconds' '" + abbreviate(max) + "'");
    }
    if (maxDurationSeconds < MIN_DURATION || maxDurationSeconds > MAX_DURATION) {
      throw bad("has 'maxDurationSeconds' " + maxDurationSeconds + "; STS sessions last "
          + MIN_DURATION + " to " + MAX_DURATION + " s, and at most the role's own maximum session"
          + " duration (1 hour unless raised on the role)");
    }
    this.sessionNamePrefix = p.getOrDefault("sessionNamePrefix", "");
    if (!PREFIX.matcher(sessionNamePrefix).matches()) {
      throw bad("has an invalid 'sessionNamePrefix': at most 32 letters, digits and _+=,.@-");
    }
  }

  /**
   * Parses and checks the parameters of grant {@code grant}.
   *
   * @throws ConfigurationException naming the grant, the parameter and the limit
   */
  static AssumeRoleSpec parse(String grant, Map<String, String> parameters) {
    return new AssumeRoleSpec(grant, parameters);
  }

  /** The values derived for one task, checked again (tags and names depend on the ids). */
  record Call(String sessionName, int durationSeconds, Map<String, String> tags,
      @Nullable String sourceIdentity, AssumeRoleRequest request) {}

  /**
   * Builds the {@code AssumeRole} request for one task.
   *
   * @param agentId null when the task has none; {@code ${agentId}} then fails unless {@code
   *     lenient} (policy validation, where no task exists yet)
   */
  Call forTask(String taskId, @Nullable String agentId, Duration lifetime, boolean lenient) {
    Map<String, String> vars = new LinkedHashMap<>();
    vars.put("taskId", taskId);
    vars.put("grant", grant);
    if (agentId != null) {
      vars.put("agentId", agentId);
    } else if (lenient) {
      vars.put("agentId", "agent");
    }
    String sessionName = sessionName(taskId);
    int duration = duration(lifetime);

    Map<String, String> tags = new LinkedHashMap<>();
    Map<String, String> lowerKeys = new LinkedHashMap<>();
    if (taskTags) {
      putTag(tags, lowerKeys, TASK_TAG, taskId);
      if (agentId != null) {
        putTag(tags, lowerKeys, AGENT_TAG, agentId);
      }
    }
    for (Map.Entry<String, String> t : tagTemplates.entrySet()) {
      putTag(tags, lowerKeys, t.getKey(), substitute(t.getValue(), vars, "tags"));
    }
    if (tags.size() > MAX_TAGS) {
      throw bad("sends " + tags.size() + " session tags (including Keyhole's task tags); STS"
          + " accepts at most " + MAX_TAGS);
    }
    for (String tk : tags.keySet()) {
      String v = tags.get(tk);
      if (!TAG_VALUE.matcher(v).matches()) {
        throw bad("has an invalid value for session tag '" + tk + "': at most 256 letters,"
            + " digits, spaces and _.:/=+-@");
      }
    }
    if (transitiveTagKeys.size() > MAX_TAGS) {
      throw bad("lists more than " + MAX_TAGS + " 'transitiveTagKeys'");
    }
    for (String k : transitiveTagKeys) {
      if (!lowerKeys.containsKey(k.toLowerCase(Locale.ROOT))) {
        throw bad("lists transitive tag key '" + k + "', which is not one of the session tags "
            + tags.keySet());
      }
    }
    String sourceIdentity = sourceIdentityTemplate == null ? null
        : substitute(sourceIdentityTemplate, vars, "sourceIdentity");
    if (sourceIdentity != null && (!SOURCE_IDENTITY.matcher(sourceIdentity).matches()
        || sourceIdentity.toLowerCase(Locale.ROOT).startsWith("aws:"))) {
      throw bad("has a 'sourceIdentity' that is invalid for task '" + taskId + "': 2-64 letters,"
          + " digits and _+=,.@- (after substituting ${taskId}/${agentId}/${grant})");
    }

    AssumeRoleRequest.Builder req = AssumeRoleRequest.builder()
        .roleArn(roleArn)
        .roleSessionName(sessionName)
        .durationSeconds(duration);
    if (policy != null) {
      req.policy(policy);
    }
    if (!policyArns.isEmpty()) {
      req.policyArns(policyArns.stream().map(a -> PolicyDescriptorType.builder().arn(a).build())
          .toList());
    }
    if (!tags.isEmpty()) {
      req.tags(tags.entrySet().stream()
          .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList());
    }
    if (!transitiveTagKeys.isEmpty()) {
      req.transitiveTagKeys(transitiveTagKeys);
    }
    if (externalId != null) {
      req.externalId(externalId);
    }
    if (sourceIdentity != null) {
      req.sourceIdentity(sourceIdentity);
    }
    return new Call(sessionName, duration, Map.copyOf(tags), sourceIdentity, req.build());
  }

  /**
   * The role session name: the prefix and the task id, with characters STS does not accept turned
   * into '-', shortened with a hash suffix past 64 characters (so distinct ids stay distinct).
   */
  String sessionName(String taskId) {
    StringBuilder sb = new StringBuilder(sessionNamePrefix);
    for (int i = 0; i < taskId.length(); i++) {
      char c = taskId.charAt(i);
      boolean ok = (c < 128 && Character.isLetterOrDigit(c)) || "_+=,.@-".indexOf(c) >= 0;
      sb.append(ok ? c : '-');
    }
    String name = sb.toString();
    if (name.length() > 64) {
      name = name.substring(0, 55) + "-" + sha256Hex(taskId).substring(0, 8);
    }
    if (name.length() < 2) {
      name = "task-" + name;
    }
    return name;
  }

  /** The task's lifetime in whole seconds, clamped to [900, maxDurationSeconds]. */
  int duration(Duration lifetime) {
    long secs = lifetime.isNegative() ? 0 : (lifetime.toMillis() + 999) / 1000;
    return (int) Math.max(MIN_DURATION, Math.min(maxDurationSeconds, secs));
  }

  private void putTag(Map<String, String> tags, Map<String, String> lower, String key,
      String value) {
    if (!TAG_KEY.matcher(key).matches()) {
      throw bad("has an invalid session tag key '" + abbreviate(key) + "': 1-128 letters, digits,"
          + " spaces and _.:/=+-@");
    }
    if (key.toLowerCase(Locale.ROOT).startsWith("aws:")) {
      throw bad("uses session tag key '" + key + "'; the 'aws:' prefix is reserved by AWS");
    }
    if (lower.put(key.toLowerCase(Locale.ROOT), key) != null) {
      throw bad("sends session tag '" + key + "' twice (tag keys are case-insensitive;"
          + (taskTags ? " '" + TASK_TAG + "' and '" + AGENT_TAG + "' are added by Keyhole unless"
              + " 'taskTags: false'" : "") + ")");
    }
    tags.put(key, value);
  }

  private String substitute(String template, Map<String, String> vars, String param) {
    String out = template;
    int at;
    while ((at = out.indexOf("${")) >= 0) {
      int end = out.indexOf('}', at);
      if (end < 0) {
        throw bad("has an unclosed '${' in '" + param + "'");
      }
      String var = out.substring(at + 2, end);
      String v = vars.get(var);
      if (v == null) {
        throw bad(var.equals("agentId")
            ? "uses ${agentId} in '" + param + "', but the task has no agent id; open the task"
                + " with TaskOptions.builder().agentId(...)"
            : "uses unknown variable ${" + var + "} in '" + param + "'; known: ${taskId},"
                + " ${agentId}, ${grant}");
      }
      out = out.substring(0, at) + v + out.substring(end + 1);
    }
    return out;
  }

  private @Nullable String sessionPolicy(Map<String, String> p) {
    String doc = p.get("policy");
    List<String> actions = list(p.get("actions"));
    List<String> resources = list(p.get("resources"));
    if (doc != null && (!actions.isEmpty() || !resources.isEmpty())) {
      throw bad("has both 'policy' and 'actions'/'resources'; give a full session policy or the"
          + " actions and resources to allow, not both");
    }
    JsonNode tree;
    if (doc != null) {
      tree = json(doc, "a 'policy'");
      if (tree == null || !tree.isObject() || !tree.has("Statement")
          || !(tree.get("Statement").isArray() || tree.get("Statement").isObject())) {
        throw bad("has a 'policy' that is not an IAM policy document: expected a JSON object with"
            + " \"Version\": \"2012-10-17\" and a \"Statement\" list");
      }
      JsonNode version = tree.get("Version");
      if (version != null && !version.asText().equals("2012-10-17")
          && !version.asText().equals("2008-10-17")) {
        throw bad("has a 'policy' with unknown \"Version\" '" + abbreviate(version.asText())
            + "'; use \"2012-10-17\"");
      }
    } else if (!actions.isEmpty() || !resources.isEmpty()) {
      if (actions.isEmpty() || resources.isEmpty()) {
        throw bad("needs both 'actions' and 'resources' to build a session policy (e.g. actions:"
            + " 's3:GetObject', resources: 'arn:aws:s3:::my-bucket/*')");
      }
      for (String a : actions) {
        if (!ACTION.matcher(a).matches()) {
          throw bad("has an invalid action '" + abbreviate(a) + "' in 'actions'; expected"
              + " service:Action such as s3:GetObject or s3:Get*");
        }
      }
      for (String r : resources) {
        if (!RESOURCE.matcher(r).matches()) {
          throw bad("has an invalid resource '" + abbreviate(r) + "' in 'resources'; expected an"
              + " ARN or '*'");
        }
      }
      ObjectNode o = JSON.createObjectNode().put("Version", "2012-10-17");
      ObjectNode st = o.putArray("Statement").addObject().put("Effect", "Allow");
      ArrayNode act = st.putArray("Action");
      actions.forEach(act::add);
      ArrayNode res = st.putArray("Resource");
      resources.forEach(res::add);
      tree = o;
    } else {
      return null;
    }
    String compact = tree.toString();
    if (compact.length() > MAX_POLICY_CHARS) {
      throw bad("has a session policy of " + compact.length() + " characters (without"
          + " whitespace); STS accepts at most " + MAX_POLICY_CHARS + ". Move statements into a"
          + " managed policy and list it in 'policyArns'");
    }
    if (!POLICY_CHARS.matcher(compact).matches()) {
      throw bad("has a session policy with characters outside tab, line feed, carriage return and"
          + " U+0020-U+00FF, which STS rejects");
    }
    return compact;
  }

  /** {@code key=value,...}, or a JSON object (a YAML mapping in the policy file). */
  private Map<String, String> tags(@Nullable String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text != null && text.strip().startsWith("{")) {
      JsonNode o = json(text, "tags");
      if (!o.isObject()) {
        throw bad("has 'tags' that are not a mapping of key to value");
      }
      o.properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
      return out;
    }
    for (String pair : list(text)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw bad("has a malformed entry '" + abbreviate(pair) + "' in 'tags'; expected"
            + " 'key=value,key2=value2' or a mapping");
      }
      out.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
    }
    return out;
  }

  /** Comma-separated text, or a JSON array (a YAML list in the policy file). */
  private List<String> list(@Nullable String text) {
    List<String> out = new ArrayList<>();
    if (text == null) {
      return out;
    }
    if (text.strip().startsWith("[")) {
      JsonNode a = json(text, "a list parameter");
      a.forEach(n -> {
        if (!n.isValueNode() || n.asText().isBlank()) {
          throw bad("has a list parameter with an empty or nested entry");
        }
        out.add(n.asText().strip());
      });
      return out;
    }
    for (String s : text.split(",", -1)) {
      if (!s.isBlank()) {
        out.add(s.strip());
      }
    }
    return out;
  }

  private JsonNode json(String text, String what) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw bad("has " + what + " that is not valid JSON (at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr() + ")");
    }
  }

  private String required(Map<String, String> p, String key) {
    String v = p.get(key);
    if (v == null || v.isBlank()) {
      throw bad("has no '" + key + "'; an aws-sts grant needs at least 'roleArn' and a session"
          + " policy ('policy', 'actions' + 'resources', or 'policyArns')");
    }
    return v.strip();
  }

  private boolean bool(Map<String, String> p, String key, boolean dflt) {
    String v = p.get(key);
    if (v == null) {
      return dflt;
    }
    return switch (v.strip().toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> true;
      case "false", "no" -> false;
      default -> throw bad("has '" + key + "' '" + abbreviate(v) + "'; expected true or false");
    };
  }

  private ConfigurationException bad(String problem) {
    return new ConfigurationException("Grant '" + grant + "' (issuer aws-sts) " + problem);
  }

  private static String abbreviate(String s) {
    return ReferenceSyntax.abbreviate(s);
  }

  static String sha256Hex(String s) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
  }
}
