package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyhole.Grant;
import dev.keyhole.InvalidHandleException;
import dev.keyhole.InvalidReferenceException;
import dev.keyhole.SecretRef;
import org.junit.jupiter.api.Test;

class OpTemplateTest {
  @Test
  void render_replacesReferencesWithHandles() {
    String template = """
        # app config
        DATABASE_URL=postgres://app:{{ op://Prod/DB/password }}@db:5432/app
        GITHUB_TOKEN={{op://Prod/GitHub/Admin/api token}}
        SAME_AGAIN={{ op://Prod/DB/password }}
        OTP={{ op://Prod/GitHub/one-time password?attribute=otp }}
        HELM={{ .Values.image }}
        """;
    OpTemplate.Rendered r = OpTemplate.render(template);
    assertThat(r.text()).isEqualTo("""
        # app config
        DATABASE_URL=postgres://app:secret://db_password@db:5432/app
        GITHUB_TOKEN=secret://github_admin_api_token
        SAME_AGAIN=secret://db_password
        OTP=secret://github_one_time_password_otp
        HELM={{ .Values.image }}
        """);
    assertThat(r.references()).containsOnlyKeys("db_password", "github_admin_api_token", "github_one_time_password_otp");
    assertThat(r.references().get("db_password")).isEqualTo(OpReference.parse("op://Prod/DB/password"));
    Grant g = r.grant("db_password").tools("psql").build();
    assertThat(g.ref()).contains(SecretRef.parse("op://Prod/DB/password"));
    assertThat(r.grants()).hasSize(3);
  }

  @Test
  void render_deduplicatesClashingNames() {
    OpTemplate.Rendered r = OpTemplate.render("{{ op://A/db/pw }} {{ op://B/db/pw }} {{ op://C/DB/pw }}");
    assertThat(r.text()).isEqualTo("secret://db_pw secret://db_pw_2 secret://db_pw_3");
  }

  @Test
  void render_customNaming() {
    OpTemplate.Rendered r = OpTemplate.render("x={{ op://A/b/c }}", ref -> "MY-" + ref.field());
    assertThat(r.text()).isEqualTo("x=secret://my-c");
    assertThatThrownBy(() -> OpTemplate.render("{{ op://A/b/c }}", ref -> "-bad"))
        .isInstanceOf(InvalidHandleException.class);
  }

  @Test
  void render_reportsLineAndColumnOfBadReferences() {
    assertThatThrownBy(() -> OpTemplate.render("ok\nA={{ op://Prod/DB }}\n"))
        .isInstanceOf(InvalidReferenceException.class)
        .hasMessageStartingWith("Template line 2, column 3: 1Password reference 'op://Prod/DB' is invalid");
    assertThatThrownBy(() -> OpTemplate.render("A={{ op://Prod/DB/pw\n}}"))
        .hasMessageContaining("line 1, column 3").hasMessageContaining("not closed");
    assertThatThrownBy(() -> OpTemplate.render("A={{ op://$ENV/DB/pw }}"))
        .hasMessageContaining("op inject variable");
  }

  @Test
  void render_withoutReferences_isIdentity() {
    String t = "plain {{ text }} and {{";
    OpTemplate.Rendered r = OpTemplate.render(t);
    assertThat(r.text()).isEqualTo(t);
    assertThat(r.references()).isEmpty();
  }
}
