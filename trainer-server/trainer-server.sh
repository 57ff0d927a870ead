#!/usr/bin/env bash
# Starts a trainer server (io.dlf.trainer.server.TrainerServerMain); --help lists its options.
# Builds the platform first if its sources changed (bin/build-classpath.sh). JAVA_OPTS replaces the
# trainer's default JVM options (-Xmx1g); each job runs in a worker process of its own (trainer-worker's
# class path; its heap is --worker-heap). Default paths lie in this checkout, whatever the working
# directory. Stop it with Ctrl-C or SIGTERM: running jobs checkpoint and resume on the next start.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
source "$root/bin/build-classpath.sh"
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g}"
exec java -Ddlf.home="$root" -Dorg.bytedeco.javacpp.cachedir="$root/.cache/javacpp" \
  -Ddlf.worker.classpath="$(dlf_classpath trainer-worker)" "${java_opts[@]}" \
  -cp "$(dlf_classpath trainer-server)" io.dlf.trainer.server.TrainerServerMain "$@"
