package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Every built-in credential format, with tokens generated at run time in the provider's format:
 * found bare (alone on a line of tool output, no name beside it), with exact ranges, and redacted.
 */
class TokenFormatsTest {
  private static final DetectingRedactor REDACT =
      DetectingRedactor.builder(Redactor.none()).mode(DetectorMode.REDACT).build();

  static Map<String, String> bareTokens() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put("aws-access-key-id", "AK" + "IA" + Fakes.random(Fakes.BASE32, 16));
    t.put("aws-access-key-id (ASIA, digits 0-9)", "AS" + "IA" + Fakes.random("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 16));
    t.put("aws-access-key-id (ABIA)", "AB" + "IA" + Fakes.random(Fakes.BASE32, 16));
    t.put("aws-bedrock-api-key", "AB" + "SK" + Base64.getEncoder().encodeToString(
        ("BedrockAPIKey-" + Fakes.mixed(4) + "-at-" + Fakes.random("0123456789", 12) + ":"
            + Fakes.mixed(40)).getBytes(StandardCharsets.UTF_8)));
    t.put("aws-bedrock-api-key (short-term)", "bedrock-api-key-" + Base64.getEncoder()
        .encodeToString(("bedrock.amazonaws.com/?Action=CallWithBearerToken&X-Amz-Signature="
            + Fakes.hex(64)).getBytes(StandardCharsets.UTF_8)));
    t.put("gcp-api-key", "AI" + "za" + "Sy" + Fakes.random(Fakes.URLSAFE, 33));
    t.put("gcp-oauth-client-secret", "GOC" + "SPX-" + Fakes.random(Fakes.URLSAFE, 28));
    t.put("azure-ad-client-secret", Fakes.mixed(3) + "8Q" + "~" + Fakes.random(Fakes.ALNUM + "_~.-", 32));
    t.put("azure-storage-account-key", "AccountKey=" + Fakes.base64(64));
    t.put("sk-api-key (OpenAI)", Fakes.skKey());
    t.put("sk-api-key (Anthropic)", Fakes.anthropicKey());
    t.put("huggingface-token", "hf" + "_" + "aZ" + Fakes.random("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 32));
    t.put("groq-api-key", "gs" + "k_" + Fakes.mixed(52));
    t.put("github-token", Fakes.githubClassic("p"));
    t.put("github-token (checksum)", Fakes.checksummed("gh" + "p_", Fakes.mixed(30)));
    t.put("github-token (fine-grained)", Fakes.githubFineGrained());
    t.put("gitlab-token", "gl" + "pat-" + Fakes.random(Fakes.URLSAFE, 20));
    t.put("gitlab-token (routable)", "gl" + "pat-" + Fakes.mixed(27) + "." + Fakes.hex(2) + Fakes.hex(7));
    t.put("gitlab-token (runner)", "gl" + "rt-" + Fakes.mixed(20));
    t.put("slack-token", Fakes.slack());
    t.put("slack-token (app)", "xa" + "pp-1-A" + Fakes.random("0123456789", 10) + "-"
        + Fakes.random("0123456789", 13) + "-" + Fakes.hex(64));
    t.put("discord-webhook-url", "https://discord.com/api/webhooks/" + Fakes.random("0123456789", 18)
        + "/" + Fakes.random(Fakes.URLSAFE, 68));
    t.put("stripe-secret-key", "sk" + "_live_" + Fakes.mixed(99));
    t.put("stripe-secret-key (restricted)", "rk" + "_live_" + Fakes.mixed(40));
    t.put("npm-token", Fakes.checksummed("np" + "m_", Fakes.mixed(30)));
    t.put("pypi-token", "py" + "pi-AgEIcHlwaS5vcmc" + Fakes.random(Fakes.URLSAFE, 70));
    t.put("url-credentials", "postgres://app:" + Fakes.mixed(20) + "@db.internal:5432/app");
    t.put("private-key", Fakes.pem());
    t.put("private-key (OpenSSH)", Fakes.pem("OPENSSH PRIVATE KEY"));
    t.put("private-key (PGP)", Fakes.pem("PGP PRIVATE KEY BLOCK"));
    t.put("private-key (JSON-escaped)", Fakes.pem("PRIVATE KEY").replace("\n", "\\n"));
    t.put("private-key (PuTTY)", "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\n"
        + "Comment: eddsa-key\nPublic-Lines: 2\n" + Fakes.base64(48) + "\nPrivate-Lines: 1\n"
        + Fakes.base64(48) + "\nPrivate-MAC: " + Fakes.hex(64));
    t.put("age-secret-key", Fakes.ageKey());
    t.put("jwt", Fakes.jwt());
    t.put("jwt-base64", Base64.getEncoder().encodeToString(Fakes.jwt().getBytes(StandardCharsets.UTF_8)));
    t.put("1password-service-account-token", "op" + "s_" + Base64.getEncoder().encodeToString(
        ("{\"signInAddress\":\"my.1password.com\",\"secretKey\":\"" + Fakes.mixed(200) + "\"}")
            .getBytes(StandardCharsets.UTF_8)).replace("=", ""));
    t.put("1password-secret-key", "A3-" + Fakes.random("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 6) + "-"
        + Fakes.random("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 11) + "-"
        + Fakes.random("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5) + "-"
        + Fakes.random("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5) + "-"
        + Fakes.random("ABCDEFGHJKLMNPQRSTVWXYZ23456789", 5));
    t.put("vault-token", "hv" + "s." + Fakes.mixed(95));
    t.put("vault-token-legacy", "s." + Fakes.mixed(24));
    t.put("shopify-token", "shp" + "at_" + Fakes.hex(32));
    t.put("sendgrid-api-key", "S" + "G." + Fakes.random(Fakes.URLSAFE, 22) + "." + Fakes.random(Fakes.URLSAFE, 43));
    t.put("twilio-api-key", "S" + "K" + "a1" + Fakes.hex(30));
    t.put("databricks-token", "da" + "pi" + Fakes.hex(32));
    t.put("grafana-token", "gl" + "sa_" + Fakes.mixed(32) + "_" + Fakes.hex(8));
    return t;
  }

  @Test
  void everyFamily_isFoundBare_andRedacted() {
    // A random token spells a placeholder word or a six-character run about once in 50,000
    // draws; such a token is rightly skipped, so each family gets up to three fresh draws.
    List<Map<String, String>> draws = List.of(bareTokens(), bareTokens(), bareTokens());
    for (String family : draws.get(0).keySet()) {
      AssertionError last = null;
      for (Map<String, String> draw : draws) {
        try {
          assertFoundAndRedacted(family, draw.get(family));
          last = null;
          break;
        } catch (AssertionError e) {
          last = e;
        }
      }
      if (last != null) {
        throw last;
      }
    }
  }

  private static void assertFoundAndRedacted(String family, String token) {
    String output = "line one\n" + token + "\nline three\n";
    String secret = family.equals("url-credentials") ? token.substring(15, 35)
        : token.substring(token.length() - 12);
    int secretAt = output.indexOf(secret);
    List<Detection> found = REDACT.detectAll(output);
    assertThat(found).as(family).anySatisfy(d -> {
      assertThat(d.start()).as(family).isLessThanOrEqualTo(secretAt);
      assertThat(d.end()).as(family).isGreaterThanOrEqualTo(secretAt + secret.length() - 2);
    });
    String redacted = REDACT.redact(output);
    assertThat(redacted).as(family).doesNotContain(secret)
        .startsWith("line one\n").endsWith("\nline three\n");
    assertThat(REDACT.redact(redacted)).as(family + " idempotent").isEqualTo(redacted);
  }

  @Test
  void checksums_decide_whenTheFormatHasOne() {
    String lowEntropy = "a".repeat(30);
    assertThat(Detectors.githubToken().detect(Fakes.checksummed("gh" + "p_", lowEntropy)))
        .as("valid checksum: a real token even if it looks regular").hasSize(1);
    assertThat(Detectors.githubToken().detect("gh" + "p_" + lowEntropy + "AAAAAA")).isEmpty();
    String age = Fakes.ageKey();
    char last = age.charAt(age.length() - 1);
    String broken = age.substring(0, age.length() - 1) + (last == 'Q' ? 'P' : 'Q');
    assertThat(Detectors.tokenFormats().detect(age)).hasSize(1);
    assertThat(Detectors.tokenFormats().detect(broken)).as("bad Bech32 checksum").isEmpty();
  }

  @Test
  void placeholdersAndLookAlikes_areNotDetected() {
    String presigned = "https://bucket.s3.amazonaws.com/r.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        + "&X-Amz-Credential=" + "AK" + "IA" + Fakes.random(Fakes.BASE32, 16)
        + "%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=" + Fakes.hex(64);
    List<String> negatives = List.of(
        "AK" + "IA" + "X".repeat(16), "gh" + "p_" + "x".repeat(36), "gl" + "pat-" + "XXXXXXXXXXX-XXXXXXXX",
        "sk" + "_live_" + "x".repeat(24), "xo" + "xb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx",
        "hv" + "s." + "x".repeat(95), "AI" + "za" + "a".repeat(35),
        "commit " + Fakes.hex(40) + " tree " + Fakes.hex(40),
        "request " + UUID.randomUUID() + " trace " + UUID.randomUUID(), presigned,
        "\"integrity\": \"sha512-" + Fakes.base64(64) + "\"",
        "<img src=\"data:image/png;base64," + Fakes.base64(3000) + "\">",
        "<sha1>" + Fakes.hex(40) + "</sha1> shasum: " + Fakes.hex(40) + " sha256 " + Fakes.hex(64),
        "!function(e,t){var n=e.key,r=t.token;return n.secret?r:e.apiKey||t.authToken}(a,b);"
            + "o.keySelector=n,o.haKey=!1,e.passwordField=t.inputRef;",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + Fakes.base64(32) + " dev@laptop",
        Fakes.pem("CERTIFICATE"), Fakes.pem("PUBLIC KEY"),
        "pk" + "_live_" + Fakes.mixed(99) + " pk" + "_test_" + Fakes.mixed(24),
        "-----BEGIN " + "PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----",
        "-----BEGIN " + "RSA PRIVATE KEY-----\n***\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN " + "OPENSSH PRIVATE KEY-----\n-----END OPENSSH PRIVATE KEY-----",
        "postgres://postgres:postgres@localhost:5432/app mysql://{USER}:{PASS}@db/app"
            + " redis://user:${REDIS_PASSWORD}@cache:6379");
    for (String text : negatives) {
      assertThat(REDACT.detectAll(text)).as(text).isEmpty();
    }
  }

  @Test
  void defaults_areStable_andCarryNoText() {
    assertThat(Detectors.defaults()).extracting(SecretDetector::id)
        .containsExactly("token-formats", "private-key", "keyword-entropy");
    String token = Fakes.githubClassic("p");
    Detection d = REDACT.detectAll("token: " + token).get(0);
    assertThat(d.toString()).doesNotContain(token);
    assertThat(Detectors.awsAccessKeyId().id()).isEqualTo("aws-access-key-id");
    assertThat(Detectors.skApiKey().id()).isEqualTo("sk-api-key");
  }
}
