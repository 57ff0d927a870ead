#!/usr/bin/env bash
# The reference preset served at float32 and at bfloat16 from one checkpoint trained briefly on Frappe
# (1 epoch by default; the checkpoint is kept in --work-dir and reused): test AUC of both exported
# graphs and batch-1 p50/p99 over loopback gRPC, taking turns, medians of rounds. Writes
# bench/results/serving-precision-<date>.md and merges p99_ms_batch1_reference_bf16 and
# test_auc_delta_reference_bf16 into bench/results/serving.json. JAVA_OPTS replaces -Xmx6g.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx6g}"
exec java -Dorg.bytedeco.javacpp.cachedir="${DLF_JAVACPP_CACHE:-$PWD/.cache/javacpp}" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.ServingPrecisionBenchmark "$@"
