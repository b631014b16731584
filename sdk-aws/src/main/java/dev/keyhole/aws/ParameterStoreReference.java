package dev.keyhole.aws;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code aws-ssm:} reference: an SSM Parameter Store parameter, optionally a version or
 * label of it, and optionally a top-level JSON key of its value.
 *
 * <h2>Grammar</h2>
 *
 * <pre>
 * reference = "aws-ssm:" parameter [ ":" ( version | label ) ] [ "#" json-key ]
 * parameter = name | arn | bridge
 * name      = [ "/" ] 1*1011 ( ALPHA / DIGIT / "_" / "." / "-" / "/" )   ; at most 15 levels
 * arn       = "arn:" partition ":ssm:" region ":" account ":parameter/" name-without-leading-slash
 * bridge    = "/aws/reference/secretsmanager/" secrets-manager-name        ; a Secrets Manager secret
 * version   = 1*DIGIT                                                     ; e.g. :3
 * label     = letter-first 1*100 ( ALPHA / DIGIT / "_" / "." / "-" )     ; e.g. :prod
 * </pre>
 *
 * For the {@code /aws/reference/secretsmanager/} bridge the selector is a Secrets Manager version
 * id or stage ({@code :AWSPREVIOUS}), and the name follows Secrets Manager's rules ({@code
 * /_+=.@-}). Every parameter is read with decryption, so {@code SecureString} values arrive in
 * plaintext (the bridge requires it). Examples: {@code aws-ssm:/prod/db/url}, {@code
 * aws-ssm:/prod/db/password:3}, {@code aws-ssm:/prod/db/password:live}, {@code
 * aws-ssm:/aws/reference/secretsmanager/prod/db#password}.
 *
 * <p>References hold no secret and are safe to log.
 */
public final class ParameterStoreReference {
  /** The reference scheme, {@code aws-ssm}. */
  public static final String SCHEME = "aws-ssm";

  /** The name prefix of Secrets Manager secrets read through Parameter Store. */
  public static final String SECRETS_MANAGER_BRIDGE = "/aws/reference/secretsmanager/";

  private static final String GRAMMAR = "expected 'aws-ssm:/path/name[:version-or-label][#json-key]',"
      + " e.g. 'aws-ssm:/prod/db/url' or 'aws-ssm:/prod/db/password:3'";
  private static final Pattern NAME = Pattern.compile("/?[A-Za-z0-9_.\\-]+(/[A-Za-z0-9_.\\-]+)*");
  private static final Pattern BRIDGED_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
  private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,18}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z_.\\-][A-Za-z0-9_.\\-]{0,99}");
  private static final Pattern BRIDGE_SELECTOR = Pattern.compile("[A-Za-z0-9_+=.@-]{1,256}");
  private static final Pattern ARN = Pattern.compile(
      "arn:aws(-[a-z]+)*:ssm:([a-z]{2}(-[a-z]+)+-\\d{1,2}):(\\d{12}):parameter/(.+)");
  private static final int MAX_NAME = 1011;
  private static final int MAX_LEVELS = 15;
  private static final ReferenceSyntax SYNTAX =
      new ReferenceSyntax(SCHEME, "an", "SSM Parameter Store", GRAMMAR);

  private final String text;
  private final String name;
  private final @Nullable String region;
  private final @Nullable String selector;
  private final @Nullable String jsonKey;

  private ParameterStoreReference(String text, String name, @Nullable String region,
      @Nullable String selector, @Nullable String jsonKey) {
    this.text = text;
    this.name = name;
    this.region = region;
    this.selector = selector;
    this.jsonKey = jsonKey;
  }

  /** Parses reference text such as {@code aws-ssm:/prod/db/url}. */
  public static ParameterStoreReference parse(String reference) {
    return parse(SecretRef.parse(reference));
  }

  /**
   * Parses a reference of scheme {@code aws-ssm}.
   *
   * @throws InvalidReferenceException naming the problem and the expected form
   */
  public static ParameterStoreReference parse(SecretRef ref) {
    String[] keyed = SYNTAX.splitKey(ref);
    String path = keyed[0];
    String key = keyed[1];
    String region = null;
    String prefix = "";
    String rest = path;
    if (path.startsWith("arn:")) {
      int colons = 0;
      int cut = -1;
      for (int i = 0; i < path.length(); i++) {
        if (path.charAt(i) == ':' && ++colons == 6) {
          cut = i;
          break;
        }
      }
      String arn = cut < 0 ? path : path.substring(0, cut);
      var m = ARN.matcher(arn);
      if (!m.matches()) {
        throw invalid(ref, "is not an SSM parameter ARN; expected"
            + " 'arn:PARTITION:ssm:REGION:ACCOUNT:parameter/NAME'");
      }
      region = m.group(2);
      prefix = arn.substring(0, arn.length() - m.group(5).length());
      rest = m.group(5) + (cut < 0 ? "" : path.substring(cut));
    }
    String selector = null;
    int colon = rest.indexOf(':');
    if (colon >= 0) {
      selector = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
      if (selector.isEmpty()) {
        throw invalid(ref, "has an empty version or label after ':'");
      }
    }
    boolean bridge = prefix.isEmpty() && rest.startsWith(SECRETS_MANAGER_BRIDGE);
    if (bridge) {
      String secret = rest.substring(SECRETS_MANAGER_BRIDGE.length());
      if (!BRIDGED_NAME.matcher(secret).matches()) {
        throw invalid(ref, "names an invalid Secrets Manager secret '"
            + ReferenceSyntax.abbreviate(secret) + "' after " + SECRETS_MANAGER_BRIDGE
            + " (1-512 letters, digits and /_+=.@-)");
      }
      if (selector != null && !BRIDGE_SELECTOR.matcher(selector).matches()) {
        throw invalid(ref, "has an invalid Secrets Manager version id or stage '"
            + ReferenceSyntax.abbreviate(selector) + "'");
      }
    } else {
      checkName(ref, rest);
      if (selector != null && !VERSION.matcher(selector).matches()
          && !LABEL.matcher(selector).matches()) {
        throw invalid(ref, "has an invalid selector '" + ReferenceSyntax.abbreviate(selector)
            + "': a version is a positive number, a label is 1-100 letters, digits and _.- that"
            + " does not start with a digit");
      }
    }
    return new ParameterStoreReference(ref.toString(), prefix + rest, region, selector, key);
  }

  private static void checkName(SecretRef ref, String name) {
    if (name.isEmpty() || name.equals("/")) {
      throw invalid(ref, "has no parameter name");
    }
    if (name.length() > MAX_NAME) {
      throw invalid(ref, "has a parameter name longer than " + MAX_NAME + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw invalid(ref, "has an invalid parameter name '" + ReferenceSyntax.abbreviate(name)
          + "'; names are letters, digits and _.- in '/'-separated levels, e.g. /prod/db/url");
    }
    if (name.chars().filter(c -> c == '/').count() > MAX_LEVELS) {
      throw invalid(ref, "has more than " + MAX_LEVELS + " hierarchy levels");
    }
  }

  private static InvalidReferenceException invalid(SecretRef ref, String problem) {
    return SYNTAX.invalid(ref, problem);
  }

  /** The parameter name or ARN, without selector. */
  public String name() {
    return name;
  }

  /** The {@code Name} sent to {@code GetParameter}: name or ARN plus {@code :selector}. */
  public String requestName() {
    return selector == null ? name : name + ":" + selector;
  }

  /** Whether the parameter is a Secrets Manager secret read through Parameter Store. */
  public boolean isSecretsManagerBridge() {
    return name.startsWith(SECRETS_MANAGER_BRIDGE);
  }

  /** The region of an ARN reference; empty otherwise. */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** The version or label (or, for the bridge, the Secrets Manager version id or stage). */
  public Optional<String> selector() {
    return Optional.ofNullable(selector);
  }

  /** The version number, when the selector is one (not for the bridge). */
  public OptionalLong version() {
    return selector != null && !isSecretsManagerBridge() && VERSION.matcher(selector).matches()
        ? OptionalLong.of(Long.parseLong(selector)) : OptionalLong.empty();
  }

  /** The label, when the selector is one (not for the bridge). */
  public Optional<String> label() {
    return selector != null && !isSecretsManagerBridge() && !VERSION.matcher(selector).matches()
        ? Optional.of(selector) : Optional.empty();
  }

  public Optional<String> jsonKey() {
    return Optional.ofNullable(jsonKey);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ParameterStoreReference r && r.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The reference text, {@code aws-ssm:...}. Safe to log. */
  @Override
  public String toString() {
    return text;
  }
}
