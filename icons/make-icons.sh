#!/usr/bin/env bash
# Renders the application icon from gradcam-viewer.svg: PNGs 16-512 (png/), gradcam-viewer.ico
# (Windows) and gradcam-viewer.icns (macOS). Needs librsvg2-bin, imagemagick and icnsutils.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p png
for s in 16 24 32 48 64 128 256 512; do
  rsvg-convert -w "$s" -h "$s" gradcam-viewer.svg -o "png/gradcam-viewer-$s.png"
done
convert png/gradcam-viewer-{16,24,32,48,64,128,256}.png gradcam-viewer.ico
png2icns gradcam-viewer.icns png/gradcam-viewer-{16,32,48,128,256,512}.png >/dev/null
# the window icon, on the classpath
mkdir -p ../src/main/resources/dev/gradcamviewer/ui
cp png/gradcam-viewer-{32,64,128,256}.png ../src/main/resources/dev/gradcamviewer/ui/
