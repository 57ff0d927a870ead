#!/usr/bin/env bash
# Serving speed over loopback gRPC: batch-1 latency (p50/p99, one client) and throughput with 1, 8,
# 32 and 64 clients, batching on and off, against the in-process TensorFlow limit, for a Frappe DLF
# model (--model data/models/<name>/<N>, or one exported with initial weights) and the reference
# preset. Writes bench/results/serving-<date>.md and bench/results/serving.json. Takes ~10 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bench/classpath.sh
exec java -Xmx4g -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" -cp "$BENCH_CLASSPATH" \
  io.dlf.bench.ServingBenchmark "$@"
