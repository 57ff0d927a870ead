#!/usr/bin/env bash
# The reference preset served at float32, bfloat16 and int8 from one checkpoint trained briefly on
# Frappe (1 epoch by default; the checkpoint is kept in --work-dir and reused): test AUC of each
# exported graph, batch-1 p50/p99 over loopback gRPC and in process, then in-process rows/s at batch
# 16 and 256, the precisions taking turns, medians of rounds. Writes
# bench/results/serving-precision-<date>.md and merges p99_ms_batch1_reference_{bf16,int8} and
# test_auc_delta_reference_{bf16,int8} into bench/results/serving.json. JAVA_OPTS replaces -Xmx6g.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx6g}"
exec java -Dorg.bytedeco.javacpp.cachedir="${DLF_JAVACPP_CACHE:-$PWD/.cache/javacpp}" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.ServingPrecisionBenchmark "$@"
