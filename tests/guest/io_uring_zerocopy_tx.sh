#!/bin/bash
# 6.12's io_uring_zerocopy_tx kselftest, TCP only, in all three of its
# send modes (-m 1, 2, 3), one second each. Runs in the guest from the
# kselftest build directory (scripts/build-tests).
#
#   io_uring_zerocopy_tx.sh 4|6
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
family=${1:?usage: io_uring_zerocopy_tx.sh 4|6}
cd "$top/build/kselftest/net"
for m in 1 2 3; do
	./io_uring_zerocopy_tx.sh "$family" tcp -m "$m" -t 1 -n 1 || exit 1
done
