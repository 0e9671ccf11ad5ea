#!/bin/bash
# liburing's test/zcrx.t (Debian's 2.3 + patches/liburing, built by
# scripts/liburing test). liburing's tests exit 77 to skip; the runner's
# skip status is 4.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
"$top/build/liburing-src/test/zcrx.t" "$@"
rc=$?
[ $rc -eq 77 ] && exit 4
exit $rc
