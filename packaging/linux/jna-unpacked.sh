#!/usr/bin/env bash
# JNA's native library unpacked into the installation, and JNA's folders for system libraries
# given: usage jna-unpacked.sh PACKAGE_TREE (the package's files, with the app-image in
# PACKAGE_TREE/opt/gradcam-viewer).
#
# Why: at every start JNA (which DJL and the engine's switches use) copied its native library out
# of its jar into the user's home (~/.cache/JNA/temp) to load it from there, and ran
# `/sbin/ldconfig -p` in a child process to learn the system's library folders: about 0.1 s before
# libtorch could start loading, on the way to every command's first image and the viewer's first
# CAM. Here the library is a file of the package (-Djna.boot.library.path) and the folders are the
# platform's standard ones (-Djna.platform.library.path). The program loads libtorch by path; the
# only search by name is DJL's for CUDA's runtime, which a CPU build of libtorch does not use.
# unpacked-check.sh checks that the app-image loads JNA's library from there.
set -euo pipefail
tree=$(readlink -f "$1")
appdir=$tree/opt/gradcam-viewer/lib/app
cfg=$appdir/gradcam-viewer.cfg
[ -f "$cfg" ] || { echo "jna-unpacked: no $cfg" >&2; exit 1; }
jar=$(ls "$appdir"/lib/jna-[0-9]*.jar 2>/dev/null | head -1)
[ -n "$jar" ] || { echo "jna-unpacked: no jna jar in $appdir/lib" >&2; exit 1; }
machine=$(uname -m)
case "$machine" in x86_64) jnaarch=linux-x86-64 ;; *) jnaarch=linux-$machine ;; esac
dest=$appdir/jna
mkdir -p "$dest"
unzip -q -j -o "$jar" "com/sun/jna/$jnaarch/libjnidispatch.so" -d "$dest" \
  || { echo "jna-unpacked: $(basename "$jar") has no com/sun/jna/$jnaarch/libjnidispatch.so" >&2; exit 1; }
chmod 644 "$dest/libjnidispatch.so"
multiarch=$machine-linux-gnu
echo "java-options=-Djna.boot.library.path=\$APPDIR/jna" >>"$cfg"
echo "java-options=-Djna.platform.library.path=/usr/lib/$multiarch:/lib/$multiarch:/usr/lib64:/lib64:/usr/lib:/lib" >>"$cfg"
echo "jna-unpacked: libjnidispatch.so in lib/app/jna; system libraries in the platform's folders, without ldconfig"
