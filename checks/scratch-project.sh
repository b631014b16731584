#!/usr/bin/env bash
# The README's "Add Keyhole to your build", followed the way a new user would, outside this
# repository:
#   1. a clean clone of this checkout's HEAD is installed (`mvn install -DskipTests`, as the README
#      says) into a throw-away local repository, never ~/.m2 (other checkouts share that one);
#   2. a scratch Maven project imports keyhole-bom, adds keyhole-core and keyhole-langchain4j
#      without versions, and its main method is the README's quick start, copied from README.md;
#   3. the project is built, Jackson must come out as one version, and the quick start runs with
#      a generated GITHUB_TOKEN: the tool gets the value, the model-facing result only the handle.
#
# Usage: checks/scratch-project.sh [WORK_DIR]      (about 5-10 minutes: step 1 builds every module;
#        SCRATCH_REUSE_INSTALL=1 with the same WORK_DIR skips step 1)
# WORK_DIR (default: a new temporary directory) keeps the clone, the local repository (seeded from
# ~/.m2 without Keyhole's own artifacts, so that it needs little from the network) and the project.
# Not part of .ci/run (too slow); run it before a release and after changing the build section.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/keyhole-scratch.XXXXXX")}
mkdir -p "$work"
work=$(cd "$work" && pwd)
repo=$work/m2
mvn_() { mvn -B -ntp -q -Dmaven.repo.local="$repo" "$@"; }
step() { echo "[scratch-project] $*" >&2; }

if [ ! -d "$repo" ]; then
  mkdir -p "$repo"
  if [ -d "$HOME/.m2/repository" ]; then
    step "seeding $repo from ~/.m2/repository (without dev/keyhole)"
    cp -r "$HOME/.m2/repository/." "$repo/"
  fi
fi
rm -rf "$work/app"
if [ "${SCRATCH_REUSE_INSTALL:-}" = 1 ] && [ -d "$work/keyhole" ]; then
  step "reusing the clone and install in $work (SCRATCH_REUSE_INSTALL=1)"
else
  rm -rf "$repo/dev/keyhole" "$work/keyhole"
  step "cloning $(git -C "$root" rev-parse --short HEAD) into $work/keyhole and installing it into $repo"
  git clone -q "$root" "$work/keyhole"
  (cd "$work/keyhole" && mvn_ install -DskipTests)
fi
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$work/keyhole/pom.xml" | head -1)
for jar in "$repo"/dev/keyhole/*/"$version"/*-"$version".jar; do
  unzip -l "$jar" META-INF/LICENSE >/dev/null 2>&1 \
    || { echo "[scratch-project] $(basename "$jar") has no META-INF/LICENSE" >&2; exit 1; }
done

step "scratch project $work/app (keyhole-bom $version)"
app=$work/app
mkdir -p "$app/src/main/java/demo"
cat > "$app/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>demo</groupId>
  <artifactId>keyhole-scratch</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.release>17</maven.compiler.release>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>dev.keyhole</groupId>
        <artifactId>keyhole-bom</artifactId>
        <version>$version</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>dev.keyhole</groupId>
      <artifactId>keyhole-core</artifactId>
    </dependency>
    <dependency>
      <groupId>dev.keyhole</groupId>
      <artifactId>keyhole-langchain4j</artifactId>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin><artifactId>maven-compiler-plugin</artifactId><version>3.14.0</version></plugin>
      <plugin><artifactId>maven-dependency-plugin</artifactId><version>3.9.0</version></plugin>
    </plugins>
  </build>
</project>
EOF

# The README's quick start (the ```java block of "## Quick start") and its policy (the ```yaml
# block after it), as they are; one line added after the call prints what the model would get.
readme=$work/keyhole/README.md
block() { # $1 = section heading, $2 = fence language
  awk -v sec="## $1" -v lang="\`\`\`$2" '
    $0 == sec { in_sec = 1; next }
    in_sec && /^## / { exit }
    in_sec && !in_block && $0 == lang { in_block = 1; next }
    in_block && $0 == "```" { exit }
    in_block { print }' "$readme"
}
quickstart=$(block "Quick start" java)
block "Quick start" yaml > "$app/keyhole-policy.yaml"
[ -n "$quickstart" ] && [ -s "$app/keyhole-policy.yaml" ] || {
  echo "[scratch-project] README.md has no '## Quick start' java and yaml block" >&2; exit 1; }
{
  cat <<'EOF'
package demo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyhole.*;
import dev.keyhole.audit.*;
import dev.keyhole.providers.*;
import dev.keyhole.tools.*;
import java.nio.file.*;

/** README.md's quick start, with stand-ins for what the reader brings (the model's arguments, their HTTP client). */
public final class QuickStart {
  interface YourHttpClient { String send(JsonNode request); }

  public static void main(String[] args) throws Exception {
    String modelArgumentsJson = "{\"url\": \"https://api.github.com/user\","
        + " \"headers\": {\"Authorization\": \"Bearer secret://github_token\"}}";
    String expected = "Bearer " + System.getenv("GITHUB_TOKEN");
    YourHttpClient httpClient = request -> {   // echoes what it was sent, value included
      String auth = request.path("headers").path("Authorization").asText();
      System.out.println("tool received the value: " + auth.equals(expected));
      return "sent " + request;
    };
EOF
  printf '%s\n' "$quickstart" | sed 's:^:    :' \
    | sed '/result comes back redacted/a\      System.out.println("model gets: " + result);'
  printf '  }\n}\n'
} > "$app/src/main/java/demo/QuickStart.java"

cd "$app"
step "mvn package"
mvn_ package
mvn_ dependency:list -DoutputFile=deps.txt -DincludeGroupIds=com.fasterxml.jackson.core
# jackson-core and jackson-databind must agree (jackson-annotations has its own, shorter versions since 2.20).
jackson=$(sed -n 's/.*com.fasterxml.jackson.core:jackson-\(core\|databind\):jar:\([^:]*\):.*/\2/p' deps.txt | sort -u)
step "Jackson in the scratch project: $(echo $jackson)"
[ "$(echo "$jackson" | wc -l)" = 1 ] || { echo "[scratch-project] Jackson versions differ" >&2; exit 1; }
mvn_ dependency:build-classpath -Dmdep.outputFile=cp.txt

step "running the quick start"
token=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)
out=$(GITHUB_TOKEN=$token java -cp "target/classes:$(cat cp.txt)" demo.QuickStart)
printf '%s\n' "$out"
case "$out" in *"$token"*) echo "[scratch-project] the value reached the output" >&2; exit 1 ;; esac
if grep -q "$token" audit.jsonl; then echo "[scratch-project] the value is in audit.jsonl" >&2; exit 1; fi
printf '%s\n' "$out" | grep -q 'tool received the value: true' \
  && printf '%s\n' "$out" | grep -q 'model gets: .*secret://github_token' \
  && [ -s audit.jsonl ] \
  || { echo "[scratch-project] the quick start did not behave as the README says" >&2; exit 1; }
step "OK: the README's build section works in a scratch project ($work)"
