#!/usr/bin/env bash
# libtorch unpacked into the installation: usage libtorch-unpacked.sh PACKAGE_TREE (the package's
# files, with the app-image in PACKAGE_TREE/opt/gradcam-viewer).
#
# Why: DJL unpacks libtorch from its native jar into the user's home (~/.djl.ai, 450 MB) the first
# time each user starts the app: 1.4 s of every first start, and 450 MB in every reader's home on a
# shared workstation. Here the libraries (and DJL's JNI library, under the name DJL looks for beside
# them) are files of the package, DJL is told where (-DPYTORCH_LIBRARY_PATH), and the native jar
# leaves the class path. unpacked-check.sh checks that the app-image starts libtorch from there.
set -euo pipefail
tree=$(readlink -f "$1")
appdir=$tree/opt/gradcam-viewer/lib/app
cfg=$appdir/gradcam-viewer.cfg
[ -f "$cfg" ] || { echo "libtorch-unpacked: no $cfg" >&2; exit 1; }
arch=linux-$(uname -m)
native=$(ls "$appdir"/lib/pytorch-native-cpu-*-"$arch".jar 2>/dev/null | head -1)
jni=$(ls "$appdir"/lib/pytorch-jni-*.jar 2>/dev/null | head -1)
[ -n "$native" ] && [ -n "$jni" ] || { echo "libtorch-unpacked: no pytorch-native-cpu jar for $arch or no pytorch-jni jar in $appdir/lib" >&2; exit 1; }
djl=$(basename "$jni" .jar)
djl=${djl##*-} # pytorch-jni-2.7.1-0.36.0 -> 0.36.0, the prefix of the JNI library's name DJL looks for
dest=$appdir/libtorch
mkdir -p "$dest"
unzip -q -j -o "$native" "pytorch/cpu/$arch/*" -d "$dest"
unzip -q -p "$jni" "jnilib/$arch/cpu/libdjl_torch.so" >"$dest/$djl-libdjl_torch.so"
[ -s "$dest/libtorch_cpu.so" ] && [ -s "$dest/$djl-libdjl_torch.so" ] || { echo "libtorch-unpacked: the jars did not hold the libraries expected" >&2; exit 1; }
chmod 644 "$dest"/*
rm "$native"
sed -i "\|^app.classpath=\$APPDIR/lib/$(basename "$native")\$|d" "$cfg"
echo "java-options=-DPYTORCH_LIBRARY_PATH=\$APPDIR/libtorch" >>"$cfg"
echo "libtorch-unpacked: $(du -sh "$dest" | cut -f1) in lib/app/libtorch ($(ls "$dest" | wc -l) libraries); the native jar left the class path"
