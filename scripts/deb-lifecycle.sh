#!/usr/bin/env bash
# The .deb's life on this machine, as an administrator lives it: install with apt (dependencies
# resolved), check dpkg's status, run the self-test as an unprivileged user with an empty home,
# reinstall, purge, and check that nothing of it is left and apt reports nothing broken.
# Needs root (it installs a package); usage: deb-lifecycle.sh PATH_TO_DEB
set -euo pipefail
deb=$(readlink -f "$1")
fail() { echo "deb-lifecycle: FAILED: $*" >&2; exit 1; }
step() { echo "-- $*"; }
owned=(/opt/gradcam-viewer /usr/bin/gradcam-viewer /usr/share/applications/gradcam-viewer.desktop
       /usr/share/icons/hicolor/256x256/apps/gradcam-viewer.png /usr/share/icons/hicolor/scalable/apps/gradcam-viewer.svg
       /usr/share/doc/gradcam-viewer)

step "package: $(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version), $(du -h "$deb" | cut -f1)"
if dpkg-deb -I "$deb" | grep -qE '^ +[0-9]+ bytes, +[0-9]+ lines +\*? *(preinst|postinst|prerm|postrm) '; then
  fail "the package has maintainer scripts; it should need none"
fi
step "menu directory /etc/xdg/menus: $([ -d /etc/xdg/menus ] && echo present || echo absent)"
dpkg -s gradcam-viewer >/dev/null 2>&1 && { step "removing an earlier installation"; apt-get purge -y -qq gradcam-viewer >/dev/null; }

step "apt-get install ./$(basename "$deb")"
apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null || fail "apt-get install"
status=$(dpkg -s gradcam-viewer | sed -n 's/^Status: //p')
step "dpkg -s: $status"
[ "$status" = "install ok installed" ] || fail "status is '$status'"
for f in "${owned[@]}"; do [ -e "$f" ] || fail "$f is missing after installation"; done
head -1 /usr/bin/gradcam-viewer | grep -q '^#!/bin/sh' && grep -q '^exec /opt/gradcam-viewer/lib/runtime/bin/java ' /usr/bin/gradcam-viewer \
  || fail "/usr/bin/gradcam-viewer is not the command script"
step "files outside /opt:"
dpkg -L gradcam-viewer | grep -v '^/opt' | sed 's/^/     /'

step "gradcam-viewer --version, and selftest as 'nobody' with an empty home (from the PATH)"
home=$(mktemp -d)
chown nobody "$home"
# JAVA_OPTIONS ARGS...: the installed command as 'nobody', from the PATH, in that empty home
as_nobody() { local options=$1; shift; runuser -u nobody -- env -i PATH=/usr/bin:/bin HOME="$home" JAVA_TOOL_OPTIONS="-Duser.home=$home $options" gradcam-viewer "$@"; }
as_nobody "" --version || fail "--version"
if [ -e /opt/gradcam-viewer/lib/app/gradcam-viewer.jsa ]; then
  shared=$(as_nobody -Xlog:class+load=info --version 2>/dev/null | grep -c 'dev\.gradcamviewer\..* source: shared objects file' || true)
  step "class-data archive: --version loads $shared of the app's own classes from it"
  [ "$shared" -gt 0 ] || fail "the installed app does not use its class-data archive"
else
  step "class-data archive: none in this package (made where a private mount namespace was not available)"
fi
# the command's choice of compilers (see packaging/linux/command-script.sh)
# FLAG < PrintFlagsFinal's output: that flag's value
value() { awk -v f="$1" '$2 == f { print $4 }'; }
batch_flags=$(as_nobody -XX:+PrintFlagsFinal predict --help 2>&1)
batch=$(value TieredStopAtLevel <<<"$batch_flags")
viewer_flags=$(as_nobody -XX:+PrintFlagsFinal --version 2>&1)
viewer=$(value TieredStopAtLevel <<<"$viewer_flags")
step "compilers: predict stops at tier $batch; the rest at tier $viewer on $(nproc) cores"
[ "$batch" = 1 ] || fail "predict should run with the client compiler only"
step "collectors: predict UseParallelGC $(value UseParallelGC <<<"$batch_flags") NewSize $(value NewSize <<<"$batch_flags"), the viewer UseG1GC $(value UseG1GC <<<"$viewer_flags")"
if [ "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)" -ge 8000000 ]; then
  [ "$(value UseParallelGC <<<"$batch_flags")" = true ] && [ "$(value NewSize <<<"$batch_flags")" = 536870912 ] \
    || fail "predict should run with the parallel collector and a 512 MB young generation on 8 GB or more"
else
  [ "$(value UseG1GC <<<"$batch_flags")" = true ] || fail "predict should keep G1 on less than 8 GB"
fi
[ "$(value UseG1GC <<<"$viewer_flags")" = true ] || fail "the viewer should keep G1"
[ "$(as_nobody "-XX:+UseSerialGC -XX:+PrintFlagsFinal" predict --help 2>&1 | value UseSerialGC)" = true ] \
  || fail "a collector named in JAVA_TOOL_OPTIONS should win over the command's"
if [ "$(nproc)" -le 2 ]; then [ "$viewer" = 1 ] || fail "on two cores the viewer should run with the client compiler only"
else [ "$viewer" = 4 ] || fail "on more than two cores the viewer should keep the server compiler"; fi
huge=$(value UseTransparentHugePages <<<"$viewer_flags")
thp=$(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo "not there")
step "heap pages: transparent huge pages $huge (the kernel's setting: $thp)"
case "$thp" in
  *"[always]"* | *"[madvise]"*) [ "$huge" = true ] || fail "the heap should take transparent huge pages where the kernel gives them" ;;
  *) [ "$huge" = false ] || fail "transparent huge pages asked for where the kernel has them off" ;;
esac
# ARGS...: the GLIBC_TUNABLES the installed command exports for them (read from sh -x)
tunables() { sh -x /usr/bin/gradcam-viewer "$@" 2>&1 >/dev/null | sed -n 's/^+ export GLIBC_TUNABLES=//p'; }
viewer_tunables=$(tunables --version)
batch_tunables=$(tunables predict --help)
step "malloc: the viewer GLIBC_TUNABLES=${viewer_tunables:-(not set)}; predict ${batch_tunables:-(not set)}"
thresholds=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456
case "$thp" in
  *"[always]"* | *"[madvise]"*)
    [ "$viewer_tunables" = glibc.malloc.hugetlb=1 ] || fail "glibc's malloc should be asked for huge pages where the kernel gives them"
    [ "$batch_tunables" = "$thresholds:glibc.malloc.hugetlb=1" ] || fail "predict should keep freed memory and ask for huge pages" ;;
  *)
    [ -z "$viewer_tunables" ] || fail "glibc's malloc asked for huge pages where the kernel has them off"
    [ "$batch_tunables" = "$thresholds" ] || fail "predict should keep freed memory (and not ask for huge pages)" ;;
esac
kept=$(GLIBC_TUNABLES=glibc.malloc.trim_threshold=0 tunables predict --help)
[ "$kept" = "${batch_tunables}:glibc.malloc.trim_threshold=0" ] || fail "a GLIBC_TUNABLES of the user's own should come last (and win): $kept"
as_nobody "-Xlog:library=info:file=$home/libraries.log" selftest || fail "self-test as an unprivileged user"
[ ! -e "$home/.djl.ai" ] || fail "libtorch was unpacked into the user's home (the package's own copy should be used)"
grep -q "Loaded library /opt/gradcam-viewer/lib/app/jna/libjnidispatch.so" "$home/libraries.log" \
  || fail "JNA did not load its library from the package (/opt/gradcam-viewer/lib/app/jna)"
step "libtorch and JNA: the package's own (/opt/gradcam-viewer/lib/app/libtorch, .../jna), nothing unpacked into the home"
rm -rf "$home"

step "apt-get install --reinstall"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --reinstall "$deb" >/dev/null || fail "reinstall"
[ "$(dpkg -s gradcam-viewer | sed -n 's/^Status: //p')" = "install ok installed" ] || fail "status after reinstall"

step "apt-get purge"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq gradcam-viewer >/dev/null || fail "purge"
left=()
for f in "${owned[@]}"; do [ -e "$f" ] || [ -L "$f" ] && left+=("$f"); done
[ ${#left[@]} = 0 ] || fail "left after purge: ${left[*]}"
dpkg -l gradcam-viewer 2>/dev/null | grep -q '^[a-z][a-z] *gradcam-viewer' && fail "dpkg still lists the package"
audit=$(dpkg --audit)
[ -z "$audit" ] || fail "dpkg --audit: $audit"
apt-get check -qq >/dev/null || fail "apt-get check reports broken packages"
step "nothing left; dpkg --audit and apt-get check are clean"
echo "deb-lifecycle: passed"
