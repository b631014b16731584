package dev.keyhole.tools;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyhole.Grant;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.audit.AuditEventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP tool attacked as a prompt-injected model would attack it (issue 12), against WireMock
 * over the JDK client: values that break out of a JSON or form body, a redirect to the granted host
 * on another port, and a compressed echo of the value.
 */
class HttpAttackTest {
  private static WireMockServer server;
  private static WireMockServer otherPort;
  private static final ObjectMapper JSON = new ObjectMapper();

  private Fixture fx;
  private TaskScope task;

  @BeforeAll
  static void start() {
    server = new WireMockServer(options().dynamicPort());
    server.start();
    otherPort = new WireMockServer(options().dynamicPort());
    otherPort.start();
  }

  @AfterAll
  static void stop() {
    server.stop();
    otherPort.stop();
  }

  @BeforeEach
  void setUp() {
    server.resetAll();
    otherPort.resetAll();
    fx = new Fixture("api_token");
    // Values that end a JSON string or a form field and start new ones.
    plant("quote_token", Fixture.randomValue(16) + "\", \"admin\": true, \"z\": \""
        + Fixture.randomValue(8));
    plant("slash_token", Fixture.randomValue(16) + "\\");
    plant("amp_token", Fixture.randomValue(16) + "&admin=1&z=" + Fixture.randomValue(8));
    String local = "localhost:" + server.port();
    task = fx.open(grant("api_token", local), grant("quote_token", local),
        grant("slash_token", local), grant("amp_token", local));
  }

  private void plant(String name, String value) {
    fx.values.put(name, value);
    fx.provider.put(name, value);
  }

  private static Grant grant(String name, String destination) {
    return Grant.builder(name).ref("memory:" + name).tools(HttpTool.DEFAULT_NAME)
        .destinations(destination).allowHttpLocalhost(true).build();
  }

  @AfterEach
  void tearDown() {
    task.close();
    fx.assertAuditClean();
    fx.close();
  }

  private static String url(String path) {
    return "http://localhost:" + server.port() + path;
  }

  private String call(String argumentsJson) {
    String out = HttpTool.create().call(task, argumentsJson);
    fx.assertNoValue(out);
    return out;
  }

  private static LoggedRequest onlyRequest(String path) {
    List<LoggedRequest> all = server.findAll(postRequestedFor(urlPathEqualTo(path)));
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  // --- bodies ----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"quote_token", "slash_token"})
  void jsonBody_valueThatEndsTheString_isSentAsOneStringField(String handle) throws Exception {
    server.stubFor(post("/login").willReturn(aResponse().withStatus(204)));

    call("{\"method\": \"POST\", \"url\": \"" + url("/login") + "\", \"body\": {\"user\": \"ci\","
        + " \"pass\": \"secret://" + handle + "\"}}");

    assertSentAsJson(onlyRequest("/login").getBodyAsString(), handle);
  }

  @ParameterizedTest
  @ValueSource(strings = {"quote_token", "slash_token"})
  void jsonTextBody_withJsonContentType_isSubstitutedInTheTree(String handle) throws Exception {
    server.stubFor(post("/login").willReturn(aResponse().withStatus(204)));

    call("{\"method\": \"POST\", \"url\": \"" + url("/login") + "\", \"headers\": {\"Content-Type\":"
        + " \"application/json\"}, \"body\": \"{\\\"user\\\": \\\"ci\\\", \\\"pass\\\":"
        + " \\\"secret://" + handle + "\\\"}\"}");

    assertSentAsJson(onlyRequest("/login").getBodyAsString(), handle);
  }

  private void assertSentAsJson(String sent, String handle) throws IOException {
    JsonNode body = JSON.readTree(sent);
    List<String> fields = new java.util.ArrayList<>();
    body.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).as("the fields the server received").containsExactly("user", "pass");
    assertThat(body.get("pass").textValue().equals(fx.value(handle)))
        .as("'pass' holds exactly the value").isTrue();
  }

  @Test
  void formBody_valueWithAmpersands_cannotAddFields() {
    server.stubFor(post("/login").willReturn(aResponse().withStatus(204)));

    call("{\"method\": \"POST\", \"url\": \"" + url("/login") + "\", \"headers\": {\"Content-Type\":"
        + " \"application/x-www-form-urlencoded\"}, \"body\": \"user=ci&pass=secret://amp_token\"}");

    Map<String, String> form = new LinkedHashMap<>();
    for (String pair : onlyRequest("/login").getBodyAsString().split("&", -1)) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    assertThat(form.keySet()).as("the form fields the server received")
        .containsExactly("user", "pass");
    assertThat(form.get("pass").equals(fx.value("amp_token"))).as("'pass' is the value").isTrue();
  }

  // --- redirects -------------------------------------------------------------------------

  @Test
  void redirectToTheGrantedHostOnAnotherPort_isNotFollowed_andNothingIsSentThere() {
    server.stubFor(get("/start").willReturn(aResponse().withStatus(302)
        .withHeader("Location", "http://localhost:" + otherPort.port() + "/steal")));
    otherPort.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));

    assertThatThrownBy(() -> call("{\"url\": \"" + url("/start") + "\", \"headers\":"
        + " {\"Authorization\": \"Bearer secret://api_token\"}}"))
        .isInstanceOfSatisfying(ToolFailedException.class, e -> {
          assertThat(e.originalType()).isEqualTo(PolicyViolationException.class.getName());
          fx.assertNoValue(e.getMessage() + e.redactedTrace());
        });

    assertThat(otherPort.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    assertThat(fx.audit.events(AuditEventType.USE_DENIED)).anySatisfy(e -> {
      assertThat(e.reason()).isEqualTo("DESTINATION_NOT_ALLOWED");
      assertThat(e.destination()).isEqualTo("http://localhost:" + otherPort.port());
    });
  }

  // --- compressed responses --------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "deflate"})
  void compressedEchoOfTheValue_isDecompressedAndRedacted(String encoding) throws IOException {
    byte[] plain = ("token=" + fx.value("api_token") + "\n").getBytes(StandardCharsets.UTF_8);
    server.stubFor(get("/echo").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain; charset=ISO-8859-1")
        .withHeader("Content-Encoding", encoding).withBody(compress(plain, encoding))));

    String out = call("{\"url\": \"" + url("/echo") + "\", \"headers\": {\"Authorization\":"
        + " \"Bearer secret://api_token\"}}");

    // What a model could do with the text: take its bytes back and decompress them.
    assertThat(decompressAnywhere(out).contains(fx.value("api_token")))
        .as("the value, decompressed from the tool's output").isFalse();
    assertThat(out).contains("token=secret://api_token");
  }

  @Test
  void bodyInAnEncodingKeyholeCannotDecode_isNotShown() {
    server.stubFor(get("/br").willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "text/plain").withHeader("Content-Encoding", "br")
        .withBody(new byte[] {0x1b, 0x05, 0x00, (byte) 0xf8, 0x25, 0x02, 0x03, 0x04})));

    String out = call("{\"url\": \"" + url("/br") + "\"}");

    assertThat(out).contains("HTTP 200").contains("br").contains("not shown");
  }

  private static byte[] compress(byte[] data, String encoding) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (java.io.OutputStream out = encoding.equals("gzip") ? new GZIPOutputStream(bytes)
        : new DeflaterOutputStream(bytes)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  /** Every gzip or zlib stream found in the text (read back as ISO-8859-1 bytes), decompressed. */
  private static String decompressAnywhere(String text) {
    byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i + 1 < b.length; i++) {
      boolean gzip = (b[i] & 0xff) == 0x1f && (b[i + 1] & 0xff) == 0x8b;
      boolean zlib = (b[i] & 0xff) == 0x78 && ((b[i] & 0xff) * 256 + (b[i + 1] & 0xff)) % 31 == 0;
      if (gzip || zlib) {
        ByteArrayInputStream raw = new ByteArrayInputStream(b, i, b.length - i);
        try (InputStream in = gzip ? new GZIPInputStream(raw) : new InflaterInputStream(raw)) {
          sb.append(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          // not a stream after all
        }
      }
    }
    return sb.toString();
  }
}
