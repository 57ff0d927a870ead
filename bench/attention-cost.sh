#!/usr/bin/env bash
# NAF's attention core alone, forward and backward at the paper form's shapes (D = 64: 2 heads of 32,
# 3 blocks of 32 tokens), float32 and bfloat16 beside a float32 GEMM, and the ceiling it puts on
# dlf-paper's training samples/s (6 sub-layers a sample). A minute or two. Writes
# bench/results/attention-cost-<date>.md. JAVA_OPTS replaces -Xmx1g.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g}"
exec java -Dorg.bytedeco.javacpp.cachedir="${DLF_JAVACPP_CACHE:-$PWD/.cache/javacpp}" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.AttentionCost "$@"
