#!/usr/bin/env bash
# Runs every test: the Python exporter's unit tests, the Java build with its tests (mvn verify
# also writes the reference fixtures with Debian's Python first), then builds the installable
# app-image with jpackage and runs its self-test on a clean home folder, headless and offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== Python: models/tools"
(cd models/tools && /usr/bin/python3 -m unittest discover -s tests)
echo "== Java: mvn verify"
mvn -B -ntp verify "$@"
echo "== Installer: app-image and its self-test on an empty home"
mvn -B -ntp -q -Pinstaller -DskipTests -Dinstaller.package.skip=true package
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home" target/installer/gradcam-viewer/bin/gradcam-viewer selftest
