package dev.keyhole.aws;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static dev.keyhole.aws.AwsTestServer.jsonCall;
import static dev.keyhole.aws.StsStubs.ROLE_ARN;
import static dev.keyhole.aws.StsStubs.action;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.keyhole.Grant;
import dev.keyhole.Keyhole;
import dev.keyhole.PolicyViolationException;
import dev.keyhole.TaskClosedException;
import dev.keyhole.TaskOptions;
import dev.keyhole.TaskScope;
import dev.keyhole.ToolFailedException;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.testkit.FakeClock;
import dev.keyhole.testkit.LeakAssertions;
import dev.keyhole.testkit.RecordingAuditSink;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * An agent tool uses the task's issued AWS credentials through real SDK clients (STS and Secrets
 * Manager on WireMock): it works inside a guarded tool call of the open task, and nowhere else.
 */
class TaskCredentialsProviderTest {
  @RegisterExtension static final AwsTestServer aws = AwsTestServer.create();
  private final FakeClock clock = FakeClock.at(Instant.now());
  private final RecordingAuditSink audit = RecordingAuditSink.create();
  private Keyhole keyhole;
  private StsStubs.Session session;

  @BeforeEach
  void setUp() {
    StsCredentialIssuer issuer = StsCredentialIssuer.builder().options(aws.options().build())
        .clock(clock).build();
    keyhole = AwsTestServer.keyhole().issuer(issuer).clock(clock).auditSink(audit)
        .provider(InMemoryProvider.create().put("note", LeakAssertions.randomSecret())).build();
    session = StsStubs.Session.generate(clock.instant().plus(Duration.ofMinutes(15)));
    StsStubs.stubAssumeRole(aws, session, "report-7");
    StsStubs.stubGetCallerIdentity(aws, "report-7");
  }

  @AfterEach
  void tearDown() {
    keyhole.close();
  }

  private TaskScope openTask(String taskId, Grant.Builder grant) {
    return keyhole.openTask(TaskOptions.builder().taskId(taskId).agentId("agent-7")
        .grant(grant.build()).build());
  }

  private static Grant.Builder awsGrant(String... tools) {
    return Grant.builder("aws").issuer("aws-sts", Map.of("roleArn", ROLE_ARN,
        "actions", "sts:GetCallerIdentity,secretsmanager:GetSecretValue", "resources", "*"))
        .tools(tools);
  }

  /** A client the agent's tool holds; Keyhole gives it task credentials, not Keyhole's own. */
  private static StsClient stsClient(TaskCredentialsProvider creds) {
    return StsClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
        .credentialsProvider(creds).build();
  }

  @Test
  void agentTool_usesTheIssuedCredentials_insideTheTask_andFailsAfterClose() {
    TaskScope task = openTask("report-7", awsGrant("whoami"));
    TaskCredentialsProvider creds = TaskCredentialsProvider.of(task, "aws");
    try (StsClient sts = stsClient(creds)) {
      String result = task.toolGuard().call("whoami", "{}", call ->
          sts.getCallerIdentity().arn() + " key=" + creds.resolveCredentials().secretAccessKey());

      assertThat(result).isEqualTo("arn:aws:sts::111122223333:assumed-role/agent-tasks/report-7"
          + " key=secret://aws_secret_access_key");
      aws.wm.verify(1, action("GetCallerIdentity")
          .withHeader("Authorization", containing("Credential=" + session.accessKeyId() + "/"))
          .withHeader("X-Amz-Security-Token", equalTo(session.sessionToken())));
      aws.wm.verify(1, action("AssumeRole")
          .withHeader("Authorization", containing("Credential=" + aws.keyholeAccessKeyId + "/")));

      task.close();

      Throwable t = catchThrowable(() ->
          task.toolGuard().call("whoami", "{}", call -> sts.getCallerIdentity().arn()));
      // A closed task runs no tool at all: the guard refuses before the AWS call is attempted.
      assertThat(t).isInstanceOf(TaskClosedException.class);
      assertThat(t.getMessage()).contains("report-7").contains("closed");
      assertThatThrownBy(creds::resolveCredentials).isInstanceOf(TaskClosedException.class);
      assertThat(creds.toString()).contains("dead");
      aws.wm.verify(1, action("GetCallerIdentity"));
    }
    audit.assertNoValue(session.values());
  }

  @Test
  void secretsManagerClient_inATool_signsWithTheTaskCredentials_oneUsePerToolCall() {
    String value = LeakAssertions.randomSecret();
    aws.fake.putSecret("reports/key", value);
    TaskScope task = openTask("report-7", awsGrant("fetch").maxUses(1));
    TaskCredentialsProvider creds = TaskCredentialsProvider.of(task, "aws");
    try (SecretsManagerClient sm = SecretsManagerClient.builder().region(Region.US_EAST_1)
        .endpointOverride(aws.endpoint()).credentialsProvider(creds).build()) {
      String result = task.toolGuard().call("fetch", "{}", call -> {
        String a = sm.getSecretValue(b -> b.secretId("reports/key")).secretString();
        String b = sm.getSecretValue(b2 -> b2.secretId("reports/key")).secretString();
        return a.equals(b) ? "read " + a : "mismatch";
      });
      assertThat(result).isEqualTo("read " + value); // not a Keyhole handle: not redacted
      aws.wm.verify(2, jsonCall("secretsmanager.GetSecretValue")
          .withHeader("Authorization", containing("Credential=" + session.accessKeyId() + "/"))
          .withHeader("X-Amz-Security-Token", equalTo(session.sessionToken())));

      // maxUses 1: the first tool call made two AWS requests on one use; a second call is denied.
      Throwable t = catchThrowable(() -> task.toolGuard().call("fetch", "{}",
          call -> sm.getSecretValue(b -> b.secretId("reports/key")).secretString()));
      assertThat(t).isInstanceOf(ToolFailedException.class).hasMessageContaining("maximum");
    }
    task.close();
  }

  @Test
  void outsideAToolCall_theProviderRefuses_andNoRequestIsSent() {
    TaskScope task = openTask("report-7", awsGrant("whoami"));
    TaskCredentialsProvider creds = TaskCredentialsProvider.of(task, "aws");
    assertThatThrownBy(creds::resolveCredentials).isInstanceOf(PolicyViolationException.class)
        .hasMessageContaining("only handed out inside a guarded tool call");
    try (StsClient sts = stsClient(creds)) {
      assertThatThrownBy(sts::getCallerIdentity).isInstanceOf(PolicyViolationException.class);
    }
    aws.wm.verify(0, action("GetCallerIdentity"));
    aws.wm.verify(0, action("AssumeRole"));
    task.close();
  }

  @Test
  void anotherTasksToolCall_orAToolOutsideTheGrant_isRefused() {
    TaskScope owner = openTask("report-7", awsGrant("whoami"));
    TaskScope other = openTask("other-task", Grant.builder("note").ref("memory:note").tools("*"));
    TaskCredentialsProvider creds = TaskCredentialsProvider.of(owner, "aws");
    try (StsClient sts = stsClient(creds)) {
      Throwable foreign = catchThrowable(() ->
          other.toolGuard().call("whoami", "{}", call -> sts.getCallerIdentity().arn()));
      assertThat(foreign).isInstanceOf(ToolFailedException.class)
          .hasMessageContaining("belong to task 'report-7', not to task 'other-task'");

      Throwable wrongTool = catchThrowable(() ->
          owner.toolGuard().call("shell", "{}", call -> sts.getCallerIdentity().arn()));
      assertThat(wrongTool).isInstanceOf(ToolFailedException.class)
          .hasMessageContaining("Tool 'shell' may not use handle");
    }
    aws.wm.verify(0, action("GetCallerIdentity"));
    aws.wm.verify(0, action("AssumeRole"));
    owner.close();
    other.close();
  }

  @Test
  void expiredTask_killsTheProvider() {
    TaskScope task = keyhole.openTask(TaskOptions.builder().taskId("report-7")
        .ttl(Duration.ofMinutes(5)).grant(awsGrant("whoami").build()).build());
    TaskCredentialsProvider creds = TaskCredentialsProvider.of(task, "aws");
    try (StsClient sts = stsClient(creds)) {
      task.toolGuard().call("whoami", "{}", call -> sts.getCallerIdentity().arn());
      clock.advance(Duration.ofMinutes(6));
      assertThatThrownBy(creds::resolveCredentials).isInstanceOf(TaskClosedException.class);
    }
    // The session was asked for 900 s although the task had 5 minutes: STS's minimum.
    assertThat(StsStubs.onlyAssumeRole(aws)).containsEntry("DurationSeconds", "900");
  }

  @Test
  void of_unknownOrNonIssuerGrant_isRefused() {
    TaskScope task = openTask("report-7", Grant.builder("db").ref("memory:note").tools("t"));
    assertThatThrownBy(() -> TaskCredentialsProvider.of(task, "aws"))
        .isInstanceOf(PolicyViolationException.class).hasMessageContaining("no AWS credential grant 'aws'");
    assertThatThrownBy(() -> TaskCredentialsProvider.of(task, "db"))
        .isInstanceOf(PolicyViolationException.class);
    task.close();
  }
}
