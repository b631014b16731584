package dev.keyhole.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated repository with planted secrets (fresh values each time) in a mixed {@code .env}
 * (quotes, export, comments, a multi-line PEM value), YAML/JSON/properties configs and scripts,
 * next to look-alikes that must not be flagged (git SHAs, UUIDs, a pre-signed URL, placeholders,
 * references), and files the walk must skip (git-ignored, binary, large, a symlink out of the
 * tree).
 */
public final class SampleRepo {
  /** A planted secret: file, the key it is reported under, and its value. */
  public record Planted(String file, String key, String value) {}

  public final TestRepo repo;
  public final List<Planted> planted = new ArrayList<>();
  /** Look-alike strings by file; none may be covered by a finding. */
  public final Map<String, List<String>> lookAlikes = new LinkedHashMap<>();
  /** Secrets in files that must not be read at all. */
  public final List<String> unreadSecrets = new ArrayList<>();
  /** Values of detector-only secrets (in src/Config.java). */
  public final Map<String, String> detectorSecrets = new LinkedHashMap<>();

  public final String githubToken = Fakes.githubToken();
  public final String dbPassword = "p@ss\"w0rd-" + Fakes.password();
  public final String stripeKey = Fakes.token();
  public final String pem = Fakes.pemPrivateKey();
  public final String urlPassword = Fakes.password().replace("!", "Z");
  public final String randomBlob = Fakes.token();

  public SampleRepo(TestRepo repo) {
    this.repo = repo;
    String sha = Fakes.gitSha();
    String uuid = Fakes.uuid();
    String presigned = Fakes.presignedUrl();

    repo.write(".gitignore", """
        # local files
        .env
        .env.*
        !.env.example
        node_modules/
        /build
        *.log
        !keep.log
        """);
    repo.write(".env", "# app settings for local development\n"
        + "export GITHUB_TOKEN=" + githubToken + "\n"
        + "DB_PASSWORD=\"" + dbPassword.replace("\"", "\\\"") + "\"   # quoted, with an escape\n"
        + "STRIPE_SECRET_KEY='" + stripeKey + "'\n"
        + "PORT=8080\n"
        + "NODE_ENV=production\n"
        + "API_KEY=changeme\n"
        + "SESSION_SECRET=${SESSION_SECRET}\n"
        + "PRIVATE_KEY=\"" + pem + "\"\n"
        + "DEPLOY_SHA=" + sha + "\n"
        + "REQUEST_ID=" + uuid + "\n"
        + "REPORT_URL=" + presigned + "\n"
        + "DATABASE_URL=postgres://app:" + urlPassword + "@db.internal:5432/app\n"
        + "RANDOM_BLOB=" + randomBlob + "\n"
        + "ALREADY_MOVED=op://Dev/app-env/ALREADY_MOVED\n"
        + "EMPTY=\n");
    planted.add(new Planted(".env", "GITHUB_TOKEN", githubToken));
    planted.add(new Planted(".env", "DB_PASSWORD", dbPassword));
    planted.add(new Planted(".env", "STRIPE_SECRET_KEY", stripeKey));
    planted.add(new Planted(".env", "PRIVATE_KEY", pem));
    planted.add(new Planted(".env", "DATABASE_URL", urlPassword));
    planted.add(new Planted(".env", "RANDOM_BLOB", randomBlob));
    lookAlikes.put(".env", List.of(sha, uuid, presigned, "changeme", "${SESSION_SECRET}",
        "op://Dev/app-env/ALREADY_MOVED", "8080", "production"));

    repo.write(".env.example", """
        GITHUB_TOKEN=<your-github-token>
        DB_PASSWORD=changeme
        STRIPE_SECRET_KEY=your_stripe_key_here
        """);
    lookAlikes.put(".env.example", List.of("<your-github-token>", "changeme",
        "your_stripe_key_here"));

    String yamlPassword = Fakes.password();
    repo.write("config/application.yml", "server:\n  port: 8080\n"
        + "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app\n    username: app\n"
        + "    password: " + yamlPassword + "\n"
        + "  security:\n    client-secret: \"${CLIENT_SECRET}\"\n"
        + "build:\n  commit: " + sha + "\n  id: " + uuid + "\n"
        + "downloads:\n  report: \"" + presigned + "\"\n"
        + "test:\n  password: changeme\n  token: <token>\n");
    planted.add(new Planted("config/application.yml", "spring.datasource.password", yamlPassword));
    lookAlikes.put("config/application.yml", List.of(sha, uuid, presigned, "${CLIENT_SECRET}",
        "changeme", "<token>"));

    String jsonKey = Fakes.token();
    String signing = Fakes.token();
    repo.write("config/settings.json", "{\n  \"apiKey\": \"" + jsonKey + "\",\n"
        + "  \"webhook\": {\"url\": \"https://hooks.example.test/x\", \"signingSecret\": \""
        + signing + "\"},\n"
        + "  \"requestId\": \"" + uuid + "\",\n  \"placeholder_token\": \"<your-token>\",\n"
        + "  \"buildSha\": \"" + sha + "\"\n}\n");
    planted.add(new Planted("config/settings.json", "apiKey", jsonKey));
    planted.add(new Planted("config/settings.json", "webhook.signingSecret", signing));
    lookAlikes.put("config/settings.json", List.of(uuid, "<your-token>", sha));

    String propsPassword = Fakes.password();
    repo.write("config/app.properties", "# database\ndb.user=app\ndb.password=" + propsPassword
        + "\napi.token=${API_TOKEN}\nfeature.enabled=true\n");
    planted.add(new Planted("config/app.properties", "db.password", propsPassword));
    lookAlikes.put("config/app.properties", List.of("${API_TOKEN}"));

    String deployToken = Fakes.token();
    String basicPassword = Fakes.password().replace("!", "Q");
    String mysqlPassword = Fakes.password().replace("!", "W");
    String bearer = Fakes.token();
    repo.write("scripts/deploy.sh", "#!/bin/sh\nset -eu\n"
        + "export DEPLOY_TOKEN=" + deployToken + "\n"
        + "export SAFE_TOKEN=\"$DEPLOY_TOKEN_FROM_CI\"\n"
        + "curl -u admin:" + basicPassword + " https://ci.example.test/hook\n"
        + "mysql --password=" + mysqlPassword + " -h db app < dump.sql\n"
        + "psql --password \"$PGPASSWORD\" -h db\n"
        + "curl -H \"Authorization: Bearer " + bearer + "\" https://api.example.test/v1\n"
        + "git checkout " + sha + "\n"
        + "echo \"${API_KEY:-unset}\"\n");
    planted.add(new Planted("scripts/deploy.sh", "DEPLOY_TOKEN", deployToken));
    planted.add(new Planted("scripts/deploy.sh", "password", basicPassword));
    planted.add(new Planted("scripts/deploy.sh", "password", mysqlPassword));
    planted.add(new Planted("scripts/deploy.sh", "authorization", bearer));
    lookAlikes.put("scripts/deploy.sh", List.of("$DEPLOY_TOKEN_FROM_CI", "$PGPASSWORD", sha,
        "${API_KEY:-unset}"));

    String dockerToken = Fakes.token();
    repo.write("Dockerfile", "FROM eclipse-temurin:17\nARG NPM_TOKEN\nENV API_KEY=" + dockerToken
        + "\nENV BUILD_SHA=" + sha + "\n");
    planted.add(new Planted("Dockerfile", "API_KEY", dockerToken));
    lookAlikes.put("Dockerfile", List.of(sha));

    String keepPassword = Fakes.password().replace("!", "K");
    repo.write("logs/keep.log", "connecting to redis://cache:" + keepPassword + "@cache:6379/0\n");
    planted.add(new Planted("logs/keep.log", "", keepPassword));

    repo.write("src/Main.java", "class Main {\n  // fixed in " + sha + "\n  static final String ID = \""
        + uuid + "\";\n  static final String REPORT = \"" + presigned + "\";\n}\n");
    lookAlikes.put("src/Main.java", List.of(sha, uuid, presigned));

    // Known formats that only core's detectors recognise (no secret-named key around them).
    detectorSecrets.put("aws", Fakes.awsAccessKeyId());
    detectorSecrets.put("github", Fakes.githubToken());
    detectorSecrets.put("jwt", Fakes.jwt());
    detectorSecrets.put("pem", Fakes.pemPrivateKey());
    repo.write("src/Fixtures.java", "class Fixtures {\n"
        + "  String a = \"" + detectorSecrets.get("aws") + "\";\n"
        + "  String b = \"" + detectorSecrets.get("github") + "\";\n"
        + "  String c = \"" + detectorSecrets.get("jwt") + "\";\n"
        + "  String d = \"\"\"\n" + detectorSecrets.get("pem") + "\n\"\"\";\n}\n");

    // Must not be read: ignored directory, ignored by pattern, nested .gitignore, binary.
    String ignored1 = Fakes.token();
    String ignored2 = Fakes.token();
    String ignored3 = Fakes.token();
    String binary = Fakes.token();
    repo.write("node_modules/pkg/.env", "NPM_TOKEN=" + ignored1 + "\n");
    repo.write("build/out/config.yml", "password: " + ignored2 + "\n");
    repo.write("logs/app.log", "token: " + ignored2 + "\n");
    repo.write("services/api/.gitignore", "secret-notes.yml\n");
    repo.write("services/api/secret-notes.yml", "api_token: " + ignored3 + "\n");
    unreadSecrets.addAll(List.of(ignored1, ignored2, ignored3, binary));
    try {
      Path png = repo.root.resolve("assets/logo.png");
      Files.createDirectories(png.getParent());
      byte[] head = {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13};
      byte[] tail = ("\ntoken: " + binary + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] all = new byte[head.length + tail.length];
      System.arraycopy(head, 0, all, 0, head.length);
      System.arraycopy(tail, 0, all, head.length, tail.length);
      Files.write(png, all);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds a symbolic link inside the tree pointing at a secret file outside it. */
  public String linkOutside() throws IOException {
    String outsideSecret = Fakes.token();
    Path outside = repo.root.getParent().resolve("outside");
    Files.createDirectories(outside);
    Files.writeString(outside.resolve("secrets.yml"), "password: " + outsideSecret + "\n");
    Files.createSymbolicLink(repo.root.resolve("linked-secrets.yml"),
        outside.resolve("secrets.yml"));
    Files.createSymbolicLink(repo.root.resolve("linked-dir"), outside);
    unreadSecrets.add(outsideSecret);
    return outsideSecret;
  }

  /** Adds a file larger than {@code limit} bytes holding a secret. */
  public void addLargeFile(int limit) {
    String big = Fakes.token();
    repo.write("data/big.yml", "password: " + big + "\n" + "#".repeat(limit) + "\n");
    unreadSecrets.add(big);
  }

  /** Every planted and unread secret value. */
  public String[] allSecrets() {
    List<String> all = new ArrayList<>();
    planted.forEach(p -> all.add(p.value()));
    all.addAll(unreadSecrets);
    all.addAll(detectorSecrets.values());
    return all.toArray(String[]::new);
  }
}
