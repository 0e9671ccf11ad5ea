# shellcheck shell=bash
# Two linked netdevsim devices in two network namespaces: what the peer's
# device transmits arrives on the other's rx queue, with tcp-data-split on
# the receiver putting TCP payload into the rx queue's page pool buffers,
# the way a header split NIC does. Source this file, then:
#
#   nsim_pair_setup [QUEUES]   sets NSIM_RX_NS, NSIM_TX_NS, NSIM_RX_DEV,
#                              NSIM_TX_DEV, NSIM_RX_ADDR, NSIM_TX_ADDR
#   nsim_pair_cleanup          removes both (also safe if setup failed)
#
#   tcp_data_split NETNS DEV on|off
#                              Debian 12's ethtool (6.1) can't set it: this
#                              uses the kernel tree's ynl with ethtool.yaml
#
# Runs as root in the guest; needs ip, devlink, python3 and python3-yaml.

KSRC=${KSRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/linux}
NSIM_RX_ADDR=192.0.2.1
NSIM_TX_ADDR=192.0.2.2
NSIM_RX_NS=zc-nsim-rx-$$
NSIM_TX_NS=zc-nsim-tx-$$
_nsim_ids=()

# runs in a subshell ($(...)): the caller records the id
_nsim_new() {	# ID QUEUES NETNS -> prints the netdev name
	local id=$1 queues=$2 ns=$3 dev

	echo "$id 1 $queues" > /sys/bus/netdevsim/new_device
	devlink dev reload "netdevsim/netdevsim$id" netns "$ns"
	for _ in $(seq 50); do
		dev=$(ip netns exec "$ns" ls "/sys/bus/netdevsim/devices/netdevsim$id/net/" 2>/dev/null | head -n1)
		[ -n "$dev" ] && break
		sleep 0.1
	done
	[ -n "$dev" ] || { echo "netdevsim$id: no netdev" >&2; return 1; }
	echo "$dev"
}

tcp_data_split() {	# NETNS DEV on|off
	# ETHTOOL_TCP_DATA_SPLIT_DISABLED/_ENABLED (no enum in 6.12's spec)
	local state=1

	[ "$3" = on ] && state=2
	ip netns exec "$1" python3 "$KSRC/tools/net/ynl/cli.py" \
		--spec "$KSRC/Documentation/netlink/specs/ethtool.yaml" --no-schema \
		--do rings-set --json \
		"{\"header\": {\"dev-name\": \"$2\"}, \"tcp-data-split\": $state}" >/dev/null
}

nsim_pair_setup() {
	local queues=${1:-1} rx_fd tx_fd id=$((1000 + $$ % 30000))

	modprobe -q netdevsim 2>/dev/null || true
	[ -e /sys/bus/netdevsim/new_device ] || { echo "no netdevsim" >&2; return 1; }
	ip netns add "$NSIM_RX_NS"
	ip netns add "$NSIM_TX_NS"
	_nsim_ids=("$id" $((id + 1)))
	NSIM_RX_DEV=$(_nsim_new "$id" "$queues" "$NSIM_RX_NS")
	NSIM_TX_DEV=$(_nsim_new $((id + 1)) "$queues" "$NSIM_TX_NS")

	exec {rx_fd}<"/var/run/netns/$NSIM_RX_NS" {tx_fd}<"/var/run/netns/$NSIM_TX_NS"
	echo "$rx_fd:$(ip netns exec "$NSIM_RX_NS" cat "/sys/class/net/$NSIM_RX_DEV/ifindex") $tx_fd:$(ip netns exec "$NSIM_TX_NS" cat "/sys/class/net/$NSIM_TX_DEV/ifindex")" \
		> /sys/bus/netdevsim/link_device
	exec {rx_fd}<&- {tx_fd}<&-

	ip -n "$NSIM_RX_NS" addr add "$NSIM_RX_ADDR/24" dev "$NSIM_RX_DEV"
	ip -n "$NSIM_TX_NS" addr add "$NSIM_TX_ADDR/24" dev "$NSIM_TX_DEV"
	ip -n "$NSIM_RX_NS" link set "$NSIM_RX_DEV" up
	ip -n "$NSIM_TX_NS" link set "$NSIM_TX_DEV" up
	ip -n "$NSIM_RX_NS" link set lo up
	ip -n "$NSIM_TX_NS" link set lo up
	tcp_data_split "$NSIM_RX_NS" "$NSIM_RX_DEV" on
}

nsim_pair_cleanup() {
	local id

	for id in "${_nsim_ids[@]}"; do
		echo "$id" > /sys/bus/netdevsim/del_device 2>/dev/null || true
	done
	_nsim_ids=()
	ip netns del "$NSIM_RX_NS" 2>/dev/null || true
	ip netns del "$NSIM_TX_NS" 2>/dev/null || true
}
