#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian machine, when missing:
# Maven and a JDK 17 (usually present), Debian's PyTorch for the model tools and the test
# fixtures, and Xvfb/ImageMagick for looking at the viewer without a display.
set -euo pipefail
need=()
command -v mvn >/dev/null || need+=(maven)
command -v javac >/dev/null || need+=(openjdk-17-jdk)
# the viewer needs only Java and Maven (VIEWER_ONLY=1, as scripts/run-viewer.sh runs it); the tests need the rest
[ "${VIEWER_ONLY:-0}" = 1 ] || /usr/bin/python3 -c "import torch, torchvision, PIL, numpy, matplotlib, pydicom, scipy" 2>/dev/null || need+=(python3-torch python3-torchvision python3-pil python3-numpy python3-matplotlib python3-pydicom python3-scipy)
# headless Chromium opens the atlas's report.html in the tests
[ "${VIEWER_ONLY:-0}" = 1 ] || command -v chromium >/dev/null || need+=(chromium)
if [ "${WITH_DISPLAY_TOOLS:-0}" = 1 ]; then
  command -v xvfb-run >/dev/null || need+=(xvfb x11-utils)
  command -v import >/dev/null || need+=(imagemagick)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
fi
