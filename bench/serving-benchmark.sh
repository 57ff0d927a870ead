#!/usr/bin/env bash
# Serving speed over loopback gRPC: batch-1 latency (p50/p99, one client) and throughput with 1, 8,
# 32 and 64 clients, batching on and off, against the in-process TensorFlow limit, for a Frappe DLF
# model (--model data/models/<name>/<N>, or one exported with initial weights) and the reference
# preset. Writes bench/results/serving-<date>.md and bench/results/serving.json. Takes ~10 minutes.
# JAVA_OPTS replaces the default JVM options (-Xmx4g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx4g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.ServingBenchmark "$@"
