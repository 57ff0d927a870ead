#!/usr/bin/env bash
# dlfctl, the DLF command line (io.dlf.client.cli.Dlfctl); `clients/java/dlfctl.sh --help` lists its
# commands. Builds the client and the modules it needs first if their sources changed (a reactor
# `package`: nothing is installed into ~/.m2). The client's class path holds no TensorFlow: specs
# are checked here, models run on the servers, which `dlfctl servers start` and `dlfctl quickstart`
# launch through their scripts in this checkout (-Ddlf.home).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cp_file="$root/clients/java/target/classpath.txt"
newest="$(find "$root/proto/src" "$root/proto/pom.xml" "$root/model-spec/src/main" "$root/model-spec/pom.xml" \
  "$root/clients/java/src/main" "$root/clients/java/pom.xml" "$root/pom.xml" -newer "$cp_file" -print -quit \
  2>/dev/null || true)"
if [[ ! -f "$cp_file" || -n "$newest" ]]; then
  echo "Building dlfctl (first run, or sources changed)..." >&2
  (cd "$root" && mvn -B -q -ntp package -DskipTests -pl clients/java -am dependency:build-classpath \
    -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt) >&2
  touch "$cp_file"  # the plugin leaves an unchanged file alone: mark this build as the newest
fi
exec java -Ddlf.home="$root" -cp "$root/clients/java/target/classes:$(cat "$cp_file")" io.dlf.client.cli.Dlfctl "$@"
