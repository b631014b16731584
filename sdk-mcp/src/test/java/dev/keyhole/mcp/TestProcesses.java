package dev.keyhole.mcp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command lines for the test's child JVMs (same Java, same class path). */
final class TestProcesses {
  private TestProcesses() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java -cp <test class path> MAIN args...}. */
  static List<String> javaMain(Class<?> main, String... args) {
    List<String> c = new ArrayList<>(List.of(java(), "-Xshare:auto", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), main.getName()));
    c.addAll(List.of(args));
    return c;
  }

  /** The broker behind a tap that records the stdio transport into {@code in} and {@code out}. */
  static List<String> tappedBroker(Path in, Path out, Path policy, Path audit, String... extra) {
    List<String> broker = new ArrayList<>(List.of(policy.toString(), audit.toString()));
    broker.addAll(List.of(extra));
    List<String> c = javaMain(Tap.class, in.toString(), out.toString(), "--");
    c.addAll(javaMain(BrokerMain.class, broker.toArray(String[]::new)));
    return c;
  }
}
