package dev.keyhole.redact;

import dev.keyhole.ConfigurationException;
import java.nio.file.Path;
import java.util.List;

/**
 * The built-in detectors for secrets Keyhole never issued, and loading of gitleaks rule files.
 * Every detector runs a cheap literal prefilter first (one pass over the text for all token
 * formats) and looks at the text only around its hits.
 *
 * <p>{@link #defaults()} holds:
 *
 * <ul>
 *   <li>{@code token-formats}: credential formats written from the providers' documented token
 *       formats, each reported under its own id: cloud ({@code aws-access-key-id} with every
 *       documented key prefix, {@code aws-bedrock-api-key}, {@code gcp-api-key} (also Gemini and
 *       Firebase keys), {@code gcp-oauth-client-secret}, {@code gcp-service-account},
 *       {@code azure-ad-client-secret}, {@code azure-storage-account-key}), LLM providers
 *       ({@code sk-api-key} for OpenAI, Anthropic, OpenRouter and DeepSeek, {@code huggingface-token},
 *       {@code groq-api-key}, {@code xai-api-key}, {@code perplexity-api-key}, ...), code hosts
 *       ({@code github-token} with its CRC-32 checksum, {@code gitlab-token}), chat
 *       ({@code slack-token}, Slack and Discord webhook URLs), payments ({@code stripe-secret-key};
 *       publishable {@code pk_} keys are public), registries ({@code npm-token} with its
 *       checksum, {@code pypi-token}, RubyGems, Docker), {@code url-credentials} (passwords in
 *       {@code scheme://user:password@host} URLs), {@code age-secret-key} (Bech32 checksum),
 *       {@code jwt} and {@code jwt-base64}, 1Password service-account tokens and secret keys,
 *       Vault tokens, and more (Shopify, SendGrid, Twilio, Databricks, Grafana, ...). A format
 *       without a checksum must also look random and not like a placeholder, so
 *       an AWS key id or a GitHub token whose generated part is all one filler letter passes no rule;
 *   <li>{@code private-key}: PEM, OpenSSH, PGP (also JSON-escaped) and PuTTY private keys whose
 *       body holds key material;
 *   <li>{@code keyword-entropy}: a random-looking value assigned to a secret-named field in the
 *       assignment syntaxes of config files and source code (see {@link KeywordDetector}), or
 *       following {@code Bearer}.
 * </ul>
 *
 * <p>Security: a {@link Detection} holds offsets, never the detected text.
 */
public final class Detectors {
  private static final SecretDetector TOKEN_FORMATS =
      new FormatDetector("token-formats", TokenFormats.all());
  private static final List<SecretDetector> DEFAULTS =
      List.of(TOKEN_FORMATS, new PrivateKeyDetector(), new KeywordDetector());

  private Detectors() {}

  /** Every built-in detector (token formats, private keys, keyword + entropy). */
  public static List<SecretDetector> defaults() {
    return DEFAULTS;
  }

  /** Every built-in token format in one detector (one prefilter pass for all of them). */
  public static SecretDetector tokenFormats() {
    return TOKEN_FORMATS;
  }

  /** AWS access key ids ({@code AKIA}, {@code ASIA}, {@code ABIA}, {@code ACCA}, {@code A3T}). */
  public static SecretDetector awsAccessKeyId() {
    return single(TokenFormats.aws());
  }

  /** GitHub personal, OAuth, app and refresh tokens, classic and fine-grained. */
  public static SecretDetector githubToken() {
    return single(TokenFormats.github());
  }

  /** Slack tokens ({@code xoxb-}, {@code xoxp-}, {@code xapp-}, configuration tokens, ...). */
  public static SecretDetector slackToken() {
    return single(TokenFormats.slack());
  }

  /** OpenAI and Anthropic style API keys ({@code sk-...}, {@code sk-proj-...}, {@code sk-ant-...}). */
  public static SecretDetector skApiKey() {
    return single(TokenFormats.llm());
  }

  /** JSON Web Tokens (signed: header, payload and signature). */
  public static SecretDetector jwt() {
    return single(TokenFormats.jwt());
  }

  /** PEM, OpenSSH, PGP and PuTTY private keys. */
  public static SecretDetector privateKey() {
    return new PrivateKeyDetector();
  }

  /** Passwords in the user-info part of URLs ({@code postgres://app:PASSWORD@db:5432/app}). */
  public static SecretDetector urlCredentials() {
    return single(TokenFormats.urlCredentials());
  }

  /** A random-looking value assigned to a secret-named field, or following {@code Bearer}. */
  public static SecretDetector keywordEntropy() {
    return new KeywordDetector();
  }

  /**
   * The rules of a gitleaks-format TOML file ({@code gitleaks.toml}), as detectors: regex,
   * {@code secretGroup}, {@code entropy}, {@code keywords} and allowlists (regexes with their
   * targets, stop words, match conditions) behave as in gitleaks. Strict: if any rule cannot be
   * loaded (a Go RE2 regex feature Java lacks, a path-only rule, an unknown key), nothing is
   * loaded; use {@link GitleaksRules#load(Path)} to load the usable rules and see the others.
   *
   * @throws ConfigurationException naming the file and every rule that cannot be loaded, and why
   */
  public static List<SecretDetector> fromGitleaksConfig(Path file) {
    GitleaksRules rules = GitleaksRules.load(file);
    if (!rules.problems().isEmpty()) {
      throw new ConfigurationException(file + ": " + rules.problems().size() + " of "
          + (rules.problems().size() + rules.ruleCount()) + " rule(s) cannot be loaded:\n  "
          + String.join("\n  ", rules.problems())
          + "\nFix or remove those rules, or load the others with GitleaksRules.load(path).");
    }
    return rules.detectors();
  }

  private static SecretDetector single(TokenFormat format) {
    return new FormatDetector(format.id(), List.of(format));
  }

  static boolean precededBy(CharSequence text, int at, String prefix) {
    int from = at - prefix.length();
    return from >= 0 && text.toString().regionMatches(true, from, prefix, 0, prefix.length());
  }
}
