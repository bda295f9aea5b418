#!/bin/sh
# build.sh SRC BUILD CC LIB HEADER: configure and make libmicrohttpd out of
# tree in BUILD/tree, then copy the static library and its header to LIB
# and HEADER. About 45 s on two cores; ninja runs it once.
set -eu
src=$1 out=$2 cc=$3
lib=$(realpath -m "$4") hdr=$(realpath -m "$5")
tree=$out/tree
mkdir -p "$tree"
cd "$tree"
if [ ! -f Makefile ]; then
	echo "libmicrohttpd: configuring (without HTTPS)" >&2
	CC=$cc "$src/configure" -q --disable-https --without-gnutls \
		--disable-curl --disable-doc --disable-examples --disable-nls \
		--disable-shared --enable-static --with-pic \
		--disable-postprocessor --disable-bauth --disable-dauth \
		--disable-httpupgrade >configure.log 2>&1 ||
		{ tail -20 configure.log >&2; exit 1; }
fi
echo "libmicrohttpd: building" >&2
make -s -C src/microhttpd >make.log 2>&1 || { tail -30 make.log >&2; exit 1; }
cp src/microhttpd/.libs/libmicrohttpd.a "$lib"
cp "$src/src/include/microhttpd.h" "$hdr"
