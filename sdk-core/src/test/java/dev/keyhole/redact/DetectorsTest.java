package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DetectorsTest {
  private static List<Detection> detect(String text) {
    return DetectingRedactor.builder(dev.keyhole.Redactor.none()).build().detectAll(text);
  }

  private static void assertDetected(String token, String id, String context) {
    String text = context.replace("%s", token);
    List<Detection> found = detect(text);
    assertThat(found).as("%s in %s", id, context).anySatisfy(d -> {
      assertThat(d.detectorId()).isEqualTo(id);
      assertThat(text.substring(d.start(), d.end())).isEqualTo(token);
    });
  }

  @Test
  void knownFormats_areDetectedWithExactRanges() {
    assertDetected(Fakes.awsKeyId(), "aws-access-key-id", "aws_access_key_id = %s\n");
    for (String kind : List.of("p", "o", "s", "u", "r")) {
      assertDetected(Fakes.githubClassic(kind), "github-token", "token: %s,");
    }
    assertDetected(Fakes.githubFineGrained(), "github-token", "GITHUB_TOKEN='%s'");
    assertDetected(Fakes.slack(), "slack-token", "{\"token\":\"%s\"}");
    assertDetected(Fakes.skKey(), "sk-api-key", "export OPENAI_API_KEY=%s");
    assertDetected(Fakes.anthropicKey(), "sk-api-key", "x-api-key: %s\r\n");
    assertDetected(Fakes.jwt(), "jwt", "Authorization: Bearer %s");
    assertDetected(Fakes.pem(), "private-key", "key:\n%s\ntrailer");
    assertDetected(Fakes.mixed(24), "keyword-entropy", "db.password=%s\n");
    assertDetected(Fakes.mixed(30), "keyword-entropy", "\"client_secret\": \"%s\"");
    assertDetected(Fakes.hex(32), "keyword-entropy", "API_KEY: %s");
    assertDetected(Fakes.mixed(30), "keyword-entropy", "Authorization: Bearer %s");
  }

  @Test
  void truncatedPrivateKey_isDetectedToTheEnd() {
    String pem = Fakes.pem();
    String cut = pem.substring(0, pem.length() / 2);
    List<Detection> found = detect("log: " + cut);
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.start()).isEqualTo(5);
      assertThat(d.end()).isEqualTo(5 + cut.length());
    });
  }

  @Test
  void ordinaryText_isNotDetected() {
    String presigned = "https://bucket.s3.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        + "&X-Amz-Credential=" + Fakes.awsKeyId() + "%2F20250101%2Fus-east-1%2Fs3%2Faws4_request"
        + "&X-Amz-Date=20250101T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"
        + "&X-Amz-Signature=" + Fakes.hex(64);
    String git = "commit " + Fakes.hex(40) + "\nMerge: " + Fakes.hex(7) + " " + Fakes.hex(7)
        + "\n    Fix token refresh (" + Fakes.hex(12) + ")\n";
    String uuids = "request_id=" + UUID.randomUUID() + " session=" + UUID.randomUUID()
        + " trace " + UUID.randomUUID();
    String prose = "The password must be at least 12 characters. Set token=<your-token> or"
        + " api_key=${API_KEY}; the secret is stored in secret://github_token. tokenizer:"
        + " bert-base-uncased-whole-word. sk-learn is a library. " + "AKIA" + "IOSFODNN7" + "EXAMPLE is the"
        + " documented example id. password: changeme-changeme-123";
    String sha = "sha256=" + Fakes.hex(64) + " etag=\"" + Fakes.hex(32) + "\"";
    String code = """
        String token = text.subSequence(s, e).toString();
        kind = raw == SecretValue.class ? Kind.SECRET_VALUE : Kind.SECRET_STRING;
        public static final String GENERIC_TOKEN = SecretHandle.PREFIX + "x";
        boolean secretHeader = SecretHandle.containsToken(h.getValue());""";
    String arn = """
        ref: aws-sm:arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf
        {"ARN":"arn:aws:secretsmanager:us-east-1:111122223333:secret:faults/db-AbCdEf"}
        aws-sm:arn:aws:secretsmanager:…:secret:NAME-AbCdEf:json-key:stage:version
        DATABASE_URL=postgres://app:secret://db_password@db:5432/app""";
    for (String text : List.of(presigned, git, uuids, prose, sha, code, arn)) {
      assertThat(detect(text)).as(text).isEmpty();
    }
  }
}
