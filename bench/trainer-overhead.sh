#!/usr/bin/env bash
# What the trainer server costs over calling the library: the same Frappe job (small dlf-paper,
# 1 epoch, batch 4096) run directly and through a trainer server on a loopback port, alternating,
# median of several pairs. Writes bench/results/trainer-overhead-<date>.md and
# bench/results/trainer-overhead.json. Takes ~10 minutes on 2 cores with the defaults (1 warm-up + 3 pairs).
# JAVA_OPTS replaces the default JVM options (-Xmx2g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx2g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.TrainerOverhead --data-root "${DLF_DATA:-../shared/data}" "$@"
