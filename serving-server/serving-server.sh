#!/usr/bin/env bash
# Starts a serving server (io.dlf.serving.ServingServerMain); --help lists its options.
# Builds the platform first if its sources changed (bin/build-classpath.sh). JAVA_OPTS replaces the
# default JVM options (-Xmx4g). Stop it with Ctrl-C or SIGTERM: calls in flight finish
# (--shutdown-grace) before the versions' sessions close.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
source "$root/bin/build-classpath.sh"
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx4g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$root/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath serving-server)" io.dlf.serving.ServingServerMain "$@"
