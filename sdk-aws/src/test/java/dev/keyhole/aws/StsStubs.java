package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.matching.RequestPatternBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.keyhole.testkit.LeakAssertions;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * STS over its Query protocol on WireMock: form-encoded {@code Action=...} requests, {@code
 * <AssumeRoleResponse>} / {@code <GetCallerIdentityResponse>} answers and {@code <ErrorResponse>}
 * errors, as STS writes them. Credentials are generated at run time.
 */
final class StsStubs {
  static final String ROLE_ARN = "arn:aws:iam::111122223333:role/agent-tasks";
  static final String NS = "https://sts.amazonaws.com/doc/2011-06-15/";

  /** One generated STS session. */
  record Session(String accessKeyId, String secretAccessKey, String sessionToken,
      String assumedRoleId, Instant expiration) {
    static Session generate(Instant expiration) {
      return new Session(AwsTestServer.fakeAccessKeyId("ASIA"), LeakAssertions.randomSecret(40),
          LeakAssertions.randomSecret(200),
          AwsTestServer.fakeAccessKeyId("AROA"), expiration.truncatedTo(ChronoUnit.SECONDS));
    }

    String[] values() {
      return new String[] {accessKeyId, secretAccessKey, sessionToken};
    }
  }

  private StsStubs() {}

  /** Requests for one STS action. */
  static RequestPatternBuilder action(String action) {
    return postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=" + action + "&"));
  }

  /** Stubs {@code AssumeRole} to answer with {@code session}. */
  static void stubAssumeRole(AwsTestServer aws, Session session, String sessionName) {
    aws.wm.stubFor(post("/").atPriority(5).withRequestBody(containing("Action=AssumeRole&"))
        .willReturn(xml(200, assumeRoleResponse(session, sessionName))));
  }

  static String assumeRoleResponse(Session s, String sessionName) {
    return "<AssumeRoleResponse xmlns=\"" + NS + "\">\n"
        + "  <AssumeRoleResult>\n"
        + "    <SourceIdentity>agent-7</SourceIdentity>\n"
        + "    <AssumedRoleUser>\n"
        + "      <Arn>arn:aws:sts::111122223333:assumed-role/agent-tasks/" + sessionName + "</Arn>\n"
        + "      <AssumedRoleId>" + s.assumedRoleId() + ":" + sessionName + "</AssumedRoleId>\n"
        + "    </AssumedRoleUser>\n"
        + "    <Credentials>\n"
        + "      <AccessKeyId>" + s.accessKeyId() + "</AccessKeyId>\n"
        + "      <SecretAccessKey>" + s.secretAccessKey() + "</SecretAccessKey>\n"
        + "      <SessionToken>" + s.sessionToken() + "</SessionToken>\n"
        + "      <Expiration>" + s.expiration() + "</Expiration>\n"
        + "    </Credentials>\n"
        + "    <PackedPolicySize>12</PackedPolicySize>\n"
        + "  </AssumeRoleResult>\n"
        + "  <ResponseMetadata>\n"
        + "    <RequestId>" + UUID.randomUUID() + "</RequestId>\n"
        + "  </ResponseMetadata>\n"
        + "</AssumeRoleResponse>\n";
  }

  /** Stubs {@code GetCallerIdentity} as the assumed role. */
  static void stubGetCallerIdentity(AwsTestServer aws, String sessionName) {
    aws.wm.stubFor(post("/").atPriority(5).withRequestBody(containing("Action=GetCallerIdentity&"))
        .willReturn(xml(200, "<GetCallerIdentityResponse xmlns=\"" + NS + "\">\n"
            + "  <GetCallerIdentityResult>\n"
            + "    <Arn>arn:aws:sts::111122223333:assumed-role/agent-tasks/" + sessionName + "</Arn>\n"
            + "    <UserId>AROAEXAMPLEROLEID:" + sessionName + "</UserId>\n"
            + "    <Account>111122223333</Account>\n"
            + "  </GetCallerIdentityResult>\n"
            + "  <ResponseMetadata>\n"
            + "    <RequestId>" + UUID.randomUUID() + "</RequestId>\n"
            + "  </ResponseMetadata>\n"
            + "</GetCallerIdentityResponse>\n")));
  }

  /** The Query protocol error shape. */
  static ResponseDefinitionBuilder error(int status, String code, String message) {
    String type = status >= 500 ? "Receiver" : "Sender";
    return xml(status, "<ErrorResponse xmlns=\"" + NS + "\">\n"
        + "  <Error>\n"
        + "    <Type>" + type + "</Type>\n"
        + "    <Code>" + code + "</Code>\n"
        + "    <Message>" + message + "</Message>\n"
        + "  </Error>\n"
        + "  <RequestId>" + UUID.randomUUID() + "</RequestId>\n"
        + "</ErrorResponse>\n");
  }

  static ResponseDefinitionBuilder xml(int status, String body) {
    return aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
        .withHeader("x-amzn-RequestId", UUID.randomUUID().toString()).withBody(body);
  }

  /** The form fields of a Query request, decoded. */
  static Map<String, String> form(LoggedRequest r) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : r.getBodyAsString().split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The fields of the only {@code AssumeRole} request so far. */
  static Map<String, String> onlyAssumeRole(AwsTestServer aws) {
    List<LoggedRequest> all = aws.wm.findAll(action("AssumeRole"));
    if (all.size() != 1) {
      throw new AssertionError("expected one AssumeRole request, got " + all.size());
    }
    return form(all.get(0));
  }
}
