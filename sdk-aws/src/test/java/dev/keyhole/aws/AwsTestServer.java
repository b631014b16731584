package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import dev.keyhole.Keyhole;
import dev.keyhole.ResilienceSettings;
import dev.keyhole.testkit.LeakAssertions;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * An in-process WireMock server on a dynamic port standing in for the AWS endpoints, with {@link
 * FakeAwsServices} answering Secrets Manager and SSM by default, and helpers for the clients and
 * Keyhole instances the tests build. Fake AWS keys are generated at run time.
 *
 * <p>A JUnit extension: {@code @RegisterExtension static final AwsTestServer aws =
 * AwsTestServer.create();} starts it before the class, resets it before each test and stops it
 * after the class.
 */
final class AwsTestServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
  static final String JSON_11 = "application/x-amz-json-1.1";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  final WireMockServer wm;
  final FakeAwsServices fake = new FakeAwsServices();
  /** Keyhole's own (fake) AWS identity, as the SDK signs with it. */
  final String keyholeAccessKeyId = fakeAccessKeyId("KEYHOLE");

  private AwsTestServer() {
    wm = new WireMockServer(wireMockConfig().dynamicPort().extensions(fake));
  }

  static AwsTestServer create() {
    return new AwsTestServer();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    wm.start();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    reset();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    wm.stop();
  }

  /** Default routes: JSON 1.1 Secrets Manager and SSM calls go to the in-memory fake. */
  void routeToFake() {
    wm.stubFor(post("/").atPriority(100)
        .withHeader("X-Amz-Target", matching("secretsmanager\\..+|AmazonSSM\\..+"))
        .willReturn(aResponse().withTransformers(FakeAwsServices.NAME)));
  }

  /** Drops every stub, recorded request and fake secret, then restores the default routes. */
  void reset() {
    wm.resetAll();
    fake.clear();
    routeToFake();
  }

  URI endpoint() {
    return URI.create(wm.baseUrl());
  }

  /** Options pointing at WireMock: us-east-1, static fake credentials, timeouts of a few seconds. */
  AwsClientOptions.Builder options() {
    return AwsClientOptions.builder()
        .region(FakeAwsServices.REGION)
        .endpointOverride(endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(keyholeAccessKeyId, LeakAssertions.randomSecret(40))))
        .connectTimeout(Duration.ofSeconds(2))
        .socketTimeout(Duration.ofSeconds(3));
  }

  /** A JSON 1.1 request to {@code target} (e.g. {@code secretsmanager.GetSecretValue}). */
  static RequestPatternBuilder jsonCall(String target) {
    return WireMock.postRequestedFor(WireMock.urlEqualTo("/"))
        .withHeader("X-Amz-Target", equalTo(target));
  }

  /** Stubs the answer to every JSON 1.1 call of {@code target}, ahead of the fake. */
  void stubJson(String target, ResponseDefinitionBuilder response) {
    wm.stubFor(post("/").atPriority(1).withHeader("X-Amz-Target", equalTo(target))
        .willReturn(response));
  }

  /** A JSON 1.1 answer with the headers AWS sends. */
  static ResponseDefinitionBuilder json(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", JSON_11)
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
  }

  /** The JSON 1.1 error shape. */
  static ResponseDefinitionBuilder jsonError(int status, String code, String message) {
    return json(status, "{\"__type\":\"" + code + "\",\"Message\":\"" + message + "\"}");
  }

  /** Keyhole with small backoffs (1-2 ms) and 3 attempts, no background sweeper. */
  static Keyhole.Builder keyhole() {
    return Keyhole.builder().expirySweep(false).resilience(fastRetries(3));
  }

  static ResilienceSettings fastRetries(int attempts) {
    return ResilienceSettings.defaults().withMaxAttempts(attempts)
        .withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(2))
        .withTimeout(Duration.ofSeconds(5));
  }

  /** A fake access key id: a prefix and 16 random base32 characters. Built at run time. */
  static String fakeAccessKeyId(String prefix) {
    StringBuilder sb = new StringBuilder(prefix);
    for (int i = 0; i < 16; i++) {
      sb.append(UPPER.charAt(RANDOM.nextInt(UPPER.length())));
    }
    return sb.toString();
  }
}
