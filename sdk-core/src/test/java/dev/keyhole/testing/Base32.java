package dev.keyhole.testing;

/** Encodings written independently of the redaction engine, to check it against. */
public final class Base32 {
  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

  private Base32() {}

  /** RFC 4648 base32 with padding, as coreutils' {@code base32} prints it (unwrapped). */
  public static String encode(byte[] data) {
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    while (sb.length() % 8 != 0) {
      sb.append('=');
    }
    return sb.toString();
  }
}
