#!/usr/bin/env bash
# The guest half of the receive benchmark (scripts/bench boots the guest and
# runs this; it does the arithmetic). A netdevsim pair in two namespaces,
# tcp-data-split on the receiver, then for each repetition every mode in
# turn (the order rotates): bench-rx in the receiver's namespace (CPU 1),
# bench-tx in the sender's (CPU 0), the same stream each time. Prints one "BENCHINFO" line
# about the setup, then one "BENCH" line per run (bench-rx's and
# bench-tx's key=value output); everything else is commentary.
#
# Environment (scripts/bench passes these on):
#   BENCH_BIN      directory holding bench-rx and bench-tx (required)
#   BENCH_MIB      MiB per transfer (default 1024)
#   BENCH_REPS     repetitions of every mode (default 3)
#   BENCH_MODES    modes, in order (default: epoll tcp_zc uring_recv zc_copy zc
#                  zc_vec)
#   BENCH_MTU      MTU of both devices (default 4148: a 4096 byte MSS with
#                  TCP timestamps, so payload can fill whole pages)
#   BENCH_BUF      receive buffer / mapping size in bytes (default 262144)
#   BENCH_AREA_MB  zero copy area, MiB (default 64)
#   BENCH_VEC_ENTRIES  refill entries per provided buffer of zc_vec (default
#                  256: a 4 KiB array)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nsim-pair.sh"

bin=${BENCH_BIN:?BENCH_BIN: directory of bench-rx and bench-tx}
mib=${BENCH_MIB:-1024}
reps=${BENCH_REPS:-3}
modes=${BENCH_MODES:-epoll tcp_zc uring_recv zc_copy zc zc_vec}
mtu=${BENCH_MTU:-4148}
buf=${BENCH_BUF:-262144}
area=${BENCH_AREA_MB:-64}
vec_entries=${BENCH_VEC_ENTRIES:-256}
bytes=$((mib << 20))
port=9400

for b in bench-rx bench-tx; do
	[ -x "$bin/$b" ] || { echo "error: no $bin/$b (scripts/bench builds it)" >&2; exit 1; }
done

# The receiver and the sender each get a CPU of their own when there are two.
rx_cpu=0 tx_cpu=0
if [ "$(nproc)" -ge 2 ]; then rx_cpu=1; fi

trap nsim_pair_cleanup EXIT
# The last step of the setup, tcp-data-split on, fails on a kernel whose
# netdevsim has no header split: then the zc and zc_vec modes are skipped
# (below), the rest still runs. Anything else that failed shows in the checks after it.
if ! nsim_pair_setup 1; then
	echo "note: nsim_pair_setup failed (tcp-data-split not supported?)" >&2
fi
if [ -z "${NSIM_RX_DEV:-}" ] || [ -z "${NSIM_TX_DEV:-}" ]; then
	echo "error: no netdevsim pair" >&2
	exit 1
fi
ip -n "$NSIM_RX_NS" link set "$NSIM_RX_DEV" mtu "$mtu"
ip -n "$NSIM_TX_NS" link set "$NSIM_TX_DEV" mtu "$mtu"
hds=$(ip netns exec "$NSIM_RX_NS" ethtool -g "$NSIM_RX_DEV" 2>/dev/null |
	sed -n 's/^TCP data split:[[:space:]]*//p')
hds=${hds:-unknown}

echo "BENCHINFO kernel=$(uname -r) cpus=$(nproc) mtu=$mtu mib=$mib reps=$reps" \
	"buf=$buf area_mb=$area vec_entries=$vec_entries hds=$hds" \
	"rx_cpu=$rx_cpu tx_cpu=$tx_cpu" \
	"rx_dev=$NSIM_RX_DEV modes=${modes// /,}"

wait_listen() {	# PORT PID
	for _ in $(seq 200); do
		ip netns exec "$NSIM_RX_NS" ss -Hltn "sport = :$1" | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

run_one() {	# REP MODE
	local rep=$1 mode=$2 args=() rx_out tx_out pid status=0
	port=$((port + 1))
	args=(-m "$mode" -p "$port" -n "$bytes" -b "$buf" -A "$area")
	case $mode in
	zc) args+=(-i "$NSIM_RX_DEV" -q 0) ;;
	zc_vec) args+=(-i "$NSIM_RX_DEV" -q 0 -e "$vec_entries") ;;
	esac
	rx_out=$(mktemp)
	ip netns exec "$NSIM_RX_NS" taskset -c "$rx_cpu" "$bin/bench-rx" "${args[@]}" >"$rx_out" &
	pid=$!
	if ! wait_listen "$port" "$pid"; then
		wait "$pid" || true
		echo "error: bench-rx -m $mode did not start listening" >&2
		return 1
	fi
	if ! tx_out=$(ip netns exec "$NSIM_TX_NS" taskset -c "$tx_cpu" \
		"$bin/bench-tx" -c "$NSIM_RX_ADDR" -p "$port" -n "$bytes"); then
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		echo "error: bench-tx failed in mode $mode" >&2
		return 1
	fi
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || { echo "error: bench-rx -m $mode failed ($status)" >&2; return 1; }
	echo "BENCH rep=$rep $(cat "$rx_out") $tx_out"
	rm -f "$rx_out"
}

# Each repetition starts one mode further down the list, so no mode always
# runs first (on a freshly booted guest) or right after the same neighbour.
read -ra mode_list <<<"$modes"
for rep in $(seq "$reps"); do
	for i in "${!mode_list[@]}"; do
		mode=${mode_list[$(((i + rep - 1) % ${#mode_list[@]}))]}
		if { [ "$mode" = zc ] || [ "$mode" = zc_vec ]; } && [ "$hds" != on ]; then
			echo "BENCHSKIP rep=$rep mode=$mode reason=tcp-data-split-$hds"
			continue
		fi
		run_one "$rep" "$mode"
	done
done
