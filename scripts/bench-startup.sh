#!/usr/bin/env bash
# Cold start of the viewer: from launching a command to the first CAM on screen (the viewer prints the
# wall-clock time it shows it and quits, with -Dgradcam.startupBenchmark=true), under Xvfb, warm
# (libtorch unpacked and the self-check's verdict remembered in a home kept between runs) and from a
# clean home, interleaved. Needs xvfb-run.
# usage: scripts/bench-startup.sh [RUNS] [COMMAND...]   (default: 5 runs of /usr/bin/gradcam-viewer)
set -euo pipefail
runs=${1:-5}
shift || true
command=("${@:-/usr/bin/gradcam-viewer}")
warm=$(mktemp -d)
trap 'rm -rf "$warm"' EXIT
once() { # HOME LABEL
  local out stamp s shown
  out=$(mktemp)
  stamp=$(mktemp)
  # the launch is timed inside the X server's session, just before the command replaces the shell
  HOME=$1 JAVA_TOOL_OPTIONS="-Duser.home=$1 -Dgradcam.startupBenchmark=true" \
    xvfb-run -a -s "-screen 0 1280x860x24" bash -c 'date +%s%3N >"$0"; exec "$@"' "$stamp" "${command[@]}" >"$out" 2>/dev/null || true
  s=$(cat "$stamp")
  rm -f "$stamp"
  shown=$(sed -n 's/.*at \([0-9]*\) ms since the epoch.*/\1/p' "$out")
  [ -n "$shown" ] || { echo "$2: no CAM was shown"; rm -f "$out"; return; }
  echo "$2: first CAM $((shown - s)) ms after the launch ($(sed -n 's/first CAM on screen \([0-9]*\) ms.*/\1/p' "$out") ms after Java started)"
  rm -f "$out"
}
once "$warm" "first run, filling the warm home"
for i in $(seq 1 "$runs"); do
  once "$warm" "warm $i"
  clean=$(mktemp -d)
  once "$clean" "clean $i"
  rm -rf "$clean"
done
