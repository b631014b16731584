package dev.keyhole.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.InvalidReferenceException;
import dev.keyhole.Keyhole;
import dev.keyhole.Policy;
import dev.keyhole.SecretRef;
import dev.keyhole.SecretValue;
import dev.keyhole.TaskScope;
import dev.keyhole.Use;
import dev.keyhole.providers.Dotenv;
import dev.keyhole.providers.LocalStoreProvider;
import dev.keyhole.testkit.LeakAssertions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhole migrate --to local}: the full flow, resolved back through Keyhole. */
class MigrateLocalTest {
  @TempDir Path tmp;

  private final String github = Fakes.githubToken();
  private final String dbPassword = "pa$$ \"word\" " + Fakes.password();
  private final String pem = Fakes.pemPrivateKey();

  private TestRepo repoWithEnv() {
    TestRepo repo = TestRepo.git(tmp);
    repo.write(".gitignore", ".env\n");
    repo.write("README.md", "demo\n");
    repo.write(".env", "# local settings\n"
        + "export GITHUB_TOKEN=" + github + "   # personal token\n"
        + "DB_PASSWORD=\"" + dbPassword.replace("\\", "\\\\").replace("\"", "\\\"")
            .replace("$", "\\$") + "\"\n"
        + "PORT=8080\n"
        + "PRIVATE_KEY=\"" + pem + "\"\n"
        + "NODE_ENV=development\n");
    return repo.commit();
  }

  @Test
  void dryRun_printsThePlan_andWritesNothing() throws Exception {
    TestRepo repo = repoWithEnv();
    String before = repo.read(".env");
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "local");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("(dry run)", "GITHUB_TOKEN", "DB_PASSWORD", "PRIVATE_KEY",
        "#GITHUB_TOKEN", "[secret://github_token]", "Dry run: nothing was written",
        "left as is: PORT (not flagged", "Handles allow any tool");
    assertThat(run.out()).doesNotContain("NODE_ENV (line");
    assertThat(repo.read(".env")).isEqualTo(before);
    assertThat(repo.root.resolve("keyhole-policy.yaml")).doesNotExist();
    assertThat(repo.state.resolve("local-store")).doesNotExist();
    assertThat(repo.state.resolve("backups")).doesNotExist();
    LeakAssertions.assertNoLeak("dry run output", run.all(), github, dbPassword, pem);
  }

  @Test
  void apply_movesValuesOut_leavesReferences_andResolvesThroughKeyhole() throws Exception {
    TestRepo repo = repoWithEnv();
    String original = repo.read(".env");
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "local", "--apply", "--tool",
        "http_request");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("Moved (stored, file rewritten): .env: GITHUB_TOKEN,"
        + " DB_PASSWORD, PRIVATE_KEY").contains("Done.");

    // the .env now holds only references (comments, export and other keys untouched)
    String env = repo.read(".env");
    Map<String, String> parsed = Dotenv.parse(env);
    assertThat(env).startsWith("# local settings\nexport GITHUB_TOKEN=keyhole-local:")
        .contains("   # personal token\n").contains("PORT=8080\n")
        .contains("NODE_ENV=development\n");
    // no machine path in what the user commits: the reference names the store item only
    assertThat(parsed.get("GITHUB_TOKEN")).isEqualTo("keyhole-local:app-env#GITHUB_TOKEN");
    assertThat(env).doesNotContain(repo.state.toString()).doesNotContain(tmp.toString());
    assertThat(repo.read("keyhole-policy.yaml")).doesNotContain(repo.state.toString())
        .doesNotContain(tmp.toString()).contains("ref: keyhole-local:app-env#GITHUB_TOKEN");
    repo.assertNoSecretInWorkingTree(github, dbPassword, pem);
    LeakAssertions.assertNoLeak("apply output", run.all(), github, dbPassword, pem);

    // every reference resolves to the original value with core's LocalStoreProvider, found the
    // way an application finds it: from KEYHOLE_HOME
    LocalStoreProvider provider = LocalStoreProvider.create(Map.of("KEYHOLE_HOME",
        repo.state.toString()));
    Map<String, String> expected = Map.of("GITHUB_TOKEN", github, "DB_PASSWORD", dbPassword,
        "PRIVATE_KEY", pem);
    for (var e : expected.entrySet()) {
      SecretValue v = provider.resolve(SecretRef.parse(parsed.get(e.getKey()))).value();
      assertThat(v.revealString()).isEqualTo(e.getValue());
    }

    // and through Keyhole itself, with the written policy
    Policy policy = Policy.load(repo.root.resolve("keyhole-policy.yaml"));
    assertThat(policy.grants()).extracting(g -> g.name())
        .containsExactly("github_token", "db_password", "private_key");
    assertThat(policy.grant("github_token").orElseThrow().tools()).containsExactly("http_request");
    try (Keyhole keyhole = Keyhole.builder().provider(provider).policy(policy).build();
        TaskScope task = keyhole.openTask("github_token", "db_password", "private_key")) {
      assertThat(task.resolve(task.handle("github_token"), Use.byTool("http_request"))
          .revealString()).isEqualTo(github);
      assertThat(task.resolve(task.handle("db_password"), Use.byTool("http_request"))
          .revealString()).isEqualTo(dbPassword);
      assertThat(task.resolve(task.handle("private_key"), Use.byTool("http_request"))
          .revealString()).isEqualTo(pem);
    }

    // the store and the backup live outside the repository, owner-only
    Path store = onlyFile(repo.state.resolve("local-store"));
    assertThat(store.getFileName().toString()).isEqualTo("app-env.env");
    assertThat(perms(store)).isEqualTo("rw-------");
    Path backup = onlyFile(repo.state.resolve("backups"));
    assertThat(Files.readString(backup, StandardCharsets.UTF_8)).isEqualTo(original);
    assertThat(perms(backup)).isEqualTo("rw-------");
    assertThat(backup.toString()).contains("20260301T101530000Z");
    assertThat(store.startsWith(repo.root)).isFalse();
    assertThat(backup.startsWith(repo.root)).isFalse();
  }

  @Test
  void rerun_findsOnlyReferences_andMovesNothing() {
    TestRepo repo = repoWithEnv();
    assertThat(repo.run("migrate", ".env", "--to", "local", "--apply").exit()).isZero();
    repo.commit(); // the policy
    TestRepo.Run again = repo.run("migrate", ".env", "--to", "local", "--apply");
    assertThat(again.exit()).as(again.all()).isZero();
    assertThat(again.out()).contains("GITHUB_TOKEN (already a reference)", "Nothing to move.");
    TestRepo.Run scan = repo.run("scan", ".");
    assertThat(scan.exit()).as(scan.out()).isZero();
    assertThat(scan.out()).contains("GITHUB_TOKEN→");
  }

  @Test
  void dirtyTree_isRefused_unlessAllowDirty() {
    TestRepo repo = repoWithEnv();
    repo.write("README.md", "changed\n");
    String before = repo.read(".env");
    TestRepo.Run refused = repo.run("migrate", ".env", "--to", "local", "--apply");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("uncommitted changes (1 path(s))", "--allow-dirty");
    assertThat(repo.read(".env")).isEqualTo(before);
    assertThat(repo.state.resolve("local-store")).doesNotExist();

    TestRepo.Run dry = repo.run("migrate", ".env", "--to", "local");
    assertThat(dry.exit()).isZero();
    assertThat(dry.out()).contains("--apply will refuse");

    TestRepo.Run allowed = repo.run("migrate", ".env", "--to", "local", "--apply",
        "--allow-dirty");
    assertThat(allowed.exit()).as(allowed.all()).isZero();
    assertThat(Dotenv.parse(repo.read(".env")).get("GITHUB_TOKEN")).startsWith("keyhole-local:");
  }

  @Test
  void untrackedEnvAlone_isNotADirtyTree_andTheUserIsToldToIgnoreIt() {
    // A fresh repository whose .env is neither committed nor ignored: the usual first hour.
    TestRepo repo = TestRepo.git(tmp);
    repo.write("README.md", "demo\n").commit();
    repo.write(".env", "GITHUB_TOKEN=" + github + "\n");
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "local", "--apply");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("Add .env to .gitignore")
        .doesNotContain("commit it and the rewritten .env");
    assertThat(Dotenv.parse(repo.read(".env")).get("GITHUB_TOKEN"))
        .isEqualTo("keyhole-local:app-env#GITHUB_TOKEN");
    LeakAssertions.assertNoLeak("output", run.all(), github);
  }

  @Test
  void trackedEnv_isMigratedAndTheUserIsToldToRotateWhatHistoryKeeps() {
    TestRepo repo = TestRepo.git(tmp);
    repo.write("README.md", "demo\n");
    repo.write(".env", "GITHUB_TOKEN=" + github + "\n").commit();
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "local", "--apply");
    assertThat(run.exit()).as(run.all()).isZero();
    assertThat(run.out()).contains("commit it and the rewritten .env", "still in git history");
  }

  @Test
  void notAGitRepository_isRefused_unlessAllowDirty() {
    TestRepo repo = TestRepo.plain(tmp);
    repo.write(".env", "API_TOKEN=" + Fakes.token() + "\n");
    TestRepo.Run refused = repo.run("migrate", ".env", "--to", "local", "--apply");
    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).contains("not a git work tree");
    assertThat(repo.run("migrate", ".env", "--to", "local", "--apply", "--allow-dirty").exit())
        .isZero();
  }

  @Test
  void keySelection_allKeys_andUnknownKeys() {
    TestRepo repo = repoWithEnv();
    TestRepo.Run one = repo.run("migrate", ".env", "--to", "local", "--key", "PORT");
    assertThat(one.out()).contains("PORT (line 4").doesNotContain("GITHUB_TOKEN (line");
    TestRepo.Run all = repo.run("migrate", ".env", "--to", "local", "--all-keys");
    assertThat(all.out()).contains("PORT (line", "NODE_ENV (line", "GITHUB_TOKEN (line");
    TestRepo.Run unknown = repo.run("migrate", ".env", "--to", "local", "--key", "NOPE");
    assertThat(unknown.exit()).isEqualTo(2);
    assertThat(unknown.err()).contains("--key NOPE: not found");
    TestRepo.Run both = repo.run("migrate", ".env", "--to", "local", "--key", "PORT",
        "--all-keys");
    assertThat(both.exit()).isEqualTo(2);
  }

  @Test
  void crlfAndBom_arePreserved() {
    TestRepo repo = TestRepo.git(tmp);
    String token = Fakes.token();
    repo.write(".gitignore", ".env\n").commit();
    repo.write(".env", "\uFEFFAPI_TOKEN=" + token + "\r\nPORT=1\r\n");
    assertThat(repo.run("migrate", ".env", "--to", "local", "--apply").exit()).isZero();
    String env = repo.read(".env");
    assertThat(env).startsWith("\uFEFFAPI_TOKEN=keyhole-local:").endsWith("#API_TOKEN\r\nPORT=1\r\n");
  }

  @Test
  void chosenFinding_inAYamlConfig_isReplacedInPlace() throws Exception {
    TestRepo repo = TestRepo.git(tmp);
    String password = Fakes.password();
    repo.write("config/app.yml", "db:\n  user: app\n  password: " + password + "\n  port: 5432\n")
        .commit();
    String json = repo.run("scan", ".", "-f", "json").out();
    String fp = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json)
        .path("findings").get(0).path("fingerprint").asText();
    String shortFp = fp.substring("hmac-sha256:".length(), "hmac-sha256:".length() + 12);

    TestRepo.Run notEnv = repo.run("migrate", "config/app.yml", "--to", "local");
    assertThat(notEnv.exit()).isEqualTo(2);
    assertThat(notEnv.err()).contains("--finding FINGERPRINT");

    TestRepo.Run run = repo.run("migrate", "config/app.yml", "--finding", shortFp, "--to",
        "local", "--apply");
    assertThat(run.exit()).as(run.all()).isZero();
    String yaml = repo.read("config/app.yml");
    assertThat(yaml).startsWith("db:\n  user: app\n  password: keyhole-local:").endsWith(
        "#db_password\n  port: 5432\n");
    String ref = yaml.lines().filter(l -> l.contains("password:")).findFirst().orElseThrow()
        .substring("  password: ".length());
    assertThat(LocalStoreProvider.withDirectory(repo.state.resolve("local-store"))
        .resolve(SecretRef.parse(ref)).value()
        .revealString()).isEqualTo(password);
    repo.assertNoSecretInWorkingTree(password);

    TestRepo.Run wrong = repo.run("migrate", "config/app.yml", "--finding", "0123456789ab",
        "--to", "local");
    assertThat(wrong.exit()).isEqualTo(2);
    assertThat(wrong.err()).contains("No finding in the given files has fingerprint");
  }

  @Test
  void failureMidway_leavesEachFileOldOrNew_andReportsWhatMoved() throws Exception {
    TestRepo repo = TestRepo.git(tmp);
    String a = Fakes.token();
    String b = Fakes.token();
    repo.write(".gitignore", ".env\n").commit();
    repo.write(".env", "API_TOKEN=" + a + "\n");
    repo.write("services/api/.env", "SERVICE_SECRET=" + b + "\n");
    String secondBefore = repo.read("services/api/.env");
    // The second file's store file cannot be written: a non-empty directory is in the way.
    Path blocker = repo.state.resolve("local-store").resolve("app-services-api-env.env");
    Files.createDirectories(blocker.resolve("x"));

    TestRepo.Run run = repo.run("migrate", ".env", "services/api/.env", "--to", "local",
        "--apply");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.out()).contains("Moved (stored, file rewritten): .env: API_TOKEN")
        .contains("Not moved: services/api/.env: SERVICE_SECRET");
    assertThat(run.err()).contains("migration stopped at services/api/.env")
        .contains("either unchanged or fully rewritten");
    assertThat(Dotenv.parse(repo.read(".env")).get("API_TOKEN")).startsWith("keyhole-local:");
    assertThat(repo.read("services/api/.env")).isEqualTo(secondBefore);
    Policy policy = Policy.load(repo.root.resolve("keyhole-policy.yaml"));
    assertThat(policy.grants()).extracting(g -> g.name()).containsExactly("api_token");
    LeakAssertions.assertNoLeak("output", run.all(), a, b);
  }

  @Test
  void existingPolicy_isExtended_withoutClobberingHandles() throws Exception {
    TestRepo repo = TestRepo.git(tmp);
    String token = Fakes.githubToken();
    repo.write("keyhole-policy.yaml", """
        # team policy
        version: 1
        handles:
          github_token:
            ref: env:GITHUB_TOKEN
            tools: [github_api]
            destinations: [api.github.com]
        """);
    repo.write(".gitignore", ".env\n").commit();
    repo.write(".env", "GITHUB_TOKEN=" + token + "\n");
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "local", "--apply");
    assertThat(run.exit()).as(run.all()).isZero();
    String text = repo.read("keyhole-policy.yaml");
    assertThat(text).startsWith("# team policy\n");
    Policy policy = Policy.parse(text, "policy");
    assertThat(policy.grant("github_token").orElseThrow().ref().orElseThrow().toString())
        .isEqualTo("env:GITHUB_TOKEN");
    assertThat(policy.grant("github_token-app-env").orElseThrow().ref().orElseThrow()
        .toString()).endsWith("#GITHUB_TOKEN");
  }

  @Test
  void stateDirInsideTheRepository_isRefused() {
    TestRepo repo = repoWithEnv();
    TestRepo.Run run = repo.run("migrate", ".env", "--to", "local", "--state-dir", ".keyhole");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("must live outside");
  }

  private static Path onlyFile(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      List<Path> files = s.filter(Files::isRegularFile).toList();
      assertThat(files).hasSize(1);
      return files.get(0);
    }
  }

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
