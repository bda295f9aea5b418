#!/bin/bash
# Fetches Debian 12's kernel and builds the initramfs that vm.sh boots:
# a kernel batman-adv node for interop tests (doc/kernel-vm.md).
#   fetch.sh [CACHE]
# CACHE defaults to $SOFTMESH_KERNEL_CACHE or /var/cache/softmesh/kernel.
# Idempotent: installs only missing host packages, downloads the kernel
# package only when Debian has a new one, rebuilds the initramfs only when
# one of its inputs changed. Talks to nothing but Debian's archive.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${1:-${SOFTMESH_KERNEL_CACHE:-/var/cache/softmesh/kernel}}
# Host packages, as "command-or-file package". busybox-static is not one:
# it conflicts with the host's busybox (which the lab's DHCP clients use),
# so its .deb is downloaded and its binary taken out (busybox_static).
HOST_PKGS="
/usr/bin/qemu-system-x86_64 qemu-system-x86
/usr/sbin/batctl batctl
/usr/sbin/babeld babeld
/usr/sbin/ip iproute2
/usr/bin/cpio cpio
/usr/bin/xz xz-utils
/usr/bin/zstd zstd
/usr/sbin/modinfo kmod
/usr/bin/python3 python3
/usr/bin/readelf binutils
"
# Modules the VM loads; their dependencies are added from the modules'
# own modinfo. virtio_pci + virtio_net is the NIC (vm.sh's virtio-net-pci).
# crc32c_generic is named because libcrc32c only soft-depends on the
# crypto alias "crc32c" and the VM has no modprobe to resolve it; the
# generic one needs no CPU feature that TCG may lack.
WANT_MODULES="crc32c_generic batman-adv 8021q bridge virtio_pci virtio_net"
declare -A SOFTDEP_ALIAS=([crc32c]=crc32c_generic)
# What the initramfs carries from the host besides busybox. dash is /bin/sh
# because Debian's busybox runs its own applets before anything on PATH,
# and its ip cannot make 802.1ad VLANs.
VM_BINS=(/usr/sbin/batctl /usr/sbin/ip /usr/sbin/babeld /usr/bin/dash)
# bump when the kernel tree's layout changes, to re-extract a cached one
KTREE_LAYOUT=3

step() { printf 'fetch: %s\n' "$*"; }
die() { printf 'fetch: error: %s\n' "$*" >&2; exit 1; }

[[ $EUID -eq 0 ]] || die "run as root (apt-get, and the cache is in /var/cache)"
mkdir -p "$CACHE"
CACHE=$(cd "$CACHE" && pwd)
TMP=$(mktemp -d /tmp/smk-fetch.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

apt_quiet() {
	DEBIAN_FRONTEND=noninteractive apt-get "$@" >"$TMP/apt.log" 2>&1 ||
		{ tail -n 20 "$TMP/apt.log" >&2; return 1; }
}

host_packages() {
	local missing="" f p
	while read -r f p; do
		[[ -n $f ]] || continue
		# dpkg's word for "installed", and the file it gives
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' &&
			[[ -e $f ]] || missing="$missing $p"
	done <<<"$HOST_PKGS"
	if [[ -z $missing ]]; then
		step "host packages: all present"
		return
	fi
	step "host packages: installing$missing"
	# shellcheck disable=SC2086 # one word per package
	apt_quiet install -y -qq --no-install-recommends $missing ||
		{ apt_quiet update && apt_quiet install -y -qq --no-install-recommends $missing; } ||
		die "apt-get install$missing failed"
}

# kernel_package: sets KPKG and KVER_DEB to the versioned image package
# that linux-image-amd64 depends on now, or to the cached one when the
# archive cannot be asked.
kernel_package() {
	KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	if [[ -z $KPKG ]]; then
		apt_quiet update || true
		KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
	fi
	if [[ -n $KPKG ]]; then
		KVER_DEB=$(apt-cache show --no-all-versions "$KPKG" | sed -n 's/^Version: //p' | head -n 1)
		return
	fi
	[[ -f $CACHE/kernel.deb.name ]] || die "cannot resolve linux-image-amd64 and nothing is cached"
	read -r KPKG KVER_DEB <"$CACHE/kernel.deb.name"
	step "kernel: archive not reachable, using the cached $KPKG"
}

download_kernel() {
	DEB=$CACHE/${KPKG}_${KVER_DEB//:/%3a}_amd64.deb
	if [[ -s $DEB ]]; then
		step "kernel package: cached $(basename "$DEB")"
		return
	fi
	local t0=$SECONDS
	step "kernel package: downloading $KPKG $KVER_DEB"
	if ! apt_download; then
		# stale package lists name a version the archive has dropped
		step "kernel package: download failed; updating the package lists"
		apt_quiet update || die "apt-get update failed"
		kernel_package
		DEB=$CACHE/${KPKG}_${KVER_DEB//:/%3a}_amd64.deb
		apt_download || { tail -n 5 "$TMP/dl.log" >&2; die "apt-get download $KPKG failed"; }
	fi
	mv "$TMP"/"${KPKG}"_*.deb "$DEB"
	step "kernel package: $(du -h "$DEB" | cut -f1) in $((SECONDS - t0)) s"
	# one kernel is kept; extract_kernel drops the older trees
	find "$CACHE" -maxdepth 1 -name 'linux-image-*.deb' ! -name "$(basename "$DEB")" -delete
}

apt_download() {
	# the sandbox user _apt cannot write to a root-owned directory
	(cd "$TMP" && apt-get download -q -o APT::Sandbox::User=root "$KPKG=$KVER_DEB" >"$TMP/dl.log" 2>&1)
}

# busybox_static: Debian's static busybox, out of its .deb, as
# $CACHE/busybox (the VM has no libc of busybox's own).
busybox_static() {
	local deb
	deb=$(find "$CACHE" -maxdepth 1 -name 'busybox-static_*.deb' | head -n 1)
	if [[ -z $deb ]]; then
		(cd "$TMP" && apt-get download -q -o APT::Sandbox::User=root busybox-static \
			>"$TMP/bb.log" 2>&1) ||
			{ apt_quiet update && (cd "$TMP" && apt-get download -q \
				-o APT::Sandbox::User=root busybox-static >"$TMP/bb.log" 2>&1); } ||
			{ tail -n 5 "$TMP/bb.log" >&2; die "apt-get download busybox-static failed"; }
		mv "$TMP"/busybox-static_*.deb "$CACHE/"
		deb=$(find "$CACHE" -maxdepth 1 -name 'busybox-static_*.deb' | head -n 1)
	fi
	if [[ ! -x $CACHE/busybox || $CACHE/busybox -ot $deb ]]; then
		dpkg-deb -x "$deb" "$TMP/bb"
		cp "$TMP/bb/bin/busybox" "$CACHE/busybox"
		touch "$CACHE/busybox"
	fi
	BUSYBOX=$CACHE/busybox
	BUSYBOX_VER=$(dpkg-deb -f "$deb" Version)
	step "busybox-static: $BUSYBOX_VER"
}

# mod_resolve DIR: fills MOD_PATH (name -> .ko path) for every module in
# the extracted tree; module names treat - and _ alike.
declare -A MOD_PATH
mod_resolve() {
	local n f
	while read -r n f; do
		n=${n%%.ko*}
		MOD_PATH[${n//-/_}]=$f
	done < <(find "$1" \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.zst' \) -printf '%f %p\n')
}

# mod_visit NAME: appends NAME after its dependencies to MOD_ORDER.
declare -A MOD_SEEN
MOD_ORDER=()
mod_visit() {
	local n=${1//-/_} f d deps soft
	[[ -z ${MOD_SEEN[$n]:-} ]] || return 0
	MOD_SEEN[$n]=1
	f=${MOD_PATH[$n]:-}
	[[ -n $f ]] || die "module $n is not in $KPKG"
	deps=$(modinfo -F depends "$f" | tr ',' ' ')
	# "pre: a b post: c": only the pre part orders the load
	soft=$(modinfo -F softdep "$f" | sed -n 's/.*pre:\([^:]*\)\( post:.*\)\{0,1\}$/\1/p')
	for d in $soft; do
		d=${SOFTDEP_ALIAS[$d]:-$d}
		if [[ -n ${MOD_PATH[${d//-/_}]:-} ]]; then
			mod_visit "$d"
		else
			step "modules: $n soft-depends on $d, which is no module file: skipped"
		fi
	done
	for d in $deps; do mod_visit "$d"; done
	MOD_ORDER+=("$n")
}

# extract_kernel: vmlinuz and the wanted modules, decompressed, in
# $KDIR with modules.load listing them in load order.
extract_kernel() {
	KDIR=$CACHE/${KPKG#linux-image-}
	local stamp="$KTREE_LAYOUT $KPKG $KVER_DEB $WANT_MODULES"
	if [[ -f $KDIR/stamp && $(cat "$KDIR/stamp") == "$stamp" ]]; then
		step "kernel tree: cached $KDIR"
		return
	fi
	step "kernel tree: extracting vmlinuz and modules"
	local x=$TMP/deb n f out
	mkdir -p "$x"
	dpkg-deb -x "$DEB" "$x"
	mod_resolve "$x/lib/modules"
	for n in $WANT_MODULES; do mod_visit "$n"; done
	rm -rf "$KDIR"
	mkdir -p "$KDIR/modules"
	cp "$x"/boot/vmlinuz-* "$KDIR/vmlinuz"
	extract_vmlinux "$KDIR/vmlinuz" "$KDIR/vmlinux"
	for n in "${MOD_ORDER[@]}"; do
		f=${MOD_PATH[$n]}
		out=$KDIR/modules/$(basename "${f%.xz}")
		out=${out%.zst}
		case $f in
		*.xz) xz -dc "$f" >"$out" ;;
		*.zst) zstd -qdc "$f" >"$out" ;;
		*) cp "$f" "$out" ;;
		esac
		basename "$out" >>"$KDIR/modules.load"
	done
	basename "$x"/lib/modules/* >"$KDIR/release"
	rm -rf "$x"
	printf '%s\n' "$stamp" >"$KDIR/stamp"
	find "$CACHE" -mindepth 1 -maxdepth 1 -type d -name '[0-9]*' ! -name "$(basename "$KDIR")" \
		-exec rm -rf {} +
	step "kernel tree: ${#MOD_ORDER[@]} modules: ${MOD_ORDER[*]}"
}

# extract_vmlinux BZIMAGE OUT: the ELF kernel inside the bzImage, when
# it carries a PVH entry note. qemu boots that without the decompressor,
# which takes 2 s under TCG for Debian's xz image.
extract_vmlinux() {
	local off
	off=$(LC_ALL=C grep -m 1 -obUaP '\xfd7zXZ\x00' "$1" | cut -d: -f1 | head -n 1)
	# via a file: xz stops reading at the end of the stream, and the
	# SIGPIPE of a pipe from tail would count as a failure
	[[ -z $off ]] || tail -c +$((off + 1)) "$1" >"$2.xz"
	if [[ -n $off ]] && xz -dcq --single-stream "$2.xz" >"$2.new" 2>/dev/null &&
		readelf -n "$2.new" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
		rm -f "$2.xz"
		mv "$2.new" "$2"
		step "kernel tree: vmlinux with a PVH entry extracted ($(du -h "$2" | cut -f1))"
	else
		rm -f "$2.new" "$2.xz"
		step "kernel tree: no PVH vmlinux in the bzImage; VMs boot vmlinuz"
	fi
}

# stage_libs ROOT BIN...: copies the shared libraries BINs load (host and
# VM are both Debian 12, so the host's copies fit).
stage_libs() {
	local root=$1 lib
	shift
	for lib in $(ldd "$@" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# stage ROOT: lays out the initramfs tree.
stage() {
	local root=$1 a b
	mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib/modules,etc,proc,sys,dev,tmp,run,root,var/lib}
	ln -s ../run "$root/var/run"
	cp "$BUSYBOX" "$root/bin/busybox"
	for a in $("$BUSYBOX" --list-full); do
		case ${a##*/} in busybox | ip | sh | ash) continue ;; esac
		ln -s /bin/busybox "$root/$a"
	done
	for b in "${VM_BINS[@]}"; do cp "$b" "$root/usr/sbin/"; done
	ln -s /usr/sbin/dash "$root/bin/sh"
	stage_libs "$root" "${VM_BINS[@]}"
	cp "$KDIR"/modules/*.ko "$root/lib/modules/"
	cp "$KDIR/modules.load" "$root/etc/modules.load"
	cp "$HERE/init.sh" "$root/init"
	chmod 755 "$root/init"
	# cpio keeps mtimes: one fixed time makes the same inputs the same image
	find "$root" -exec touch -h -d @0 {} +
}

# inputs_digest: one hash over everything the initramfs is made of.
inputs_digest() {
	local libs
	mapfile -t libs < <(ldd "${VM_BINS[@]}" | grep -o '/[^ ]*\.so[^ ]*' | sort -u | xargs readlink -f)
	sha256sum "$BUSYBOX" "${VM_BINS[@]}" "${libs[@]}" "$HERE/init.sh" "$HERE/fetch.sh" \
		"$KDIR"/modules/*.ko "$KDIR/modules.load" | sha256sum | cut -d' ' -f1
}

build_initramfs() {
	local img=$CACHE/initramfs.cpio.gz digest
	digest=$(inputs_digest)
	if [[ -s $img && -f $CACHE/initramfs.stamp && $(cat "$CACHE/initramfs.stamp") == "$digest" ]]; then
		step "initramfs: up to date ($(du -h "$img" | cut -f1))"
		return
	fi
	step "initramfs: building"
	stage "$TMP/root"
	# newc, owners root
	(cd "$TMP/root" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --reproducible --quiet | gzip -n -6) >"$img.new"
	mv "$img.new" "$img"
	printf '%s\n' "$digest" >"$CACHE/initramfs.stamp"
	step "initramfs: built $(du -h "$img" | cut -f1)"
}

versions() {
	local rel bat
	rel=$(cat "$KDIR/release")
	bat=$(modinfo -F version "$KDIR/modules/batman-adv.ko")
	ln -sfn "$(basename "$KDIR")/vmlinuz" "$CACHE/vmlinuz"
	if [[ -s $KDIR/vmlinux ]]; then
		ln -sfn "$(basename "$KDIR")/vmlinux" "$CACHE/vmlinux"
	else
		rm -f "$CACHE/vmlinux"
	fi
	printf '%s %s\n' "$KPKG" "$KVER_DEB" >"$CACHE/kernel.deb.name"
	{
		printf 'kernel %s (%s %s)\n' "$rel" "$KPKG" "$KVER_DEB"
		printf 'batman-adv %s\n' "$bat"
		printf 'batctl %s\n' "$(dpkg-query -W -f='${Version}' batctl)"
		printf 'babeld %s\n' "$(dpkg-query -W -f='${Version}' babeld)"
		printf 'iproute2 %s\n' "$(dpkg-query -W -f='${Version}' iproute2)"
		printf 'busybox %s\n' "$BUSYBOX_VER"
		printf 'qemu %s\n' "$(dpkg-query -W -f='${Version}' qemu-system-x86)"
	} >"$CACHE/versions.txt"
	step "versions: $(paste -sd';' "$CACHE/versions.txt" | sed 's/;/, /g')"
}

T0=$SECONDS
host_packages
busybox_static
kernel_package
download_kernel
extract_kernel
build_initramfs
versions
step "done in $((SECONDS - T0)) s: $CACHE"
