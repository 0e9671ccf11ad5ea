#!/bin/bash
# The guest half of make demo (scripts/demo boots the guest and runs this):
# the kernel is ours, then liburing's io_uring-net receives 256 MiB with
# zero copy over a netdevsim pair, then 64 MiB in copy mode.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/kernel.sh"
echo
echo "== zero copy: 256 MiB over netdevsim with IORING_OP_RECV_ZC on rx queue 0"
"$here/nsim-zc-demo.sh" zc
echo
echo "== the same program in copy mode, 64 MiB (no queue bound, ZCRX_REG_NODEV)"
"$here/nsim-zc-demo.sh" copy 64
