package dev.keyhole.benchmarks.redaction;

import dev.keyhole.internal.redact.RedactionForms;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic benchmark inputs: {@code n} random 32-character secrets, every encoded form of each
 * (the same pattern set for Keyhole and every baseline), and a text of mixed log lines and JSON
 * with forms of the secrets planted about every 16 KiB.
 */
final class Corpus {
  static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  static final int PLANT_EVERY = 16 * 1024;
  static final String ABSENT = "Qz8vK2mXw4NpR7tYb1LcF6hJd3GsV9eA";

  final List<String> secrets = new ArrayList<>();
  /** pattern -> handle token, in registration order. */
  final Map<String, String> patterns = new LinkedHashMap<>();
  final String text;
  final String cleanText;
  final int planted;

  Corpus(int secretCount, int textChars) {
    Random r = new Random(42L + secretCount);
    for (int i = 0; i < secretCount; i++) {
      String s = random(r, 32);
      secrets.add(s);
      for (String form : RedactionForms.of(s, 8)) {
        patterns.putIfAbsent(form, "secret://s" + i);
      }
    }
    cleanText = logText(r, textChars);
    List<String> all = new ArrayList<>(patterns.keySet());
    StringBuilder sb = new StringBuilder(cleanText);
    int n = 0;
    for (int at = PLANT_EVERY; at < sb.length() - 200; at += PLANT_EVERY) {
      String form = all.get(r.nextInt(all.size()));
      sb.replace(at, at + form.length() + 2, " " + form + " ");
      n++;
    }
    planted = n;
    text = sb.toString();
  }

  static String random(Random r, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
    }
    return sb.toString();
  }

  /** Log lines, JSON documents, URLs, hex ids and UUIDs: what tool output looks like. */
  static String logText(Random r, int chars) {
    String[] levels = {"INFO", "DEBUG", "WARN", "ERROR"};
    String[] words = {"request", "completed", "user", "session", "cache", "miss", "retrying",
        "connection", "pool", "timeout", "upstream", "deploy", "build", "artifact", "status"};
    StringBuilder sb = new StringBuilder(chars + 512);
    long ts = 1_700_000_000_000L;
    while (sb.length() < chars) {
      ts += r.nextInt(1000);
      switch (r.nextInt(4)) {
        case 0 -> sb.append(ts).append(' ').append(levels[r.nextInt(4)]).append(" [worker-")
            .append(r.nextInt(16)).append("] ").append(words[r.nextInt(words.length)]).append(' ')
            .append(words[r.nextInt(words.length)]).append(" in ").append(r.nextInt(900))
            .append("ms\n");
        case 1 -> sb.append("{\"id\":\"").append(new java.util.UUID(r.nextLong(), r.nextLong()))
            .append("\",\"user\":\"").append(words[r.nextInt(words.length)]).append(r.nextInt(99))
            .append("\",\"count\":").append(r.nextInt(100000)).append(",\"tags\":[\"")
            .append(words[r.nextInt(words.length)]).append("\"],\"ok\":true}\n");
        case 2 -> sb.append("GET https://api.example.com/v1/").append(words[r.nextInt(words.length)])
            .append("?page=").append(r.nextInt(50)).append("&sort=asc HTTP/1.1 200 ")
            .append(r.nextInt(20000)).append("\n");
        default -> sb.append("commit ").append(Long.toHexString(r.nextLong()))
            .append(Long.toHexString(r.nextLong())).append(Integer.toHexString(r.nextInt()))
            .append(" Author: dev <dev@example.com>\n");
      }
    }
    sb.setLength(chars);
    return sb.toString();
  }

  /** {@code text} cut into consecutive messages of {@code size} characters. */
  static String[] messages(String text, int size) {
    String[] out = new String[text.length() / size];
    for (int i = 0; i < out.length; i++) {
      out[i] = text.substring(i * size, (i + 1) * size);
    }
    return out;
  }
}
