package dev.keyhole.samples;

/**
 * The POSIX {@code cksum} checksum (CRC-32 with polynomial 0x04C11DB7 over the bytes and their
 * length). The demo deploy script compares {@code printf %s "$DEPLOY_TOKEN" | cksum} with the value
 * baked into it, so the sample can show that the script received the real token without the script
 * ever printing it.
 */
final class Cksum {
  private static final int[] TABLE = new int[256];

  static {
    for (int i = 0; i < 256; i++) {
      int c = i << 24;
      for (int k = 0; k < 8; k++) {
        c = (c & 0x80000000) != 0 ? (c << 1) ^ 0x04C11DB7 : c << 1;
      }
      TABLE[i] = c;
    }
  }

  private Cksum() {}

  /** The checksum {@code cksum} prints for {@code data}, as an unsigned decimal. */
  static long of(byte[] data) {
    int crc = 0;
    for (byte b : data) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ b) & 0xFF];
    }
    for (long n = data.length; n != 0; n >>>= 8) {
      crc = (crc << 8) ^ TABLE[((crc >>> 24) ^ (int) (n & 0xFF)) & 0xFF];
    }
    return ~crc & 0xFFFFFFFFL;
  }
}
