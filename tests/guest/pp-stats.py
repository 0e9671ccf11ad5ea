#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sum the page pool statistics of the pools of one device.

    pp-stats.py IFINDEX

Prints one line of key=value words, pp_<statistic>=N (alloc_fast,
alloc_slow, alloc_empty, alloc_refill, alloc_waive, recycle_cached,
recycle_ring, recycle_ring_full, recycle_released_refcnt) summed over the
pools of the device with IFINDEX in the current network namespace, and
pp_pools=N. Needs CONFIG_PAGE_POOL_STATS; the netlink family comes from the
kernel tree ($KSRC, default build/linux of the repository).
"""
import os
import sys

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KSRC = os.environ.get("KSRC", os.path.join(TOP, "build", "linux"))
sys.path.append(os.path.join(KSRC, "tools"))
from net.ynl.lib import YnlFamily  # noqa: E402

STATS = ("alloc-fast", "alloc-slow", "alloc-empty", "alloc-refill",
         "alloc-waive", "recycle-cached", "recycle-ring",
         "recycle-ring-full", "recycle-released-refcnt")


def main():
    ifindex = int(sys.argv[1])
    ynl = YnlFamily(os.path.join(KSRC, "Documentation/netlink/specs/netdev.yaml"),
                    schema="")
    total = dict.fromkeys(STATS, 0)
    pools = 0
    for entry in ynl.dump("page-pool-stats-get", {}):
        if entry.get("info", {}).get("ifindex") != ifindex:
            continue
        pools += 1
        for key in STATS:
            total[key] += entry.get(key, 0)
    words = ["pp_%s=%d" % (k.replace("-", "_"), v) for k, v in total.items()]
    print(" ".join(words + ["pp_pools=%d" % pools]))


if __name__ == "__main__":
    main()
