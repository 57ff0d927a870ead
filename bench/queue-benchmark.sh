#!/usr/bin/env bash
# The PostgreSQL job queue: jobs leased per second with 1, 2 and 4 worker hosts of no-op jobs, and
# the time from a killed host's lease expiry to its job's resume on another host (medians of several
# runs), on an embedded PostgreSQL. Writes bench/results/queue-<date>.md and merges
# jobs_leased_per_second and lease_expiry_to_resume_seconds into bench/results/trainer-isolation.json.
# Takes ~5 minutes on 2 cores with the defaults. JAVA_OPTS replaces the default JVM options (-Xmx1g).
set -euo pipefail
cd "$(dirname "$0")/.."
source bin/build-classpath.sh
read -r -a java_opts <<< "${JAVA_OPTS:--Xmx1g}"
exec java "${java_opts[@]}" -cp "$(dlf_classpath bench)" io.dlf.bench.QueueBenchmark "$@"
