#!/usr/bin/env bash
# Training speed of the reference preset on Frappe (batch 10,000 and 4,096; float32 and bfloat16),
# peak memory, and in-process inference latency/throughput of the exported model.
# Writes bench/results/training-<date>.md and bench/results/training.json. Takes ~20 minutes on 2 cores.
# JAVA_OPTS replaces the default JVM options (-Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.TrainingBenchmark --data-root "${DLF_DATA:-../shared/data}" "$@"
