package dev.keyhole;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.providers.DotenvProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dotenv:} references stay inside the provider's base directory. */
class DotenvProviderTest {
  @TempDir Path tmp;
  private Path base;
  private final String inside = TestSupport.randomSecret();
  private final String outside = TestSupport.randomSecret();

  @BeforeEach
  void files() throws Exception {
    base = Files.createDirectories(tmp.resolve("workspace"));
    Files.writeString(base.resolve(".env"), "TOKEN=" + inside + "\n");
    Files.createDirectories(base.resolve("config"));
    Files.writeString(base.resolve("config/app.env"), "TOKEN=" + inside + "\n");
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.writeString(home.resolve(".env"), "TOKEN=" + outside + "\n");
  }

  private static SecretRef ref(String s) {
    return SecretRef.parse(s);
  }

  @Test
  void pathsInsideTheBaseDirectory_resolve() {
    DotenvProvider p = DotenvProvider.withBaseDir(base);
    for (String r : List.of("dotenv:.env#TOKEN", "dotenv:config/app.env#TOKEN",
        "dotenv:config/../.env#TOKEN", "dotenv:./config/app.env#TOKEN",
        "dotenv:" + base.resolve(".env") + "#TOKEN")) {
      assertThat(p.resolve(ref(r)).value().revealString()).as(r).isEqualTo(inside);
    }
  }

  // Attack: a policy (or a reference a tool passes on) reads another project's or the user's
  // .env by walking up with '..'.
  @Test
  void dotDotOutOfTheBaseDirectory_isRefused_namingTheReference() {
    DotenvProvider p = DotenvProvider.withBaseDir(base);
    String r = "dotenv:../home/.env#TOKEN";
    assertThatThrownBy(() -> p.resolve(ref(r)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining(r).hasMessageContaining("outside")
        .hasMessageNotContaining(outside);
    assertThatThrownBy(() -> p.validate(ref(r))).isInstanceOf(InvalidReferenceException.class);
    assertThatThrownBy(() -> p.resolve(ref("dotenv:config/../../home/.env#TOKEN")))
        .isInstanceOf(InvalidReferenceException.class);
  }

  @Test
  void absolutePathOutsideTheBaseDirectory_isRefused() {
    DotenvProvider p = DotenvProvider.withBaseDir(base);
    String r = "dotenv:" + tmp.resolve("home/.env") + "#TOKEN";
    assertThatThrownBy(() -> p.resolve(ref(r)))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining(r).hasMessageNotContaining(outside);
  }

  // Attack: a file (or directory) inside the workspace is a symbolic link to a file outside it,
  // e.g. committed to a repository the agent works in.
  @Test
  void symlinkLeadingOut_isRefused() throws Exception {
    Files.createSymbolicLink(base.resolve("linked.env"), tmp.resolve("home/.env"));
    Files.createSymbolicLink(base.resolve("linkdir"), tmp.resolve("home"));
    DotenvProvider p = DotenvProvider.withBaseDir(base);
    for (String r : List.of("dotenv:linked.env#TOKEN", "dotenv:linkdir/.env#TOKEN")) {
      assertThatThrownBy(() -> p.resolve(ref(r))).as(r)
          .isInstanceOf(InvalidReferenceException.class)
          .hasMessageContaining(r).hasMessageContaining("symbolic link")
          .hasMessageNotContaining(outside);
    }
  }

  @Test
  void symlinkStayingInside_resolves() throws Exception {
    Files.createSymbolicLink(base.resolve("alias.env"), base.resolve("config/app.env"));
    assertThat(DotenvProvider.withBaseDir(base).resolve(ref("dotenv:alias.env#TOKEN")).value()
        .revealString()).isEqualTo(inside);
  }

  @Test
  void providerBuiltToAllowIt_readsOutsideTheBaseDirectory() throws Exception {
    Files.createSymbolicLink(base.resolve("linked.env"), tmp.resolve("home/.env"));
    DotenvProvider p = DotenvProvider.builder().baseDir(base).allowPathsOutsideBaseDir(true).build();
    for (String r : List.of("dotenv:../home/.env#TOKEN", "dotenv:linked.env#TOKEN",
        "dotenv:" + tmp.resolve("home/.env") + "#TOKEN")) {
      assertThat(p.resolve(ref(r)).value().revealString()).as(r).isEqualTo(outside);
    }
    assertThat(p.toString()).contains("outside allowed");
  }

  @Test
  void policyWithAReferenceOutTheBaseDirectory_failsWhenKeyholeIsBuilt() {
    Policy policy = Policy.builder().grant(Grant.builder("t").ref("dotenv:../home/.env#TOKEN")
        .tools("*").build()).build();
    assertThatThrownBy(() -> Keyhole.builder().provider(DotenvProvider.withBaseDir(base))
        .policy(policy).expirySweep(false).build())
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageContaining("dotenv:../home/.env#TOKEN");
  }
}
