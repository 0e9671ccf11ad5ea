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
#                  zc_32k zc_64k zc_vec udp_mmsg udp_recvmsg udp_zc_copy
#                  udp_zc); zc_32k and zc_64k are zc with 32 and 64 KiB rx
#                  buffers (rx_buf_len) in a huge page area; the udp_ modes
#                  receive UDP datagrams (bench-tx -u, as fast as it can)
#   BENCH_UDP_MIB  MiB of datagrams per UDP run (default 512)
#   BENCH_UDP_SIZE datagram size in bytes (default 4096: a page of payload)
#   BENCH_MTU      MTU of both devices (default 4148: a 4096 byte MSS with
#                  TCP timestamps, so payload can fill whole pages)
#   BENCH_BUF      receive buffer / mapping size in bytes (default 262144)
#   BENCH_AREA_MB  zero copy area, MiB (default 64)
#   BENCH_VEC_ENTRIES  refill entries per provided buffer of zc_vec (default
#                  256: a 4 KiB array)
#   BENCH_FLOWS    TCP connections per transfer (default 1), each from a
#                  sender process of its own (all on the sender's CPU), all
#                  received by the one receiver (one epoll set, or one ring
#                  and ifq); BENCH_MIB is their total
#   BENCH_RUN_TIMEOUT  seconds after which a run is stopped and fails (600)
#   BENCH_PROFILE  modes to profile after the measured runs: one more run of
#                  each with perf (BENCH_PERF, default perf) sampling the
#                  receiver's CPU (cpu-clock, a software event: TCG has no
#                  PMU), its report as "PROFILE mode=M" lines, not counted
#   BENCH_NAPI     where the receive processing runs. netdevsim runs a
#                  device's NAPI in softirq on the CPU that transmitted to
#                  it, the peer's: the receiver's packets on the sender's
#                  CPU, the sender's ACKs on the receiver's. "rps" (the
#                  default): RPS moves each device's packets, past the NAPI
#                  poll, to the CPU of its own application, in softirq (as a
#                  NIC whose interrupt is steered to the application's core);
#                  "threaded": NAPI threads pinned likewise (a context switch
#                  per wake-up); "inline": as netdevsim has it
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nsim-pair.sh"

bin=${BENCH_BIN:?BENCH_BIN: directory of bench-rx and bench-tx}
mib=${BENCH_MIB:-1024}
reps=${BENCH_REPS:-3}
modes=${BENCH_MODES:-epoll tcp_zc uring_recv zc_copy zc zc_32k zc_64k zc_vec udp_mmsg udp_recvmsg udp_zc_copy udp_zc}
udp_mib=${BENCH_UDP_MIB:-512}
udp_size=${BENCH_UDP_SIZE:-4096}
mtu=${BENCH_MTU:-4148}
buf=${BENCH_BUF:-262144}
area=${BENCH_AREA_MB:-64}
vec_entries=${BENCH_VEC_ENTRIES:-256}
napi=${BENCH_NAPI:-rps}
profile=${BENCH_PROFILE:-}
flows=${BENCH_FLOWS:-1}
# a run that takes longer than this is stopped and fails
run_limit=${BENCH_RUN_TIMEOUT:-600}
perf=${BENCH_PERF:-perf}
case $napi in rps|threaded|inline) ;; *) echo "error: BENCH_NAPI=$napi: rps, threaded or inline" >&2; exit 1 ;; esac
bytes=$((mib << 20))
bytes=$((bytes / flows * flows))
port=9400

for b in bench-rx bench-tx; do
	[ -x "$bin/$b" ] || { echo "error: no $bin/$b (scripts/bench builds it)" >&2; exit 1; }
done

# Which kernel this is, from its own configuration (CONFIG_IKCONFIG_PROC):
# "debug" with any of the debug fragment's instrumentation, else "release";
# irq_time=1 when softirq time is measured (IRQ_TIME_ACCOUNTING).
kcfg=$(zcat /proc/config.gz 2>/dev/null || true)
kconfig() { grep -qx "CONFIG_$1=y" <<<"$kcfg"; }
kind=release
for opt in KASAN PROVE_LOCKING DEBUG_KMEMLEAK DEBUG_NET DEBUG_VM; do
	if kconfig "$opt"; then kind=debug; fi
done
[ -r /proc/config.gz ] || kind=unknown
# The kernel turns IRQ time accounting off when it finds the TSC unstable
tsc_ok() {
	[ "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)" = tsc ] &&
		! dmesg | grep -q 'Marking TSC unstable'
}
irq_time=0 rx_opts=()
if kconfig IRQ_TIME_ACCOUNTING && tsc_ok; then irq_time=1 rx_opts=(-T); fi

# The receiver and the sender each get a CPU of their own when there are two.
ncpus=$(nproc)
rx_cpu=0 tx_cpu=0
if [ "$ncpus" -ge 2 ]; then rx_cpu=1; fi
# this script's own work (starting senders, polling) is the sender side's
taskset -pc "$tx_cpu" $$ >/dev/null

trap 'nsim_pair_cleanup; rm -f "${hold:-}"' EXIT
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
# The sending device's NAPI threads are the ones that appear when it turns
# threaded. Every other NAPI thread is the receiving device's; they are
# pinned again before every run, in case a queue restart made new ones.
tx_napi=" "
if [ "$napi" = rps ]; then
	ip netns exec "$NSIM_RX_NS" sh -c "for q in /sys/class/net/$NSIM_RX_DEV/queues/rx-*; do printf %x $((1 << rx_cpu)) > \$q/rps_cpus; done"
	ip netns exec "$NSIM_TX_NS" sh -c "for q in /sys/class/net/$NSIM_TX_DEV/queues/rx-*; do printf %x $((1 << tx_cpu)) > \$q/rps_cpus; done"
fi
if [ "$napi" = threaded ]; then
	ip netns exec "$NSIM_RX_NS" sh -c "echo 1 > /sys/class/net/$NSIM_RX_DEV/threaded"
	rx_napi=" $(pgrep '^napi/' | tr '\n' ' ')"
	ip netns exec "$NSIM_TX_NS" sh -c "echo 1 > /sys/class/net/$NSIM_TX_DEV/threaded"
	for p in $(pgrep '^napi/'); do
		case $rx_napi in *" $p "*) ;; *) tx_napi+="$p " ;; esac
	done
fi
pin_napi() {
	local p
	[ "$napi" = threaded ] || return 0
	for p in $(pgrep '^napi/'); do
		case $tx_napi in
		*" $p "*) taskset -pc "$tx_cpu" "$p" >/dev/null ;;
		*) taskset -pc "$rx_cpu" "$p" >/dev/null ;;
		esac
	done
}

# Huge pages for the area of the large buffer modes (2 MiB each), and one
# area's worth more, for an area still on its way back when the next run
# maps its own
huge_kb=$(sed -n 's/^Hugepagesize:[[:space:]]*\([0-9]*\) kB/\1/p' /proc/meminfo)
case " $modes " in
*" zc_32k "* | *" zc_64k "*)
	if [ -n "$huge_kb" ]; then
		want=$((2 * area * 1024 / huge_kb))
		echo "$want" >/proc/sys/vm/nr_hugepages || true
		[ "$(cat /proc/sys/vm/nr_hugepages)" -ge "$want" ] ||
			echo "note: only $(cat /proc/sys/vm/nr_hugepages) of $want huge pages" >&2
	else
		echo "note: no huge pages: zc_32k and zc_64k will fail" >&2
	fi
	;;
esac

echo "BENCHINFO kernel=$(uname -r) kconfig=$kind irq_time=$irq_time" \
	"cpus=$ncpus mtu=$mtu mib=$mib reps=$reps" \
	"buf=$buf area_mb=$area vec_entries=$vec_entries hds=$hds" \
	"rx_cpu=$rx_cpu tx_cpu=$tx_cpu napi=$napi flows=$flows" \
	"rx_dev=$NSIM_RX_DEV udp_mib=$udp_mib udp_size=$udp_size modes=${modes// /,}"

rx_ifindex=$(ip netns exec "$NSIM_RX_NS" cat "/sys/class/net/$NSIM_RX_DEV/ifindex")
hold=$(mktemp -u)
mkfifo "$hold"

# Counters of a network namespace's /proc/net/snmp and netstat: NS, then
# NAME=Group:Field pairs; prints NAME=value words.
snmp_words() {
	local ns=$1
	shift
	ip netns exec "$ns" cat /proc/net/snmp /proc/net/netstat | awk -v want="$*" '
		BEGIN { n = split(want, w, " ")
			for (i = 1; i <= n; i++) { split(w[i], kv, "="); name[kv[2]] = kv[1] } }
		{
			g = substr($1, 1, length($1) - 1)
			if (!(g in hdr)) { hdr[g] = $0; next }
			split(hdr[g], h, " ")
			for (i = 2; i <= NF; i++)
				if ((g ":" h[i]) in name) printf "%s=%s ", name[g ":" h[i]], $i
			delete hdr[g]
		}'
}

# What the run may have lost or had to redo, as key=value words: drops of
# the receiving device (all, and those for want of a buffer in its header
# split path), TCP's retransmits (sender) and out-of-order queueing and
# receive queue drops (receiver), the page pool statistics of the receiving
# device's pools.
sys_counters() {
	local drops=0 f
	for f in /sys/kernel/debug/netdevsim/netdevsim"${_nsim_ids[0]}"/ports/*/rx_hds; do
		[ -r "$f" ] || continue
		drops=$((drops + $(awk '{ for (i = 1; i < NF; i++) if ($i == "drops") s += $(i + 1) } END { print s + 0 }' "$f")))
	done
	echo "rx_dropped=$(ip netns exec "$NSIM_RX_NS" cat "/sys/class/net/$NSIM_RX_DEV/statistics/rx_dropped")" \
		"hds_drops=$drops" \
		"$(snmp_words "$NSIM_TX_NS" tcp_retrans=Tcp:RetransSegs)" \
		"$(snmp_words "$NSIM_RX_NS" tcp_ofo=TcpExt:TCPOFOQueue tcp_rcvq_drop=TcpExt:TCPRcvQDrop \
			tcp_backlog_drop=TcpExt:TCPBacklogDrop)" \
		"$(ip netns exec "$NSIM_RX_NS" python3 "$here/pp-stats.py" "$rx_ifindex" 2>/dev/null)"
}

# AFTER minus BEFORE, word by word (key=value); pp_pools stays as it is
delta_words() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		n = split(a, x, " "); for (i = 1; i <= n; i++) { split(x[i], kv, "="); v[kv[1]] = kv[2] }
		n = split(b, x, " ")
		for (i = 1; i <= n; i++) {
			split(x[i], kv, "=")
			if (kv[1] == "pp_pools") printf "%s=%s ", kv[1], kv[2]
			else if (kv[1] in v) printf "%s=%d ", kv[1], kv[2] - v[kv[1]]
		}
	}'
}

wait_listen() {	# PORT PID [SS-OPTIONS]
	for _ in $(seq 200); do
		ip netns exec "$NSIM_RX_NS" ss "${3:--Hltn}" "sport = :$1" | grep -q . && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

run_one() {	# REP MODE [PERF-DATA]
	local rep=$1 mode=$2 prof=${3:-} args=() rx_out tx_out pid status=0 before after ppid=
	local txf=() tpids=() t ok=1 rx_mode=$mode kib= udp= nflows=$flows run_bytes=$bytes
	local tx_args=() rx_opts_udp=()
	port=$((port + 1))
	# the udp_ modes: one socket, datagrams from one bench-tx -u
	case $mode in udp_*) udp=1 nflows=1 run_bytes=$((udp_mib << 20)) ;; esac
	if [ -n "$udp" ]; then rx_opts_udp=(-s "$udp_size"); else rx_opts_udp=(); fi
	# zc_32k, zc_64k: bench-rx's zc with rx buffers of that many KiB
	case $mode in zc_*k) kib=${mode#zc_} kib=${kib%k} rx_mode=zc ;; esac
	args=(-m "$rx_mode" -p "$port" -n "$run_bytes" -b "$buf" -A "$area" -w "$hold" -P "$nflows"
		"${rx_opts[@]}" "${rx_opts_udp[@]}")
	case $rx_mode in
	zc|udp_zc) args+=(-i "$NSIM_RX_DEV" -q 0) ;;
	zc_vec) args+=(-i "$NSIM_RX_DEV" -q 0 -e "$vec_entries") ;;
	esac
	if [ -n "$kib" ]; then args+=(-B $((kib * 1024))); fi
	rx_out=$(mktemp)
	ip netns exec "$NSIM_RX_NS" taskset -c "$rx_cpu" "$bin/bench-rx" "${args[@]}" >"$rx_out" &
	pid=$!
	if ! wait_listen "$port" "$pid" "$([ -n "$udp" ] && echo -Hlun)"; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		echo "error: bench-rx -m $mode did not start listening" >&2
		return 1
	fi
	# listening: its ifq and page pool exist
	pin_napi
	before=$(sys_counters)
	if [ -n "$prof" ]; then
		"$perf" record -q -e cpu-clock -F 1999 -g -C "$rx_cpu" -o "$prof" >/dev/null 2>&1 &
		ppid=$!
		sleep 1
	fi
	if [ -n "$udp" ]; then tx_args=(-u -s "$udp_size"); fi
	for _ in $(seq "$nflows"); do
		t=$(mktemp)
		txf+=("$t")
		taskset -c "$tx_cpu" timeout "$run_limit" ip netns exec "$NSIM_TX_NS" \
			"$bin/bench-tx" "${tx_args[@]}" -c "$NSIM_RX_ADDR" -p "$port" \
			-n $((run_bytes / nflows)) >"$t" &
		tpids+=($!)
	done
	for t in "${tpids[@]}"; do wait "$t" || ok=0; done
	# the senders together: bytes and CPU seconds summed
	tx_out=$(cat "${txf[@]}" | awk '{ for (i = 1; i <= NF; i++) { split($i, kv, "="); s[kv[1]] += kv[2] } }
		END { printf "tx_bytes=%d tx_cpu=%.3f tx_dgrams=%d", s["tx_bytes"], s["tx_cpu"], s["tx_dgrams"] }')
	rm -f "${txf[@]}"
	if [ $ok -eq 0 ]; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		echo "error: bench-tx failed in mode $mode" >&2
		return 1
	fi
	# the receiver reports, then holds everything until told to go on
	t=$((SECONDS + run_limit))
	while ! grep -q '^mode=' "$rx_out" && kill -0 "$pid" 2>/dev/null; do
		if [ $SECONDS -ge $t ]; then
			echo "error: bench-rx -m $mode did not finish in ${run_limit}s" >&2
			kill "$pid" 2>/dev/null || true
			break
		fi
		sleep 0.05
	done
	if [ -n "$ppid" ]; then
		kill -INT "$ppid" 2>/dev/null || true
		wait "$ppid" || true
	fi
	after=$(sys_counters)
	timeout 20 bash -c 'echo >"$1"' _ "$hold" || true
	wait "$pid" || status=$?
	[ "$status" -eq 0 ] || { echo "error: bench-rx -m $mode failed ($status)" >&2; return 1; }
	# bench-rx names the large buffer modes zc
	sed -i "s/^mode=[^ ]*/mode=$mode/" "$rx_out"
	if [ -n "$prof" ]; then
		echo "PROFILE-RUN rep=$rep $(cat "$rx_out") $tx_out"
	else
		echo "BENCH rep=$rep $(cat "$rx_out") $tx_out $(delta_words "$before" "$after")"
	fi
	rm -f "$rx_out"
}

# Each repetition starts one mode further down the list, so no mode always
# runs first (on a freshly booted guest) or right after the same neighbour.
read -ra mode_list <<<"$modes"
for rep in $(seq "$reps"); do
	for i in "${!mode_list[@]}"; do
		mode=${mode_list[$(((i + rep - 1) % ${#mode_list[@]}))]}
		if [ "$mode" != zc_copy ] && [ "$mode" != udp_zc_copy ] &&
			{ [ "${mode#zc}" != "$mode" ] || [ "$mode" = udp_zc ]; } && [ "$hds" != on ]; then
			echo "BENCHSKIP rep=$rep mode=$mode reason=tcp-data-split-$hds"
			continue
		fi
		run_one "$rep" "$mode"
	done
done

# Profiles: where the receiver's CPU spends its time, by symbol, kernel and
# user alike (flat, the children not added in)
for mode in $profile; do
	data=$(mktemp)
	if run_one 0 "$mode" "$data"; then
		{ "$perf" report -i "$data" --stdio --no-children -g none --sort sym 2>/dev/null || true; } |
			awk -v m="$mode" '/%/ && !/^#/ && n++ < 40 { print "PROFILE mode=" m " " $0 }'
	else
		pkill -INT -f "record -q -e cpu-clock" 2>/dev/null || true
	fi
	rm -f "$data"
done
if [ "$irq_time" = 1 ] && ! tsc_ok; then
	echo "note: the TSC was found unstable during the runs: softirq time was sampled from then on" >&2
fi
