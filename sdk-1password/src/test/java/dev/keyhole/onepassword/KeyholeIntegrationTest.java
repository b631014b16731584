package dev.keyhole.onepassword;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.keyhole.CacheSettings;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.redact.RedactionEngines;
import dev.keyhole.redact.RedactionOptions;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.ResilienceSettings;
import dev.keyhole.SecretHandle;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Connect provider inside Keyhole: retries bounded by ResilienceSettings, batching, OTP expiry, audit. */
class KeyholeIntegrationTest {
  @RegisterExtension final LogCapture logs = new LogCapture();

  WireMockServer wm;
  ConnectWorld world;
  final String token = Fakes.token();
  final FakeClock clock = FakeClock.at(Instant.parse("2024-06-01T12:00:10Z"));
  final RecordingAuditSink audit = RecordingAuditSink.create();
  String password;
  String apiToken;
  String otpSecret;
  Keyhole keyhole;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().notifier(ConnectProviderTest.QUIET));
    wm.start();
    world = new ConnectWorld();
    var dev = world.vault("Dev");
    var gh = world.item(dev, "GitHub", "LOGIN");
    password = Fakes.secret();
    apiToken = Fakes.secret();
    otpSecret = Fakes.base32Secret();
    gh.field(null, "password", "password", "CONCEALED", "PASSWORD", password);
    gh.field(gh.section("Admin"), Fakes.id(), "api token", "CONCEALED", null, apiToken);
    gh.field(null, "TOTP_" + Fakes.id(), "one-time password", "OTP", null, "otpauth://totp/x?secret=" + otpSecret);
    world.install(wm);
  }

  @AfterEach
  void stop() {
    if (keyhole != null) {
      keyhole.close();
    }
    wm.stop();
    audit.assertNoValue(password, apiToken, otpSecret, token);
    assertThat(logs.text()).doesNotContain(password).doesNotContain(apiToken).doesNotContain(token);
  }

  Keyhole keyhole(CacheSettings cache) {
    return keyhole(cache, false);
  }

  /** With {@code fakeSleep}, retries wait by advancing the fake clock (recorded in clock.sleeps()). */
  Keyhole keyhole(CacheSettings cache, boolean fakeSleep) {
    OnePasswordConnectProvider p = OnePasswordConnectProvider.builder().host(wm.baseUrl())
        .token(SecretValue.ofString(token)).clock(clock).readTimeout(Duration.ofSeconds(2)).build();
    // One-time codes are 6 digits: below the redaction engine's default minimum, so a user who
    // resolves them through Keyhole opts in to registering weak values (with a warning).
    keyhole = Keyhole.builder().provider(p).clock(clock).auditSink(audit).cache(cache).expirySweep(false)
        .redactionEngine(RedactionEngines.create(clock,
            RedactionOptions.builder().allowWeakValues(true).build()))
        .resilience(ResilienceSettings.defaults().withMaxAttempts(3)
            .withBackoff(Duration.ofMillis(1), 1.0, Duration.ofMillis(2)).withJitter(0)
            .withTimeout(Duration.ofSeconds(10)))
        .sleeper(fakeSleep ? clock.sleeper() : d -> Thread.sleep(d.toMillis()))
        .build();
    return keyhole;
  }

  TaskScope task(Map<String, String> grants) {
    TaskOptions.Builder b = TaskOptions.builder();
    grants.forEach((name, ref) -> b.grant(Grant.builder(name).ref(ref).tools("deploy").build()));
    return keyhole.openTask(b.build());
  }

  int vaultRequests() {
    return wm.findAll(getRequestedFor(urlPathEqualTo("/v1/vaults"))).size();
  }

  @Test
  void retries_areBoundedByResilienceSettings() {
    keyhole(CacheSettings.disabled());
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0)
        .willReturn(ConnectWorld.error(503, "Service Unavailable")));
    try (TaskScope t = task(Map.of("gh", "op://Dev/GitHub/password"))) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("gh"), Use.byTool("deploy")))
          .isInstanceOf(ProviderUnavailableException.class);
    }
    assertThat(vaultRequests()).isEqualTo(3);
  }

  @Test
  void droppedConnections_areRetriedThenSucceed() {
    keyhole(CacheSettings.disabled());
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0).inScenario("flaky")
        .whenScenarioStateIs(Scenario.STARTED).willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER))
        .willSetStateTo("second"));
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0).inScenario("flaky")
        .whenScenarioStateIs("second").willReturn(ConnectWorld.error(429, "Too many requests"))
        .willSetStateTo("healthy"));
    try (TaskScope t = task(Map.of("gh", "op://Dev/GitHub/password"))) {
      try (SecretValue v = t.resolve(SecretHandle.of("gh"), Use.byTool("deploy"))) {
        assertThat(v.revealString()).isEqualTo(password);
      }
    }
    assertThat(vaultRequests()).isEqualTo(3);
  }

  @Test
  void rateLimited_retryWaitsTheRetryAfterConnectSent_secondsOrHttpDate() {
    keyhole(CacheSettings.disabled(), true);
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0).inScenario("limited")
        .whenScenarioStateIs(Scenario.STARTED)
        .willReturn(ConnectWorld.error(429, "Too many requests").withHeader("Retry-After", "7"))
        .willSetStateTo("date"));
    // The second answer gives an HTTP-date 9 s after the fake clock's time at that moment (+7 s).
    String date = java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
        .format(clock.instant().plusSeconds(7 + 9).atZone(java.time.ZoneOffset.UTC));
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0).inScenario("limited")
        .whenScenarioStateIs("date")
        .willReturn(ConnectWorld.error(429, "Too many requests").withHeader("Retry-After", date))
        .willSetStateTo("healthy"));
    Instant before = clock.instant();
    try (TaskScope t = task(Map.of("gh", "op://Dev/GitHub/password"))) {
      try (SecretValue v = t.resolve(SecretHandle.of("gh"), Use.byTool("deploy"))) {
        assertThat(v.revealString()).isEqualTo(password);
      }
    }
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(9));
    assertThat(Duration.between(before, clock.instant())).isEqualTo(Duration.ofSeconds(16));
    assertThat(vaultRequests()).isEqualTo(3);
  }

  @Test
  void rateLimited_theLastErrorCarriesTheDelay_andAHugeRetryAfterIsCappedByTheTimeLimit() {
    keyhole(CacheSettings.disabled(), true);
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0)
        .willReturn(ConnectWorld.error(429, "Too many requests").withHeader("Retry-After", "3600")));
    try (TaskScope t = task(Map.of("gh", "op://Dev/GitHub/password"))) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("gh"), Use.byTool("deploy")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofHours(1));
            assertThat(e).hasMessageContaining("asked to wait 3600 s");
          });
    }
    // Three attempts, two waits, each cut to the 10 s time limit per attempt.
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
  }

  @Test
  void notFound_isNotRetried() {
    keyhole(CacheSettings.disabled());
    try (TaskScope t = task(Map.of("gh", "op://Nope/GitHub/password"))) {
      assertThatThrownBy(() -> t.resolve(SecretHandle.of("gh"), Use.byTool("deploy")))
          .isInstanceOf(SecretNotFoundException.class);
    }
    // One attempt: the exact filter, then the case-insensitive full list.
    assertThat(vaultRequests()).isEqualTo(2);
  }

  @Test
  void taskBatch_fetchesTheSharedItemOnce() {
    keyhole(CacheSettings.defaults());
    try (TaskScope t = task(Map.of("gh", "op://Dev/GitHub/password", "api", "op://Dev/GitHub/Admin/api token"))) {
      Map<SecretHandle, SecretValue> values = t.resolveAll(
          List.of(SecretHandle.of("gh"), SecretHandle.of("api")), Use.byTool("deploy"));
      assertThat(values.get(SecretHandle.of("gh")).revealString()).isEqualTo(password);
      assertThat(values.get(SecretHandle.of("api")).revealString()).isEqualTo(apiToken);
      values.values().forEach(SecretValue::destroy);
    }
    String vaultId = world.vaultId("Dev");
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/v1/vaults"))
        .withQueryParam("filter", equalTo("name eq \"Dev\""))).size()).isEqualTo(1);
    assertThat(wm.findAll(getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock
        .urlPathMatching("/v1/vaults/" + vaultId + "/items/[a-z0-9]{26}"))).size()).isEqualTo(1);
  }

  @Test
  void otp_isNotServedFromCacheAfterItsPeriod() {
    keyhole(CacheSettings.defaults());
    String first;
    try (TaskScope t = task(Map.of("otp", "op://Dev/GitHub/one-time password?attribute=otp"))) {
      try (SecretValue v = t.resolve(SecretHandle.of("otp"), Use.byTool("deploy"))) {
        first = v.revealString();
      }
    }
    assertThat(first).isEqualTo(new String(Totp.parse(otpSecret, "t").code(clock.instant()).digits()));
    clock.advance(Duration.ofSeconds(30));
    try (TaskScope t = task(Map.of("otp", "op://Dev/GitHub/one-time password?attribute=otp"))) {
      try (SecretValue v = t.resolve(SecretHandle.of("otp"), Use.byTool("deploy"))) {
        assertThat(v.revealString()).isEqualTo(new String(Totp.parse(otpSecret, "t").code(clock.instant()).digits()));
      }
    }
  }
}
