#!/usr/bin/env bash
# Runs the Python and Node clients' tests against real servers: builds the platform if its sources
# changed (bin/build-classpath.sh leaves each server's class path in <module>/target/classpath.txt),
# installs each client and its test tools from the package registries (a venv under
# .cache/python-venv; npm ci in clients/node), then pytest and node --test. Skips nothing: a missing
# tool is an error. Without Frappe ($DLF_DATA, else ../shared/data) both train on the trainer's
# generated synthetic-frappe and say so in one line; under CI=true an absent Frappe fails them. openssl makes the
# throwaway certificate authority of the mTLS tests (make-test-pki.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

for tool in java python3 node npm openssl; do
  command -v "$tool" >/dev/null || { echo "run-client-tests: '$tool' is not installed; the Python and Node client tests need it" >&2; exit 1; }
done

echo "== Building the servers for the client tests"
bin/build-classpath.sh

echo "== Python client (clients/python)"
venv="$root/.cache/python-venv"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv" \
  || { echo "run-client-tests: python3 cannot create a venv (Debian/Ubuntu: apt-get install python3-venv)" >&2; exit 1; }
"$venv/bin/pip" install -q --disable-pip-version-check "./clients/python[test]"
(cd clients/python && "$venv/bin/python" -m pytest -q -p no:cacheprovider)

echo "== Node client (clients/node)"
(cd clients/node && npm ci --no-audit --no-fund --loglevel=error && npm test)
