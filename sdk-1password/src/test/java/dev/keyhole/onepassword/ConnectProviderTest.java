package dev.keyhole.onepassword;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Notifier;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.keyhole.ConfigurationException;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.KeyholeException;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretNotFoundException;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.spi.ResolvedSecret;
import dev.keyhole.spi.SecretProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ConnectProviderTest {
  @RegisterExtension final LogCapture logs = new LogCapture();

  static final Notifier QUIET = new Notifier() {
    @Override public void info(String message) {}
    @Override public void error(String message) {}
    @Override public void error(String message, Throwable t) {}
  };

  WireMockServer wm;
  ConnectWorld world;
  final String token = Fakes.token();
  final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2024-06-01T12:00:00Z"));
  final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }
  };
  final LeakGuard leaks = new LeakGuard();
  OnePasswordConnectProvider provider;
  String baseUrl;

  // The standard world.
  String devId;
  String githubId;
  String password;
  String apiToken;
  String adminEmail;
  String ghostValue;
  String untypedValue;
  String weirdValue;
  String adminSectionId;
  String fileId;
  byte[] config;
  String otpSecret;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().notifier(QUIET));
    wm.start();
    baseUrl = wm.baseUrl();
    leaks.plant(token);
    world = new ConnectWorld();
    var dev = world.vault("Dev");
    devId = dev.get("id").asText();
    world.vault("Prod");
    var gh = world.item(dev, "GitHub", "LOGIN");
    githubId = gh.id();
    password = plant(Fakes.secret());
    apiToken = plant(Fakes.secret());
    adminEmail = plant("admin-" + Fakes.random("abcdefgh", 8) + "@example.com");
    ghostValue = plant(Fakes.secret());
    untypedValue = plant(Fakes.secret());
    weirdValue = plant(Fakes.secret());
    otpSecret = plant(Fakes.base32Secret());
    gh.field(null, "username", "username", "STRING", "USERNAME", "octocat");
    gh.field(null, "password", "password", "CONCEALED", "PASSWORD", password);
    gh.field(null, "notesPlain", "notesPlain", "STRING", "NOTES", null);
    adminSectionId = gh.section("Admin");
    gh.field(adminSectionId, Fakes.id(), "email", "EMAIL", null, adminEmail);
    gh.field(adminSectionId, Fakes.id(), "api token", "CONCEALED", null, apiToken);
    String security = gh.section("Security");
    gh.field(security, "TOTP_" + Fakes.id(), "one-time password", "OTP", null,
        "otpauth://totp/GitHub:octocat?secret=" + otpSecret + "&issuer=GitHub");
    // Odd but real: a field pointing at an undeclared section, one without type, one of an unknown type.
    gh.field("linked items", Fakes.id(), "ghost", "CONCEALED", null, ghostValue);
    gh.field(null, Fakes.id(), "untyped", null, null, untypedValue);
    gh.field(null, Fakes.id(), "weird", "SOME_FUTURE_TYPE", null, weirdValue);
    config = ("{\"key\":\"" + plant(Fakes.secret()) + "\"}").getBytes(StandardCharsets.UTF_8);
    fileId = gh.file(null, "config.json", config);
    world.install(wm);
    provider = connect(b -> b);
  }

  @AfterEach
  void stop() {
    provider.close();
    wm.stop();
    // Security: nothing we logged and no error we produced holds a planted value or the token.
    leaks.assertNoLeaks(logs.text());
  }

  String plant(String s) {
    return leaks.plant(s);
  }

  OnePasswordConnectProvider connect(java.util.function.UnaryOperator<OnePasswordConnectProvider.Builder> custom) {
    return custom.apply(OnePasswordConnectProvider.builder()
        .host(baseUrl).token(SecretValue.ofString(token)).clock(clock)
        .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(2))
        .callTimeout(Duration.ofSeconds(4))).build();
  }

  String resolve(String ref) {
    return LeakGuard.reveal(provider, ref);
  }

  <T extends Throwable> T failure(Class<T> type, String ref) {
    return leaks.failure(provider, type, ref);
  }

  int requests(String path) {
    return wm.findAll(getRequestedFor(urlPathEqualTo(path))).size();
  }

  // ---- resolution ----

  @Test
  void resolve_byNames_returnsConcealedValueAndSendsBearerToken() {
    assertThat(resolve("op://Dev/GitHub/password")).isEqualTo(password);
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults"))
        .withQueryParam("filter", equalTo("name eq \"Dev\""))
        .withHeader("Authorization", equalTo("Bearer " + token)));
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults/" + devId + "/items"))
        .withQueryParam("filter", equalTo("title eq \"GitHub\"")));
    // Exact filter hits need no full list.
    wm.verify(0, getRequestedFor(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", absent()));
  }

  @Test
  void resolve_namesIgnoreCase_fallBackToFullList() {
    assertThat(resolve("op://dev/GITHUB/Password")).isEqualTo(password);
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", absent()));
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults/" + devId + "/items"))
        .withQueryParam("filter", absent()));
  }

  @Test
  void resolve_byIds_usesIdEndpointsWithoutLists() {
    String ref = "op://" + devId + "/" + githubId + "/password";
    assertThat(resolve(ref)).isEqualTo(password);
    assertThat(requests("/v1/vaults")).isZero();
    assertThat(requests("/v1/vaults/" + devId + "/items")).isZero();
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults/" + devId)));
  }

  @Test
  void resolve_idShapedName_fallsBackToNameAfter404() {
    String idLikeName = Fakes.id();
    var v = world.vault(idLikeName);
    var item = world.item(v, "db", "DATABASE");
    String value = plant(Fakes.secret());
    item.field(null, "password", "password", "CONCEALED", "PASSWORD", value);
    world.install(wm);
    assertThat(resolve("op://" + idLikeName + "/db/password")).isEqualTo(value);
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults/" + idLikeName)));
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults"))
        .withQueryParam("filter", equalTo("name eq \"" + idLikeName + "\"")));
  }

  @Test
  void resolve_vaultWhoseNameHasQuotes_byItsId() {
    var v = world.vault("Team \"Ops\"");
    var item = world.item(v, "Pager", "LOGIN");
    String value = plant(Fakes.secret());
    item.field(null, "password", "password", "CONCEALED", "PASSWORD", value);
    world.install(wm);
    assertThat(resolve("op://" + v.get("id").asText() + "/Pager/password")).isEqualTo(value);
    assertThat(ConnectResolver.quote("Team \"Ops\" \\x")).isEqualTo("\"Team \\\"Ops\\\" \\\\x\"");
  }

  @Test
  void resolve_fieldInSection_byLabelOrSectionId() {
    assertThat(resolve("op://Dev/GitHub/Admin/email")).isEqualTo(adminEmail);
    assertThat(resolve("op://Dev/GitHub/admin/API TOKEN")).isEqualTo(apiToken);
    assertThat(resolve("op://Dev/GitHub/" + adminSectionId + "/api token")).isEqualTo(apiToken);
    // Three parts find a field inside a section too when the label is unique.
    assertThat(resolve("op://Dev/GitHub/api token")).isEqualTo(apiToken);
  }

  @Test
  void resolve_toleratesOddItems() {
    assertThat(resolve("op://Dev/GitHub/linked items/ghost")).isEqualTo(ghostValue);
    assertThat(resolve("op://Dev/GitHub/ghost")).isEqualTo(ghostValue);
    assertThat(resolve("op://Dev/GitHub/untyped")).isEqualTo(untypedValue);
    // A field without "type" is a STRING field, the Connect API's default.
    assertThat(resolve("op://Dev/GitHub/untyped?attribute=type")).isEqualTo("string");
    assertThat(resolve("op://Dev/GitHub/weird")).isEqualTo(weirdValue);
    assertThat(resolve("op://Dev/GitHub/weird?attr=type")).isEqualTo("some_future_type");
  }

  @Test
  void resolve_unknownCategoryAndMissingArrays_areTolerated() {
    var v = world.vault("Odd");
    var item = world.item(v, "Thing", "A_CATEGORY_FROM_THE_FUTURE");
    item.node.remove("sections");
    String value = plant(Fakes.secret());
    item.field(null, Fakes.id(), "secret", "CONCEALED", null, value);
    world.install(wm);
    assertThat(resolve("op://Odd/Thing/secret")).isEqualTo(value);
    failure(SecretNotFoundException.class, "op://Odd/Thing/Admin/secret");
  }

  @Test
  void resolve_attributes() {
    assertThat(resolve("op://Dev/GitHub/password?attribute=type")).isEqualTo("concealed");
    assertThat(resolve("op://Dev/GitHub/password?attribute=purpose")).isEqualTo("password");
    assertThat(resolve("op://Dev/GitHub/password?attr=id")).isEqualTo("password");
    assertThat(resolve("op://Dev/GitHub/username?attribute=value")).isEqualTo("octocat");
    assertThat(failure(SecretFormatException.class, "op://Dev/GitHub/api token?attribute=purpose"))
        .hasMessageContaining("has no purpose");
    assertThat(failure(SecretFormatException.class, "op://Dev/GitHub/notesPlain"))
        .hasMessageContaining("has no value");
    assertThat(failure(SecretFormatException.class, "op://Dev/GitHub/password?attribute=otp"))
        .hasMessageContaining("not a one-time password field");
  }

  @Test
  void resolve_otp_computesCurrentCodeOnInjectedClock() {
    now.set(Instant.ofEpochSecond(1_717_243_215L)); // 15 s into a 30 s period
    ResolvedSecret r = provider.resolve(SecretRef.parse("op://Dev/GitHub/Security/one-time password?attribute=otp"));
    String expected = new String(Totp.parse(otpSecret, "test").code(now.get()).digits());
    assertThat(r.value().revealString()).isEqualTo(expected).matches("[0-9]{6}");
    assertThat(r.expiresAt()).contains(Instant.ofEpochSecond(1_717_243_230L));
    now.set(now.get().plusSeconds(30));
    assertThat(resolve("op://Dev/GitHub/one-time password?attribute=totp"))
        .isEqualTo(new String(Totp.parse(otpSecret, "test").code(now.get()).digits()));
    // The OTP field's value itself is the otpauth URI.
    assertThat(resolve("op://Dev/GitHub/one-time password")).startsWith("otpauth://totp/");
  }

  @Test
  void resolve_files_throughContentEndpoint() {
    ResolvedSecret r = provider.resolve(SecretRef.parse("op://Dev/GitHub/config.json"));
    assertThat(r.value().revealBytes()).isEqualTo(config);
    wm.verify(getRequestedFor(urlPathEqualTo("/v1/vaults/" + devId + "/items/" + githubId + "/files/"
        + fileId + "/content")).withHeader("Authorization", equalTo("Bearer " + token)));
    assertThat(resolve("op://Dev/GitHub/config.json?attribute=size")).isEqualTo(Integer.toString(config.length));
    assertThat(resolve("op://Dev/GitHub/CONFIG.JSON?attribute=name")).isEqualTo("config.json");
    assertThat(resolve("op://Dev/GitHub/" + fileId + "?attribute=content")).isEqualTo(new String(config, StandardCharsets.UTF_8));
    assertThat(failure(SecretFormatException.class, "op://Dev/GitHub/config.json?attribute=otp"))
        .hasMessageContaining("file attachment");
    assertThat(failure(SecretFormatException.class, "op://Dev/GitHub/password?attribute=size"))
        .hasMessageContaining("applies to file attachments");
  }

  @Test
  void resolve_binaryFile_keepsBytes() {
    var v = world.vault("Keys");
    var item = world.item(v, "Cert", "DOCUMENT");
    byte[] der = Fakes.bytes(300);
    der[0] = (byte) 0xC3; // not valid UTF-8 on its own
    der[1] = (byte) 0x28;
    item.file(null, "cert.der", der);
    world.install(wm);
    ResolvedSecret r = provider.resolve(SecretRef.parse("op://Keys/Cert/cert.der"));
    assertThat(r.value().isBinary()).isTrue();
    assertThat(r.value().revealBytes()).isEqualTo(der);
  }

  @Test
  void resolve_missingParts_sayWhichPart() {
    assertThat(failure(SecretNotFoundException.class, "op://Nope/GitHub/password"))
        .hasMessageContaining("Vault 'Nope' was not found").hasMessageContaining("'Dev'");
    assertThat(failure(SecretNotFoundException.class, "op://Dev/Nope/password"))
        .hasMessageContaining("Item 'Nope' was not found in vault 'Dev'");
    assertThat(failure(SecretNotFoundException.class, "op://Dev/GitHub/Nope/password"))
        .hasMessageContaining("Section 'Nope' was not found").hasMessageContaining("'Admin'");
    assertThat(failure(SecretNotFoundException.class, "op://Dev/GitHub/Admin/password"))
        .hasMessageContaining("Field 'password' was not found").hasMessageContaining("in section 'Admin'");
    assertThat(failure(SecretNotFoundException.class, "op://Dev/GitHub/nope"))
        .hasMessageContaining("Field 'nope' was not found").hasMessageContaining("'api token'");
    assertThat(failure(SecretNotFoundException.class, "op://Dev/GitHub/nope.txt?attribute=size"))
        .hasMessageContaining("File 'nope.txt' was not found");
  }

  @Test
  void resolve_ambiguousNames_nameCandidateIds() {
    var dup = world.vault("Dev");
    var other = world.item(dup, "Other", "LOGIN");
    other.field(null, "password", "password", "CONCEALED", "PASSWORD", plant(Fakes.secret()));
    var dev = world.vault("Staging");
    var a = world.item(dev, "DB", "DATABASE");
    var b = world.item(dev, "db", "DATABASE");
    a.field(null, "password", "password", "CONCEALED", null, plant(Fakes.secret()));
    b.field(null, "password", "password", "CONCEALED", null, plant(Fakes.secret()));
    var c = world.item(dev, "Twins", "LOGIN");
    String s1 = c.section("one");
    String s2 = c.section("two");
    var f1 = c.field(s1, Fakes.id(), "token", "CONCEALED", null, plant(Fakes.secret()));
    var f2 = c.field(s2, Fakes.id(), "Token", "CONCEALED", null, plant(Fakes.secret()));
    world.install(wm);

    var vaults = failure(AmbiguousReferenceException.class, "op://Dev/GitHub/password");
    assertThat(vaults.part()).isEqualTo("vault");
    assertThat(vaults.candidateIds()).containsExactlyInAnyOrder(devId, dup.get("id").asText());
    assertThat(vaults).hasMessageContaining(devId).hasMessageContaining(dup.get("id").asText());

    var items = failure(AmbiguousReferenceException.class, "op://Staging/Db/password");
    assertThat(items.candidateIds()).containsExactlyInAnyOrder(a.id(), b.id());
    // An exact-case match is taken without listing everything.
    assertThat(provider.resolve(SecretRef.parse("op://Staging/DB/password"))).isNotNull();

    var fields = failure(AmbiguousReferenceException.class, "op://Staging/Twins/token");
    assertThat(fields.part()).isEqualTo("field");
    assertThat(fields.candidateIds()).containsExactlyInAnyOrder(f1.get("id").asText(), f2.get("id").asText());
    assertThat(resolve("op://Staging/Twins/two/token")).isNotEmpty();
    assertThat(fields).isInstanceOf(InvalidReferenceException.class);
  }

  @Test
  void resolve_threePartReference_prefersTheOnlyFieldOutsideSections() {
    var v = world.vault("Mixed");
    var item = world.item(v, "App", "LOGIN");
    String top = plant(Fakes.secret());
    item.field(null, "password", "password", "CONCEALED", "PASSWORD", top);
    item.field(item.section("Old"), Fakes.id(), "password", "CONCEALED", null, plant(Fakes.secret()));
    world.install(wm);
    assertThat(resolve("op://Mixed/App/password")).isEqualTo(top);
  }

  @Test
  void resolve_invalidReference_isRejectedOffline() {
    assertThat(failure(InvalidReferenceException.class, "op://Dev/GitHub"))
        .hasMessageContaining("3 or 4 parts");
    assertThat(wm.getAllServeEvents()).isEmpty();
  }

  // ---- caching and sharing ----

  @Test
  void idCache_skipsListsUntilTtlThenLooksUpAgain() {
    resolve("op://Dev/GitHub/password");
    resolve("op://Dev/GitHub/username");
    assertThat(requests("/v1/vaults")).isEqualTo(1);
    assertThat(requests("/v1/vaults/" + devId + "/items")).isEqualTo(1);
    assertThat(requests("/v1/vaults/" + devId + "/items/" + githubId)).isEqualTo(2);
    assertThat(provider.cachedIds()).isEqualTo(2);
    now.set(now.get().plus(Duration.ofMinutes(11)));
    resolve("op://Dev/GitHub/password");
    assertThat(requests("/v1/vaults")).isEqualTo(2);
  }

  @Test
  void idCache_staleItemId_isLookedUpAgain() {
    resolve("op://Dev/GitHub/password");
    // The item is deleted and re-created under a new ID in the same vault.
    String fresh = recreateGitHub(devId);
    assertThat(resolve("op://Dev/GitHub/password")).isEqualTo(fresh);
  }

  @Test
  void idCache_staleVaultId_isLookedUpAgain() {
    resolve("op://Dev/GitHub/password");
    // The vault is re-created under a new ID.
    String fresh = recreateGitHub(Fakes.id());
    assertThat(resolve("op://Dev/GitHub/password")).isEqualTo(fresh);
  }

  /** Replaces the world with vault Dev (of {@code vaultId}) holding a new GitHub item; returns its password. */
  private String recreateGitHub(String vaultId) {
    world = new ConnectWorld();
    var again = world.item(world.vault(vaultId, "Dev"), "GitHub", "LOGIN");
    String fresh = plant(Fakes.secret());
    again.field(null, "password", "password", "CONCEALED", "PASSWORD", fresh);
    world.install(wm);
    return fresh;
  }

  @Test
  void resolveAll_sharesVaultItemAndFileFetches() {
    List<SecretRef> refs = List.of(
        SecretRef.parse("op://Dev/GitHub/password"),
        SecretRef.parse("op://Dev/GitHub/username"),
        SecretRef.parse("op://dev/github/Admin/email"),
        SecretRef.parse("op://Dev/GitHub/config.json"),
        SecretRef.parse("op://Dev/GitHub/config.json?attribute=content"),
        SecretRef.parse("op://Dev/GitHub/nope"),
        SecretRef.parse("op://Dev/Missing/password"));
    Map<SecretRef, SecretProvider.Result> out = provider.resolveAll(refs);
    assertThat(out).hasSize(7);
    assertThat(out.get(refs.get(0)).getOrThrow().value().revealString()).isEqualTo(password);
    assertThat(out.get(refs.get(2)).getOrThrow().value().revealString()).isEqualTo(adminEmail);
    assertThat(out.get(refs.get(4)).getOrThrow().value().revealBytes()).isEqualTo(config);
    assertThat(out.get(refs.get(5)).isSuccess()).isFalse();
    assertThatThrownBy(() -> out.get(refs.get(6)).getOrThrow()).isInstanceOf(SecretNotFoundException.class);
    assertThat(out.get(refs.get(6)).toString()).doesNotContain("password");
    // One vault lookup, one item fetch per distinct item, one content download.
    assertThat(requests("/v1/vaults/" + devId + "/items/" + githubId)).isEqualTo(1);
    assertThat(wm.findAll(getRequestedFor(urlPathMatching("/v1/vaults/.*/content"))).size()).isEqualTo(1);
    assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/v1/vaults"))
        .withQueryParam("filter", equalTo("name eq \"Dev\""))).size()).isEqualTo(1);
  }

  // ---- errors ----

  @Test
  void errors_connectBodiesMapToTypedErrors() {
    stubVaults(ConnectWorld.error(401, "Invalid token signature"));
    var unauthorized = failure(SecretAccessDeniedException.class, "op://Dev/GitHub/password");
    assertThat(unauthorized).hasMessageContaining("HTTP 401: Invalid token signature")
        .hasMessageContaining("OP_CONNECT_TOKEN");
    assertThat(unauthorized.retryable()).isFalse();

    stubVaults(ConnectWorld.error(403, "Authorization: Token doesn't have access to vault"));
    var forbidden = failure(SecretAccessDeniedException.class, "op://Dev/GitHub/password");
    assertThat(forbidden.retryable()).isFalse();
    assertThat(forbidden).hasMessageContaining("403");

    stubVaults(ConnectWorld.error(429, "Too many requests"));
    var limited = failure(ProviderUnavailableException.class, "op://Dev/GitHub/password");
    assertThat(limited.retryable()).isTrue();
    assertThat(limited).hasMessageContaining("rate limiting");

    stubVaults(ConnectWorld.error(500, "Internal server error: sync failure"));
    assertThat(failure(ProviderUnavailableException.class, "op://Dev/GitHub/password").retryable()).isTrue();

    stubVaults(aResponse().withStatus(503).withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Connect is starting\"}"));
    assertThat(failure(ProviderUnavailableException.class, "op://Dev/GitHub/password"))
        .hasMessageContaining("HTTP 503: Connect is starting");

    stubVaults(aResponse().withStatus(502).withHeader("Content-Type", "text/html")
        .withBody("<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"));
    assertThat(failure(ProviderUnavailableException.class, "op://Dev/GitHub/password"))
        .hasMessageContaining("non-JSON body (text/html").hasMessageNotContaining("nginx");

    stubVaults(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
        .withBody("{\"status\":400,\"message\":\"Invalid filter\"}"));
    var bad = failure(KeyholeException.class, "op://Dev/GitHub/password");
    assertThat(bad.retryable()).isFalse();
    assertThat(bad).hasMessageContaining("Invalid filter");

    stubVaults(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("<html>login</html>"));
    assertThat(failure(ProviderUnavailableException.class, "op://Dev/GitHub/password"))
        .hasMessageContaining("not Connect's JSON");
  }

  @Test
  void errors_404ForAnIdNamesTheMissingPart() {
    String missing = Fakes.id();
    assertThat(failure(SecretNotFoundException.class, "op://Dev/" + missing + "/password"))
        .hasMessageContaining("Item '" + missing + "'");
  }

  @Test
  void errors_tokenEchoedByServer_isRedacted() {
    stubVaults(ConnectWorld.error(401, "bad token " + token));
    var e = failure(SecretAccessDeniedException.class, "op://Dev/GitHub/password");
    assertThat(e).hasMessageContaining(Texts.REDACTED);
  }

  @Test
  void slowServer_withinTimeouts_succeeds() {
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).withQueryParam("filter", equalTo("name eq \"Dev\""))
        .atPriority(0).willReturn(ConnectWorld.json(List.of(Map.of("id", devId, "name", "Dev")))
            .withFixedDelay(300)));
    assertThat(resolve("op://Dev/GitHub/password")).isEqualTo(password);
  }

  @Test
  void slowServer_beyondReadTimeout_isRetryableUnavailable() {
    provider.close();
    provider = connect(b -> b.readTimeout(Duration.ofMillis(200)).callTimeout(Duration.ofSeconds(2)));
    stubVaults(ConnectWorld.json(List.of()).withFixedDelay(1_500));
    var e = failure(ProviderUnavailableException.class, "op://Dev/GitHub/password");
    assertThat(e).hasMessageContaining("timed out");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void droppedConnections_areRetryableAndNotSilentlyRetriedByOkHttp() {
    for (Fault fault : List.of(Fault.CONNECTION_RESET_BY_PEER, Fault.EMPTY_RESPONSE,
        Fault.RANDOM_DATA_THEN_CLOSE, Fault.MALFORMED_RESPONSE_CHUNK)) {
      wm.resetRequests();
      stubVaults(aResponse().withFault(fault));
      var e = failure(ProviderUnavailableException.class, "op://Dev/GitHub/password");
      assertThat(e.retryable()).as(fault.name()).isTrue();
      assertThat(requests("/v1/vaults")).as(fault.name() + " requests").isEqualTo(1);
    }
  }

  @Test
  void unreachableHost_isRetryableUnavailable() {
    wm.stop();
    assertThat(failure(ProviderUnavailableException.class, "op://Dev/GitHub/password"))
        .hasMessageContaining("could not be reached");
  }

  void stubVaults(com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder response) {
    wm.stubFor(get(urlPathEqualTo("/v1/vaults")).atPriority(0).willReturn(response));
  }

  // ---- logging ----

  @Test
  void logs_redactAuthorizationAndNameOnlyPaths() {
    resolve("op://Dev/GitHub/password");
    resolve("op://Dev/GitHub/one-time password?attribute=otp");
    String captured = logs.text();
    assertThat(captured).contains("Authorization: ██").contains("/v1/vaults").contains("-> 200");
    assertThat(captured).doesNotContain(token);
  }

  // ---- configuration and readiness ----

  @Test
  void config_fromEnvironment_andClearErrors() {
    try (var p = OnePasswordConnectProvider.builder()
        .environment(Map.of("OP_CONNECT_HOST", wm.baseUrl(), "OP_CONNECT_TOKEN", token)).clock(clock).build()) {
      ResolvedSecret r = p.resolve(SecretRef.parse("op://Dev/GitHub/password"));
      assertThat(r.value().revealString()).isEqualTo(password);
      assertThat(p.toString()).doesNotContain(token);
      assertThat(p.id()).isEqualTo("1password-connect");
      assertThat(p.schemes()).containsExactly("op");
    }
    assertThatThrownBy(() -> OnePasswordConnectProvider.builder().environment(Map.of()).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("OP_CONNECT_HOST");
    assertThatThrownBy(() -> OnePasswordConnectProvider.builder()
        .environment(Map.of("OP_CONNECT_HOST", wm.baseUrl())).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("OP_CONNECT_TOKEN");
    assertThatThrownBy(() -> OnePasswordConnectProvider.builder().host("localhost:8080")
        .token(SecretValue.ofString(token)).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("http://localhost:8080")
        .hasMessageNotContaining(token);
  }

  @Test
  void close_wipesToken() {
    provider.close();
    assertThatThrownBy(() -> provider.resolve(SecretRef.parse("op://Dev/GitHub/password")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void health_reportsReadiness() {
    wm.stubFor(get(urlPathEqualTo("/heartbeat")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain").withBody(".")));
    wm.stubFor(get(urlPathEqualTo("/health")).willReturn(ConnectWorld.json(Map.of(
        "name", "1Password Connect API", "version", "1.7.3",
        "dependencies", List.of(
            Map.of("service", "sqlite", "status", "ACTIVE", "message", "Connected to ./1password.sqlite"),
            Map.of("service", "sync", "status", "ACTIVE"))))));
    ConnectHealth h = provider.health();
    assertThat(h.ready()).isTrue();
    assertThat(h.version()).contains("1.7.3");
    assertThat(h.dependencies()).containsEntry("sync", "ACTIVE");

    wm.stubFor(get(urlPathEqualTo("/health")).willReturn(ConnectWorld.json(Map.of(
        "name", "1Password Connect API", "version", "1.7.3",
        "dependencies", List.of(Map.of("service", "sync", "status", "TOKEN_NEEDED"))))));
    assertThat(provider.health().ready()).isFalse();

    wm.stubFor(get(urlPathEqualTo("/heartbeat")).willReturn(aResponse().withStatus(503)));
    assertThatThrownBy(provider::health).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("heartbeat");
  }
}
