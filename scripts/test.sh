#!/usr/bin/env bash
# Runs every test: the Python exporter's unit tests, the reference fixtures the Java tests compare
# against (written with Debian's Python, only when the tools, models or samples changed), the Java
# build with its tests (mvn verify), then builds the installable app-image with jpackage and runs its
# self-test on a clean home folder, headless and offline; as root also builds the .deb and installs,
# reinstalls and purges it (scripts/deb-lifecycle.sh). Ends with the time of each phase.
set -euo pipefail
cd "$(dirname "$0")/.."

timings=()
phase() {
  local name=$1 start=$SECONDS status=0
  shift
  echo "== $name"
  "$@" || status=$?
  timings+=("$(printf '%-52s %5d s%s' "$name" $((SECONDS - start)) "$([ $status = 0 ] || echo '  FAILED')")")
  return $status
}
report() {
  echo "== Phase timings"
  printf '  %s\n' "${timings[@]}"
  printf '  %-52s %5d s\n' "total" "$SECONDS"
}
trap report EXIT

selftest_on_empty_home() {
  local home
  home=$(mktemp -d)
  HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home" target/installer/gradcam-viewer/bin/gradcam-viewer selftest
  local status=$?
  rm -rf "$home"
  return $status
}

phase "Set-up: missing Debian packages" bash scripts/setup.sh
phase "Python: models/tools unit tests" bash -c 'cd models/tools && /usr/bin/python3 -m unittest discover -s tests'
phase "Reference fixtures (skipped when up to date)" /usr/bin/python3 models/tools/make_test_fixtures.py target/fixtures
phase "Java: mvn verify" mvn -B -ntp verify "$@"
if [ "$(id -u)" = 0 ]; then
  phase "Installer: app-image and .deb" mvn -B -ntp -q -Pinstaller -DskipTests package
  phase "Installer: self-test on an empty home" selftest_on_empty_home
  phase "Installer: .deb install, self-test, reinstall, purge" bash scripts/deb-lifecycle.sh target/installer/gradcam-viewer_*.deb
else
  phase "Installer: app-image" mvn -B -ntp -q -Pinstaller -DskipTests -Dinstaller.package.skip=true package
  phase "Installer: self-test on an empty home" selftest_on_empty_home
  echo "== Installer: .deb lifecycle SKIPPED: installing a package needs root (CI runs as root)"
  timings+=("$(printf '%-52s %7s' "Installer: .deb lifecycle (needs root)" skipped)")
fi
