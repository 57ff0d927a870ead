#!/usr/bin/env bash
# One job on several processes (issue 23): samples/s of 1 vs 2 workers (2 parameter servers) on the
# generated Criteo-shaped data, bytes per step between tasks (measured with the kernel's TCP counters,
# cross-checked by a count from the graph), a model on paper of throughput against workers and
# bandwidth, and Frappe DLF's test AUC in one process vs on 2 workers / 2 ps (same seed and epoch
# budget, --epochs). --parts THROUGHPUT or AUC runs one part. Writes bench/results/distributed-<date>.md
# and merges its figures into bench/results/distributed.json. Needs `ss` (iproute2). About 10 minutes
# for the throughput part on 2 busy cores, plus the Frappe runs (several minutes per epoch each).
# JAVA_OPTS replaces the default JVM options (-Xmx3g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx3g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.DistributedBenchmark --data-root "${DLF_DATA:-../shared/data}" "$@"
