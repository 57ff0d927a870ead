#!/usr/bin/env bash
# Test AUC and logloss on Frappe for DLF presets over several seeds (best-on-validation checkpoint).
# Resumable: finished runs are kept in bench/results/frappe-dlf.json, the run in progress resumes
# from its checkpoint under data/quality. Options: see --help (sizes, dropout, regularization, seeds).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bench/classpath.sh
exec java -Xmx6g -Djava.awt.headless=true -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" -cp "$BENCH_CLASSPATH" \
  io.dlf.bench.FrappeQuality --data-root "${DLF_DATA:-../shared/data}" "$@"
