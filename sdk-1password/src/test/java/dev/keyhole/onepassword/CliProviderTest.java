package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CliProviderTest {
  @RegisterExtension final LogCapture logs = new LogCapture();
  @TempDir Path dir;

  FakeOp op;
  final String serviceToken = "ops_" + Fakes.random("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 60);
  final LeakGuard leaks = new LeakGuard();
  final Clock clock = Clock.fixed(Instant.parse("2024-06-01T12:00:00Z"), ZoneOffset.UTC);
  Map<String, String> env;
  OnePasswordCliProvider provider;

  @BeforeEach
  void setUp() throws Exception {
    op = new FakeOp(dir);
    leaks.plant(serviceToken);
    env = new HashMap<>();
    env.put("PATH", dir + ":/usr/bin:/bin");
    env.put("HOME", dir.toString());
    env.put("LANG", "C.UTF-8");
    env.put("OP_ACCOUNT", "my-team");
    env.put("AWS_SECRET_ACCESS_KEY", plant(Fakes.secret()));
    env.put("GITHUB_TOKEN", plant(Fakes.secret()));
    env.put("MY_TOOL_HOME", "/opt/tool");
    provider = build(b -> b);
  }

  @AfterEach
  void tearDown() {
    provider.close();
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count())
        .as("no op process left running").isZero();
    leaks.assertNoLeaks(logs.text());
  }

  String plant(String s) {
    return leaks.plant(s);
  }

  OnePasswordCliProvider build(java.util.function.UnaryOperator<OnePasswordCliProvider.Builder> custom) {
    return custom.apply(OnePasswordCliProvider.builder().environment(env).clock(clock)
        .serviceAccountToken(SecretValue.ofString(serviceToken)).timeout(Duration.ofSeconds(5))).build();
  }

  String resolve(String ref) {
    return LeakGuard.reveal(provider, ref);
  }

  <T extends Throwable> T failure(Class<T> type, String ref) {
    return leaks.failure(provider, type, ref);
  }

  @Test
  void read_returnsValueExactly_withNoNewlineFlag() throws Exception {
    String value = plant(Fakes.secret() + " with spaces\nand a second line");
    op.value("op://Dev/GitHub/password", value);
    assertThat(resolve("op://Dev/GitHub/password")).isEqualTo(value);
    assertThat(op.calls()).containsExactly("read --no-newline op://Dev/GitHub/password");
  }

  @Test
  void read_passesCanonicalReferenceAndAccount() throws Exception {
    provider.close();
    provider = build(b -> b.account("my-team.1password.com"));
    op.value("op://Dev/GitHub/one-time password?attribute=otp", "123456");
    ResolvedSecret r = provider.resolve(SecretRef.parse("op://Dev/GitHub/one-time password?attr=totp"));
    assertThat(r.value().revealString()).isEqualTo("123456");
    // One-time codes are never cached by Keyhole: they expire at once.
    assertThat(r.expiresAt()).contains(clock.instant());
    assertThat(op.calls()).containsExactly(
        "read --no-newline --account my-team.1password.com op://Dev/GitHub/one-time password?attribute=otp");
  }

  @Test
  void read_binaryFile_keepsBytes() throws Exception {
    byte[] der = Fakes.bytes(256);
    der[0] = (byte) 0xC3;
    der[1] = (byte) 0x28;
    op.value("op://Dev/Cert/cert.der", der);
    ResolvedSecret r = provider.resolve(SecretRef.parse("op://Dev/Cert/cert.der"));
    assertThat(r.value().isBinary()).isTrue();
    assertThat(r.value().revealBytes()).isEqualTo(der);
  }

  @Test
  void child_getsOnlyTheVariablesOpNeeds() throws Exception {
    op.value("op://Dev/GitHub/password", plant(Fakes.secret()));
    resolve("op://Dev/GitHub/password");
    Map<String, String> child = new HashMap<>();
    for (String line : op.lastEnvironment().split("\n", -1)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        child.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    assertThat(child).containsEntry("PATH", env.get("PATH")).containsEntry("HOME", env.get("HOME"))
        .containsEntry("OP_ACCOUNT", "my-team").containsEntry("OP_SERVICE_ACCOUNT_TOKEN", serviceToken)
        .containsEntry("LANG", "C.UTF-8");
    // bash adds PWD, SHLVL and _ itself; nothing else from the parent may pass.
    assertThat(child.keySet()).doesNotContain("AWS_SECRET_ACCESS_KEY", "GITHUB_TOKEN", "MY_TOOL_HOME")
        .allMatch(k -> List.of("PATH", "HOME", "LANG", "OP_ACCOUNT", "OP_SERVICE_ACCOUNT_TOKEN", "PWD",
            "SHLVL", "_").contains(k));
    assertThat(provider.childEnvironment()).doesNotContainKey("GITHUB_TOKEN");
    provider.close();
    provider = build(b -> b.passEnvironment("MY_TOOL_HOME"));
    assertThat(provider.childEnvironment()).containsEntry("MY_TOOL_HOME", "/opt/tool");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "could not read secret 'op://Dev/Nope/password': could not get item Dev/Nope: \"Nope\" isn't an item in the \"Dev\" vault. Specify the item with its UUID, name, or domain. | SecretNotFoundException",
      "could not read secret 'op://Nope/x/y': \"Nope\" isn't a vault in this account. Specify the vault with its ID or name. | SecretNotFoundException",
      "could not read secret 'op://Dev/GitHub/nope': item 'Dev/GitHub' does not have a field 'nope' (field not found) | SecretNotFoundException",
      "could not read secret 'op://Dev/DB/password': More than one item matches \"DB\". Try again and specify the item by its ID | AmbiguousReferenceException",
      "You are not currently signed in. Please run `op signin --help` for instructions | SecretAccessDeniedException",
      "(401) Unauthorized: You aren't authorized to perform this action. | SecretAccessDeniedException",
      "(403) Forbidden: Service account does not have permission to access vault | SecretAccessDeniedException",
      "(429) Too Many Requests: You've reached the maximum number of requests | ProviderUnavailableException",
      "Post \"https://my.1password.com/api/v2/auth\": dial tcp: lookup my.1password.com: no such host | ProviderUnavailableException",
      "(503) Service Unavailable | ProviderUnavailableException",
      "could not parse secret reference: invalid character in secret reference: '@' | InvalidReferenceException",
      "something unexpected happened | KeyholeException",
  })
  void stderr_isMappedToTypedErrors(String message, String type) throws Exception {
    op.error("op://Dev/X/y", "[ERROR] 2024/06/01 12:00:00 " + message);
    KeyholeException e = failure(KeyholeException.class, "op://Dev/X/y");
    assertThat(e.getClass().getSimpleName()).isEqualTo(type);
    assertThat(e.retryable()).isEqualTo(type.equals("ProviderUnavailableException"));
    assertThat(e).hasMessageContaining("exit 1").hasMessageContaining("op://Dev/X/y")
        .hasMessageNotContaining("[ERROR]").hasMessageNotContaining("2024/06/01");
  }

  @Test
  void stderr_isRedacted() throws Exception {
    String value = plant(Fakes.secret());
    op.partialThenError("op://Dev/X/y", value,
        "[ERROR] 2024/06/01 12:00:00 unexpected output '" + value + "' while using token " + serviceToken);
    var e = failure(KeyholeException.class, "op://Dev/X/y");
    assertThat(e).hasMessageContaining(Texts.REDACTED);
    String otherToken = plant("ops_" + Fakes.random("abcdefghijklmnopqrstuvwxyz0123456789", 50));
    op.error("op://Dev/X/z", "\u001B[31m[ERROR]\u001B[0m 2024/06/01 12:00:00 bad token " + otherToken);
    assertThat(failure(KeyholeException.class, "op://Dev/X/z")).hasMessageContaining("bad token [REDACTED]");
  }

  @Test
  void emptyValue_isFormatError() throws Exception {
    op.value("op://Dev/X/empty", "");
    assertThat(failure(SecretFormatException.class, "op://Dev/X/empty")).hasMessageContaining("empty");
  }

  @Test
  void timeout_killsOpAndIsRetryable() throws Exception {
    provider.close();
    provider = build(b -> b.timeout(Duration.ofMillis(300)));
    op.hang("op://Dev/Slow/password");
    var e = failure(ProviderUnavailableException.class, "op://Dev/Slow/password");
    assertThat(e).hasMessageContaining("did not finish within 300 ms");
    assertThat(e.retryable()).isTrue();
  }

  @Test
  void missingOp_isAClearConfigurationError() {
    provider.close();
    provider = build(b -> b.executable(dir.resolve("no-such-op").toString()));
    assertThat(failure(ConfigurationException.class, "op://Dev/X/y"))
        .hasMessageContaining("does not exist or is not executable").hasMessageContaining("executable(");
    provider.close();
    env.put("PATH", "/usr/bin:/bin");
    provider = build(b -> b.executable("op-not-installed"));
    assertThat(failure(ConfigurationException.class, "op://Dev/X/y"))
        .hasMessageContaining("was not found on PATH").hasMessageContaining("install op");
  }

  @Test
  void invalidReference_neverStartsOp() throws Exception {
    failure(InvalidReferenceException.class, "op://Dev/X");
    assertThat(op.calls()).isEmpty();
  }

  @Test
  void resolveAll_usesOneInject() throws Exception {
    String a = plant(Fakes.secret());
    String b = plant(Fakes.secret() + "\nmulti\nline & <tags>");
    op.value("op://Dev/A/password", a).value("op://Dev/B/Admin/token", b);
    List<SecretRef> refs = List.of(SecretRef.parse("op://Dev/A/password"), SecretRef.parse("op://Dev/B/Admin/token"));
    Map<SecretRef, SecretProvider.Result> out = provider.resolveAll(refs);
    assertThat(out.get(refs.get(0)).getOrThrow().value().revealString()).isEqualTo(a);
    assertThat(out.get(refs.get(1)).getOrThrow().value().revealString()).isEqualTo(b);
    assertThat(op.calls()).containsExactly("inject");
  }

  @Test
  void resolveAll_badReference_fallsBackToReadsForPreciseAnswers() throws Exception {
    String a = plant(Fakes.secret());
    op.value("op://Dev/A/password", a);
    List<SecretRef> refs = List.of(SecretRef.parse("op://Dev/A/password"), SecretRef.parse("op://Dev/Missing/password"),
        SecretRef.parse("op://bad"));
    Map<SecretRef, SecretProvider.Result> out = provider.resolveAll(refs);
    assertThat(out.keySet()).containsExactlyElementsOf(refs);
    assertThat(out.get(refs.get(0)).getOrThrow().value().revealString()).isEqualTo(a);
    assertThatThrownBy(() -> out.get(refs.get(1)).getOrThrow()).isInstanceOf(SecretNotFoundException.class);
    assertThatThrownBy(() -> out.get(refs.get(2)).getOrThrow()).isInstanceOf(InvalidReferenceException.class);
    assertThat(op.calls()).containsExactly("inject", "read --no-newline op://Dev/A/password",
        "read --no-newline op://Dev/Missing/password");
  }

  @Test
  void resolveAll_generalFailure_failsEveryReferenceWithoutMoreCalls() throws Exception {
    String signedOut = "[ERROR] 2024/06/01 12:00:00 You are not currently signed in.";
    op.error("op://Dev/A/password", signedOut).error("op://Dev/B/password", signedOut);
    List<SecretRef> refs = List.of(SecretRef.parse("op://Dev/A/password"), SecretRef.parse("op://Dev/B/password"));
    Map<SecretRef, SecretProvider.Result> out = provider.resolveAll(refs);
    out.values().forEach(r -> assertThatThrownBy(r::getOrThrow).isInstanceOf(SecretAccessDeniedException.class));
    assertThat(op.calls()).containsExactly("inject");
  }

  @Test
  void toString_andClose() {
    assertThat(provider.toString()).doesNotContain(serviceToken).contains("serviceAccount=true");
    assertThat(provider.id()).isEqualTo("1password-cli");
    provider.close();
    provider.close();
  }
}
