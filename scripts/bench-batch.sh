#!/usr/bin/env bash
# Batch throughput: `explain` over the ten bundled samples copied three times (30 images, 256 px to
# 2048 px, PNG/JPEG/TIFF/BMP), against models/tools/bench_batch_python.py doing the same the way a
# pytorch-grad-cam user's script does; interleaved runs, end to end (start, model load, every image,
# every PNG). Needs the jar (mvn -DskipTests package) and Debian's python3-torch and python3-opencv.
# usage: scripts/bench-batch.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in"
for copy in 1 2 3; do
  # the ten PNG/JPEG/TIFF/BMP samples, as in the figures published before the DICOM samples came
  for f in models/samples/*; do
    case "$f" in *.dcm) continue ;; esac
    cp "$f" "$work/in/$copy-$(basename "$f")"
  done
done
n=$(ls "$work/in" | wc -l)
echo "$n images; $(nproc) cores; $(java -jar target/gradcam-viewer.jar check-engine | tail -1)"
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/out-java" "$work/out-python"
  s=$(date +%s%N)
  java -jar target/gradcam-viewer.jar explain --out "$work/out-java" "$work/in" 2>/dev/null
  e=$(date +%s%N)
  awk -v n="$n" -v ns=$((e - s)) -v r="$r" 'BEGIN { printf "round %d  gradcam-viewer explain: %.2f s, %.2f images/s\n", r, ns / 1e9, n / (ns / 1e9) }'
  s=$(date +%s%N)
  /usr/bin/python3 models/tools/bench_batch_python.py models/xray-phantom-demo.pt "$work/in" "$work/out-python" >/dev/null
  e=$(date +%s%N)
  awk -v n="$n" -v ns=$((e - s)) -v r="$r" 'BEGIN { printf "round %d  python (hooks, cv2):      %.2f s, %.2f images/s\n", r, ns / 1e9, n / (ns / 1e9) }'
done
