#!/usr/bin/env bash
# Starts a trainer server (io.dlf.trainer.server.TrainerServerMain); --help lists its options.
# Builds the platform first if its sources changed. Stop it with Ctrl-C or SIGTERM: running jobs
# checkpoint and resume on the next start.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
source "$root/bench/classpath.sh"
exec java -Xmx4g -Dorg.bytedeco.javacpp.cachedir="$root/.cache/javacpp" \
  -cp "$root/trainer-server/target/classes:$(cat "$root/trainer-server/target/classpath.txt")" \
  io.dlf.trainer.server.TrainerServerMain "$@"
