#!/bin/bash
# mlx5_core, built with the series (scripts/build-kernel installs it under
# build/kbuild/modroot), loads and unloads in a guest that has no ConnectX:
# module init and exit, the auxiliary and PCI driver registrations and the
# devlink/netdev notifier setup run; with no device, no probe does. The
# runner fails the test on any splat the load or the unload leaves in the
# kernel log. Three rounds, so that a leak or a stale registration left by
# one unload shows in the next load.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
root=$top/build/kbuild/modroot
rel=$(uname -r)
dir=$root/lib/modules/$rel
fail() { echo "FAIL: $*" >&2; exit 1; }

[[ $(zcat /proc/config.gz) == *$'\n'CONFIG_MLX5_CORE=m$'\n'* ]] ||
	fail "the kernel is not built with CONFIG_MLX5_CORE=m"
[ -f "$dir/modules.dep" ] || fail "no modules for $rel under $root (scripts/build-kernel installs them)"
ko=$(grep -o '^[^:]*mlx5_core\.ko' "$dir/modules.dep") || fail "mlx5_core is not in $dir/modules.dep"
echo "module: $ko"
echo "depends: $(modinfo -b "$root" -k "$rel" -F depends mlx5_core)"
echo "vermagic: $(modinfo -b "$root" -k "$rel" -F vermagic mlx5_core)"

loaded() { [ -d /sys/module/mlx5_core ]; }
loaded && fail "mlx5_core is loaded before the test"
for round in 1 2 3; do
	modprobe -d "$root" mlx5_core || fail "round $round: modprobe mlx5_core failed"
	loaded || fail "round $round: /sys/module/mlx5_core missing after the load"
	[ -d /sys/bus/pci/drivers/mlx5_core ] ||
		fail "round $round: the mlx5_core PCI driver is not registered"
	devices=$(find /sys/bus/pci/drivers/mlx5_core -maxdepth 1 -name '0000:*' | wc -l)
	[ "$devices" -eq 0 ] || fail "round $round: mlx5_core bound $devices devices in a guest without one"
	modprobe -d "$root" -r mlx5_core || fail "round $round: modprobe -r mlx5_core failed"
	! loaded || fail "round $round: mlx5_core still loaded after the unload"
	[ ! -d /sys/bus/pci/drivers/mlx5_core ] ||
		fail "round $round: the mlx5_core PCI driver is still registered"
	echo "round $round: loaded and unloaded"
done
echo "PASS: mlx5_core loads and unloads without a device"
