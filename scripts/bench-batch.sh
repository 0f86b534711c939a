#!/usr/bin/env bash
# Batch throughput: `explain` over the ten bundled samples copied three times (30 images, 256 px to
# 2048 px, PNG/JPEG/TIFF/BMP), against models/tools/bench_batch_python.py doing the same the way a
# pytorch-grad-cam user's script does; interleaved runs, end to end (start, model load, every image,
# every PNG). The same with the samples copied nine times (90 images) gives the rate once started:
# 60 more images over the extra time. Needs the jar (mvn -DskipTests package) and Debian's
# python3-torch and python3-opencv. GRADCAM_VIEWER=/usr/bin/gradcam-viewer times the
# installed launcher instead of the jar.
# usage: scripts/bench-batch.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
viewer=${GRADCAM_VIEWER:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for copies in 3 9; do
  mkdir -p "$work/in$copies"
  for copy in $(seq 1 "$copies"); do
    # the ten PNG/JPEG/TIFF/BMP samples, as in the figures published before the DICOM samples came
    for f in models/samples/*; do
      case "$f" in *.dcm) continue ;; esac
      cp "$f" "$work/in$copies/$copy-$(basename "$f")"
    done
  done
done
run_viewer() { if [ -n "$viewer" ]; then "$viewer" "$@"; else java -jar target/gradcam-viewer.jar "$@"; fi; }
seconds() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
echo "30 and 90 images; $(nproc) cores; $(run_viewer check-engine | tail -1)"
for r in $(seq 1 "$rounds"); do
  for who in java python; do
    declare -A ms=()
    for copies in 3 9; do
      rm -rf "$work/out"
      if [ $who = java ]; then
        ms[$copies]=$(seconds run_viewer explain --out "$work/out" "$work/in$copies")
      else
        ms[$copies]=$(seconds /usr/bin/python3 models/tools/bench_batch_python.py models/xray-phantom-demo.pt "$work/in$copies" "$work/out")
      fi
    done
    awk -v r="$r" -v who="$who" -v a="${ms[3]}" -v b="${ms[9]}" 'BEGIN {
      printf "round %d  %-6s 30 images %.2f s = %.2f images/s; 90 images %.2f s; once started %.2f images/s\n",
             r, who, a / 1000, 30000 / a, b / 1000, 60000 / (b - a) }'
  done
done
