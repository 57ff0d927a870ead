#!/usr/bin/env bash
# What the trainer server costs over calling the library: the same Frappe job (small dlf-paper,
# 1 epoch, batch 4096) run directly and through a trainer server on a loopback port, alternating,
# median of several pairs. Writes bench/results/trainer-overhead-<date>.md and
# bench/results/trainer-overhead.json. Takes ~10 minutes on 2 cores with the defaults (1 warm-up + 3 pairs).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bench/classpath.sh
exec java -Xmx2g -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" -cp "$BENCH_CLASSPATH" \
  io.dlf.bench.TrainerOverhead --data-root "${DLF_DATA:-../shared/data}" "$@"
