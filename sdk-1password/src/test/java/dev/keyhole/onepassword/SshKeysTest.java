package dev.keyhole.onepassword;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.keyhole.SecretFormatException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeysTest {
  @TempDir Path dir;

  static String pkcs8Pem(byte[] der) {
    return "-----BEGIN " + "PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8)).encodeToString(der)
        + "\n-----END PRIVATE KEY-----\n";
  }

  @Test
  void ed25519PublicKey_matchesRfc8032Vector() {
    // RFC 8032 section 7.1, TEST 1 (a published test vector, not a credential).
    byte[] seed = HexFormat.of().parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
    assertThat(HexFormat.of().formatHex(SshKeys.ed25519Public(seed)))
        .isEqualTo("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  }

  @Test
  void rsaPkcs8_becomesOpenSshWithSameModulus() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    KeyPair kp = g.generateKeyPair();
    char[] out = SshKeys.toOpenSsh(pkcs8Pem(kp.getPrivate().getEncoded()), "Field 'private key'");
    String pem = new String(out);
    assertThat(pem).startsWith("-----BEGIN OPENSSH " + "PRIVATE KEY-----\n").endsWith("-----END OPENSSH PRIVATE KEY-----\n");
    ByteBuffer b = ByteBuffer.wrap(Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")));
    byte[] magic = new byte[15];
    b.get(magic);
    assertThat(new String(magic, StandardCharsets.US_ASCII)).isEqualTo("openssh-key-v1\0");
    assertThat(string(b)).isEqualTo("none");
    assertThat(string(b)).isEqualTo("none");
    string(b);
    assertThat(b.getInt()).isEqualTo(1);
    ByteBuffer pub = ByteBuffer.wrap(bytes(b));
    assertThat(string(pub)).isEqualTo("ssh-rsa");
    bytes(pub); // e
    assertThat(new java.math.BigInteger(bytes(pub)))
        .isEqualTo(((java.security.interfaces.RSAPublicKey) kp.getPublic()).getModulus());
    verifyWithSshKeygen(pem, "ssh-rsa");
  }

  @Test
  void ed25519Pkcs8_becomesOpenSsh() throws Exception {
    KeyPair kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    String pem = new String(SshKeys.toOpenSsh(pkcs8Pem(kp.getPrivate().getEncoded()), "f"));
    assertThat(pem).startsWith("-----BEGIN OPENSSH " + "PRIVATE KEY-----");
    verifyWithSshKeygen(pem, "ssh-ed25519");
  }

  @Test
  void openSshKey_isReturnedAsIs_andOtherTextIsRejected() {
    String already = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    assertThat(new String(SshKeys.toOpenSsh(already, "f"))).isEqualTo(already);
    String value = Fakes.secret();
    assertThatThrownBy(() -> SshKeys.toOpenSsh(value, "Field 'key'"))
        .isInstanceOf(SecretFormatException.class).hasMessageContaining("Field 'key'")
        .hasMessageNotContaining(value);
  }

  /** Where ssh-keygen exists, it must read the key and derive the same kind of public key. */
  private void verifyWithSshKeygen(String pem, String type) throws Exception {
    Path keygen = Path.of("/usr/bin/ssh-keygen");
    assumeTrue(Files.isExecutable(keygen), "ssh-keygen not installed");
    Path key = dir.resolve("key");
    Files.writeString(key, pem);
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Process p = new ProcessBuilder(keygen.toString(), "-y", "-f", key.toString()).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).startsWith(type + " ");
  }

  private static String string(ByteBuffer b) {
    return new String(bytes(b), StandardCharsets.US_ASCII);
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.getInt()];
    b.get(out);
    return out;
  }
}
