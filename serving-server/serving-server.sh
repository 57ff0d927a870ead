#!/usr/bin/env bash
# Starts a serving server (io.dlf.serving.ServingServerMain); --help lists its options.
# Builds the platform first if its sources changed. Stop it with Ctrl-C or SIGTERM: calls in
# flight finish (--shutdown-grace) before the versions' sessions close.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
source "$root/bench/classpath.sh"
exec java -Xmx4g -Dorg.bytedeco.javacpp.cachedir="$root/.cache/javacpp" \
  -cp "$root/serving-server/target/classes:$(cat "$root/serving-server/target/classpath.txt")" \
  io.dlf.serving.ServingServerMain "$@"
