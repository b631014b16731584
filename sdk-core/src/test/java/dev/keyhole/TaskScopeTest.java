package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.PolicyViolationException.Reason;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import dev.keyhole.spi.CredentialIssuer;
import dev.keyhole.spi.CredentialLease;
import dev.keyhole.spi.IssueRequest;
import dev.keyhole.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TaskScopeTest {
  private final MutableClock clock = new MutableClock();
  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final String github = TestSupport.randomSecret();
  private final String db = TestSupport.randomSecret();
  private final List<ApprovalRequest> approvals = new CopyOnWriteArrayList<>();
  private volatile ApprovalDecision approvalAnswer = ApprovalDecision.approve();
  private final RecordingIssuer issuer = new RecordingIssuer(clock);
  private Keyhole keyhole;

  @BeforeEach
  void setUp() {
    InMemoryProvider memory = InMemoryProvider.create().put("github", github).put("db", db);
    Policy policy = Policy.builder()
        .taskTtl(Duration.ofMinutes(10))
        .grant(Grant.builder("github_token").ref("memory:github").tools("http_request")
            .destinations("api.github.com", "*.githubusercontent.com").maxUses(3).build())
        .grant(Grant.builder("db_url").ref("memory:db").tools("run_process").commands("pg_dump")
            .ttl(Duration.ofMinutes(2)).build())
        .grant(Grant.builder("deploy_key").ref("memory:github").tools("deploy")
            .approvalRequired(true).build())
        .grant(Grant.builder("aws").issuer("test-issuer", Map.of("role", "agent")).tools("run_process")
            .commands("aws").build())
        .build();
    keyhole = Keyhole.builder().provider(memory).issuer(issuer).policy(policy).auditSink(audit)
        .clock(clock).expirySweep(false)
        .approvalHandler(r -> {
          approvals.add(r);
          return approvalAnswer;
        })
        .build();
  }

  @AfterEach
  void tearDown() {
    keyhole.close();
  }

  private TaskScope open(String... grants) {
    return keyhole.openTask(TaskOptions.builder().taskId("t-" + System.nanoTime()).grants(grants).build());
  }

  @Test
  void resolve_allowedToolAndDestination_returnsValue() {
    try (TaskScope task = open("github_token")) {
      SecretValue v = task.resolve(task.handle("github_token"), Use.towards("http_request", "api.github.com"));
      assertThat(v.revealString()).isEqualTo(github);
      SecretValue w = task.resolve(SecretHandle.of("github_token"), Use.towards("http_request", "raw.githubusercontent.com"));
      assertThat(w.revealString()).isEqualTo(github);
    }
  }

  @Test
  void resolve_wrongTool_isDenied() {
    try (TaskScope task = open("github_token")) {
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("github_token"), Use.towards("send_email", "api.github.com")))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.TOOL_NOT_ALLOWED))
          .hasMessageContaining("send_email").hasMessageContaining("'tools'");
    }
  }

  @Test
  void resolve_wrongOrMissingDestination_isDenied() {
    try (TaskScope task = open("github_token", "db_url")) {
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("github_token"), Use.towards("http_request", "evil.example")))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.DESTINATION_NOT_ALLOWED))
          .hasMessageContaining("evil.example");
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("github_token"), Use.towards("http_request", "github.com.evil.example")))
          .isInstanceOf(PolicyViolationException.class);
      // a grant without destinations cannot be sent anywhere
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("db_url"),
              Use.towards("run_process", "db.example.com").withCommand("pg_dump")))
          .isInstanceOf(PolicyViolationException.class).hasMessageContaining("lists no destinations");
    }
  }

  @Test
  void resolve_plainHttp_isDenied_unlessLocalhostAllowed() {
    try (TaskScope task = open("github_token")) {
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("github_token"),
              Use.byTool("http_request").withDestination("http://api.github.com")))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.INSECURE_TRANSPORT));
    }
    Grant local = Grant.builder("local").ref("memory:db").tools("http_request").destinations("localhost")
        .allowHttpLocalhost(true).build();
    try (TaskScope task = keyhole.openTask(TaskOptions.builder().grant(local).build())) {
      assertThat(task.resolve(SecretHandle.of("local"), Use.byTool("http_request")
          .withDestination("http://localhost")).revealString()).isEqualTo(db);
    }
  }

  @Test
  void resolve_commandAllowlist() {
    try (TaskScope task = open("db_url")) {
      assertThat(task.resolve(SecretHandle.of("db_url"), Use.byTool("run_process").withCommand("/usr/bin/pg_dump"))
          .revealString()).isEqualTo(db);
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("db_url"), Use.byTool("run_process").withCommand("curl")))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.COMMAND_NOT_ALLOWED));
    }
  }

  @Test
  void resolve_maxUses_isEnforced_andDeniedUsesDoNotCount() {
    try (TaskScope task = open("github_token")) {
      SecretHandle h = SecretHandle.of("github_token");
      Use ok = Use.towards("http_request", "api.github.com");
      assertThatThrownBy(() -> task.resolve(h, Use.towards("http_request", "evil.example")))
          .isInstanceOf(PolicyViolationException.class);
      for (int i = 0; i < 3; i++) {
        task.resolve(h, ok).destroy();
      }
      assertThatThrownBy(() -> task.resolve(h, ok))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.MAX_USES_EXCEEDED));
    }
  }

  @Test
  void taskTtl_expiresTask_byInjectedClock() {
    TaskScope task = open("github_token");
    SecretHandle h = SecretHandle.of("github_token");
    SecretValue before = task.resolve(h, Use.towards("http_request", "api.github.com"));
    clock.advance(Duration.ofMinutes(10));
    assertThat(task.isOpen()).isFalse();
    assertThatThrownBy(() -> task.resolve(h, Use.towards("http_request", "api.github.com")))
        .isInstanceOf(TaskClosedException.class)
        .satisfies(e -> assertThat(((TaskClosedException) e).expired()).isTrue())
        .hasMessageContaining("expired");
    assertThat(audit.events(AuditEventType.TASK_EXPIRED)).hasSize(1);
    assertThat(keyhole.openTasks()).doesNotContain(task);
    // what was handed out dies with the task: nothing outlives the scope
    assertThat(before.isDestroyed()).isTrue();
    assertThatThrownBy(before::revealString).isInstanceOf(IllegalStateException.class)
        .hasMessageNotContaining(github);
  }

  @Test
  void sweeper_closesExpiredTasks() {
    TaskScope task = open("github_token");
    clock.advance(Duration.ofMinutes(11));
    keyhole.sweepExpired();
    assertThat(audit.events(AuditEventType.TASK_CLOSED)).extracting(e -> e.outcome()).containsExactly("expired");
    assertThat(keyhole.openTasks()).doesNotContain(task);
  }

  @Test
  void grantTtl_expiresGrant_beforeTask() {
    try (TaskScope task = open("db_url")) {
      Use use = Use.byTool("run_process").withCommand("pg_dump");
      task.resolve(SecretHandle.of("db_url"), use).destroy();
      clock.advance(Duration.ofMinutes(2));
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("db_url"), use))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.GRANT_EXPIRED));
      assertThat(task.isOpen()).isTrue();
    }
  }

  @Test
  void approval_askedOnceWithoutValue_andDenialIsTyped() {
    try (TaskScope task = open("deploy_key")) {
      Use use = Use.byTool("deploy").withArguments("{\"key\":\"secret://deploy_key\",\"env\":\"prod\"}");
      task.resolve(SecretHandle.of("deploy_key"), use).destroy();
      task.resolve(SecretHandle.of("deploy_key"), use).destroy();
      assertThat(approvals).hasSize(1);
      ApprovalRequest r = approvals.get(0);
      assertThat(r.toolName()).isEqualTo("deploy");
      assertThat(r.handleName()).isEqualTo("deploy_key");
      assertThat(r.arguments()).contains("secret://deploy_key").doesNotContain(github);
      assertThat(r.toString()).doesNotContain(github);
    }
    approvalAnswer = ApprovalDecision.deny("deploys are frozen");
    try (TaskScope task = open("deploy_key")) {
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("deploy_key"), Use.byTool("deploy")))
          .isInstanceOf(PolicyViolationException.class)
          .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.APPROVAL_DENIED))
          .hasMessageContaining("deploys are frozen");
    }
    assertThat(audit.events(AuditEventType.APPROVAL_DENIED)).hasSize(1);
  }

  @Test
  void approval_failsClosed_withoutHandler() {
    Policy p = Policy.builder().grant(Grant.builder("k").ref("memory:k").tools("t").approvalRequired(true).build()).build();
    try (Keyhole kh = Keyhole.builder().provider(InMemoryProvider.create().put("k", db)).policy(p)
            .expirySweep(false).build();
        TaskScope task = kh.openTask("k")) {
      assertThatThrownBy(() -> task.resolve(SecretHandle.of("k"), Use.byTool("t")))
          .isInstanceOf(PolicyViolationException.class).hasMessageContaining("no approval handler");
    }
  }

  @Test
  void handles_areTaskBound_unknownForgedAndForeignAreDenied() {
    TaskScope a = open("github_token");
    TaskScope b = open("db_url");
    Use use = Use.towards("http_request", "api.github.com");
    assertThatThrownBy(() -> b.resolve(SecretHandle.of("github_token"), use))
        .isInstanceOf(PolicyViolationException.class)
        .satisfies(e -> assertThat(((PolicyViolationException) e).reason()).isEqualTo(Reason.UNKNOWN_HANDLE))
        .hasMessageContaining("not granted to task '" + b.taskId() + "'");
    assertThatThrownBy(() -> a.resolve(SecretHandle.of("github_tokem"), use))
        .isInstanceOf(PolicyViolationException.class);
    assertThatThrownBy(() -> a.handle("nope")).isInstanceOf(PolicyViolationException.class);
    a.close();
    assertThatThrownBy(() -> a.resolve(SecretHandle.of("github_token"), use))
        .isInstanceOf(TaskClosedException.class)
        .satisfies(e -> assertThat(((TaskClosedException) e).expired()).isFalse());
    b.close();
  }

  @Test
  void close_isIdempotent_threadSafe_andWipesTaskValues() throws Exception {
    TaskScope task = open("github_token", "aws");
    SecretValue copy = task.resolve(SecretHandle.of("github_token"), Use.towards("http_request", "api.github.com"));
    SecretValue aws = task.resolve(SecretHandle.of("aws_secret_access_key"), Use.byTool("run_process").withCommand("aws"));
    assertThat(aws.revealString()).isEqualTo(issuer.lastSecretPart);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Thread t = new Thread(task::close);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    task.close();
    assertThat(audit.events(AuditEventType.TASK_CLOSED)).hasSize(1);
    assertThat(issuer.revoked.get()).isEqualTo(1);
    assertThat(issuer.lastLease.values().values()).allSatisfy(v -> assertThat(v.isDestroyed()).isTrue());
    assertThat(audit.events(AuditEventType.CREDENTIAL_REVOKED)).hasSize(1);
    assertThat(copy.isDestroyed()).isTrue(); // handed-out values die with the task
    assertThat(aws.isDestroyed()).isTrue();
  }

  @Test
  void issuerGrant_exposesOneHandlePerPart_andIssuesOncePerTask() {
    try (TaskScope task = open("aws")) {
      assertThat(task.handles()).extracting(SecretHandle::name)
          .containsExactly("aws_access_key_id", "aws_secret_access_key", "aws_session_token");
      Use use = Use.byTool("run_process").withCommand("aws");
      task.resolve(SecretHandle.of("aws_access_key_id"), use).destroy();
      task.resolve(SecretHandle.of("aws_session_token"), use).destroy();
      assertThat(issuer.issued.get()).isEqualTo(1);
      assertThat(issuer.lastRequest.taskId()).isEqualTo(task.taskId());
      assertThat(issuer.lastRequest.lifetime()).isEqualTo(Duration.ofMinutes(10));
      assertThat(issuer.lastRequest.parameters()).containsEntry("role", "agent");
    }
  }

  @Test
  void issuerLease_isRenewedBeforeItExpires_andTheOldOneIsRetired() {
    issuer.maxLease = Duration.ofMinutes(4); // the issuer cannot mint credentials as long as the task
    try (TaskScope task = open("aws")) {
      Use use = Use.byTool("run_process").withCommand("aws");
      SecretValue first = task.resolve(SecretHandle.of("aws_secret_access_key"), use);
      String firstValue = first.revealString();
      CredentialLease firstLease = issuer.lastLease;
      clock.advance(Duration.ofMinutes(2));
      assertThat(task.resolve(SecretHandle.of("aws_secret_access_key"), use).revealString()).isEqualTo(firstValue);
      assertThat(issuer.issued.get()).isEqualTo(1);
      clock.advance(Duration.ofSeconds(61)); // less than a minute of the lease left
      SecretValue second = task.resolve(SecretHandle.of("aws_secret_access_key"), use);
      assertThat(issuer.issued.get()).isEqualTo(2);
      assertThat(second.revealString()).isNotEqualTo(firstValue).isEqualTo(issuer.lastSecretPart);
      assertThat(issuer.revoked.get()).isEqualTo(1);
      assertThat(firstLease.values().values()).allSatisfy(v -> assertThat(v.isDestroyed()).isTrue());
      assertThat(audit.events(AuditEventType.CREDENTIAL_REVOKED)).singleElement()
          .satisfies(e -> assertThat(e.reason()).isEqualTo("renewed"));
      // the retired value is still redacted during the grace period
      assertThat(keyhole.redactor().redact("old " + firstValue)).doesNotContain(firstValue);
      // the other parts come from the new lease too
      assertThat(task.resolve(SecretHandle.of("aws_session_token"), use).revealString())
          .isEqualTo(issuer.lastLease.values().get("session_token").revealString());
      first.destroy();
      second.destroy();
    }
    assertThat(issuer.revoked.get()).isEqualTo(2);
  }

  @Test
  void openTask_withUnknownGrant_orUnservedScheme_fails() {
    assertThatThrownBy(() -> open("nope")).isInstanceOf(PolicyViolationException.class)
        .hasMessageContaining("does not define");
    Grant g = Grant.builder("x").ref("vault:thing").tools("t").build();
    assertThatThrownBy(() -> keyhole.openTask(TaskOptions.builder().grant(g).build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no registered provider serves it");
  }

  @Test
  void builder_rejectsPolicyWithUnregisteredIssuer() {
    Policy p = Policy.builder().grant(Grant.builder("x").issuer("nope", Map.of()).tools("t").build()).build();
    assertThatThrownBy(() -> Keyhole.builder().policy(p).build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("credential issuer 'nope'");
  }

  @Test
  void handlesFor_listsToolsHandles() {
    try (TaskScope task = open("github_token", "db_url")) {
      assertThat(task.handlesFor("http_request")).containsExactly(SecretHandle.of("github_token"));
      assertThat(task.toString()).doesNotContain(github).contains("github_token");
    }
  }

  static final class RecordingIssuer implements CredentialIssuer {
    private final java.time.Clock clock;
    volatile Duration maxLease = Duration.ofHours(1);

    RecordingIssuer(java.time.Clock clock) {
      this.clock = clock;
    }

    final AtomicInteger issued = new AtomicInteger();
    final AtomicInteger revoked = new AtomicInteger();
    volatile IssueRequest lastRequest;
    volatile CredentialLease lastLease;
    volatile String lastSecretPart;

    @Override
    public String id() {
      return "test-issuer";
    }

    @Override
    public List<String> parts() {
      return List.of("access_key_id", "secret_access_key", "session_token");
    }

    @Override
    public CredentialLease issue(IssueRequest request) {
      issued.incrementAndGet();
      lastRequest = request;
      lastSecretPart = TestSupport.randomSecret();
      Map<String, SecretValue> v = new LinkedHashMap<>();
      v.put("access_key_id", SecretValue.ofString("KEYID" + TestSupport.randomSecret()));
      v.put("secret_access_key", SecretValue.ofString(lastSecretPart));
      v.put("session_token", SecretValue.ofString(TestSupport.randomSecret()));
      Duration life = request.lifetime().compareTo(maxLease) < 0 ? request.lifetime() : maxLease;
      lastLease = CredentialLease.of("lease-" + request.taskId() + "-" + issued.get(), v,
          clock.instant().plus(life), Map.of("role", "agent"));
      return lastLease;
    }

    @Override
    public void revoke(CredentialLease lease) {
      revoked.incrementAndGet();
    }
  }
}
