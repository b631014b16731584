package dev.keyhole.cli;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of the migration tests against a store's HTTP API: one in-process WireMock server on a
 * dynamic port per test class, and a fresh git repository with a git-ignored {@code .env}.
 */
abstract class WireMockMigrationTest {
  static WireMockServer wm;

  @TempDir Path tmp;

  @BeforeAll
  static void startWireMock() {
    wm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    wm.start();
  }

  @AfterAll
  static void stopWireMock() {
    wm.stop();
  }

  /** Resets the server and creates a committed repository whose git-ignored .env is {@code env}. */
  TestRepo repoWithEnv(String env) {
    wm.resetAll();
    TestRepo repo = TestRepo.git(tmp);
    repo.write(".gitignore", ".env\n").commit();
    repo.write(".env", env);
    return repo;
  }
}
