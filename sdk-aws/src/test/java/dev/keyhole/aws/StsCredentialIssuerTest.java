package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.keyhole.aws.StsStubs.ROLE_ARN;
import static dev.keyhole.aws.StsStubs.action;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.ConfigurationException;
import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.KeyholeException;
import dev.keyhole.Policy;
import dev.keyhole.ProviderUnavailableException;
import dev.keyhole.SecretAccessDeniedException;
import dev.keyhole.SecretFormatException;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.spi.CredentialLease;
import dev.keyhole.spi.IssueRequest;
import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.LeakAssertions;
import dev.keyhole.testkit.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** STS AssumeRole through the real SDK client against WireMock speaking the Query/XML protocol. */
class StsCredentialIssuerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private final FakeClock clock = FakeClock.at(Instant.now());
  private final RecordingAuditSink audit = RecordingAuditSink.create();
  private final List<SessionRevocation> revocations = new ArrayList<>();
  private StsCredentialIssuer issuer;
  private Keyhole keyhole;
  private StsStubs.Session session;

  @BeforeEach
  void setUp() {
    issuer = StsCredentialIssuer.builder().options(aws.options().build()).clock(clock)
        .revocationHook(revocations::add).build();
    keyhole = AwsTestServer.keyhole().issuer(issuer).clock(clock).auditSink(audit).build();
    session = StsStubs.Session.generate(clock.instant().plus(Duration.ofMinutes(20)));
  }

  @AfterEach
  void tearDown() {
    keyhole.close();
  }

  private static Map<String, String> scoped(String... more) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("roleArn", ROLE_ARN);
    p.put("actions", "s3:GetObject");
    p.put("resources", "arn:aws:s3:::reports/*");
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private IssueRequest request(String taskId, Duration lifetime, Map<String, String> params) {
    return new IssueRequest(taskId, "agent-7", "aws", lifetime, params);
  }

  @Test
  void issue_sendsAssumeRole_withSessionPolicyTagsDurationAndIdentity() throws Exception {
    StsStubs.stubAssumeRole(aws, session, "fix-issue-42");
    Map<String, String> params = new LinkedHashMap<>();
    params.put("roleArn", ROLE_ARN);
    params.put("actions", "s3:GetObject, s3:ListBucket");
    params.put("resources", "arn:aws:s3:::reports,arn:aws:s3:::reports/*");
    params.put("policyArns", "arn:aws:iam::aws:policy/ReadOnlyAccess");
    params.put("externalId", "keyhole-ext-0001");
    params.put("sourceIdentity", "${agentId}");
    params.put("tags", "team=data, purpose=${grant}");
    params.put("transitiveTagKeys", "team");
    TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("fix-issue-42")
        .agentId("agent-7").ttl(Duration.ofMinutes(20))
        .grant(Grant.builder("aws").issuer("aws-sts", params).tools("aws_cli").build()).build());

    try (SecretValue akid = task.resolve(task.handle("aws_access_key_id"), Use.byTool("aws_cli"));
        SecretValue secret = task.resolve(task.handle("aws_secret_access_key"), Use.byTool("aws_cli"));
        SecretValue token = task.resolve(task.handle("aws_session_token"), Use.byTool("aws_cli"))) {
      assertThat(akid.revealString()).isEqualTo(session.accessKeyId());
      assertThat(secret.revealString()).isEqualTo(session.secretAccessKey());
      assertThat(token.revealString()).isEqualTo(session.sessionToken());
    }

    Map<String, String> form = StsStubs.onlyAssumeRole(aws);
    assertThat(form).containsEntry("Action", "AssumeRole").containsEntry("Version", "2011-06-15")
        .containsEntry("RoleArn", ROLE_ARN).containsEntry("RoleSessionName", "fix-issue-42")
        .containsEntry("DurationSeconds", "1200")
        .containsEntry("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
        .containsEntry("ExternalId", "keyhole-ext-0001").containsEntry("SourceIdentity", "agent-7")
        .containsEntry("TransitiveTagKeys.member.1", "team");
    assertThat(JSON.readTree(form.get("Policy"))).isEqualTo(JSON.readTree(
        "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":[\"s3:GetObject\",\"s3:ListBucket\"],"
            + "\"Resource\":[\"arn:aws:s3:::reports\",\"arn:aws:s3:::reports/*\"]}]}"));
    assertThat(tags(form)).containsExactly(Map.entry("keyhole-task-id", "fix-issue-42"),
        Map.entry("keyhole-agent-id", "agent-7"), Map.entry("team", "data"),
        Map.entry("purpose", "aws"));
    aws.wm.verify(action("AssumeRole")
        .withHeader("Authorization", containing("Credential=" + aws.keyholeAccessKeyId + "/"))
        .withHeader("Authorization", containing("/us-east-1/sts/aws4_request")));

    AuditEvent issued = audit.events(AuditEventType.CREDENTIAL_ISSUED).get(0);
    assertThat(issued.outcome()).isEqualTo("ok");
    assertThat(issued.attributes()).containsEntry("roleArn", ROLE_ARN)
        .containsEntry("sessionName", "fix-issue-42").containsEntry("durationSeconds", "1200")
        .containsEntry("sourceIdentity", "agent-7");
    task.close();
    audit.assertNoValue(session.values());
  }

  private static Map<String, String> tags(Map<String, String> form) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 1; form.containsKey("Tags.member." + i + ".Key"); i++) {
      out.put(form.get("Tags.member." + i + ".Key"), form.get("Tags.member." + i + ".Value"));
    }
    return out;
  }

  @Test
  void policyFile_withYamlListsAndMappings_isUnderstood() throws Exception {
    StsStubs.stubAssumeRole(aws, session, "yaml-1");
    Policy policy = Policy.parse(String.join("\n",
        "version: 1",
        "handles:",
        "  aws:",
        "    issuer: aws-sts",
        "    tools: [aws_cli]",
        "    parameters:",
        "      roleArn: " + ROLE_ARN,
        "      policy:",
        "        Version: '2012-10-17'",
        "        Statement:",
        "          - Effect: Allow",
        "            Action: [s3:GetObject]",
        "            Resource: ['arn:aws:s3:::reports/*']",
        "      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess']",
        "      tags: {team: data}",
        "      maxDurationSeconds: 7200",
        ""), "keyhole-policy.yaml");
    try (Keyhole k = AwsTestServer.keyhole().issuer(issuer).clock(clock).policy(policy).build();
        TaskScope task = k.openTask(TaskOptions.builder().taskId("yaml-1").grants("aws")
            .ttl(Duration.ofHours(1)).build())) {
      task.resolve(task.handle("aws_session_token"), Use.byTool("aws_cli")).destroy();
    }
    Map<String, String> form = StsStubs.onlyAssumeRole(aws);
    assertThat(JSON.readTree(form.get("Policy")).at("/Statement/0/Resource/0").asText())
        .isEqualTo("arn:aws:s3:::reports/*");
    assertThat(form).containsEntry("PolicyArns.member.1.arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
        .containsEntry("DurationSeconds", "3600");
    assertThat(tags(form)).containsEntry("team", "data").containsEntry("keyhole-task-id", "yaml-1");
  }

  @Test
  void badPolicyFileGrant_failsWhenKeyholeIsBuilt() {
    Policy policy = Policy.builder().grant(Grant.builder("aws")
        .issuer("aws-sts", Map.of("roleArn", ROLE_ARN, "actions", "[\"s3:GetObject\"]"))
        .tools("t").build()).build();
    assertThatThrownBy(() -> AwsTestServer.keyhole().issuer(issuer).policy(policy).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("both 'actions' and 'resources'");
  }

  @Test
  void inlinePolicy_isSentCompacted() throws Exception {
    StsStubs.stubAssumeRole(aws, session, "t");
    String policy = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\","
        + " \"Action\": \"sqs:SendMessage\", \"Resource\": \"arn:aws:sqs:us-east-1:111122223333:jobs\"}\n  ]\n}";
    issuer.issue(request("t1", Duration.ofMinutes(30),
        Map.of("roleArn", ROLE_ARN, "policy", policy, "taskTags", "false"))).destroy();
    Map<String, String> form = StsStubs.onlyAssumeRole(aws);
    assertThat(form.get("Policy")).doesNotContain("\n").doesNotContain("  ");
    assertThat(JSON.readTree(form.get("Policy"))).isEqualTo(JSON.readTree(policy));
    assertThat(form).doesNotContainKey("Tags.member.1.Key");
  }

  static Stream<Arguments> durations() {
    return Stream.of(
        Arguments.of(Duration.ofMinutes(5), Map.of(), 900),
        Arguments.of(Duration.ofSeconds(1), Map.of(), 900),
        Arguments.of(Duration.ofMillis(1_200_001), Map.of(), 1201),
        Arguments.of(Duration.ofHours(3), Map.of(), 3600),
        Arguments.of(Duration.ofHours(3), Map.of("maxDurationSeconds", "7200"), 7200),
        Arguments.of(Duration.ofHours(30), Map.of("maxDurationSeconds", "43200"), 43200));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("durations")
  void durationSeconds_isTheTaskLifetime_clampedTo900AndTheRoleMaximum(Duration lifetime,
      Map<String, String> extra, int expected) {
    StsStubs.stubAssumeRole(aws, session, "t");
    Map<String, String> p = scoped();
    p.putAll(extra);
    CredentialLease lease = issuer.issue(request("t", lifetime, p));
    lease.destroy();
    assertThat(StsStubs.onlyAssumeRole(aws)).containsEntry("DurationSeconds", Integer.toString(expected));
    assertThat(lease.attributes()).containsEntry("durationSeconds", Integer.toString(expected));
  }

  @Test
  void sessionName_comesFromTheTaskId_withinStsRules() {
    StsStubs.stubAssumeRole(aws, session, "t");
    String longA = "nightly-report:" + "x".repeat(100) + "-a";
    String longB = "nightly-report:" + "x".repeat(100) + "-b";
    List<String> names = new ArrayList<>();
    for (String id : List.of("job:42@ci", longA, longB, "a")) {
      aws.wm.resetRequests();
      issuer.issue(new IssueRequest(id, null, "aws", Duration.ofMinutes(15),
          scoped("sessionNamePrefix", "kh."))).destroy();
      names.add(StsStubs.onlyAssumeRole(aws).get("RoleSessionName"));
    }
    assertThat(names.get(0)).isEqualTo("kh.job-42@ci");
    assertThat(names).allSatisfy(n -> assertThat(n).matches("[\\w+=,.@-]{2,64}"));
    assertThat(names.get(1)).hasSize(64).isNotEqualTo(names.get(2));
    assertThat(names.get(3)).isEqualTo("kh.a");
  }

  static Stream<Arguments> invalidParameters() {
    String longPolicy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\","
        + "\"Resource\":[" + IntStream.range(0, 100).mapToObj(i -> "\"arn:aws:s3:::bucket-" + i + "/*\"")
        .collect(Collectors.joining(",")) + "]}]}";
    String elevenArns = IntStream.range(0, 11).mapToObj(i -> "arn:aws:iam::111122223333:policy/p" + i)
        .collect(Collectors.joining(","));
    String fiftyTags = IntStream.range(0, 49).mapToObj(i -> "k" + i + "=v")
        .collect(Collectors.joining(","));
    return Stream.of(
        Arguments.of(Map.of("actions", "s3:GetObject", "resources", "*"), "has no 'roleArn'"),
        Arguments.of(scoped("roleArn", "arn:aws:iam::1234:role/x"), "invalid 'roleArn'"),
        Arguments.of(scoped("roleArn", "arn:aws:iam::111122223333:user/x"), "invalid 'roleArn'"),
        Arguments.of(scoped("rolearn", ROLE_ARN), "unknown parameter 'rolearn'"),
        Arguments.of(Map.of("roleArn", ROLE_ARN), "every permission of role"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "policy", "{not json"), "not valid JSON"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "policy", "[1]"), "not an IAM policy document"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "policy", longPolicy), "at most 2048"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "policy",
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::\u0101\"}]}"),
            "U+0020-U+00FF"),
        Arguments.of(scoped("policy", "{\"Statement\":[]}"), "not both"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "actions", "s3:GetObject"), "both 'actions' and 'resources'"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "actions", "GetObject", "resources", "*"), "invalid action"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "policyArns", elevenArns), "at most 10"),
        Arguments.of(Map.of("roleArn", ROLE_ARN, "policyArns", "arn:aws:iam::aws:role/x"), "invalid policy ARN"),
        Arguments.of(scoped("tags", fiftyTags), "at most 50"),
        Arguments.of(scoped("tags", "aws:team=x"), "reserved"),
        Arguments.of(scoped("tags", "Team=a,team=b"), "twice"),
        Arguments.of(scoped("tags", "keyhole-task-id=x"), "twice"),
        Arguments.of(scoped("tags", "team=" + "v".repeat(257)), "at most 256"),
        Arguments.of(scoped("tags", "te#am=x"), "invalid session tag key"),
        Arguments.of(scoped("tags", "novalue"), "malformed entry"),
        Arguments.of(scoped("transitiveTagKeys", "team"), "not one of the session tags"),
        Arguments.of(scoped("externalId", "x"), "'externalId'"),
        Arguments.of(scoped("externalId", "has space"), "'externalId'"),
        Arguments.of(scoped("sourceIdentity", "s".repeat(65)), "'sourceIdentity'"),
        Arguments.of(scoped("sourceIdentity", "${nope}"), "unknown variable ${nope}"),
        Arguments.of(scoped("maxDurationSeconds", "899"), "900 to 43200"),
        Arguments.of(scoped("maxDurationSeconds", "43201"), "900 to 43200"),
        Arguments.of(scoped("maxDurationSeconds", "1h"), "non-numeric"),
        Arguments.of(scoped("taskTags", "maybe"), "expected true or false"),
        Arguments.of(scoped("sessionNamePrefix", "a:b"), "sessionNamePrefix"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidParameters")
  void invalidParameters_failBeforeAnyCall_withTheLimit(Map<String, String> params, String fragment) {
    Throwable v = catchThrowable(() -> issuer.validate(request("t", Duration.ofMinutes(15), params)));
    assertThat(v).isInstanceOf(ConfigurationException.class).hasMessageContaining(fragment)
        .hasMessageContaining("Grant 'aws'");
    assertThatThrownBy(() -> issuer.issue(request("t", Duration.ofMinutes(15), params)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining(fragment);
    aws.wm.verify(0, action("AssumeRole"));
  }

  @Test
  void agentIdVariable_withoutAnAgent_failsAtIssue_butPassesValidation() {
    Map<String, String> p = scoped("sourceIdentity", "${agentId}");
    issuer.validate(new IssueRequest("validation", null, "aws", Duration.ofMinutes(15), p));
    assertThatThrownBy(() -> issuer.issue(new IssueRequest("t", null, "aws", Duration.ofMinutes(15), p)))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no agent id");
  }

  @Test
  void badGrant_isRejectedWhenTheTaskOpens_withoutAnyCall() {
    Grant bad = Grant.builder("aws").issuer("aws-sts", Map.of("roleArn", ROLE_ARN)).tools("t").build();
    assertThatThrownBy(() -> keyhole.openTask(TaskOptions.builder().grant(bad).build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("fullRolePermissions");
    issuer.validate(request("t", Duration.ofMinutes(15),
        Map.of("roleArn", ROLE_ARN, "fullRolePermissions", "true")));
    aws.wm.verify(0, action("AssumeRole"));
  }

  static Stream<Arguments> stsErrors() {
    return Stream.of(
        Arguments.of(403, "AccessDenied", SecretAccessDeniedException.class, false),
        Arguments.of(403, "InvalidClientTokenId", SecretAccessDeniedException.class, false),
        Arguments.of(400, "ExpiredToken", SecretAccessDeniedException.class, false),
        Arguments.of(400, "MalformedPolicyDocument", ConfigurationException.class, false),
        Arguments.of(400, "PackedPolicyTooLarge", ConfigurationException.class, false),
        Arguments.of(403, "RegionDisabledException", ConfigurationException.class, false),
        Arguments.of(400, "ValidationError", ConfigurationException.class, false),
        Arguments.of(400, "Throttling", ProviderUnavailableException.class, true),
        Arguments.of(500, "InternalFailure", ProviderUnavailableException.class, true),
        Arguments.of(503, "ServiceUnavailable", ProviderUnavailableException.class, true));
  }

  @ParameterizedTest(name = "{1} -> {2}")
  @MethodSource("stsErrors")
  void stsErrors_mapToTypedErrors_withBoundedRetries(int status, String code,
      Class<? extends KeyholeException> type, boolean retryable) {
    String planted = LeakAssertions.randomSecret();
    aws.wm.stubFor(post("/").atPriority(1).withRequestBody(containing("Action=AssumeRole&"))
        .willReturn(StsStubs.error(status, code, "details " + planted)));
    TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("sts-errors")
        .grant(Grant.builder("aws").issuer("aws-sts", scoped()).tools("t").build()).build());

    Throwable t = catchThrowable(() -> task.resolve(task.handle("aws_session_token"), Use.byTool("t")));

    assertThat(t).isExactlyInstanceOf(type).hasMessageContaining(code)
        .hasMessageContaining("grant 'aws' of task 'sts-errors'");
    assertThat(((KeyholeException) t).retryable()).isEqualTo(retryable);
    aws.wm.verify(retryable ? 3 : 1, action("AssumeRole"));
    SecretsManagerProviderTest.assertNoValue(t, planted);
    audit.assertNoValue(planted);
  }

  @Test
  void garbageAnswer_isRetryable_andAnswerWithoutCredentials_isAFormatError() {
    aws.wm.stubFor(post("/").atPriority(1).withRequestBody(containing("Action=AssumeRole&"))
        .willReturn(StsStubs.xml(200, "<html>" + session.secretAccessKey() + "</ht")));
    Throwable t = catchThrowable(() -> issuer.issue(request("t", Duration.ofMinutes(15), scoped())));
    assertThat(t).isInstanceOf(ProviderUnavailableException.class);
    SecretsManagerProviderTest.assertNoValue(t, session.values());

    aws.wm.stubFor(post("/").atPriority(1).withRequestBody(containing("Action=AssumeRole&"))
        .willReturn(StsStubs.xml(200, "<AssumeRoleResponse xmlns=\"" + StsStubs.NS + "\">"
            + "<AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>")));
    assertThatThrownBy(() -> issuer.issue(request("t", Duration.ofMinutes(15), scoped())))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("without complete credentials");
  }

  @Test
  void lease_holdsTheThreeParts_expiry_andAuditAttributes_butPrintsNoValue() {
    StsStubs.stubAssumeRole(aws, session, "t");
    CredentialLease lease = issuer.issue(request("t", Duration.ofMinutes(15), scoped()));
    assertThat(lease.values().keySet()).containsExactly("access_key_id", "secret_access_key",
        "session_token");
    assertThat(lease.values().get("session_token").revealString()).isEqualTo(session.sessionToken());
    assertThat(lease.expiresAt()).isEqualTo(session.expiration());
    assertThat(lease.leaseId()).isEqualTo(session.assumedRoleId() + ":t");
    assertThat(lease.attributes()).containsEntry("assumedRoleArn",
        "arn:aws:sts::111122223333:assumed-role/agent-tasks/t").containsEntry("taskTagKey",
        "keyhole-task-id");
    LeakAssertions.assertNoLeak("lease", lease + " " + lease.attributes() + " " + issuer, session.values());
    lease.destroy();
    assertThat(lease.values().values()).allSatisfy(v -> assertThat(v.isDestroyed()).isTrue());
  }

  @Test
  void closingTheTask_callsTheRevocationHook_butAuditsLeftToExpire() throws Exception {
    StsStubs.stubAssumeRole(aws, session, "report-9");
    TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("report-9")
        .grant(Grant.builder("aws").issuer("aws-sts", scoped()).tools("t").build()).build());
    task.resolve(task.handle("aws_access_key_id"), Use.byTool("t")).destroy();
    clock.advance(Duration.ofMinutes(2));

    task.close();

    assertThat(revocations).hasSize(1);
    SessionRevocation r = revocations.get(0);
    assertThat(r.roleArn()).isEqualTo(ROLE_ARN);
    assertThat(r.roleName()).isEqualTo("agent-tasks");
    assertThat(r.taskId()).isEqualTo("report-9");
    assertThat(r.sessionName()).isEqualTo("report-9");
    assertThat(r.endedAt()).isEqualTo(clock.instant());
    assertThat(r.expiresAt()).isEqualTo(session.expiration());
    assertThat(r.policyName()).matches("keyhole-revoke-[0-9a-f]{16}");
    JsonNode deny = JSON.readTree(r.denyPolicyDocument()).path("Statement").get(0);
    assertThat(deny.path("Sid").asText()).matches("KeyholeRevoke[0-9a-f]{16}");
    assertThat(deny.path("Effect").asText()).isEqualTo("Deny");
    assertThat(deny.path("Action").asText()).isEqualTo("*");
    assertThat(deny.at("/Condition/StringEquals/aws:PrincipalTag~1keyhole-task-id").asText())
        .isEqualTo("report-9");
    assertThat(Instant.parse(deny.at("/Condition/DateLessThanEquals/aws:TokenIssueTime").asText()))
        .isAfterOrEqualTo(clock.instant());
    AuditEvent revoked = audit.events(AuditEventType.CREDENTIAL_REVOKED).get(0);
    assertThat(revoked.outcome()).isEqualTo("left_to_expire");
    assertThat(issuer.revocable()).isFalse();
    audit.assertNoValue(session.values());
  }

  @Test
  void revocationHook_isSkippedForExpiredSessions_andItsFailureDoesNotBlockClose() {
    StsStubs.stubAssumeRole(aws, session, "t");
    CredentialLease lease = issuer.issue(request("t", Duration.ofMinutes(15), scoped()));
    clock.set(session.expiration().plusSeconds(1));
    issuer.revoke(lease);
    assertThat(revocations).isEmpty();

    StsCredentialIssuer failing = StsCredentialIssuer.builder().options(aws.options().build())
        .clock(clock).revocationHook(r -> {
          throw new IllegalStateException("iam down");
        }).build();
    try (Keyhole k = AwsTestServer.keyhole().issuer(failing).clock(clock).auditSink(audit).build()) {
      clock.set(Instant.now());
      TaskScope task = k.openTask(TaskOptions.builder()
          .grant(Grant.builder("aws").issuer("aws-sts", scoped()).tools("t").build()).build());
      task.resolve(task.handle("aws_session_token"), Use.byTool("t")).destroy();
      task.close();
      assertThat(task.isOpen()).isFalse();
    }
  }

  @Test
  void withoutTaskTags_theDenyPolicyTargetsTheSessionsUserId() throws Exception {
    StsStubs.stubAssumeRole(aws, session, "t");
    CredentialLease lease = issuer.issue(request("t", Duration.ofMinutes(15),
        scoped("taskTags", "false")));
    issuer.revoke(lease);
    JsonNode cond = JSON.readTree(revocations.get(0).denyPolicyDocument())
        .path("Statement").get(0).path("Condition");
    assertThat(cond.at("/StringEquals/aws:userid").asText()).isEqualTo(session.assumedRoleId() + ":t");
    assertThat(JSON.readTree(SessionRevocation.denySessionsIssuedBefore(
        Instant.parse("2030-01-01T00:00:00Z"))).at("/Statement/0/Condition/DateLessThan/aws:TokenIssueTime")
        .asText()).isEqualTo("2030-01-01T00:00:00Z");
  }

  @Test
  void sharedLease_oneAssumeRolePerTaskAndGrant() {
    StsStubs.stubAssumeRole(aws, session, "t");
    Map<String, TaskScope> tasks = new HashMap<>();
    for (String id : List.of("one", "two")) {
      TaskScope task = keyhole.openTask(TaskOptions.builder().taskId(id)
          .grant(Grant.builder("aws").issuer("aws-sts", scoped()).tools("t").build()).build());
      tasks.put(id, task);
      for (String h : List.of("aws_access_key_id", "aws_secret_access_key", "aws_session_token",
          "aws_access_key_id")) {
        task.resolve(task.handle(h), Use.byTool("t")).destroy();
      }
    }
    aws.wm.verify(2, action("AssumeRole"));
    tasks.values().forEach(TaskScope::close);
  }
}
