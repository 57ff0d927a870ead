#!/usr/bin/env bash
# Training speed of the reference preset on Frappe (batch 10,000 and 4,096; float32 and bfloat16),
# peak memory, and in-process inference latency/throughput of the exported model.
# Writes bench/results/training-<date>.md and bench/results/training.json. Takes ~20 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bench/classpath.sh
exec java -Xmx1g -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" -cp "$BENCH_CLASSPATH" \
  io.dlf.bench.TrainingBenchmark --data-root "${DLF_DATA:-../shared/data}" "$@"
