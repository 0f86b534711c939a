#!/usr/bin/env bash
# Writes the installed command, /usr/bin/gradcam-viewer: usage command-script.sh PACKAGE_TREE.
#
# Why not a link to jpackage's launcher: at every start that launcher looks up the package it
# belongs to (`rpm -qf`, then `dpkg -S` over every installed package's file list), 0.5 s here and
# more on a workstation with thousands of packages, before Java starts. The script starts the
# bundled runtime exactly as the launcher would: the options and class path of its configuration
# (lib/app/gradcam-viewer.cfg, read here at packaging time), so the class-data archive made for
# that class path fits. The launcher stays in /opt/gradcam-viewer/bin for anyone who calls it.
#
# explain and predict run with the client compiler only (-XX:TieredStopAtLevel=1): their time is
# libtorch's, zlib's and the image decoders', and on two cores the server compiler's work (about 3 s
# of CPU over a 30-image batch) only competed with them; their loops ran as fast either way. On a
# machine of two cores or fewer the viewer does too: its first CAM came 0.6 s sooner (2.5 s against
# 3.1-3.3 s from launch), for colour changes of 6 ms instead of 3.5 ms and a 2048-px placement of
# 15 ms instead of 9 (both under a frame). With more cores the server compiler has cores of its own.
#
# explain and predict also take the throughput collector (-XX:+UseParallelGC); the viewer keeps G1
# for its short pauses. A batch allocates each image's planes anew, and G1 puts any array of half a
# region or more (a 2048x2048 plane) in regions of its own, fresh memory that the kernel faults in and
# zeroes: three quarters of the batch's page zeroing came from there (perf). The parallel collector
# allocates them in its young generation, whose memory is reused after each collection. 30 images,
# six interleaved rounds: 3.65 s against 4.13 s (medians), 5.54 s against 6.28 s of CPU, 23,000
# against 59,000 page faults. Its young generation is fixed at 512 MB (-Xmn512m): with the default
# (a third of a 378 MB start) the 160 MB arrays of a 40-megapixel band of a huge scan (BandedOverlay)
# went straight to the old generation, which the parallel collector grows rather than collects: a
# 20000x15000 PNG peaked at 2.9 GB and took 24.1 s; with 512 MB they die young, 1.5 GB and 20.9 s
# (G1: 1.0 GB, 21.3 s); 30 images 3.17 s against 3.29 s (G1 3.63 s). So only where the machine has
# 8 GB or more (the default heap, a quarter of it, then holds that young generation three times
# over); elsewhere G1 stays. A collector or young generation the user names in JAVA_TOOL_OPTIONS (or
# JDK_JAVA_OPTIONS, _JAVA_OPTIONS) is left to win: the JVM refuses to start with two collectors.
#
# The Java heap takes transparent huge pages where the kernel gives them on request (madvise or
# always): a batch allocates each image's planes and overlays anew, and about a seventh of its CPU
# time went to faulting in and zeroing fresh 4 KB pages (perf; page faults are dear in a virtual
# machine). 30 images: 3.9-4.4 s against 4.4-4.7 s, interleaved. Where the kernel has them off the
# option is left out (the JVM would print a warning at every start). Where the kernel offers them,
# glibc's malloc is asked for them too (glibc.malloc.hugetlb=1; glibc before 2.35 ignores it):
# libtorch allocates each pass's activations and gradients there. 30 images, two rounds of eight
# interleaved runs in either order: 3.88 and 3.79 s against 4.01 and 3.88 s (medians), minor faults
# 56,000-62,000 against 63,000-95,000.
#
# For explain and predict glibc's malloc also keeps what libtorch frees between passes: blocks up to
# 32 MB from its heap (mmap_threshold, the largest glibc takes) and up to 256 MB free at the heap's top
# before giving it back (trim_threshold). By default it gives each pass's freed top back to the kernel
# and the next pass faults it in, zeroed, again. Setting only trim_threshold would be far worse: it
# switches off glibc's own raising of mmap_threshold, and every block over 128 KB became an mmap of
# its own (30 images 8.7 s). 30 images, three rounds of six to eight interleaved runs: 3.05 / 3.00 /
# 3.04 s against 3.40 / 3.11 / 3.13 s (medians), CPU 4.71 / 4.68 / 4.71 against 5.19 / 4.75 / 4.91 s,
# page faults 16,500 against 22,500, the same peak memory (550 MB).
#
# Our tunables come before any GLIBC_TUNABLES the user has set, so the user's own values win.
set -euo pipefail
tree=$(readlink -f "$1")
app=/opt/gradcam-viewer
cfg=$tree$app/lib/app/gradcam-viewer.cfg
[ -f "$cfg" ] || { echo "command-script: no $cfg" >&2; exit 1; }
[ -x "$tree$app/lib/runtime/bin/java" ] || { echo "command-script: the runtime has no bin/java" >&2; exit 1; }
appdir=$app/lib/app
main=$(sed -n 's/^app\.mainclass=//p' "$cfg")
classpath=$(sed -n 's/^app\.classpath=//p' "$cfg" | sed "s|\\\$APPDIR|$appdir|g" | paste -sd:)
options=()
while IFS= read -r o; do options+=("$(printf '%q' "${o//\$APPDIR/$appdir}")"); done < <(sed -n 's/^java-options=//p' "$cfg")
[ -n "$main" ] && [ -n "$classpath" ] || { echo "command-script: no main class or class path in $cfg" >&2; exit 1; }
out=$tree/usr/bin/gradcam-viewer
mkdir -p "$(dirname "$out")"
{
  echo '#!/bin/sh'
  echo "# Grad-CAM Viewer: the bundled runtime with the options of $app/lib/app/gradcam-viewer.cfg (made by"
  echo "# packaging/linux/command-script.sh; see there why this is not jpackage's launcher)."
  echo 'jit=-XX:TieredStopAtLevel=1'
  echo 'gc='
  echo 'malloc='
  echo 'case "$1" in'
  echo '  explain | predict)'
  echo '    [ "$(awk '"'"'/^MemTotal:/ { print $2 }'"'"' /proc/meminfo 2>/dev/null || echo 0)" -lt 8000000 ] || gc="-XX:+UseParallelGC -Xmn512m"'
  echo '    malloc=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456 ;;'
  echo '  *) [ "$(nproc 2>/dev/null || echo 4)" -le 2 ] || jit= ;;'
  echo 'esac'
  echo '# a collector or young generation of the user'"'"'s own choosing wins (two collectors would stop the JVM)'
  echo 'case "${JAVA_TOOL_OPTIONS-} ${JDK_JAVA_OPTIONS-} ${_JAVA_OPTIONS-}" in *-XX:+Use*GC* | *-Xmn* | *NewSize*) gc= ;; esac'
  echo 'pages=-XX:+UseTransparentHugePages'
  echo 'case "$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)" in'
  echo '  *"[always]"* | *"[madvise]"*) malloc="${malloc:+$malloc:}glibc.malloc.hugetlb=1" ;;'
  echo '  *) pages= ;;'
  echo 'esac'
  echo '[ -z "$malloc" ] || export GLIBC_TUNABLES="$malloc${GLIBC_TUNABLES:+:$GLIBC_TUNABLES}"'
  echo "exec $app/lib/runtime/bin/java ${options[*]} \$jit \$gc \$pages -Djpackage.app-path=$app/bin/gradcam-viewer \\"
  echo "  -cp $classpath \\"
  echo "  $main \"\$@\""
} >"$out"
chmod 755 "$out"
echo "command-script: $out starts $main with ${#options[@]} options"
