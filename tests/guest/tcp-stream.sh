#!/bin/bash
# An io_uring TCP receive over veth between two network namespaces: 64 MiB,
# every byte checked. Runs in the guest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${TESTBIN:-$here/../../build/tests}/tcp-stream
bytes=${BYTES:-$((64 << 20))}
rx=zc-rx-$$ tx=zc-tx-$$

cleanup() { ip netns del "$rx" 2>/dev/null; ip netns del "$tx" 2>/dev/null; true; }
trap cleanup EXIT
ip netns add "$rx"
ip netns add "$tx"
ip link add veth-rx netns "$rx" type veth peer name veth-tx netns "$tx"
ip -n "$rx" addr add 198.18.0.1/24 dev veth-rx
ip -n "$tx" addr add 198.18.0.2/24 dev veth-tx
ip -n "$rx" link set veth-rx up
ip -n "$tx" link set veth-tx up
ip -n "$rx" link set lo up
ip -n "$tx" link set lo up

ip netns exec "$rx" "$bin" -l 9999 -n "$bytes" &
recv_pid=$!
ip netns exec "$tx" "$bin" -c 198.18.0.1 -p 9999 -n "$bytes"
wait $recv_pid
