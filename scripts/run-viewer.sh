#!/usr/bin/env bash
# Builds the viewer if needed and opens it with the bundled demo model and a sample image.
set -euo pipefail
cd "$(dirname "$0")/.."
VIEWER_ONLY=1 bash scripts/setup.sh # Java and Maven only: the viewer needs no Python
if [ ! -f target/gradcam-viewer.jar ] || [ -n "$(find src pom.xml -newer target/gradcam-viewer.jar -print -quit)" ]; then
  mvn -B -ntp -q package -DskipTests
fi
exec java -jar target/gradcam-viewer.jar "$@"
