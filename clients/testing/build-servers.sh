#!/usr/bin/env bash
# Builds the trainer and serving servers inside the reactor (nothing is installed into ~/.m2) and
# writes each one's runtime class path to <module>/target/runtime-classpath.txt: the Python and Node
# tests start the servers from those. Extra arguments go to Maven (e.g. -o).
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -ntp package -DskipTests dependency:build-classpath -Dmdep.outputFile=target/runtime-classpath.txt \
  -Dmdep.includeScope=runtime -pl trainer-server,serving-server -am "$@"
