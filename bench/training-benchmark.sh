#!/usr/bin/env bash
# Training speed and memory. First issue 21's step figures: the machine's float32 GEMM speed, and
# timed steps of the reference preset (float32 at batch 10,000, bfloat16 at 4,096) and of dlf-paper at
# D = 64 (bfloat16 at 4,096), a fresh JVM per configuration and round (--rounds, default 3; --steps
# timed steps, default 5; about 10 minutes on 2 cores). Then one Frappe epoch of the reference preset per
# batch size and precision, and in-process inference of the exported model (~20 minutes more; --no-epochs
# skips them and keeps their last figures). Writes bench/results/training-<date>.md and merges into
# bench/results/training.json. JAVA_OPTS replaces the default JVM options (-Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.TrainingBenchmark --data-root "${DLF_DATA:-../shared/data}" "$@"
