package dev.keyhole.onepassword;

import dev.keyhole.SecretFormatException;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * {@code ssh-format=openssh}: turns a PKCS#8 PEM private key (how 1Password stores SSH keys) into
 * the OpenSSH private key format ({@code openssh-key-v1}, unencrypted). RSA and Ed25519 keys are
 * supported; a key already in OpenSSH format is returned as is.
 *
 * <p>Security: intermediate arrays are wiped; error messages never quote the key.
 */
final class SshKeys {
  private static final String OPENSSH_BEGIN = "-----BEGIN OPENSSH " + "PRIVATE KEY-----";
  private static final String PKCS8_BEGIN = "-----BEGIN " + "PRIVATE KEY-----";
  private static final String PKCS8_END = "-----END PRIVATE KEY-----";
  private static final byte[] ED25519_OID = {0x06, 0x03, 0x2b, 0x65, 0x70};

  private SshKeys() {}

  static char[] toOpenSsh(String pem, String what) {
    String t = pem.strip();
    if (t.startsWith(OPENSSH_BEGIN)) {
      return t.endsWith("\n") ? t.toCharArray() : (t + "\n").toCharArray();
    }
    if (!t.startsWith(PKCS8_BEGIN) || !t.contains(PKCS8_END)) {
      throw new SecretFormatException(what + " is not a PKCS#8 ('BEGIN PRIVATE KEY') or OpenSSH"
          + " private key, so ssh-format=openssh cannot convert it; drop ssh-format to read it as is");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(t.substring(PKCS8_BEGIN.length(), t.indexOf(PKCS8_END)));
    } catch (IllegalArgumentException e) {
      throw new SecretFormatException(what + " holds a PEM private key whose body is not Base64");
    }
    byte[] blob = null;
    try {
      blob = indexOf(der, ED25519_OID) >= 0 ? ed25519(der, what) : rsa(der, what);
      return pem(blob);
    } finally {
      Arrays.fill(der, (byte) 0);
      if (blob != null) {
        Arrays.fill(blob, (byte) 0);
      }
    }
  }

  private static byte[] rsa(byte[] der, String what) {
    RSAPrivateCrtKey k;
    try {
      if (!(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der))
          instanceof RSAPrivateCrtKey crt)) {
        throw new SecretFormatException(what + " is an RSA key without CRT parameters");
      }
      k = crt;
    } catch (GeneralSecurityException e) {
      throw new SecretFormatException(what + " is a PKCS#8 key of a type ssh-format=openssh does not"
          + " support (RSA and Ed25519 are supported)");
    }
    Ssh pub = new Ssh().string("ssh-rsa").mpint(k.getPublicExponent()).mpint(k.getModulus());
    Ssh priv = new Ssh().string("ssh-rsa").mpint(k.getModulus()).mpint(k.getPublicExponent())
        .mpint(k.getPrivateExponent()).mpint(k.getCrtCoefficient()).mpint(k.getPrimeP())
        .mpint(k.getPrimeQ());
    return container(pub, priv);
  }

  private static byte[] ed25519(byte[] der, String what) {
    // RFC 8410: the private key is an OCTET STRING (04 22) wrapping the 32-byte seed (04 20).
    int at = indexOf(der, new byte[] {0x04, 0x22, 0x04, 0x20});
    if (at < 0 || der.length < at + 4 + 32) {
      throw new SecretFormatException(what + " is an Ed25519 key in an unexpected PKCS#8 layout");
    }
    byte[] seed = Arrays.copyOfRange(der, at + 4, at + 4 + 32);
    byte[] pub = null;
    byte[] both = new byte[64];
    try {
      pub = ed25519Public(seed);
      System.arraycopy(seed, 0, both, 0, 32);
      System.arraycopy(pub, 0, both, 32, 32);
      Ssh pubBlob = new Ssh().string("ssh-ed25519").string(pub);
      Ssh priv = new Ssh().string("ssh-ed25519").string(pub).string(both);
      return container(pubBlob, priv);
    } finally {
      Arrays.fill(seed, (byte) 0);
      Arrays.fill(both, (byte) 0);
    }
  }

  /**
   * The Ed25519 public key of a 32-byte seed. The JDK has no public API for this, so a key pair is
   * generated from a random source that yields exactly the seed (EdDSA key generation draws the
   * private key as 32 random bytes, RFC 8032 section 5.1.5).
   */
  static byte[] ed25519Public(byte[] seed) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("Ed25519");
      g.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
        private static final long serialVersionUID = 1L;

        @Override
        public void nextBytes(byte[] bytes) {
          System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
        }
      });
      KeyPair kp = g.generateKeyPair();
      EdECPublicKey pk = (EdECPublicKey) kp.getPublic();
      // Encoded point: little-endian y with the x parity in the top bit of the last byte.
      byte[] y = pk.getPoint().getY().toByteArray();
      byte[] out = new byte[32];
      for (int i = 0; i < Math.min(32, y.length); i++) {
        out[i] = y[y.length - 1 - i];
      }
      if (pk.getPoint().isXOdd()) {
        out[31] |= (byte) 0x80;
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new SecretFormatException("This Java runtime cannot derive Ed25519 public keys ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static byte[] container(Ssh pub, Ssh priv) {
    int check = new SecureRandom().nextInt();
    Ssh inner = new Ssh().uint32(check).uint32(check).raw(priv.bytes()).string("");
    for (int pad = 1; inner.size() % 8 != 0; pad++) {
      inner.raw(new byte[] {(byte) pad});
    }
    Ssh outer = new Ssh().raw("openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII))
        .string("none").string("none").string("").uint32(1).string(pub.bytes()).string(inner.bytes());
    inner.wipe();
    priv.wipe();
    byte[] out = outer.bytes();
    outer.wipe();
    return out;
  }

  private static char[] pem(byte[] blob) {
    byte[] b64 = Base64.getEncoder().encode(blob);
    StringBuilder sb = new StringBuilder(OPENSSH_BEGIN).append('\n');
    for (int i = 0; i < b64.length; i += 70) {
      for (int j = i; j < Math.min(b64.length, i + 70); j++) {
        sb.append((char) b64[j]);
      }
      sb.append('\n');
    }
    sb.append("-----END OPENSSH PRIVATE KEY-----\n");
    Arrays.fill(b64, (byte) 0);
    char[] out = new char[sb.length()];
    sb.getChars(0, sb.length(), out, 0);
    sb.setLength(0);
    sb.append(" ".repeat(out.length)); // overwrites the builder's buffer
    return out;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** SSH wire encoding (RFC 4251): uint32, string, mpint. */
  private static final class Ssh {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Ssh uint32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
      return this;
    }

    Ssh string(String s) {
      return string(s.getBytes(StandardCharsets.US_ASCII));
    }

    Ssh string(byte[] b) {
      uint32(b.length);
      out.writeBytes(b);
      return this;
    }

    Ssh mpint(BigInteger v) {
      byte[] b = v.signum() == 0 ? new byte[0] : v.toByteArray();
      string(b);
      Arrays.fill(b, (byte) 0);
      return this;
    }

    Ssh raw(byte[] b) {
      out.writeBytes(b);
      return this;
    }

    int size() {
      return out.size();
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    void wipe() {
      // ByteArrayOutputStream cannot be wiped in place; overwrite its content by rewriting zeros.
      int n = out.size();
      out.reset();
      out.writeBytes(new byte[n]);
      out.reset();
    }
  }
}
