package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.keyhole.aws.StsStubs.ROLE_ARN;
import static dev.keyhole.aws.StsStubs.action;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The opt-in IAM revocation hook, over IAM's Query/XML protocol on WireMock. */
class IamRevocationHookTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/";
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private final FakeClock clock = FakeClock.at(Instant.now());
  private final RecordingAuditSink audit = RecordingAuditSink.create();
  private IamRevocationHook hook;
  private Keyhole keyhole;
  private StsStubs.Session session;

  @BeforeEach
  void setUp() {
    hook = IamRevocationHook.create(aws.options().build());
    StsCredentialIssuer issuer = StsCredentialIssuer.builder().options(aws.options().build())
        .clock(clock).revocationHook(hook).build();
    keyhole = AwsTestServer.keyhole().issuer(issuer).clock(clock).auditSink(audit).build();
    session = StsStubs.Session.generate(clock.instant().plus(Duration.ofMinutes(15)));
    StsStubs.stubAssumeRole(aws, session, "audit-3");
  }

  @AfterEach
  void tearDown() {
    keyhole.close();
    hook.close();
  }

  private void stubIam(String action, int status, String body) {
    aws.wm.stubFor(post("/").atPriority(1).withRequestBody(containing("Action=" + action + "&"))
        .willReturn(StsStubs.xml(status, body)));
  }

  private static String ok(String action) {
    return "<" + action + "Response xmlns=\"" + IAM_NS + "\"><ResponseMetadata><RequestId>"
        + UUID.randomUUID() + "</RequestId></ResponseMetadata></" + action + "Response>";
  }

  private static String error(String code) {
    return "<ErrorResponse xmlns=\"" + IAM_NS + "\"><Error><Type>Sender</Type><Code>" + code
        + "</Code><Message>no</Message></Error><RequestId>" + UUID.randomUUID()
        + "</RequestId></ErrorResponse>";
  }

  private TaskScope useCredentials() {
    TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("audit-3")
        .grant(Grant.builder("aws").issuer("aws-sts", Map.of("roleArn", ROLE_ARN,
            "actions", "s3:GetObject", "resources", "*")).tools("t").build()).build());
    task.resolve(task.handle("aws_access_key_id"), Use.byTool("t")).destroy();
    return task;
  }

  @Test
  void close_attachesTheDenyPolicyToTheRole_andCleanUpDeletesItAfterExpiry() throws Exception {
    stubIam("PutRolePolicy", 200, ok("PutRolePolicy"));
    stubIam("DeleteRolePolicy", 200, ok("DeleteRolePolicy"));
    TaskScope task = useCredentials();
    clock.advance(Duration.ofMinutes(1));

    task.close();

    Map<String, String> put = StsStubs.form(aws.wm.findAll(action("PutRolePolicy")
        .withHeader("Authorization", containing("Credential=" + aws.keyholeAccessKeyId + "/"))
        .withHeader("Authorization", containing("/iam/aws4_request"))).get(0));
    assertThat(put).containsEntry("Version", "2010-05-08").containsEntry("RoleName", "agent-tasks");
    assertThat(put.get("PolicyName")).matches("keyhole-revoke-[0-9a-f]{16}");
    JsonNode st = JSON.readTree(put.get("PolicyDocument")).path("Statement").get(0);
    assertThat(st.path("Effect").asText()).isEqualTo("Deny");
    assertThat(st.at("/Condition/StringEquals/aws:PrincipalTag~1keyhole-task-id").asText())
        .isEqualTo("audit-3");
    assertThat(hook.pending()).isEqualTo(1);
    assertThat(audit.events(AuditEventType.CREDENTIAL_REVOKED).get(0).outcome())
        .isEqualTo("left_to_expire");

    assertThat(hook.cleanUp(clock.instant())).isZero();
    assertThat(hook.cleanUp(session.expiration())).isEqualTo(1);
    Map<String, String> delete = StsStubs.form(aws.wm.findAll(action("DeleteRolePolicy")).get(0));
    assertThat(delete).containsEntry("RoleName", "agent-tasks")
        .containsEntry("PolicyName", put.get("PolicyName"));
    assertThat(hook.pending()).isZero();
    audit.assertNoValue(session.values());
  }

  @Test
  void iamRefusal_doesNotKeepTheTaskOpen_andIsATypedError() {
    stubIam("PutRolePolicy", 403, error("AccessDenied"));
    TaskScope task = useCredentials();

    task.close();

    assertThat(task.isOpen()).isFalse();
    assertThat(hook.pending()).isZero();
    assertThat(audit.events(AuditEventType.CREDENTIAL_REVOKED).get(0).outcome())
        .isEqualTo("left_to_expire");
    SessionRevocation r = SessionRevocation.of(ROLE_ARN, "s", "AROAEXAMPLE:s", "t", null,
        clock.instant(), clock.instant().plusSeconds(900));
    assertThatThrownBy(() -> hook.sessionEnded(r)).isInstanceOf(SecretAccessDeniedException.class)
        .hasMessageContaining("iam:PutRolePolicy");
  }

  @Test
  void cleanUp_forgetsPoliciesSomeoneAlreadyDeleted_andRetriesOtherFailures() {
    stubIam("PutRolePolicy", 200, ok("PutRolePolicy"));
    SessionRevocation gone = SessionRevocation.of(ROLE_ARN, "a", "AROAEXAMPLE:a", "a", null,
        clock.instant(), clock.instant().plusSeconds(900));
    SessionRevocation flaky = SessionRevocation.of(ROLE_ARN, "b", "AROAEXAMPLE:b", "b", null,
        clock.instant(), clock.instant().plusSeconds(900));
    hook.sessionEnded(gone);
    hook.sessionEnded(flaky);
    aws.wm.stubFor(post("/").atPriority(1).withRequestBody(containing("Action=DeleteRolePolicy&"))
        .withRequestBody(containing(gone.policyName()))
        .willReturn(StsStubs.xml(404, error("NoSuchEntity"))));
    aws.wm.stubFor(post("/").atPriority(1).withRequestBody(containing("Action=DeleteRolePolicy&"))
        .withRequestBody(containing(flaky.policyName()))
        .willReturn(StsStubs.xml(500, error("ServiceFailure"))));

    assertThat(hook.cleanUp(clock.instant().plusSeconds(901))).isZero();
    assertThat(hook.pending()).isEqualTo(1);
  }
}
