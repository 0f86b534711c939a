#!/usr/bin/env bash
# Class-data sharing for the installed app: usage cds-archive.sh PACKAGE_TREE (the package's files,
# with the app-image in PACKAGE_TREE/opt/gradcam-viewer).
#
# Why: loading and verifying the app's ~7,000 classes (JavaFX's, DJL's, Jackson's, ours) is about a
# second of a cold start on two cores. A class-data archive holds them parsed and verified. It is a
# static archive made from the classes two runs load: a start of the viewer up to its first CAM
# (under Xvfb when there is one) and an `explain` over the bundled samples, so that both the window
# and the command line start from it (an archive of the viewer's start alone, Java's dynamic kind,
# left the command line's classes out). Java 17 uses an archive only with the absolute class path it
# was made with (no relocation), so it is made at the path dpkg installs to: the package tree's /opt
# is mounted on /opt in a private mount namespace (root or user namespaces; elsewhere the package is
# made without the archive and says so). The launcher's options then name it; should it ever not
# fit (another runtime, changed jars), Java starts without it, silently.
set -euo pipefail
tree=$(readlink -f "$1")
app=/opt/gradcam-viewer
archive=$app/lib/app/gradcam-viewer.jsa
cfg=$tree$app/lib/app/gradcam-viewer.cfg
[ -f "$cfg" ] || { echo "cds-archive: no $cfg" >&2; exit 1; }
if ! unshare -m true 2>/dev/null && ! unshare -rm true 2>/dev/null; then
  echo "cds-archive: no private mount namespace here: the package is made without a class-data archive (starts ~1 s slower)" >&2
  exit 0
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
ns=(unshare -m)
unshare -m true 2>/dev/null || ns=(unshare -rm)
# the classes of a start of the viewer up to its first CAM and of a batch, then the archive of them all
if ! "${ns[@]}" bash -s "$tree" "$home" "$app" "$archive" <<'INNER'
set -euo pipefail
tree=$1 home=$2 app=$3 archive=$4
mount --bind "$tree/opt" /opt
export HOME=$home
run() { # CLASS_LIST ARGS...: the launcher, recording the classes it loads
  local list=$1
  shift
  JAVA_TOOL_OPTIONS="-Duser.home=$home -XX:DumpLoadedClassList=$home/$list.classes $EXTRA" timeout 300 "$@" >>"$home/train.log" 2>&1 || true
}
if command -v xvfb-run >/dev/null; then
  EXTRA=-Dgradcam.startupBenchmark=true run viewer xvfb-run -a -s "-screen 0 1280x860x24" "$app/bin/gradcam-viewer"
fi
EXTRA= run explain "$app/bin/gradcam-viewer" explain --out "$home/out" "$app/lib/app/models/samples"
[ -s "$home/explain.classes" ] || { echo "cds-archive: the training batch recorded no classes:" >&2; tail -20 "$home/train.log" >&2; exit 1; }
awk '!seen[$0]++' "$home"/*.classes >"$home/all.classes"
JAVA_TOOL_OPTIONS="-Duser.home=$home -Xshare:dump -XX:SharedClassListFile=$home/all.classes -XX:SharedArchiveFile=$archive -Xlog:cds=off" \
  timeout 300 "$app/bin/gradcam-viewer" --version >>"$home/train.log" 2>&1 || true
[ -s "$archive" ] || { echo "cds-archive: no archive was written:" >&2; tail -20 "$home/train.log" >&2; exit 1; }
echo "cds-archive: $(wc -l <"$home/all.classes") classes recorded ($(cat "$home"/viewer.classes 2>/dev/null | wc -l) by the viewer's start, $(wc -l <"$home/explain.classes") by the batch)" >&2
INNER
then
  # a namespace without the right to mount, or a start that failed: the package works without the archive
  echo "cds-archive: could not make the class-data archive here: the package is made without it (starts ~1 s slower)" >&2
  rm -f "$tree$archive"
  exit 0
fi
chmod 644 "$tree$archive"
{
  echo "java-options=-XX:SharedArchiveFile=\$APPDIR/gradcam-viewer.jsa"
  echo "java-options=-Xlog:cds=off"
} >>"$cfg"
# the launcher, as installed, must now take its classes from the archive
shared=$("${ns[@]}" bash -c 'mount --bind "$1/opt" /opt && HOME=$2 JAVA_TOOL_OPTIONS="-Duser.home=$2 -Xlog:class+load=info" "$3/bin/gradcam-viewer" --version 2>/dev/null' \
  _ "$tree" "$home" "$app" | grep -c 'dev\.gradcamviewer\..* source: shared objects file' || true)
[ "$shared" -gt 0 ] || { echo "cds-archive: the installed launcher does not use the archive" >&2; exit 1; }
echo "cds-archive: $(du -h "$tree$archive" | cut -f1) archive; --version loads $shared of the app's own classes from it"
