package dev.keyhole.cli.migrate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Last line of defence for messages printed during a migration: replaces any value being moved
 * (as written, and JSON-escaped as a store might echo it) with {@code [value withheld]}. Messages
 * are built from codes and names to begin with; this catches a store that echoes input.
 *
 * <p>Security: holds the values for the duration of one run; {@code toString} prints a count only.
 */
final class Scrubber {
  private final List<String> values;

  private Scrubber(List<String> values) {
    this.values = values;
  }

  static Scrubber of(List<FilePlan> plans) {
    List<String> vs = new ArrayList<>();
    for (FilePlan p : plans) {
      for (Move m : p.moves()) {
        if (m.value().length() >= 4) {
          vs.add(m.value());
          String json = new String(com.fasterxml.jackson.core.io.JsonStringEncoder.getInstance()
              .quoteAsString(m.value()));
          if (!json.equals(m.value())) {
            vs.add(json);
          }
        }
      }
    }
    vs.sort(Comparator.comparingInt(String::length).reversed());
    return new Scrubber(List.copyOf(vs));
  }

  String clean(String message) {
    String s = message;
    for (String v : values) {
      s = s.replace(v, "[value withheld]");
    }
    return s;
  }

  @Override
  public String toString() {
    return "Scrubber[" + values.size() + " values]";
  }
}
