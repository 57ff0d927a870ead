# Sourced by the repository's scripts: builds the modules when needed and sets BENCH_CLASSPATH to
# the bench module's runtime class path (every platform module and its dependencies).
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_cp_file="$_root/bench/target/classpath.txt"
_newest_source="$(find "$_root" -path "$_root/.cache" -prune -o \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) \
  -newer "$_cp_file" -print -quit 2>/dev/null || true)"
if [[ ! -f "$_cp_file" || -n "$_newest_source" ]]; then
  echo "Building the platform (first run, or sources changed)..." >&2
  (cd "$_root" && mvn -B -q -ntp install -DskipTests \
    && mvn -B -q -ntp -pl bench dependency:build-classpath -Dmdep.outputFile="$_cp_file") >&2
fi
BENCH_CLASSPATH="$_root/bench/target/classes:$(cat "$_cp_file")"
export BENCH_CLASSPATH
