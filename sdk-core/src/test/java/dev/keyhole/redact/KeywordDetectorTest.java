package dev.keyhole.redact;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KeywordDetectorTest {
  private final SecretDetector detector = Detectors.keywordEntropy();

  private void assertFound(String template) {
    String v = Fakes.mixed(28);
    String text = template.replace("%s", v);
    assertThat(detector.detect(text)).as(text).singleElement()
        .satisfies(d -> assertThat(text.substring(d.start(), d.end())).isEqualTo(v));
  }

  @Test
  void assignmentSyntaxes_ofConfigAndSourceCode() {
    for (String t : List.of("githubToken := \"%s\"", "var githubToken string = \"%s\"",
        "githubToken := `%s`", "API_TOKEN ?= %s", "API_TOKEN := \"%s\"", "API_TOKEN ::= \"%s\"",
        "API_TOKEN != %s", "API_TOKEN += %s", "$apiToken .= \"%s\";", "  \"apiToken\" => \"%s\"",
        "System.setProperty(\"API_TOKEN\", \"%s\")", "<apiToken>\n    %s\n</apiToken>",
        "token: |\n  %s\n", "db.password=%s", "\"client_secret\": \"%s\"", "GITLAB_PAT=%s",
        "BASIC_AUTH: %s", "creds = %s", "key: %s", "Authorization: Bearer %s",
        "string apiToken = \"%s\";", "const secret = '%s' + suffix;")) {
      assertFound(t);
    }
  }

  @Test
  void hexAndUuidValues_underASecretName_areFound() {
    for (String v : List.of(Fakes.hex(40), Fakes.hex(64), UUID.randomUUID().toString())) {
      assertThat(detector.detect("api_token = \"" + v + "\"")).as(v).hasSize(1);
    }
  }

  @Test
  void namesAboutSecrets_andHarmlessValues_areNotFound() {
    String v = Fakes.mixed(28);
    for (String text : List.of(
        "notes = \"Maven - io.jsonwebtoken:jjwt-jackson-0.11.2\"",
        "LLM_SECRET_NAME = \"NEXUS-GPT4-API-KEY\"", "TOKEN_URL=https://auth.example.org/" + v,
        "remoteRef:\n  key: " + v, "secretKeyRef.key: " + v, "public_key = \"" + v + "\"",
        "publicToken = \"" + v + "\"", "csrf-token=" + v, "primaryKey=" + v, "monkey = " + v,
        "db-password: ENC[AES256_GCM,data:" + Fakes.base64(12) + ",iv:" + Fakes.base64(32) + ",tag:x]",
        "STRIPE_KEY=pk" + "_live_" + v, "const keyStr = \"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789\"",
        "KeyPair = X25519.KeyPair", "password: ${DB_PASSWORD}", "token = Fakes.githubClassic(kind)",
        "export OP_SERVICE_ACCOUNT_TOKEN=ops_eyJzaWduSW5BZGRyZXNzIjoiaHR0cHM6...",
        "import { chain_Anvil1_Key, chain_Anvil2_Key } from '../consts';",
        "secret_length = X25519.secret_length", "apiUrl=apigee.corpint.com")) {
      assertThat(detector.detect(text)).as(text).isEmpty();
    }
  }
}
