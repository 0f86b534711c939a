#!/usr/bin/env bash
# Score-CAM per image on the demo model at its default layer (resnet_blocks.4, 256 channels):
# `gradcam-viewer bench --method scorecam` beside models/tools/bench_scorecam_python.py (eager hooks,
# pytorch-grad-cam's batch of 16), interleaved rounds on the same machine. Needs the jar
# (mvn -DskipTests package) and Debian's python3-torch.
# usage: scripts/bench-scorecam.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
image=models/samples/phantom-01-pneumonia.png
for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  java -jar target/gradcam-viewer.jar bench --method scorecam --runs 5 --image "$image" 2>/dev/null | grep -E "^\(d\)|oneDNN"
  (cd models/tools && /usr/bin/python3 bench_scorecam_python.py --model ../xray-phantom-demo.pt --image "../../$image" --runs 5)
done
