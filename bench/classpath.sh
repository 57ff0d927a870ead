# Sourced by the repository's scripts: builds the modules when their sources changed and sets
# BENCH_CLASSPATH to the bench module's runtime class path (every platform module and its
# dependencies). The build is a reactor `package`: nothing is installed into ~/.m2, and every
# module's runtime class path is left in <module>/target/classpath.txt for the servers' launchers.
_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_cp_file="$_root/bench/target/classpath.txt"
# Sources only: a build regenerates files under target/, which must not count as changes.
_newest_source="$(find "$_root" \( -path "$_root/.cache" -o -path "$_root/data" -o -name target \) -prune -o \
  \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) -newer "$_cp_file" -print -quit 2>/dev/null || true)"
if [[ ! -f "$_cp_file" || -n "$_newest_source" ]]; then
  echo "Building the platform (first run, or sources changed)..." >&2
  (cd "$_root" && mvn -B -q -ntp package -DskipTests dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile=target/classpath.txt) >&2
  # The plugin leaves an unchanged file alone: date every module's class path to this build.
  find "$_root" -path "$_root/.cache" -prune -o -path '*/target/classpath.txt' -exec touch {} +
fi
BENCH_CLASSPATH="$_root/bench/target/classes:$(cat "$_cp_file")"
export BENCH_CLASSPATH
