#!/usr/bin/env bash
# The atlas's speed on the demo model: 1,000 phantoms (half with lesions, 256x256 like the demo's
# input, made once into target/bench-atlas/), one method then two (Grad-CAM, HiResCAM), with the
# time split into decode, model pass, maps and statistics. Needs the jar (mvn -DskipTests package)
# and Debian's python3-torch for the phantoms.
# usage: scripts/bench-atlas.sh [IMAGES] [WORKERS]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000}
workers=${2:-1}
dir=target/bench-atlas/images-$n
if [ ! -f "$dir/.done" ]; then
  mkdir -p "$dir"
  (cd models/tools && /usr/bin/python3 - "$n" "../../$dir" <<'PY'
import sys, os
import numpy as np
from PIL import Image
import phantoms
n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(2026)
for k in range(n):
    img, _ = phantoms.make_phantom(256, 256, positive=k % 2 == 0, rng=rng)
    Image.fromarray(np.round(img * 255).astype(np.uint8), "L").save(os.path.join(out, f"phantom-{k:05d}.png"))
PY
  )
  touch "$dir/.done"
fi
echo "== $(nproc) cores, $n images, $workers statistics worker(s)"
for methods in "--method gradcam" "--method gradcam --method hirescam"; do
  out=$(mktemp -d)
  echo "-- $methods"
  # shellcheck disable=SC2086
  java -jar target/gradcam-viewer.jar atlas $methods --workers "$workers" --timings --out "$out" "$dir" 2>&1 | grep -E "timings|WARNING" || true
  rm -rf "$out"
done
