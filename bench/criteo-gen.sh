#!/usr/bin/env bash
# How fast the trainer writes its Criteo-shaped dataset (synthetic-criteo:ROWS): rows per second and
# gzip bytes on one thread, median of --runs (3) runs of --rows (1,000,000) rows. Writes
# bench/results/criteo-gen-<date>.md and bench/results/criteo-gen.json. The default JAVA_OPTS
# (-Xmx64m) also show that memory does not grow with the rows: 1M rows are ~240 MB of text.
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx64m}"
exec java "${java_opts[@]}" -cp "$(dlf_classpath bench)" io.dlf.bench.CriteoGenBenchmark "$@"
