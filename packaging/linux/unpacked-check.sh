#!/usr/bin/env bash
# The app-image as libtorch-unpacked.sh and jna-unpacked.sh left it must start the engine from the
# libraries they unpacked, leaving the home alone: usage unpacked-check.sh PACKAGE_TREE. One start
# of check-engine, in an empty home, with the JVM's log of the native libraries it loaded.
set -euo pipefail
tree=$(readlink -f "$1")
appdir=$tree/opt/gradcam-viewer/lib/app
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
fail() { echo "unpacked-check: $*" >&2; exit 1; }
HOME=$home JAVA_TOOL_OPTIONS="-Duser.home=$home -Xlog:library=info:file=$home/libraries.log" \
  "$tree/opt/gradcam-viewer/bin/gradcam-viewer" check-engine >"$home/check.log" 2>&1 \
  || { tail -20 "$home/check.log" >&2; fail "check-engine failed"; }
[ ! -e "$home/.djl.ai" ] || fail "libtorch was still unpacked into the home"
grep -q "Loaded library $appdir/libtorch/libtorch_cpu.so" "$home/libraries.log" || fail "libtorch was not loaded from lib/app/libtorch"
grep -q "Loaded library $appdir/jna/libjnidispatch.so" "$home/libraries.log" \
  || { grep -i jna "$home/libraries.log" >&2; fail "JNA did not load its library from lib/app/jna"; }
echo "unpacked-check: check-engine started libtorch from lib/app/libtorch and JNA from lib/app/jna, nothing unpacked into the home"
