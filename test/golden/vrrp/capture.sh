#!/usr/bin/env bash
# Captures VRRP adverts sent by the real keepalived (Debian 2.2.7) and turns
# them into golden fixtures for the codec tests (see README.md next to this).
#
# Usage (as root, from the repo root):  bash test/golden/vrrp/capture.sh [OUT_DIR]
# Everything it creates carries the prefix vkg$$ and is removed by the trap.
set -euo pipefail

OUT_DIR=${1:-test/golden/vrrp}
P="vkg$$"                    # unique per run; interface names stay <= 15 chars
NS_TX="${P}tx"               # keepalived runs here, as MASTER
NS_RX="${P}rx"               # tcpdump listens here
IF_TX="${P}t"
IF_RX="${P}r"
TMP=$(mktemp -d "/tmp/${P}.XXXXXX")
KA_PID=""
TD_PID=""

cleanup() {
  set +e
  [ -n "$KA_PID" ] && kill "$KA_PID" 2>/dev/null && wait "$KA_PID" 2>/dev/null
  [ -n "$TD_PID" ] && kill "$TD_PID" 2>/dev/null && wait "$TD_PID" 2>/dev/null
  ip netns del "$NS_TX" 2>/dev/null
  ip netns del "$NS_RX" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" = 0 ] || { echo "capture.sh: needs root (network namespaces)" >&2; exit 1; }

# Fixed MACs give fixed EUI-64 link-local addresses, so a re-run yields the
# same bytes (modulo keepalived changing what it sends).
ip netns add "$NS_TX"
ip netns add "$NS_RX"
ip link add "$IF_TX" address 02:00:5e:77:00:01 netns "$NS_TX" type veth peer "$IF_RX" address 02:00:5e:77:00:02 netns "$NS_RX"
for ns in "$NS_TX" "$NS_RX"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n "$ns" link set lo up
done
ip -n "$NS_TX" addr add 10.77.0.1/24 dev "$IF_TX"
ip -n "$NS_RX" addr add 10.77.0.2/24 dev "$IF_RX"
ip -n "$NS_TX" link set "$IF_TX" up
ip -n "$NS_RX" link set "$IF_RX" up

# The scenarios: one keepalived, one instance per case, distinct VRIDs.
# These variables feed both the config and the expected values in the JSON.
cat > "$TMP/keepalived.conf" <<CONF
global_defs {
  router_id vkgolden
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
}
vrrp_instance V2_PASS {
  version 2
  state MASTER
  interface $IF_TX
  virtual_router_id 51
  priority 150
  advert_int 1
  authentication {
    auth_type PASS
    auth_pass secret12
  }
  virtual_ipaddress {
    10.77.0.100/24
    10.77.0.101/24
  }
}
vrrp_instance V2_NOAUTH {
  version 2
  state MASTER
  interface $IF_TX
  virtual_router_id 55
  priority 90
  advert_int 2
  virtual_ipaddress {
    10.77.0.150/24
  }
}
vrrp_instance V3_V4_1S {
  version 3
  state MASTER
  interface $IF_TX
  virtual_router_id 52
  priority 100
  advert_int 1
  virtual_ipaddress {
    10.77.0.110/24
  }
}
vrrp_instance V3_V4_050 {
  version 3
  state MASTER
  interface $IF_TX
  virtual_router_id 53
  priority 200
  advert_int 0.5
  virtual_ipaddress {
    10.77.0.120/24
    10.77.0.121/24
    10.77.0.122/24
  }
}
vrrp_instance V3_V6 {
  version 3
  state MASTER
  interface $IF_TX
  virtual_router_id 54
  priority 120
  advert_int 1
  virtual_ipaddress {
    fd00:77::100/64
    fd00:77::101/64
  }
}
CONF

cat > "$TMP/expected.json" <<JSON
[
  {"name": "v2-pass-ipv4", "version": 2, "family": 4, "vrid": 51, "priority": 150, "advertIntervalCs": 100,
   "addresses": ["10.77.0.100", "10.77.0.101"], "authType": 1, "authData": "secret12"},
  {"name": "v2-noauth-ipv4", "version": 2, "family": 4, "vrid": 55, "priority": 90, "advertIntervalCs": 200,
   "addresses": ["10.77.0.150"], "authType": 0, "authData": ""},
  {"name": "v3-ipv4-1s", "version": 3, "family": 4, "vrid": 52, "priority": 100, "advertIntervalCs": 100,
   "addresses": ["10.77.0.110"], "authType": 0, "authData": ""},
  {"name": "v3-ipv4-050cs", "version": 3, "family": 4, "vrid": 53, "priority": 200, "advertIntervalCs": 50,
   "addresses": ["10.77.0.120", "10.77.0.121", "10.77.0.122"], "authType": 0, "authData": ""},
  {"name": "v3-ipv6-1s", "version": 3, "family": 6, "vrid": 54, "priority": 120, "advertIntervalCs": 100,
   "addresses": ["fd00:77::100", "fd00:77::101"], "authType": 0, "authData": ""}
]
JSON

PCAP="$TMP/adverts.pcap"
ip netns exec "$NS_RX" tcpdump -i "$IF_RX" -U -n -s 0 -w "$PCAP" 'ip proto 112 or ip6 proto 112' 2>"$TMP/tcpdump.log" &
TD_PID=$!
# Wait (bounded) for tcpdump to attach before keepalived sends anything.
for _ in $(seq 50); do grep -q listening "$TMP/tcpdump.log" && break; sleep 0.1; done

ip netns exec "$NS_TX" keepalived -n -l -P -f "$TMP/keepalived.conf" \
  -p "$TMP/keepalived.pid" -r "$TMP/vrrp.pid" >"$TMP/keepalived.log" 2>&1 &
KA_PID=$!

# Poll (bounded, 20 s) until every VRID has been heard at least twice.
have_all() {
  local out; out=$(tcpdump -r "$PCAP" -n 2>/dev/null || true)
  for v in 51 52 53 54 55; do
    [ "$(grep -c "vrid $v," <<<"$out")" -ge 2 ] || return 1
  done
}
for _ in $(seq 200); do have_all && break; sleep 0.1; done
have_all || { echo "capture.sh: keepalived did not advertise every VRID" >&2; cat "$TMP/keepalived.log" >&2; exit 1; }

# SIGTERM: a MASTER keepalived says goodbye with priority 0.
kill -TERM "$KA_PID"
wait "$KA_PID" || true
KA_PID=""
have_goodbyes() { [ "$(tcpdump -r "$PCAP" -n 2>/dev/null | grep -c 'prio 0,')" -ge 5 ]; }
for _ in $(seq 50); do have_goodbyes && break; sleep 0.1; done
kill -INT "$TD_PID"; wait "$TD_PID" || true
TD_PID=""

node --import tsx test/golden/vrrp/pcap-to-golden.ts "$PCAP" "$TMP/expected.json" "$OUT_DIR"
echo "--- keepalived log ---"; cat "$TMP/keepalived.log"
