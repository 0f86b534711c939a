#!/usr/bin/env bash
# Score-CAM, Ablation-CAM and one map's faithfulness scores per image on the demo model at its default
# layer (resnet_blocks.4, 256 channels): `gradcam-viewer bench` beside
# models/tools/bench_model_passes_python.py (the same work done the way pytorch-grad-cam does it, eager
# hooks, its default batches), interleaved rounds on the same machine. Needs the jar
# (mvn -DskipTests package) and Debian's python3-torch.
# usage: scripts/bench-model-passes.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
image=models/samples/phantom-01-pneumonia.png
for r in $(seq 1 "$rounds"); do
  echo "== round $r"
  java -jar target/gradcam-viewer.jar bench --method scorecam --runs 5 --image "$image" 2>/dev/null | grep -E "^\(d\)|oneDNN"
  java -jar target/gradcam-viewer.jar bench --method ablationcam --metrics --runs 5 --image "$image" 2>/dev/null | grep -E "^\((d|e)\)"
  (cd models/tools && /usr/bin/python3 bench_model_passes_python.py --model ../xray-phantom-demo.pt --image "../../$image" --runs 5)
done
