#!/bin/bash
# The series' drivers/net/hw/iou-zcrx.py, run from the kernel tree (its
# Python library is there) with Debian's python3, its helper binary from
# the kselftest build (ZCRX_STREAM). The teardown cases repeat ZCRX_REPS
# times (here 2 unless set; the test's own default is 50). The guest has
# no udev: a no-op udevadm serves the library's "udevadm settle".
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
if ! command -v udevadm >/dev/null; then
	d=$(mktemp -d)
	ln -s /bin/true "$d/udevadm"
	PATH=$d:$PATH
fi
export ZCRX_REPS=${ZCRX_REPS:-2}
export ZCRX_STREAM=$top/build/kselftest/drivers/net/hw/zcrx_stream
exec /usr/bin/python3 -u "$top/build/linux/tools/testing/selftests/drivers/net/hw/iou-zcrx.py" "$@"
