package dev.keyhole.aws;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code aws-sm:} reference: which Secrets Manager secret, optionally which top-level JSON
 * key of it, and which version.
 *
 * <h2>Grammar</h2>
 *
 * <pre>
 * reference     = "aws-sm:" secret-id [ ":" [json-key] [ ":" [version-stage] [ ":" [version-id] ] ] ]
 *                                      [ "#" json-key ]
 * secret-id     = name | arn
 * name          = 1*512 ( ALPHA / DIGIT / "/" / "_" / "+" / "=" / "." / "@" / "-" )
 * arn           = "arn:" partition ":secretsmanager:" region ":" account ":secret:" name
 *                 ; full ARN (name-XXXXXX) or partial ARN (without the random suffix)
 * version-stage = 1*256 ( ALPHA / DIGIT / "_" / "+" / "=" / "." / "@" / "-" )   ; e.g. AWSPREVIOUS
 * version-id    = 32*64 ( ALPHA / DIGIT / "-" )                                  ; a UUID
 * </pre>
 *
 * The colon form is the one ECS uses in {@code valueFrom}: trailing fields may be left out, and
 * empty fields keep their colons ({@code arn:...:secret:prod/db-AbCdEf::AWSPREVIOUS:}). The {@code
 * #json-key} form is the short one ({@code aws-sm:prod/db#password}); everything after the first
 * {@code #} is the key, so it may contain colons but not {@code #}. A key given both ways is an
 * error. Examples:
 *
 * <ul>
 *   <li>{@code aws-sm:prod/db} — the whole current ({@code AWSCURRENT}) secret;
 *   <li>{@code aws-sm:prod/db#password} — its {@code password} key;
 *   <li>{@code aws-sm:prod/db:password:AWSPREVIOUS} — that key of the previous version;
 *   <li>{@code aws-sm:arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf:password::0d9e...}
 *       — a key of a version by id, in the ARN's region.
 * </ul>
 *
 * The region comes from the ARN; a name is looked up in the provider's region. References hold no
 * secret and are safe to log.
 */
public final class SecretsManagerReference {
  /** The reference scheme, {@code aws-sm}. */
  public static final String SCHEME = "aws-sm";

  private static final String GRAMMAR = "expected 'aws-sm:NAME-OR-ARN[#json-key]' or"
      + " 'aws-sm:NAME-OR-ARN[:json-key[:version-stage[:version-id]]]', e.g. 'aws-sm:prod/db#password'";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
  private static final Pattern PARTITION = Pattern.compile("aws(-[a-z]+)*");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern STAGE = Pattern.compile("[A-Za-z0-9_+=.@-]{1,256}");
  private static final Pattern VERSION_ID = Pattern.compile("[A-Za-z0-9-]{32,64}");
  private static final ReferenceSyntax SYNTAX =
      new ReferenceSyntax(SCHEME, "a", "Secrets Manager", GRAMMAR);

  private final String text;
  private final String secretId;
  private final @Nullable String region;
  private final @Nullable String jsonKey;
  private final @Nullable String versionStage;
  private final @Nullable String versionId;

  private SecretsManagerReference(String text, String secretId, @Nullable String region,
      @Nullable String jsonKey, @Nullable String versionStage, @Nullable String versionId) {
    this.text = text;
    this.secretId = secretId;
    this.region = region;
    this.jsonKey = jsonKey;
    this.versionStage = versionStage;
    this.versionId = versionId;
  }

  /** Parses reference text such as {@code aws-sm:prod/db#password}. */
  public static SecretsManagerReference parse(String reference) {
    return parse(SecretRef.parse(reference));
  }

  /**
   * Parses a reference of scheme {@code aws-sm}.
   *
   * @throws InvalidReferenceException naming the problem and the expected form
   */
  public static SecretsManagerReference parse(SecretRef ref) {
    String[] keyed = SYNTAX.splitKey(ref);
    String path = keyed[0];
    String hashKey = keyed[1];
    String[] fields = path.split(":", -1);
    String secretId;
    String region = null;
    int rest;
    if (path.startsWith("arn:")) {
      if (fields.length < 7) {
        throw invalid(ref, "is a truncated ARN; a Secrets Manager ARN reads"
            + " 'arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX'");
      }
      if (!PARTITION.matcher(fields[1]).matches() || !fields[2].equals("secretsmanager")
          || !fields[5].equals("secret")) {
        throw invalid(ref, "is not a Secrets Manager secret ARN; expected"
            + " 'arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME-XXXXXX'");
      }
      if (!REGION.matcher(fields[3]).matches()) {
        throw invalid(ref, "has an invalid region '" + fields[3] + "' in its ARN");
      }
      if (!ACCOUNT.matcher(fields[4]).matches()) {
        throw invalid(ref, "has an invalid account '" + fields[4] + "' in its ARN (12 digits)");
      }
      checkName(ref, fields[6]);
      secretId = String.join(":", Arrays.copyOf(fields, 7));
      region = fields[3];
      rest = 7;
    } else {
      checkName(ref, fields[0]);
      secretId = fields[0];
      rest = 1;
    }
    if (fields.length - rest > 3) {
      throw invalid(ref, "has too many ':' fields; after the secret come at most"
          + " json-key, version-stage and version-id");
    }
    String colonKey = field(fields, rest);
    String stage = field(fields, rest + 1);
    String versionId = field(fields, rest + 2);
    if (colonKey != null && hashKey != null) {
      throw invalid(ref, "names a JSON key twice (after ':' and after '#'); keep one");
    }
    if (stage != null && !STAGE.matcher(stage).matches()) {
      throw invalid(ref, "has an invalid version stage '" + abbreviate(stage) + "' (1-256 letters,"
          + " digits and _+=.@-, e.g. AWSCURRENT or AWSPREVIOUS)");
    }
    if (versionId != null && !VERSION_ID.matcher(versionId).matches()) {
      throw invalid(ref, "has an invalid version id '" + abbreviate(versionId) + "' (32-64"
          + " letters, digits and '-': the secret version's UUID)");
    }
    return new SecretsManagerReference(ref.toString(), secretId, region,
        colonKey != null ? colonKey : hashKey, stage, versionId);
  }

  private static @Nullable String field(String[] fields, int i) {
    return i < fields.length && !fields[i].isEmpty() ? fields[i] : null;
  }

  private static void checkName(SecretRef ref, String name) {
    if (name.isEmpty()) {
      throw invalid(ref, "has no secret name");
    }
    if (!NAME.matcher(name).matches()) {
      throw invalid(ref, "has an invalid secret name '" + abbreviate(name) + "'; a name is 1-512"
          + " letters, digits and /_+=.@-");
    }
  }

  private static InvalidReferenceException invalid(SecretRef ref, String problem) {
    return SYNTAX.invalid(ref, problem);
  }

  private static String abbreviate(String s) {
    return ReferenceSyntax.abbreviate(s);
  }

  /** The {@code SecretId} sent to AWS: the name, or the (full or partial) ARN. */
  public String secretId() {
    return secretId;
  }

  /** Whether the secret is named by ARN. */
  public boolean isArn() {
    return secretId.startsWith("arn:");
  }

  /** The region of an ARN reference; empty for names (the provider's region applies). */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** The top-level JSON key to extract, if any. */
  public Optional<String> jsonKey() {
    return Optional.ofNullable(jsonKey);
  }

  /** The version stage, if given (AWS defaults to {@code AWSCURRENT}). */
  public Optional<String> versionStage() {
    return Optional.ofNullable(versionStage);
  }

  public Optional<String> versionId() {
    return Optional.ofNullable(versionId);
  }

  /**
   * Whether {@code BatchGetSecretValue} can fetch this reference: it returns only the {@code
   * AWSCURRENT} version, so references pinned to another stage or a version id cannot be batched.
   */
  public boolean batchable() {
    return versionId == null && (versionStage == null || versionStage.equals("AWSCURRENT"));
  }

  /** Same secret and version (the JSON key may differ): one fetch serves both. */
  boolean sameFetch(SecretsManagerReference o) {
    return secretId.equals(o.secretId) && Objects.equals(region, o.region)
        && Objects.equals(versionStage, o.versionStage) && Objects.equals(versionId, o.versionId);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SecretsManagerReference r && r.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The reference text, {@code aws-sm:...}. Safe to log. */
  @Override
  public String toString() {
    return text;
  }
}
