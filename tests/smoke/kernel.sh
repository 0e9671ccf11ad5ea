#!/bin/bash
# The guest runs the kernel this tree built, with the debug options the
# tests rely on.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
want=$(cat "$top/build/kbuild/include/config/kernel.release")
echo "uname -r: $(uname -r) (built: $want)"
[ "$(uname -r)" = "$want" ]
for opt in CONFIG_IO_URING CONFIG_KASAN CONFIG_PROVE_LOCKING CONFIG_DEBUG_NET \
	CONFIG_DEBUG_ATOMIC_SLEEP CONFIG_DEBUG_KMEMLEAK CONFIG_NETDEVSIM CONFIG_VETH; do
	zgrep -qx "$opt=y" /proc/config.gz || { echo "$opt is not set" >&2; exit 1; }
done
n=$(git -C "$top/build/linux" rev-list --count base..HEAD 2>/dev/null || echo "?")
echo "series: $n patches on $(git -C "$top/build/linux" log -1 --format=%s base 2>/dev/null)"
