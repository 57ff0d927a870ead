#!/usr/bin/env bash
# dlfctl, the DLF command line (io.dlf.client.cli.Dlfctl); `clients/java/dlfctl.sh --help` lists its
# commands. Builds the platform first if its sources changed (bin/build-classpath.sh). The client's
# class path holds no TensorFlow: specs are checked here, models run on the servers, which
# `dlfctl servers start` and `dlfctl quickstart` launch through their scripts in this checkout
# (-Ddlf.home), where their default paths lie too. JAVA_OPTS adds JVM options; the servers started
# from here inherit it.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
source "$root/bin/build-classpath.sh"
read -r -a java_opts <<< "${JAVA_OPTS:-}"
exec java -Ddlf.home="$root" "${java_opts[@]}" -cp "$(dlf_classpath clients/java)" io.dlf.client.cli.Dlfctl "$@"
