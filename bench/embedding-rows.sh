#!/usr/bin/env bash
# Training step time of the Frappe DLF quality configuration with hashed fields of about 10 thousand
# and 10 million embedding rows, dense vs row-wise Adam on the table (see bench/README.md).
# Writes bench/results/embedding-rows-<date>.md and bench/results/embedding-rows.json. About 10 minutes
# on 2 cores. JAVA_OPTS replaces the default JVM options (a 2 GiB heap; JavaCPP's memory limits off, since
# the 10-million-row tables live in TensorFlow's native memory, several GiB, which JavaCPP would count).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx2g -Dorg.bytedeco.javacpp.maxPhysicalBytes=0 -Dorg.bytedeco.javacpp.maxBytes=0}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.EmbeddingRows --data-root "${DLF_DATA:-../shared/data}" "$@"
