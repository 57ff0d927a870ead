#!/usr/bin/env bash
# Builds the platform when its sources changed and leaves every module's runtime class path in
# <module>/target/classpath.txt. The launch scripts source it and start Java with dlf_classpath;
# run on its own, it only builds. The build is a reactor `package`: nothing is installed into ~/.m2.
#
# Maven profiles: DLF_MAVEN_PROFILES (comma-separated, e.g. gpu for TensorFlow's CUDA native library)
# goes to Maven as -P and is remembered in .cache/maven-profiles: later rebuilds keep those profiles
# until DLF_MAVEN_PROFILES names others (DLF_MAVEN_PROFILES= goes back to the default CPU build).
# A change of profiles rebuilds at once.
_dlf_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_dlf_stamp="$_dlf_root/bench/target/classpath.txt"  # bench is built last and needs every other module
_dlf_profiles_file="$_dlf_root/.cache/maven-profiles"
_dlf_built_with="$(cat "$_dlf_profiles_file" 2>/dev/null || true)"
_dlf_profiles="${DLF_MAVEN_PROFILES-$_dlf_built_with}"
# Sources only: builds (Maven's, the clients' packages) write files that must not count as changes.
_dlf_newest_source="$(find "$_dlf_root" \( -path "$_dlf_root/.cache" -o -path "$_dlf_root/data" -o -name target \
  -o -name node_modules -o -path "$_dlf_root/clients/python/build" -o -path "$_dlf_root/clients/node/proto" \) -prune \
  -o \( -name '*.java' -o -name '*.proto' -o -name 'pom.xml' \) -newer "$_dlf_stamp" -print -quit 2>/dev/null || true)"
if [[ ! -f "$_dlf_stamp" || -n "$_dlf_newest_source" || "$_dlf_profiles" != "$_dlf_built_with" ]]; then
  echo "Building the platform${_dlf_profiles:+ with Maven profiles $_dlf_profiles} (first run, or sources or" \
    "profiles changed)..." >&2
  if ! (cd "$_dlf_root" && mvn -B -q -ntp ${_dlf_profiles:+-P"$_dlf_profiles"} package -DskipTests \
    dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt) >&2; then
    echo "bin/build-classpath.sh: the build failed (Maven's errors are above)" >&2
    return 1 2>/dev/null || exit 1  # sourced: back to the script, which stops; run on its own: exit
  fi
  mkdir -p "$_dlf_root/.cache" && printf '%s\n' "$_dlf_profiles" > "$_dlf_profiles_file"
  # The plugin leaves an unchanged file alone: date every module's class path to this build.
  find "$_dlf_root" -path "$_dlf_root/.cache" -prune -o -path '*/target/classpath.txt' -exec touch {} +
fi

# dlf_classpath MODULE: the class path of MODULE (e.g. trainer-server, clients/java): its classes and
# its runtime dependencies.
dlf_classpath() {
  echo "$_dlf_root/$1/target/classes:$(cat "$_dlf_root/$1/target/classpath.txt")"
}
