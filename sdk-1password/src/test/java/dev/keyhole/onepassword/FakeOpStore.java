package dev.keyhole.onepassword;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A fake {@code op} for the item writes, with a vault and item store in a directory: {@code vault
 * get}, {@code item list}, {@code item create -}, {@code item get}, {@code item edit} (item JSON on
 * stdin), JSON out, the real CLI's {@code [ERROR] ...} lines on stderr. Every call's arguments are
 * appended to {@code calls.log} and its stdin kept as {@code stdin-N.json}. Run as a Java program
 * by a generated shell script, so tests drive it through the real {@code ProcessBuilder} path.
 */
final class FakeOpStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  final Path dir;
  final Path executable;

  FakeOpStore(Path dir) throws IOException {
    this.dir = dir;
    this.executable = dir.resolve("op");
    Files.createDirectories(dir.resolve("items"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Files.writeString(executable, "#!/bin/sh\nexec '" + java + "' -cp '"
        + System.getProperty("java.class.path") + "' " + FakeOpStore.class.getName() + " '" + dir
        + "' \"$@\"\n");
    Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwx------"));
    Files.writeString(dir.resolve("vaults.json"), "{}");
    Files.writeString(dir.resolve("calls.log"), "");
  }

  FakeOpStore vault(String name, String id) throws IOException {
    ObjectNode v = (ObjectNode) JSON.readTree(dir.resolve("vaults.json").toFile());
    v.put(name, id);
    Files.writeString(dir.resolve("vaults.json"), v.toString());
    Files.createDirectories(dir.resolve("items").resolve(id));
    return this;
  }

  FakeOpStore item(String vaultId, ObjectNode item) throws IOException {
    Files.writeString(dir.resolve("items").resolve(vaultId).resolve(item.path("id").asText() + ".json"),
        item.toString());
    return this;
  }

  List<JsonNode> items(String vaultId) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("items").resolve(vaultId))) {
      List<JsonNode> out = new ArrayList<>();
      for (Path p : s.sorted().toList()) {
        out.add(JSON.readTree(p.toFile()));
      }
      return out;
    }
  }

  /** Each call's arguments, one line per call. */
  List<String> calls() throws IOException {
    return Files.readAllLines(dir.resolve("calls.log"));
  }

  /** The stdin of every call that had one. */
  List<String> stdins() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> out = new ArrayList<>();
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("stdin-")).sorted().toList()) {
        out.add(Files.readString(p));
      }
      return out;
    }
  }

  public static void main(String[] argv) throws IOException {
    Path dir = Path.of(argv[0]);
    List<String> args = new ArrayList<>(Arrays.asList(argv).subList(1, argv.length));
    Files.writeString(dir.resolve("calls.log"), String.join(" ", args) + "\n", StandardOpenOption.APPEND);
    String stdin = new String(System.in.readAllBytes(), StandardCharsets.UTF_8);
    if (!stdin.isEmpty()) {
      long n;
      try (Stream<Path> s = Files.list(dir)) {
        n = s.filter(p -> p.getFileName().toString().startsWith("stdin-")).count();
      }
      Files.writeString(dir.resolve(String.format("stdin-%03d.json", n)), stdin);
    }
    if (!"json".equals(System.getenv("OP_FORMAT")) && !args.contains("json")) {
      fail("output format not set");
    }
    ObjectNode vaults = (ObjectNode) JSON.readTree(dir.resolve("vaults.json").toFile());
    String cmd = args.get(0) + " " + args.get(1);
    switch (cmd) {
      case "vault get" -> {
        String name = args.get(2);
        String id = vaults.has(name) ? vaults.get(name).asText() : null;
        if (id == null) {
          fail("\"" + name + "\" isn't a vault in this account. Specify the vault with its ID or name.");
        }
        System.out.print(JSON.createObjectNode().put("id", id).put("name", name));
      }
      case "item list" -> {
        String vid = flag(args, "--vault");
        ArrayNode out = JSON.createArrayNode();
        for (JsonNode i : new FakeOpStore.Reader(dir).items(vid)) {
          out.addObject().put("id", i.path("id").asText()).put("title", i.path("title").asText());
        }
        System.out.print(out);
      }
      case "item create" -> {
        ObjectNode item = (ObjectNode) JSON.readTree(stdin);
        String vid = item.path("vault").path("id").asText();
        item.put("id", UUID.randomUUID().toString().replace("-", "").substring(0, 26));
        Files.writeString(dir.resolve("items").resolve(vid).resolve(item.get("id").asText() + ".json"),
            item.toString());
        System.out.print(item);
      }
      case "item get" -> {
        Path p = dir.resolve("items").resolve(flag(args, "--vault")).resolve(args.get(2) + ".json");
        if (!Files.exists(p)) {
          fail("\"" + args.get(2) + "\" isn't an item in the vault.");
        }
        System.out.print(Files.readString(p));
      }
      case "item edit" -> {
        Path p = dir.resolve("items").resolve(flag(args, "--vault")).resolve(args.get(2) + ".json");
        Files.writeString(p, stdin);
        System.out.print(stdin);
      }
      default -> fail("unknown command \"" + cmd + "\" for \"op\"");
    }
  }

  private static String flag(List<String> args, String name) {
    int i = args.indexOf(name);
    return i < 0 ? "" : args.get(i + 1);
  }

  private static void fail(String message) {
    System.err.println("[ERROR] 2024/06/01 12:00:00 " + message);
    System.exit(1);
  }

  /** Reads the store (used by main, where no instance exists). */
  private static final class Reader {
    private final Path dir;

    Reader(Path dir) {
      this.dir = dir;
    }

    List<JsonNode> items(String vaultId) throws IOException {
      Path d = dir.resolve("items").resolve(vaultId);
      if (!Files.isDirectory(d)) {
        return List.of();
      }
      try (Stream<Path> s = Files.list(d)) {
        List<JsonNode> out = new ArrayList<>();
        for (Path p : s.sorted().toList()) {
          out.add(JSON.readTree(p.toFile()));
        }
        return out;
      }
    }
  }
}
