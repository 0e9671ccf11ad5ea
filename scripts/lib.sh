# shellcheck shell=bash disable=SC2034
# Common settings for the project's scripts. Source it; do not run it.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export TOP

# The base kernel: Debian's linux-source-6.12 at a pinned version.
# Override both variables together to move to another build.
BASE_VERSION=${BASE_VERSION:-6.12.117-1~deb12u1}
BASE_DEB_SHA256=${BASE_DEB_SHA256:-e849faf31ca3555757f3a8877cb01af92122f744f75d1f3102734651c4e14703}
BASE_TAR_SHA256=${BASE_TAR_SHA256:-585a4a074597aefa2b1a68ada83a3184ba351c127544dea80618bbcceaa3961f}

CACHE=${IOUZC_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/iouzc}
BUILD=${IOUZC_BUILD:-$TOP/build}
TREE=$BUILD/linux
KBUILD=$BUILD/kbuild
KIMAGE=$KBUILD/arch/x86/boot/bzImage
# The benchmark's kernel: the same tree with the release configuration
# (scripts/build-kernel --release), objects of its own, the same ccache.
KBUILD_RELEASE=$BUILD/kbuild-release
KIMAGE_RELEASE=$KBUILD_RELEASE/arch/x86/boot/bzImage
SERIES_DIR=$TOP/patches/linux

# The identity every patch of the series is authored and signed off by.
PATCH_AUTHOR_NAME="Zcrx Backport Developers"
PATCH_AUTHOR_EMAIL="zcrx-backport@example.org"

# Reproducible builds, so ccache hits across clones and machines.
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2026"
export KBUILD_BUILD_USER=iouzc
export KBUILD_BUILD_HOST=iouzc
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-8G}
export CCACHE_BASEDIR=$TOP
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime

JOBS=${JOBS:-$(nproc)}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Run git in the kernel tree with the project's identity.
tgit() {
	git -C "$TREE" -c user.name="$PATCH_AUTHOR_NAME" \
		-c user.email="$PATCH_AUTHOR_EMAIL" "$@"
}
