package dev.keyhole.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.ToolGuard;
import dev.keyhole.audit.AuditEventType;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP tool against WireMock (http and https on localhost), through the JDK client. */
class HttpToolTest {
  private static WireMockServer server;
  private static HttpClient client;
  private static Path keystoreDir;

  private Fixture fx;
  private TaskScope task;

  /** A self-signed certificate for localhost and 127.0.0.1, made with the JDK's keytool. */
  @BeforeAll
  static void startServer() throws Exception {
    keystoreDir = Files.createTempDirectory("kh-tls");
    Path ks = keystoreDir.resolve("server.p12");
    String pw = Fixture.randomValue(16);
    Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool")
        .toString(), "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", pw, "-keypass", pw)
        .redirectErrorStream(true).start();
    p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("keytool").isTrue();
    server = new WireMockServer(options().dynamicPort().dynamicHttpsPort()
        .keystorePath(ks.toString()).keystorePassword(pw).keyManagerPassword(pw)
        .keystoreType("PKCS12"));
    server.start();
    KeyStore trust = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      trust.load(in, pw.toCharArray());
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, tmf.getTrustManagers(), null);
    client = HttpClient.newBuilder().sslContext(ssl).followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stopServer() throws Exception {
    server.stop();
    try (var files = Files.list(keystoreDir)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(keystoreDir);
  }

  @BeforeEach
  void setUp() {
    server.resetAll();
    fx = new Fixture("api_token", "strict_token", "remote_token", "both_token");
    task = fx.open(
        Grant.builder("api_token").ref("memory:api_token").tools("http_request")
            .destinations(local(), localTls()).allowHttpLocalhost(true).description("the test API token")
            .build(),
        Grant.builder("strict_token").ref("memory:strict_token").tools("http_request")
            .destinations(local(), localTls()).build(),
        Grant.builder("remote_token").ref("memory:remote_token").tools("http_request")
            .destinations("api.example.com").build(),
        Grant.builder("both_token").ref("memory:both_token").tools("http_request")
            .destinations(local(), "127.0.0.1:" + server.port()).allowHttpLocalhost(true).build());
  }

  private static String local() {
    return "localhost:" + server.port();
  }

  private static String localTls() {
    return "localhost:" + server.httpsPort();
  }

  @AfterEach
  void tearDown() {
    fx.assertAuditClean();
    fx.close();
  }

  private HttpTool.Builder tool() {
    return HttpTool.builder().httpClient(client);
  }

  private String http(String path) {
    return "http://localhost:" + server.port() + path;
  }

  private String https(String path) {
    return "https://localhost:" + server.httpsPort() + path;
  }

  private static String request(String method, String url, String headersJson, String bodyJson) {
    return "{\"method\": \"" + method + "\", \"url\": \"" + url + "\""
        + (headersJson == null ? "" : ", \"headers\": " + headersJson)
        + (bodyJson == null ? "" : ", \"body\": " + bodyJson) + "}";
  }

  private static final String BEARER = "{\"Authorization\": \"Bearer secret://api_token\"}";

  private String call(HttpTool t, String args) {
    String out = t.call(task, args);
    fx.assertNoValue(out);
    return out;
  }

  /** A refusal inside the tool body reaches the caller as the guard's redacted failure. */
  private static void refusedByPolicy(Throwable e) {
    assertThat(e).isInstanceOfSatisfying(ToolFailedException.class, f -> assertThat(f.originalType())
        .isEqualTo(PolicyViolationException.class.getName()));
  }

  @Test
  void headerTemplate_sendsValue_andResultHasNone() {
    server.stubFor(get("/user").withHeader("Authorization", equalTo("Bearer " + fx.value("api_token")))
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withHeader("X-RateLimit-Remaining", "4999").withHeader("Set-Cookie", "s=1")
            .withBody("{\"login\":\"octocat\",\"id\":1}")));

    String out = call(tool().build(), request("GET", http("/user"), BEARER, null));

    assertThat(out).startsWith("HTTP 200\n").contains("content-type: application/json")
        .contains("x-ratelimit-remaining: 4999").doesNotContainIgnoringCase("set-cookie")
        .endsWith("{\"login\":\"octocat\",\"id\":1}");
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).singleElement()
        .satisfies(e -> assertThat(e.destination()).isEqualTo("http://" + local()));
  }

  @Test
  void urlTemplate_percentEncodesValueInQuery() {
    server.stubFor(get(urlPathEqualTo("/search")).withQueryParam("key", equalTo(fx.value("api_token")))
        .withQueryParam("q", equalTo("a b"))
        .willReturn(aResponse().withStatus(200).withBody("found")));

    String out = call(tool().build(),
        request("GET", http("/search?q=a%20b&key=secret://api_token"), null, null));

    assertThat(out).startsWith("HTTP 200").endsWith("found");
  }

  @Test
  void bodyTemplate_stringAndJson() {
    server.stubFor(post("/login").willReturn(aResponse().withStatus(204)));
    HttpTool t = tool().build();

    call(t, request("POST", http("/login"), "{\"Content-Type\": \"application/x-www-form-urlencoded\"}",
        "\"user=ci&pass=secret://api_token\""));
    call(t, request("POST", http("/login"), null, "{\"user\": \"ci\", \"pass\": \"secret://api_token\"}"));

    server.verify(postRequestedFor(urlPathEqualTo("/login"))
        .withRequestBody(equalTo("user=ci&pass=" + fx.value("api_token"))));
    server.verify(postRequestedFor(urlPathEqualTo("/login"))
        .withHeader("Content-Type", equalTo("application/json"))
        .withRequestBody(equalToJson("{\"user\":\"ci\",\"pass\":\"" + fx.value("api_token") + "\"}")));
  }

  @Test
  void destinationNotInGrant_isDenied_andNothingIsSent() {
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));

    assertThatThrownBy(() -> tool().build().call(task,
        request("POST", "http://127.0.0.1:" + server.port() + "/collect", BEARER, "\"x\"")))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.DESTINATION_NOT_ALLOWED))
        .hasMessageContaining("127.0.0.1");
    server.verify(0, anyRequestedFor(anyUrl()));
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.destination()).isEqualTo("http://127.0.0.1:" + server.port()));
  }

  @Test
  void requestWithoutHandles_mayGoAnywhereUnlessToolRestrictsHosts() {
    server.stubFor(get("/open").willReturn(aResponse().withStatus(200).withBody("public")));

    assertThat(call(tool().build(), request("GET", "http://127.0.0.1:" + server.port() + "/open", null, null)))
        .endsWith("public");
    assertThatThrownBy(() -> tool().allowedHosts("localhost").build().call(task,
        request("GET", "http://127.0.0.1:" + server.port() + "/open", null, null)))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("reaches only [localhost]");
  }

  @Test
  void plainHttp_onlyToLocalhost_andOnlyWhenGrantAllowsIt() {
    server.stubFor(get("/user").willReturn(aResponse().withStatus(200).withBody("ok")));
    HttpTool t = tool().build();

    assertThatThrownBy(() -> t.call(task,
        request("GET", http("/user"), "{\"Authorization\": \"Bearer secret://strict_token\"}", null)))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INSECURE_TRANSPORT));
    assertThatThrownBy(() -> t.call(task, request("GET", "http://api.example.com/user",
        "{\"Authorization\": \"Bearer secret://remote_token\"}", null)))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INSECURE_TRANSPORT));
    server.verify(0, anyRequestedFor(anyUrl()));

    assertThat(call(t, request("GET", https("/user"),
        "{\"Authorization\": \"Bearer secret://strict_token\"}", null))).endsWith("ok");
    server.verify(getRequestedFor(urlPathEqualTo("/user"))
        .withHeader("Authorization", equalTo("Bearer " + fx.value("strict_token"))));
  }

  @Test
  void redirectOnSameHost_isFollowedWithTheSecret() {
    server.stubFor(get("/repos/acme/old").willReturn(aResponse().withStatus(301)
        .withHeader("Location", "/repos/acme/new").withHeader("Content-Type", "application/json")
        .withBody("{\"message\":\"Moved Permanently\",\"url\":\"/repos/acme/new\"}")));
    server.stubFor(get("/repos/acme/new").withHeader("Authorization", equalTo("Bearer " + fx.value("api_token")))
        .willReturn(aResponse().withStatus(200).withBody("{\"name\":\"new\"}")));

    String out = call(tool().build(), request("GET", http("/repos/acme/old"), BEARER, null));

    assertThat(out).startsWith("HTTP 200").contains("followed redirect 301 to http://localhost")
        .endsWith("{\"name\":\"new\"}");
  }

  @Test
  void redirectToAnotherHost_isRefusedByDefault_andNothingIsSentThere() {
    server.stubFor(get("/start").willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://127.0.0.1:" + server.port() + "/collect")));
    server.stubFor(get("/collect").willReturn(aResponse().withStatus(200)));

    assertThatThrownBy(() -> tool().build().call(task, request("GET", http("/start"), BEARER, null)))
        .satisfies(HttpToolTest::refusedByPolicy)
        .satisfies(e -> fx.assertNoValue(e.getMessage() + ((ToolFailedException) e).redactedTrace()))
        .hasMessageContaining("redirected to http://127.0.0.1")
        .hasMessageContaining("not followed");
    server.verify(0, getRequestedFor(urlPathEqualTo("/collect")));
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).singleElement()
        .satisfies(e -> assertThat(e.destination()).isEqualTo("http://127.0.0.1:" + server.port()));
  }

  @Test
  void redirectToAnotherHost_withDropSecrets_followsWithoutSecretHeaders() {
    server.stubFor(get("/start").willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://127.0.0.1:" + server.port() + "/collect")));
    server.stubFor(get("/collect").willReturn(aResponse().withStatus(200).withBody("landed")));

    String out = call(tool().crossHostRedirect(HttpTool.CrossHostRedirect.DROP_SECRETS).build(),
        request("GET", http("/start"), "{\"Authorization\": \"Bearer secret://api_token\", \"Accept\": \"text/plain\"}", null));

    assertThat(out).contains("dropped header(s) [Authorization]").endsWith("landed");
    server.verify(getRequestedFor(urlPathEqualTo("/collect")).withHeader("Authorization", absent())
        .withHeader("Accept", equalTo("text/plain")));
  }

  @Test
  void redirectToAnotherHost_withSecretInBody_isRefusedEvenWhenDropping() {
    server.stubFor(post("/start").willReturn(aResponse().withStatus(307)
        .withHeader("Location", "http://127.0.0.1:" + server.port() + "/collect")));

    assertThatThrownBy(() -> tool().crossHostRedirect(HttpTool.CrossHostRedirect.DROP_SECRETS).build()
        .call(task, request("POST", http("/start"), null, "\"token=secret://api_token\"")))
        .satisfies(HttpToolTest::refusedByPolicy).hasMessageContaining("not followed");
    server.verify(0, postRequestedFor(urlPathEqualTo("/collect")));
  }

  @Test
  void redirectCarryingTheValueInItsUrl_isNeverFollowedToAnotherHost() {
    // A hostile server echoes the token into the Location of a redirect to another host.
    server.stubFor(get("/start").willReturn(aResponse().withStatus(302).withHeader("Location",
        "http://127.0.0.1:" + server.port() + "/collect?t=" + fx.value("api_token"))));

    assertThatThrownBy(() -> tool().crossHostRedirect(HttpTool.CrossHostRedirect.DROP_SECRETS).build()
        .call(task, request("GET", http("/start"), BEARER, null)))
        .satisfies(HttpToolTest::refusedByPolicy).hasMessageContaining("secret value in the redirect URL")
        .satisfies(e -> fx.assertNoValue(e.getMessage()));
    server.verify(0, getRequestedFor(urlPathEqualTo("/collect")));
  }

  @Test
  void redirectFromHttpsToHttp_isCheckedAsATransportChange() {
    server.stubFor(get("/secure").willReturn(aResponse().withStatus(302)
        .withHeader("Location", http("/plain"))));
    server.stubFor(get("/plain").willReturn(aResponse().withStatus(200)));

    assertThatThrownBy(() -> tool().build().call(task, request("GET", https("/secure"),
        "{\"Authorization\": \"Bearer secret://strict_token\"}", null)))
        .satisfies(HttpToolTest::refusedByPolicy).hasMessageContaining("plain http");
    server.verify(0, getRequestedFor(urlPathEqualTo("/plain")));
  }

  @Test
  void redirectToAnotherGrantedHost_isFollowed_andCountsAsAnotherUse() {
    server.stubFor(get("/start").willReturn(aResponse().withStatus(307)
        .withHeader("Location", "http://127.0.0.1:" + server.port() + "/final")));
    server.stubFor(get("/final").withHeader("X-Key", equalTo(fx.value("both_token")))
        .willReturn(aResponse().withStatus(200).withBody("done")));

    String out = call(tool().build(), request("GET", http("/start"), "{\"X-Key\": \"secret://both_token\"}", null));

    assertThat(out).endsWith("done");
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).extracting(e -> e.destination())
        .containsExactly("http://" + local(), "http://127.0.0.1:" + server.port());
  }

  @Test
  void redirectLoop_stopsAtTheLimit() {
    server.stubFor(get("/loop").willReturn(aResponse().withStatus(302).withHeader("Location", "/loop")));

    String out = call(tool().maxRedirects(3).build(), request("GET", http("/loop"), BEARER, null));

    assertThat(out).startsWith("HTTP 302").contains("stopped after 3 redirects");
    server.verify(4, getRequestedFor(urlPathEqualTo("/loop")));
  }

  @Test
  void largeResponse_isCappedWithMarker() {
    server.stubFor(get("/big").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain").withBody("x".repeat(1_048_576))));

    String out = call(tool().maxResponseBytes(1024).build(), request("GET", http("/big"), BEARER, null));

    assertThat(out).contains("x".repeat(1024)).doesNotContain("x".repeat(1025))
        .contains("\n[keyhole: body truncated after 1024 bytes");
  }

  @Test
  void errorStatuses_areResults_andEchoedValuesAreRedacted() {
    server.stubFor(get("/missing").willReturn(aResponse().withStatus(404)
        .withHeader("Content-Type", "application/json; charset=utf-8")
        .withBody("{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\","
            + "\"status\":\"404\"}")));
    server.stubFor(get("/denied").willReturn(aResponse().withStatus(401)
        .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\", token=\"" + fx.value("api_token") + "\"")
        .withBody("{\"message\":\"Bad credentials: " + fx.value("api_token") + "\"}")));
    server.stubFor(get("/boom").willReturn(aResponse().withStatus(503).withHeader("Retry-After", "30")
        .withBody("upstream unavailable")));
    HttpTool t = tool().build();

    assertThat(call(t, request("GET", http("/missing"), BEARER, null))).startsWith("HTTP 404")
        .contains("\"message\":\"Not Found\"");
    assertThat(call(t, request("GET", http("/denied"), BEARER, null))).startsWith("HTTP 401")
        .contains("token=\"secret://api_token\"").contains("Bad credentials: secret://api_token");
    assertThat(call(t, request("GET", http("/boom"), BEARER, null))).startsWith("HTTP 503")
        .contains("retry-after: 30").endsWith("upstream unavailable");
  }

  @Test
  void binaryBody_isNotShown() {
    server.stubFor(get("/logo.png").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "image/png").withBody(new byte[] {(byte) 0x89, 'P', 'N', 'G'})));

    assertThat(call(tool().build(), request("GET", http("/logo.png"), null, null)))
        .contains("[keyhole: 4 bytes of image/png not shown]");
  }

  @Test
  void connectionRefused_isARetryableFailureWithoutValue() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String url = "http://localhost:" + closedPort + "/x?key=secret://api_token";
    TaskScope closed = fx.open(Grant.builder("api_token").ref("memory:api_token").tools("http_request")
        .destinations("localhost:" + closedPort).allowHttpLocalhost(true).build());

    assertThatThrownBy(() -> tool().build().call(closed, request("GET", url, BEARER, null)))
        .isInstanceOfSatisfying(ToolFailedException.class, e -> {
          assertThat(e.getMessage()).contains("Could not connect to localhost:" + closedPort);
          fx.assertNoValue(e.getMessage() + e.redactedTrace());
        });
  }

  @Test
  void slowServer_timesOut() {
    server.stubFor(get("/slow").willReturn(aResponse().withStatus(200).withFixedDelay(3_000)));

    assertThatThrownBy(() -> tool().timeout(Duration.ofMillis(300)).build()
        .call(task, request("GET", http("/slow"), BEARER, null)))
        .isInstanceOf(ToolFailedException.class).hasMessageContaining("timed out");
  }

  @Test
  void handlesOutsidePathQueryHeadersAndBody_areRejected() {
    HttpTool t = tool().build();
    for (String url : List.of("http://secret://api_token@localhost/x",
        "http://localhost.secret://api_token/x", "http://localhost:" + server.port() + "/x#secret://api_token")) {
      assertThatThrownBy(() -> t.call(task, request("GET", url, null, null)))
          .as(url).isInstanceOf(ToolArgumentsException.class);
    }
    assertThatThrownBy(() -> t.call(task, request("GET", http("/x"), "{\"secret://api_token\": \"x\"}", null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("header values only");
    assertThat(fx.audit.events(AuditEventType.USE_ALLOWED)).isEmpty();
    server.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void malformedRequests_areClearErrors() {
    HttpTool t = tool().methods("GET", "POST").build();
    assertThatThrownBy(() -> t.call(task, request("DELETE", http("/x"), null, null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("does not send method 'DELETE'");
    assertThatThrownBy(() -> t.call(task, request("GET", "ftp://localhost/x", null, null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("scheme 'ftp'");
    assertThatThrownBy(() -> t.call(task, request("GET", "/relative", null, null)))
        .isInstanceOf(ToolArgumentsException.class);
    assertThatThrownBy(() -> t.call(task, request("GET", http("/x"), "{\"Host\": \"evil\"}", null)))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("set by the HTTP client");
    assertThatThrownBy(() -> t.call(task, request("GET", http("/x"), null, "\"body\"")))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("has no body");
    assertThatThrownBy(() -> t.call(task, "{\"url\": \"" + http("/x") + "\", \"verb\": \"GET\"}"))
        .isInstanceOf(ToolArgumentsException.class).hasMessageContaining("no argument 'verb'");
    server.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void usableThroughAnOwnToolGuard_withConfigure() {
    server.stubFor(get("/user").willReturn(aResponse().withStatus(200).withBody("me")));
    HttpTool t = tool().build();
    ToolGuard guard = t.configure(ToolGuard.builder(task)).build();

    assertThat(guard.call("http_request", request("GET", http("/user"), BEARER, null), t::run))
        .endsWith("me");
    assertThatThrownBy(() -> guard.call("http_request",
        request("GET", "https://api.example.com/user", BEARER, null), t::run))
        .isInstanceOf(PolicyViolationException.class);
  }

  @Test
  void runInAGuardWithoutConfigure_failsClosed_andSendsNothing() {
    server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
    HttpTool t = tool().build();

    // Without the destination declared the guard cannot check hosts: the destination is unknown,
    // which a grant with destinations denies before anything resolves.
    assertThatThrownBy(() -> ToolGuard.builder(task).handleParameters("http_request", "headers")
        .build().call("http_request",
            request("GET", "http://127.0.0.1:" + server.port() + "/collect", BEARER, null), t::run))
        .isInstanceOfSatisfying(PolicyViolationException.class,
            e -> assertThat(e.reason()).isEqualTo(PolicyViolationException.Reason.DESTINATION_UNKNOWN));
    server.verify(0, anyRequestedFor(anyUrl()));
  }

  @Test
  void descriptionAndSchema_nameHandlesButNoValues() {
    HttpTool t = tool().build();
    String d = t.description(task);

    assertThat(d).contains("secret://api_token: the test API token (hosts: [" + local() + ", " + localTls() + "])");
    fx.assertNoValue(d + t.parametersSchema());
  }

  @Test
  void clientThatFollowsRedirects_isRejected() {
    assertThatThrownBy(() -> HttpTool.builder()
        .httpClient(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("Redirect.NEVER");
  }
}
