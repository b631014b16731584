package dev.keyhole.redact;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The built-in credential formats, written from the providers' documented token formats. Every
 * format is anchored on a literal (its prefix, or a fixed marker inside it) and ends with a check:
 * a checksum where the format has one, otherwise "not a placeholder and random enough" over the
 * generated part, so a token prefix followed by one filler letter repeated passes no rule.
 */
final class TokenFormats {
  /** Characters that may not touch a token on either side (it would be part of a longer word). */
  private static final String B = "(?<![A-Za-z0-9_-])";
  private static final String A = "(?![A-Za-z0-9_-])";
  private static final double BITS = 2.7;

  private TokenFormats() {}

  /** A check over the part of the token after whichever literal it starts with. */
  private static TokenFormat.Check random(List<String> literals, double bits) {
    return (text, s, e) -> Tokens.looksRandom(text, s + prefixLength(text, s, literals), e, bits);
  }

  private static int prefixLength(CharSequence text, int s, List<String> literals) {
    for (String l : literals) {
      if (text.toString().startsWith(l, s)) {
        return l.length();
      }
    }
    return 0;
  }

  /** A token that starts with one of {@code literals}: {@code body} is the rest of its regex. */
  private static TokenFormat prefixed(String id, String kind, List<String> literals, String body,
      int maxLength) {
    String alt = String.join("|", literals.stream().map(Pattern::quote).toList());
    return TokenFormat.of(id, kind, literals, B + "((?:" + alt + ")" + body + ")" + A, maxLength,
        random(literals, BITS));
  }

  static List<TokenFormat> all() {
    List<TokenFormat> f = new ArrayList<>();
    f.add(aws());
    f.add(awsBedrock());
    f.add(gcpApiKey());
    f.addAll(google());
    f.add(gcpServiceAccountKeyId());
    f.addAll(azure());
    f.add(llm());
    f.addAll(llmOthers());
    f.add(github());
    f.addAll(gitlab());
    f.add(grafana());
    f.add(slack());
    f.add(slackWebhook());
    f.add(discordWebhook());
    f.add(stripe());
    f.addAll(registries());
    f.add(urlCredentials());
    f.add(age());
    f.add(jwt());
    f.add(jwtBase64());
    f.addAll(onePassword());
    f.addAll(vault());
    f.addAll(others());
    return List.copyOf(f);
  }

  static TokenFormat aws() {
    List<String> l = List.of("AKIA", "ASIA", "ABIA", "ACCA", "A3T");
    return TokenFormat.of("aws-access-key-id", "AWS access key id", l,
        "(?<![A-Za-z0-9/+])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})(?![A-Za-z0-9/+])", 20,
        (t, s, e) -> !Detectors.precededBy(t, s, "X-Amz-Credential=")
            && !t.subSequence(s, e).toString().endsWith("EXAMPLE")
            && Tokens.looksRandom(t, s + 4, e, 2.5));
  }

  /** Amazon Bedrock API keys: long-term {@code ABSK} + base64("BedrockAPIKey-..."), short-term. */
  static TokenFormat awsBedrock() {
    List<String> l = List.of("ABSKQmVkcm9ja0FQSUtleS", "bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t");
    return TokenFormat.of("aws-bedrock-api-key", "Amazon Bedrock API key", l,
        B + "((?:ABSKQmVkcm9ja0FQSUtleS|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t)"
            + "[A-Za-z0-9+/%&._-]{20,2000}={0,2})(?![A-Za-z0-9+/=_-])", 2100, random(l, BITS));
  }

  /** Google API keys (GCP, Firebase, Gemini / Google AI Studio). */
  static TokenFormat gcpApiKey() {
    return prefixed("gcp-api-key", "Google API key", List.of("AIza"), "[0-9A-Za-z_-]{35}", 39);
  }

  static List<TokenFormat> google() {
    return List.of(
        prefixed("gcp-oauth-client-secret", "Google OAuth client secret", List.of("GOCSPX-"),
            "[A-Za-z0-9_-]{28}", 35),
        TokenFormat.of("gcp-oauth-access-token", "Google OAuth access token", List.of("ya29."),
            B + "(ya29\\.[A-Za-z0-9_-]{30,2000})" + A, 2010, random(List.of("ya29."), BITS)));
  }

  /** The key id of a GCP service-account key file (its private key is a private-key finding). */
  static TokenFormat gcpServiceAccountKeyId() {
    return TokenFormat.of("gcp-service-account", "GCP service account key",
        List.of("\"private_key_id\""), "\"private_key_id\"\\s*:\\s*\"([0-9a-f]{40})\"", 100,
        (t, s, e) -> {
          String around = t.subSequence(Math.max(0, s - 4000), Math.min(t.length(), e + 4000))
              .toString();
          return around.contains("service_account") && Tokens.looksRandom(t, s, e, BITS);
        });
  }

  static List<TokenFormat> azure() {
    return List.of(
        new TokenFormat("azure-ad-client-secret", "Azure AD client secret", List.of("Q~"),
            Pattern.compile("(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})"
                + "(?![A-Za-z0-9_~.-])"), 4, 40, (t, s, e) -> Tokens.looksRandom(t, s, e, BITS)),
        new TokenFormat("azure-storage-account-key", "Azure storage account key",
            List.of("AccountKey="), Pattern.compile("AccountKey=([A-Za-z0-9+/]{86}==)"), 0, 100,
            (t, s, e) -> Tokens.looksRandom(t, s, e, 4.0)),
        new TokenFormat("azure-identifiable-key", "Azure identifiable key", List.of("JQQJ9"),
            Pattern.compile("(?<![A-Za-z0-9+/])([A-Za-z0-9]{52}JQQJ9[A-Za-z0-9]{27})"
                + "(?![A-Za-z0-9+/])"), 52, 40, (t, s, e) -> Tokens.looksRandom(t, s, e, 4.0)));
  }

  /**
   * OpenAI ({@code sk-proj-}, {@code sk-svcacct-}, {@code sk-admin-}, legacy keys with the
   * {@code T3BlbkFJ} marker), Anthropic ({@code sk-ant-api03-...AA}, admin, OAuth), OpenRouter,
   * DeepSeek and other {@code sk-} keys.
   */
  static TokenFormat llm() {
    return TokenFormat.of("sk-api-key", "OpenAI/Anthropic style API key", List.of("sk-"),
        B + "(sk-[A-Za-z0-9_-]{20,300})" + A, 310, TokenFormats::skKey);
  }

  private static final Pattern ANTHROPIC = Pattern.compile("sk-ant-(api|admin|oat|ort|sid)\\d\\d-.*");

  static boolean skKey(CharSequence t, int s, int e) {
    String v = t.subSequence(s, e).toString();
    if (Tokens.isPlaceholder(t, s + 3, e)) {
      return false;
    }
    var ant = ANTHROPIC.matcher(v);
    if (v.startsWith("sk-ant-")) {
      if (!ant.matches()) {
        return false;
      }
      boolean strict = v.startsWith("sk-ant-api03-") || v.startsWith("sk-ant-admin01-");
      int prefix = v.indexOf('-', 7) + 1;
      int rest = v.length() - prefix;
      return rest >= 80 && (!strict || (rest <= 100 && v.endsWith("AA")))
          && Tokens.bitsPerChar(v, prefix, v.length()) >= BITS;
    }
    boolean known = v.contains("T3BlbkFJ") || v.startsWith("sk-or-v1-") || v.startsWith("sk-proj-")
        || v.startsWith("sk-svcacct-") || v.startsWith("sk-admin-");
    return (known || Tokens.classes(v, 3, v.length()) >= 3)
        && Tokens.bitsPerChar(v, 3, v.length()) >= BITS;
  }

  static List<TokenFormat> llmOthers() {
    return List.of(
        prefixed("groq-api-key", "Groq API key", List.of("gsk_"), "[A-Za-z0-9]{52}", 56),
        prefixed("xai-api-key", "xAI API key", List.of("xai-"), "[A-Za-z0-9]{80}", 84),
        prefixed("perplexity-api-key", "Perplexity API key", List.of("pplx-"), "[A-Za-z0-9]{48}", 53),
        prefixed("replicate-api-token", "Replicate API token", List.of("r8_"), "[A-Za-z0-9]{37}", 40),
        prefixed("langsmith-api-key", "LangSmith API key", List.of("lsv2_pt_", "lsv2_sk_"),
            "[a-f0-9]{32}_[a-f0-9]{10}", 51),
        TokenFormat.of("huggingface-token", "Hugging Face token", List.of("hf_", "api_org_"),
            B + "((?:hf_|api_org_)[A-Za-z0-9]{34})" + A, 42, (t, s, e) -> {
              int p = t.charAt(s) == 'h' ? 3 : 8;
              return Tokens.classes(t, s + p, e) >= 2 && Tokens.looksRandom(t, s + p, e, BITS);
            }));
  }

  /** GitHub tokens: classic (with their CRC-32 checksum), fine-grained, app, OAuth, refresh. */
  static TokenFormat github() {
    List<String> l = List.of("ghp_", "gho_", "ghs_", "ghu_", "ghr_", "github_pat_");
    return TokenFormat.of("github-token", "GitHub token", l,
        B + "(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{40,251})" + A, 270,
        (t, s, e) -> {
          if (t.charAt(s + 3) == '_' && Tokens.base62Crc32(t.subSequence(s, e), 4)) {
            return true; // checksum verified: no guessing needed
          }
          return Tokens.looksRandom(t, s + (t.charAt(s + 3) == '_' ? 4 : 11), e, BITS);
        });
  }

  static List<TokenFormat> gitlab() {
    List<String> l = List.of("glpat-", "gldt-", "glrt-", "glcbt-", "glffct-", "glft-", "glimt-",
        "glagent-", "gloas-", "glptt-", "glsoat-", "GR1348941");
    return List.of(
        TokenFormat.of("gitlab-token", "GitLab token", l,
            B + "((?:glpat|gldt|glrt|glcbt|glffct|glft|glimt|glagent|gloas|glptt|glsoat)-"
                + "[0-9A-Za-z_.-]{20,300}|GR1348941[0-9A-Za-z_-]{20,64})" + A, 320,
            random(l, BITS)),
        TokenFormat.of("gitlab-session-cookie", "GitLab session cookie",
            List.of("_gitlab_session="), "_gitlab_session=([0-9a-z]{32})(?![0-9a-z])", 50,
            (t, s, e) -> Tokens.looksRandom(t, s, e, BITS)));
  }

  static TokenFormat grafana() {
    List<String> l = List.of("glc_", "glsa_", "eyJrIjoi");
    return TokenFormat.of("grafana-token", "Grafana token", l,
        B + "(glc_[A-Za-z0-9+/]{32,400}={0,3}|glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}"
            + "|eyJrIjoi[A-Za-z0-9]{70,400}={0,3})(?![A-Za-z0-9_+/=-])", 420, random(l, BITS));
  }

  /** Slack bot, user, app, configuration, refresh and legacy tokens. */
  static TokenFormat slack() {
    List<String> l = List.of("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-", "xoxe-",
        "xoxe.xox", "xapp-");
    return TokenFormat.of("slack-token", "Slack token", l,
        "(?<![A-Za-z0-9])((?:xox[abposre]|xapp)-[A-Za-z0-9-]{10,250}"
            + "|xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{100,200})(?![A-Za-z0-9-])", 270,
        (t, s, e) -> {
          int p = t.charAt(s + 4) == '.' ? 10 : 5;
          return e - s - p >= 12 && t.charAt(e - 1) != '-' && Tokens.hasDigit(t, s + p, e)
              && Tokens.looksRandom(t, s + p, e, BITS);
        });
  }

  static TokenFormat slackWebhook() {
    return TokenFormat.of("slack-webhook-url", "Slack webhook URL", List.of("hooks.slack.com/"),
        "hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9]{8,12}/[A-Za-z0-9]{8,12}"
            + "/[A-Za-z0-9]{20,32})", 100, (t, s, e) -> Tokens.looksRandom(t, s, e, BITS));
  }

  static TokenFormat discordWebhook() {
    return TokenFormat.of("discord-webhook-url", "Discord webhook URL",
        List.of("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"),
        "discord(?:app)?\\.com/api/webhooks/\\d{17,20}/([A-Za-z0-9_-]{60,68})" + A, 130,
        (t, s, e) -> Tokens.looksRandom(t, s, e, BITS));
  }

  /** Stripe secret and restricted keys; publishable keys ({@code pk_}) are public by design. */
  static TokenFormat stripe() {
    List<String> l = List.of("sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_",
        "rk_prod_", "whsec_");
    return TokenFormat.of("stripe-secret-key", "Stripe secret key", l,
        "(?<![A-Za-z0-9])((?:[sr]k_(?:live|test|prod)_[A-Za-z0-9]{10,247})"
            + "|whsec_[A-Za-z0-9+/]{32,100})(?![A-Za-z0-9])", 260, random(l, BITS));
  }

  static List<TokenFormat> registries() {
    return List.of(
        TokenFormat.of("npm-token", "npm access token", List.of("npm_"),
            B + "(npm_[A-Za-z0-9]{36})" + A, 40,
            (t, s, e) -> Tokens.base62Crc32(t.subSequence(s, e), 4)
                || Tokens.looksRandom(t, s + 4, e, BITS)),
        prefixed("pypi-token", "PyPI upload token",
            List.of("pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"), "[A-Za-z0-9_-]{50,1000}",
            1030),
        prefixed("rubygems-api-key", "RubyGems API key", List.of("rubygems_"), "[a-f0-9]{48}", 57),
        prefixed("docker-pat", "Docker personal access token", List.of("dckr_pat_", "dckr_oat_"),
            "[A-Za-z0-9_-]{27,}", 120),
        prefixed("clojars-token", "Clojars deploy token", List.of("CLOJARS_"), "[a-z0-9]{60}", 68));
  }

  private static final Set<String> DEFAULT_PASSWORDS = Set.of("password", "passwd", "pass",
      "secret", "postgres", "root", "admin", "test", "guest", "user", "changeme", "example",
      "mysql", "redis", "rabbitmq", "mongo", "sa", "dev", "local", "demo", "default");

  /** Passwords in the user-info part of URLs ({@code postgres://app:PASSWORD@db/app}). */
  static TokenFormat urlCredentials() {
    return new TokenFormat("url-credentials", "password in URL", List.of("://"),
        Pattern.compile("(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\\s:/@'\"`<>{}]{1,128}:"
            + "([^\\s/@'\"`<>]{1,256})@[A-Za-z0-9\\[_-]"), 24, 420, TokenFormats::urlPassword);
  }

  private static boolean urlPassword(CharSequence t, int s, int e) {
    String pw = t.subSequence(s, e).toString();
    int colon = s - 1;
    int userStart = colon;
    while (userStart > 0 && t.charAt(userStart - 1) != '/') {
      userStart--;
    }
    String user = t.subSequence(userStart, colon).toString();
    String lower = pw.toLowerCase(Locale.ROOT);
    return pw.length() >= 4 && !pw.equalsIgnoreCase(user) && !DEFAULT_PASSWORDS.contains(lower)
        && !lower.contains("password") && pw.chars().distinct().count() >= 3
        && !pw.contains("${") && !pw.startsWith("$") && !pw.startsWith("%") && !pw.contains("{")
        && !pw.startsWith("<") && !pw.contains("://") && !Tokens.isPlaceholder(t, s, e)
        && !lower.matches("[*x.•#_-]+");
  }

  static TokenFormat age() {
    return TokenFormat.of("age-secret-key", "age secret key", List.of("AGE-SECRET-KEY-1"),
        "(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])", 80,
        (t, s, e) -> Tokens.bech32(t.subSequence(s, e).toString()));
  }

  /** Signed JSON Web Tokens: three base64url parts whose header decodes to JSON with an alg. */
  static TokenFormat jwt() {
    return TokenFormat.of("jwt", "JSON Web Token", List.of("eyJ"),
        B + "(eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{16,}={0,2})"
            + "(?![A-Za-z0-9_=-])", 16384, (t, s, e) -> jwtHeaderHasAlg(t, s));
  }

  static boolean jwtHeaderHasAlg(CharSequence text, int start) {
    int dot = start;
    while (text.charAt(dot) != '.') {
      dot++;
    }
    byte[] header = Tokens.decodeBase64(text.subSequence(start, dot));
    if (header == null) {
      return false;
    }
    String json = new String(header, StandardCharsets.UTF_8);
    return json.startsWith("{") && json.contains("\"alg\"");
  }

  private static final Pattern JWT_SHAPE =
      Pattern.compile("eyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]*=*");

  /** A JWT wrapped in base64 ({@code ZXlK...}), as in Kubernetes secrets and some headers. */
  static TokenFormat jwtBase64() {
    return TokenFormat.of("jwt-base64", "base64-encoded JSON Web Token", List.of("ZXlK"),
        "(?<![A-Za-z0-9+/_-])(ZXlK[A-Za-z0-9+/_-]{40,16000}={0,2})(?![A-Za-z0-9+/_=-])", 16100,
        (t, s, e) -> {
          byte[] raw = Tokens.decodeBase64(t.subSequence(s, e));
          if (raw == null) {
            return false;
          }
          String jwt = new String(raw, StandardCharsets.ISO_8859_1).strip();
          if (!JWT_SHAPE.matcher(jwt).matches()) {
            return false;
          }
          return Tokens.isBase64Json(jwt.substring(0, jwt.indexOf('.')));
        });
  }

  static List<TokenFormat> onePassword() {
    return List.of(
        TokenFormat.of("1password-service-account-token", "1Password service account token",
            List.of("ops_eyJ"), "(ops_eyJ[A-Za-z0-9+/]{250,8000}={0,3})(?![A-Za-z0-9+/=])", 8100,
            (t, s, e) -> Tokens.looksRandom(t, s + 7, e, 4.0)),
        TokenFormat.of("1password-secret-key", "1Password secret key", List.of("A3-"),
            "(?<![A-Za-z0-9-])(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})"
                + "-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![A-Za-z0-9-])", 45,
            (t, s, e) -> Tokens.looksRandom(t, s + 3, e, 3.5)));
  }

  /** HashiCorp Vault service ({@code hvs.}), batch ({@code hvb.}) and legacy {@code s.} tokens. */
  static List<TokenFormat> vault() {
    return List.of(
        TokenFormat.of("vault-token", "HashiCorp Vault token", List.of("hvs.", "hvb.", "hvr."),
            "(?<![A-Za-z0-9_.-])(hv[sbr]\\.[A-Za-z0-9_-]{90,400})" + A, 410,
            random(List.of("hvs.", "hvb.", "hvr."), BITS)),
        TokenFormat.of("vault-token-legacy", "HashiCorp Vault token (legacy)", List.of("s."),
            "(?<![A-Za-z0-9_.$-])(s\\.[A-Za-z0-9]{24})(?![A-Za-z0-9_.(-])", 26,
            (t, s, e) -> Tokens.classes(t, s + 2, e) == 3 && Tokens.looksRandom(t, s + 2, e, 3.5)));
  }

  static List<TokenFormat> others() {
    return List.of(
        prefixed("shopify-token", "Shopify token", List.of("shpss_", "shpat_", "shpca_", "shppa_"),
            "[a-fA-F0-9]{32}", 38),
        TokenFormat.of("sendgrid-api-key", "SendGrid API key", List.of("SG."),
            B + "(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}|SG\\.[A-Za-z0-9_.=-]{66})" + A, 70,
            random(List.of("SG."), BITS)),
        TokenFormat.of("twilio-api-key", "Twilio API key", List.of("SK"),
            "(?<![A-Za-z0-9_])(SK[0-9a-fA-F]{32})(?![A-Za-z0-9_])", 34,
            (t, s, e) -> Tokens.classes(t, s + 2, e) >= 2 && Tokens.looksRandom(t, s + 2, e, BITS)),
        prefixed("databricks-token", "Databricks token", List.of("dapi"), "[a-f0-9]{32}(?:-\\d)?",
            38),
        prefixed("digitalocean-token", "DigitalOcean token", List.of("dop_v1_", "doo_v1_", "dor_v1_"),
            "[a-f0-9]{64}", 71),
        prefixed("postman-api-key", "Postman API key", List.of("PMAK-"), "[a-f0-9]{24}-[a-f0-9]{34}",
            64),
        prefixed("pulumi-token", "Pulumi access token", List.of("pul-"), "[a-f0-9]{40}", 44),
        prefixed("doppler-token", "Doppler token",
            List.of("dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."),
            "[A-Za-z0-9]{40,44}", 54),
        prefixed("linear-api-key", "Linear API key", List.of("lin_api_"), "[A-Za-z0-9]{40}", 48),
        prefixed("notion-token", "Notion integration token", List.of("ntn_"), "[A-Za-z0-9]{46}",
            50),
        prefixed("figma-token", "Figma personal access token", List.of("figd_"),
            "[A-Za-z0-9_-]{40}", 45),
        prefixed("sentry-token", "Sentry auth token", List.of("sntrys_", "sntryu_"),
            "[A-Za-z0-9_=+/-]{40,400}", 410),
        prefixed("tailscale-key", "Tailscale key",
            List.of("tskey-api-", "tskey-auth-", "tskey-client-", "tskey-scim-", "tskey-webhook-"),
            "[A-Za-z0-9]{8,}-[A-Za-z0-9]{16,}", 100),
        prefixed("newrelic-user-key", "New Relic user API key", List.of("NRAK-"), "[A-Z0-9]{27}",
            32),
        prefixed("atlassian-api-token", "Atlassian API token", List.of("ATATT3"),
            "[A-Za-z0-9_=-]{180,}", 260),
        prefixed("heroku-api-key", "Heroku API key", List.of("HRKU-AA"), "[0-9A-Za-z_-]{58}", 65),
        prefixed("alibaba-access-key-id", "Alibaba Cloud AccessKey id", List.of("LTAI"),
            "[A-Za-z0-9]{20}", 24));
  }
}
