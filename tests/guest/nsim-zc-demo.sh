#!/bin/bash
# The zero copy part of the main job: a netdevsim pair in two namespaces,
# header split on the receiver, liburing's io_uring-net receiving on rx
# queue 0 with IORING_OP_RECV_ZC while the peer sends a byte pattern, then
# io_uring-net's report (copy bytes, ZC bytes, total, rate). Runs in the
# guest; fails unless (nearly) every byte arrived without a copy.
#
#   nsim-zc-demo.sh [zc|zc-vec|zc-vec1|copy|udp-zc|udp-copy] [MIB]
#
# MIB: MiB to send (default: $MB, else 256).
# zc-vec, zc-vec1: zero copy with the vectored multishot (-v) or one-shot
# (-V) form, which must need at most a quarter of a completion per page.
# copy: the same program and API without binding a queue (-N,
# ZCRX_REG_NODEV), so the kernel copies every byte; for comparison.
# udp-zc, udp-copy: io_uring-net -u, UDP datagrams of 1472 bytes from
# bench-tx -u (paced: UDP has no flow control), with zero copy or -N;
# at most 1% of them may be lost, the datagram count must match the bytes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
. "$here/../lib/nsim-pair.sh"
net=${IO_URING_NET:-$top/build/liburing-src/examples/io_uring-net}
sender=${TCP_STREAM:-$top/build/tests/tcp-stream}
udp_sender=${BENCH_TX:-$top/build/tests/bench-tx}
udp_rate=${UDP_MBIT:-50}
mode=${1:-zc}
mb=${2:-${MB:-256}}
port=9124

trap nsim_pair_cleanup EXIT
nsim_pair_setup 1
echo "netdevsim pair: $NSIM_RX_DEV ($NSIM_RX_NS) <- $NSIM_TX_DEV ($NSIM_TX_NS), tcp-data-split on"
case $mode in
zc) args=(-i "$NSIM_RX_DEV" -q 0) ;;
zc-vec) args=(-i "$NSIM_RX_DEV" -q 0 -v) ;;
zc-vec1) args=(-i "$NSIM_RX_DEV" -q 0 -V) ;;
copy) args=(-N) ;;
udp-zc) args=(-i "$NSIM_RX_DEV" -q 0 -u) ;;
udp-copy) args=(-N -u) ;;
*) echo "usage: $0 [zc|zc-vec|zc-vec1|copy|udp-zc|udp-copy] [MIB]" >&2; exit 2 ;;
esac
echo "\$ io_uring-net ${args[*]} -p $port -r $mb"
out=$(mktemp)
# datagrams have no end of stream: io_uring-net -u stops 2 s after the
# last one, but waits for the first for ever; not here
ip netns exec "$NSIM_RX_NS" timeout 300 "$net" "${args[@]}" -p "$port" -r "$mb" > "$out" 2>&1 &
pid=$!
# wait for the listener, then send exactly MB MiB
case $mode in udp-*) ss_opt=-Hlun ;; *) ss_opt=-Hltn ;; esac
for _ in $(seq 100); do
	ip netns exec "$NSIM_RX_NS" ss $ss_opt "sport = :$port" | grep -q . && break
	sleep 0.1
done
case $mode in
udp-*)
	echo "\$ bench-tx -u -c $NSIM_RX_ADDR -p $port -n $((mb << 20)) -s 1472 -R $udp_rate"
	ip netns exec "$NSIM_TX_NS" "$udp_sender" -u -c "$NSIM_RX_ADDR" -p "$port" \
		-n $((mb << 20)) -s 1472 -R "$udp_rate"
	;;
*)
	ip netns exec "$NSIM_TX_NS" "$sender" -c "$NSIM_RX_ADDR" -p "$port" -n $((mb << 20))
	;;
esac
status=0
wait $pid || status=$?
cat "$out"
[ $status -eq 0 ] || { echo "io_uring-net failed ($status)"; exit 1; }
zc=$(sed -n 's/^ *ZC bytes: *\([0-9]*\).*/\1/p' "$out")
total=$(sed -n 's/^ *Total bytes: *\([0-9]*\).*/\1/p' "$out")
cqes=$(sed -n 's/^ *Completions: *\([0-9]*\),.*/\1/p' "$out")
dgrams=$(sed -n 's/^ *Datagrams: *\([0-9]*\).*/\1/p' "$out")
rm -f "$out"
case $mode in
udp-*)
	sent=$(((mb << 20) / 1472 + ((mb << 20) % 1472 > 0)))
	last=$(((mb << 20) % 1472))
	if [ -z "$zc" ] || [ -z "$total" ] || [ -z "$dgrams" ] ||
		[ $((dgrams * 100)) -lt $((sent * 99)) ] || [ "$dgrams" -gt "$sent" ] ||
		{ [ "$total" -ne $((dgrams * 1472)) ] &&
		  [ "$total" -ne $(((dgrams - 1) * 1472 + last)) ]; }; then
		echo "unexpected report: $dgrams of $sent datagrams, $total bytes"
		exit 1
	fi
	echo "udp: $dgrams of $sent datagrams, $((sent - dgrams)) lost"
	mode=${mode#udp-}
	;;
*)
	if [ -z "$zc" ] || [ -z "$total" ] || [ "$total" -ne $((mb << 20)) ]; then
		echo "unexpected report"
		exit 1
	fi
	;;
esac
if [ "$mode" = copy ]; then
	[ "$zc" -eq 0 ] || { echo "copy mode reported $zc ZC bytes"; exit 1; }
	echo "copy mode: every byte copied by the kernel"
	exit 0
fi
[ $((zc * 100)) -ge $((total * 99)) ] ||
	{ echo "only $zc of $total bytes arrived without a copy"; exit 1; }
if [ "$mode" != zc ]; then
	pages=$((total / 4096))
	[ -n "$cqes" ] && [ "$cqes" -gt 0 ] && [ $((cqes * 4)) -le $pages ] ||
		{ echo "vectored: ${cqes:-no} completions for $pages pages"; exit 1; }
	echo "vectored: $cqes completions for $pages pages"
fi
echo "zero copy: $zc of $total bytes placed in the area by the (emulated) NIC"
