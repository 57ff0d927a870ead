#!/usr/bin/env bash
# Data at scale: prepares a dataset into shards (rows/s, bytes, peak RSS), then trains the Frappe DLF
# quality configuration a fixed number of steps streamed from the shards and from in-memory arrays,
# taking turns (see bench/README.md). --dataset picks a catalog dataset (default frappe). Then, per
# --criteo-rows count (e.g. 1000000,10000000,50000000), a fresh JVM prepares the generated
# Criteo-shaped dataset of that size (generated once under --generated-dir) and trains the same DLF on
# it streamed. Writes bench/results/data-scale-<date>.md and bench/results/data-scale.json after each
# size. A few minutes on 2 cores for Frappe; 50M rows take about 5 GB of gzip, 8 GB of shards and hours.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx2g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.DataScale --data-root "${DLF_DATA:-../shared/data}" "$@"
