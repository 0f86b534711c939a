#!/usr/bin/env bash
# Makes the Debian package from jpackage's app-image: usage make-deb.sh INSTALLER_DIR VERSION.
#
# Why not jpackage's own .deb: its maintainer scripts register the desktop entry with
# xdg-desktop-menu, which fails ("No writable system menu directory found", exit 3) on systems
# without a menu directory and leaves the package half-configured. Here the desktop entry, the
# icons and the command link are files of the package in their standard places, so dpkg installs
# and removes exactly them, no maintainer script runs, and menus (and the icon and MIME caches,
# through the triggers of desktop-file-utils and hicolor-icon-theme where installed) pick them up.
set -euo pipefail
installer=$1
version=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
image=$installer/gradcam-viewer
[ -x "$image/bin/gradcam-viewer" ] || { echo "make-deb: no app-image in $image" >&2; exit 1; }
arch=$(dpkg --print-architecture)
deb=$installer/gradcam-viewer_${version}-1_${arch}.deb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg
mkdir -p "$pkg/opt" "$pkg/DEBIAN" "$pkg/usr/bin"
cp -a "$image" "$pkg/opt/gradcam-viewer"
bash "$here/libtorch-unpacked.sh" "$pkg"
bash "$here/jna-unpacked.sh" "$pkg"
bash "$here/unpacked-check.sh" "$pkg"
bash "$here/cds-archive.sh" "$pkg"
bash "$here/command-script.sh" "$pkg"
install -D -m 644 "$here/gradcam-viewer.desktop" "$pkg/usr/share/applications/gradcam-viewer.desktop"
for s in 16 24 32 48 64 128 256 512; do
  install -D -m 644 "$root/icons/png/gradcam-viewer-$s.png" "$pkg/usr/share/icons/hicolor/${s}x${s}/apps/gradcam-viewer.png"
done
install -D -m 644 "$root/icons/gradcam-viewer.svg" "$pkg/usr/share/icons/hicolor/scalable/apps/gradcam-viewer.svg"
install -D -m 644 "$root/README.md" "$pkg/usr/share/doc/gradcam-viewer/README.md"
install -D -m 644 "$root/models/README.md" "$pkg/usr/share/doc/gradcam-viewer/models.md"

# Libraries the launcher and the Java runtime link against, as the packages that hold them (as
# jpackage does it), and those JavaFX and Java's sound and fonts load at run time, which no scan sees.
declare -A seen=()
deps=(libgtk-3-0 libgl1 libxtst6 libxxf86vm1 libasound2 libfreetype6 libfontconfig1)
while read -r lib; do
  [ -n "$lib" ] || continue
  owner=""
  for candidate in "$lib" "$(readlink -f "$lib")" "${lib#/usr}" "/usr$lib"; do
    owner=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$owner" ] && break
  done
  [ -n "$owner" ] && [ -z "${seen[$owner]:-}" ] && { seen[$owner]=1; deps+=("$owner"); }
done < <(find "$pkg/opt" -type f \( -name '*.so' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF && ldd "$1" 2>/dev/null' _ {} \; \
         | awk '/=> \// {print $3}' | sort -u)
depends=$(printf '%s\n' "${deps[@]}" | sort -u | paste -sd, | sed 's/,/, /g')

cat > "$pkg/usr/share/doc/gradcam-viewer/copyright" <<'TEXT'
Grad-CAM Viewer, by the Grad-CAM Viewer developers.
The bundled Java runtime, JavaFX, libtorch (PyTorch) and the other libraries in /opt/gradcam-viewer
keep their own licences.
TEXT
size=$(du -sk --apparent-size "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<TEXT
Package: gradcam-viewer
Version: ${version}-1
Section: science
Priority: optional
Architecture: ${arch}
Maintainer: Grad-CAM Viewer developers <maintainers@gradcam-viewer.invalid>
Installed-Size: ${size}
Depends: ${depends}
Homepage: file:///usr/share/doc/gradcam-viewer/README.md
Description: shows where a PyTorch image classifier looks (Grad-CAM)
 Grad-CAM Viewer opens images (PNG, JPEG, TIFF, BMP), reads a PyTorch model's
 prediction and shows Grad-CAM heatmaps (and Grad-CAM++, XGrad-CAM, LayerCAM,
 HiResCAM) blended over the full-resolution image, for any tapped layer; it
 compares layers and methods side by side and records a reviewer's verdict per
 image. A command line does the same in batch (gradcam-viewer --help).
 .
 It runs fully offline: the Java runtime and libtorch ship inside the package.
 Models are TorchScript bundles made by the project's exporter.
 .
 The bundled demo model was trained on synthetic chest-radiograph phantoms,
 not on patients: it is NOT FOR CLINICAL USE.
TEXT
dpkg-deb --root-owner-group -Zxz -z1 --build "$pkg" "$deb.part" >/dev/null
mv "$deb.part" "$deb"
echo "make-deb: wrote $deb ($(du -h "$deb" | cut -f1))"
