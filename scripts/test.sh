#!/usr/bin/env bash
# Runs every test: the Python exporter's unit tests, then the Java build with its tests
# (mvn verify also writes the reference fixtures with Debian's Python before the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== Python: models/tools"
(cd models/tools && /usr/bin/python3 -m unittest discover -s tests)
echo "== Java: mvn verify"
mvn -B -ntp verify "$@"
