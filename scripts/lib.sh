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

# Run a command as root (sudo when not root already).
as_root() {
	if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# kconfig_from_fragments KMAKE OUT TREE DEFCONFIG FRAGMENT...
# Make OUT/.config from TREE's arch/*/configs/DEFCONFIG file (a path) and
# the fragments, merged in order, then olddefconfig; KMAKE is the function
# that runs make on TREE into OUT. Only when the defconfig or a fragment
# changed since the last time (a stamp in OUT), so that a rebuild stays
# incremental. Every option the fragments outside TREE ask for (the tree's
# own, such as kvm_guest.config, name options of other architectures), as
# the last fragment that names it says, must have survived olddefconfig.
kconfig_from_fragments() {
	local kmk=$1 out=$2 tree=$3 defconfig=$4
	shift 4
	local stamp=$out/.iouzc-config.sha want f file line opt bad=0 ours=()
	want=$(cat "$defconfig" "$@" | sha256sum)
	if [ -f "$out/.config" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	say "configuring $out"
	"$kmk" -s "${defconfig##*/}" >/dev/null
	(cd "$out" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$out" \
		"$out/.config" "$@" >/dev/null)
	"$kmk" -s olddefconfig >/dev/null
	for f in "$@"; do
		case $f in "$tree"/*) ;; *) ours+=("$f") ;; esac
	done
	while IFS=$'\t' read -r file line; do
		case $line in
		CONFIG_*=*) grep -qxF "$line" "$out/.config" || {
			echo "config: $line (from $file) not in .config" >&2; bad=1; } ;;
		"# CONFIG_"*" is not set")
			opt=${line#\# }; opt=${opt%% *}
			if grep -q "^$opt=" "$out/.config"; then
				echo "config: $opt (from $file) still set" >&2; bad=1
			fi ;;
		esac
	done < <(awk '
		FNR == 1 { file = FILENAME; sub(/.*\//, "", file) }
		/^CONFIG_[A-Za-z0-9_]+=/ { o = $0; sub(/=.*/, "", o) }
		/^# CONFIG_[A-Za-z0-9_]+ is not set/ { o = $2 }
		o != "" { if (!(o in last)) order[n++] = o; last[o] = file "\t" $0; o = "" }
		END { for (i = 0; i < n; i++) print last[order[i]] }' "${ours[@]}")
	[ $bad -eq 0 ] || die "configuration of $out does not match the fragments"
	echo "$want" >"$stamp"
}

# Run git in the kernel tree with the project's identity.
tgit() {
	git -C "$TREE" -c user.name="$PATCH_AUTHOR_NAME" \
		-c user.email="$PATCH_AUTHOR_EMAIL" "$@"
}
