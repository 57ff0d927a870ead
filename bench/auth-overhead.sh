#!/usr/bin/env bash
# The cost of authentication on the serving hot path: batch-1 latency (p50/p99, one client) and throughput
# (closed-loop clients) of two serving servers over the same Frappe DLF version, one without authentication and
# one verifying JWTs (a policy granting predict), taking turns in every round so both see the same moments of a
# busy machine. Writes bench/results/auth-overhead-<date>.md and bench/results/auth-overhead.json. A few minutes.
# JAVA_OPTS replaces the default JVM options (-Xmx3g).
set -euo pipefail
cd "$(dirname "$0")/.."
export TF_CPP_MIN_LOG_LEVEL=2
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx3g}"
exec java -Dorg.bytedeco.javacpp.cachedir="$PWD/.cache/javacpp" "${java_opts[@]}" \
  -cp "$(dlf_classpath bench)" io.dlf.bench.AuthOverhead "$@"
