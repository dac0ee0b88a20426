#!/usr/bin/env bash
# Captures the gratuitous ARP and unsolicited NA that Debian's keepalived 2.2.7
# sends on becoming MASTER, for the GARP/NA builders' golden tests.
# Usage (root, repo root): bash test/golden/garp-na-capture.sh [OUT.pcap]
# Then copy frames "Gratuitous ARP" and "Neighbor Advertisement" into
# garp-keepalived-2.2.7.json / na-keepalived-2.2.7.json (frameHex).
# Everything is named vkn$$… and removed by the trap, even on failure.
set -euo pipefail
OUT=${1:-test/golden/garp-na-keepalived-2.2.7.pcap}
P="vkn$$"
TMP=$(mktemp -d "/tmp/${P}.XXXXXX")
KA=""; TD=""
cleanup() {
  set +e
  [ -n "$KA" ] && kill "$KA" 2>/dev/null && wait "$KA" 2>/dev/null
  [ -n "$TD" ] && kill "$TD" 2>/dev/null && wait "$TD" 2>/dev/null
  ip netns del "${P}tx" 2>/dev/null; ip netns del "${P}rx" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] || { echo "needs root" >&2; exit 1; }
ip netns add "${P}tx"; ip netns add "${P}rx"
ip link add "${P}t" address 02:00:5e:77:00:01 netns "${P}tx" type veth peer "${P}r" address 02:00:5e:77:00:02 netns "${P}rx"
for ns in "${P}tx" "${P}rx"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n "$ns" link set lo up
done
ip -n "${P}tx" addr add 10.77.0.1/24 dev "${P}t"; ip -n "${P}rx" addr add 10.77.0.2/24 dev "${P}r"
ip -n "${P}tx" addr add fd00:77::1/64 dev "${P}t" nodad; ip -n "${P}rx" addr add fd00:77::2/64 dev "${P}r" nodad
ip -n "${P}tx" link set "${P}t" up; ip -n "${P}rx" link set "${P}r" up
cat > "$TMP/ka.conf" <<CONF
global_defs {
  router_id vkn
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
}
vrrp_instance V4 {
  state MASTER
  interface ${P}t
  virtual_router_id 51
  priority 150
  advert_int 1
  virtual_ipaddress { 10.77.0.100/24 }
}
vrrp_instance V6 {
  state MASTER
  interface ${P}t
  virtual_router_id 52
  priority 150
  advert_int 1
  virtual_ipaddress { fd00:77::100/64 }
}
CONF
ip netns exec "${P}rx" tcpdump -i "${P}r" -U -w "$TMP/cap.pcap" 'arp or icmp6' 2>/dev/null & TD=$!
sleep 1
ip netns exec "${P}tx" keepalived -n -l -D --vrrp -f "$TMP/ka.conf" -p "$TMP/ka.pid" -r "$TMP/vrrp.pid" >"$TMP/ka.log" 2>&1 & KA=$!
sleep 5
kill "$KA"; wait "$KA" 2>/dev/null || true; KA=""
kill "$TD"; wait "$TD" 2>/dev/null || true; TD=""
cp "$TMP/cap.pcap" "$OUT"
tshark -r "$OUT" -Y 'arp or icmpv6.type == 136' 2>/dev/null
