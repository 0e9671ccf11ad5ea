#!/bin/bash
# The guest runs the kernel this tree built, with the debug options the
# tests rely on, and the tree carries the series.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
want=$(cat "$top/build/kbuild/include/config/kernel.release")
echo "uname -r: $(uname -r) (built: $want)"
[ "$(uname -r)" = "$want" ]
opts=(CONFIG_IO_URING CONFIG_KASAN CONFIG_PROVE_LOCKING CONFIG_DEBUG_NET
	CONFIG_DEBUG_ATOMIC_SLEEP CONFIG_DEBUG_KMEMLEAK CONFIG_NETDEVSIM CONFIG_VETH)
config=$(zcat /proc/config.gz)
for opt in "${opts[@]}"; do
	[[ $config == *$'\n'"$opt=y"$'\n'* ]] || { echo "$opt is not set" >&2; exit 1; }
done
echo "debug options: ${opts[*]}"
tree=$top/build/linux
echo "series: $(git -C "$tree" rev-list --count base..HEAD) patches on" \
	"'$(git -C "$tree" log -1 --format=%s base)', top: '$(git -C "$tree" log -1 --format=%s HEAD)'"
