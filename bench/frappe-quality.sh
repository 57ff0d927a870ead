#!/usr/bin/env bash
# Test AUC and logloss on Frappe for DLF presets over several seeds (best-on-validation checkpoint).
# Resumable: finished runs are kept in bench/results/frappe-dlf.json, the run in progress resumes
# from its checkpoint under data/quality. Fewer seeds than the protocol's re-measuring stored runs under
# another --data-path or --embedding-updates is a spot check, kept in bench/results/frappe-data-path.json.
# Options: see --help (sizes, dropout, regularization, seeds, data path, embedding updates).
# JAVA_OPTS replaces the default JVM options (-Xmx6g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx6g}"
exec java -Djava.awt.headless=true -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.FrappeQuality --data-root "${DLF_DATA:-../shared/data}" "$@"
