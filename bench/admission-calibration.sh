#!/usr/bin/env bash
# The trainer's admission estimate against measured job memory: six whole jobs on the first rows of
# Frappe (small and paper-sized DLF models, small and large batches), each in a fresh JVM, peak RSS
# against the estimate. Writes bench/results/admission-<date>.md. Takes ~5 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" -cp "$(dlf_classpath bench)" \
  io.dlf.bench.AdmissionCalibration --data-root "${DLF_DATA:-../shared/data}" "$@"
