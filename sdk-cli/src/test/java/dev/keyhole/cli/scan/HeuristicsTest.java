package dev.keyhole.cli.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyhole.cli.Fakes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HeuristicsTest {
  @ParameterizedTest
  @ValueSource(strings = {"GITHUB_TOKEN", "DB_PASSWORD", "password", "client_secret", "apiKey",
      "API_KEY", "STRIPE_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "PRIVATE_KEY", "db.password",
      "OPENAI_API_KEY", "BASIC_AUTH", "REDIS_PASS", "slackBotToken", "SIGNING_KEY", "secrets",
      "credentials", "spring.datasource.password"})
  void secretKeyNames(String key) {
    assertThat(Heuristics.isSecretKeyName(key)).as(key).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"PORT", "NODE_ENV", "PASSWORD_FILE", "TOKEN_URL", "SECRET_NAME",
      "PASSWORD_MIN_LENGTH", "AWS_ACCESS_KEY_ID", "PUBLIC_KEY", "STRIPE_PUBLISHABLE_KEY",
      "KEYBOARD_LAYOUT", "MAX_TOKENS", "PASS_THROUGH", "AUTH_URL", "TOKEN_TTL", "key_path",
      "commit", "request_id", "download_url", "SECRET_ARN"})
  void nonSecretKeyNames(String key) {
    assertThat(Heuristics.isSecretKeyName(key)).as(key).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "changeme", "CHANGEME", "change-me-please", "${DB_PASSWORD}",
      "$DB_PASSWORD", "<your-api-key>", "your_api_key_here", "xxxxxxxx", "********", "{{ .Values.token }}",
      "%API_KEY%", "ENC(AbCdEf123==)", "true", "8080", "null", "REPLACE_ME", "dummy",
      "${{ secrets.TOKEN }}", "example-token", "@db.password@", "$(op read op://x/y/z)"})
  void placeholders(String v) {
    assertThat(Heuristics.isPlaceholder(v)).as(v).isTrue();
  }

  @Test
  void realLookingValues_areNotPlaceholders() {
    assertThat(Heuristics.isPlaceholder(Fakes.password())).isFalse();
    assertThat(Heuristics.isPlaceholder(Fakes.githubToken())).isFalse();
    assertThat(Heuristics.isPlaceholder("correct horse battery staple")).isFalse();
  }

  @Test
  void references_areRecognised() {
    assertThat(Heuristics.isReference("op://Dev/app-env/GITHUB_TOKEN")).isTrue();
    assertThat(Heuristics.isReference("aws-sm:app-env#GITHUB_TOKEN")).isTrue();
    assertThat(Heuristics.isReference("dotenv:/home/u/.config/keyhole/x.env#K")).isTrue();
    assertThat(Heuristics.isReference("secret://github_token")).isTrue();
    assertThat(Heuristics.isReference(Fakes.token())).isFalse();
  }

  @Test
  void lookAlikes() {
    String sha = Fakes.gitSha();
    String uuid = Fakes.uuid();
    assertThat(Heuristics.isLookAlike(sha, 0, sha.length())).isTrue();
    assertThat(Heuristics.isLookAlike(uuid, 0, uuid.length())).isTrue();
    String url = Fakes.presignedUrl();
    String text = "download: \"" + url + "\"\n";
    int keyId = text.indexOf("AKIA");
    assertThat(Heuristics.insidePresignedUrl(text, keyId, keyId + 20)).isTrue();
    int sig = text.indexOf("X-Amz-Signature=") + 16;
    assertThat(Heuristics.isLookAlike(text, sig, sig + 64)).isTrue();
    String token = Fakes.githubToken();
    String plain = "token: " + token + " see https://example.test/?a=b";
    assertThat(Heuristics.isLookAlike(plain, 7, 7 + token.length())).isFalse();
  }

  @Test
  void looksRandom() {
    assertThat(Heuristics.looksRandom(Fakes.token())).isTrue();
    assertThat(Heuristics.looksRandom(Fakes.gitSha())).isFalse();
    assertThat(Heuristics.looksRandom(Fakes.uuid())).isFalse();
    assertThat(Heuristics.looksRandom("https://api.example.test/v1/things")).isFalse();
    assertThat(Heuristics.looksRandom("production")).isFalse();
    assertThat(Heuristics.looksRandom("com.example.app.MainApplication")).isFalse();
  }

  @Test
  void urlPassword_isLocated() {
    String pw = Fakes.password().replace("!", "x");
    String v = "postgres://app:" + pw + "@db.internal:5432/app";
    int[] r = Heuristics.urlPasswordRange(v);
    assertThat(r).isNotNull();
    assertThat(v.substring(r[0], r[1])).isEqualTo(pw);
    assertThat(Heuristics.urlPasswordRange("postgres://app:${DB_PASSWORD}@db:5432/app")).isNull();
    assertThat(Heuristics.urlPasswordRange("https://example.test/a:b@c")).isNull();
  }
}
