#!/usr/bin/env bash
# Makes a throwaway certificate authority for the client tests, with openssl, under DIR: ca.pem, a server
# certificate for localhost and 127.0.0.1 (server.pem, server.key: PKCS#8, as the servers' --tls-key wants), and a
# client certificate with subject CN=NAME for each NAME (NAME.pem, NAME.key). Nothing of it is committed.
# Usage: make-test-pki.sh DIR [NAME...]
set -euo pipefail
dir="$1"; shift
mkdir -p "$dir"
cd "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 2 -subj "/CN=dlf-test-ca" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\n' > server.ext
issue() {  # NAME SUBJECT [EXTFILE]
  openssl req "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -out "$1.pem" \
    ${3:+-extfile "$3"} 2>/dev/null
  rm "$1.csr"
}
issue server "/CN=localhost" server.ext
for name in "$@"; do
  issue "$name" "/CN=$name/O=dlf-test"
done
