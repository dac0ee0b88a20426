#!/usr/bin/env bash
# Captures VRRPv2 adverts with IPsec AH sent by the real keepalived (Debian
# 2.2.7) and turns them into golden fixtures for the AH codec tests (see
# README.md next to this). Same method as test/golden/vrrp/capture.sh.
#
# Usage (as root, from the repo root):  bash test/golden/vrrp-ah/capture.sh [OUT_DIR]
# Everything it creates carries the prefix vka$$ and is removed by the trap.
set -euo pipefail

OUT_DIR=${1:-test/golden/vrrp-ah}
P="vka$$"                    # unique per run; interface names stay <= 15 chars
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

ip netns add "$NS_TX"
ip netns add "$NS_RX"
ip link add "$IF_TX" address 02:00:5e:77:00:01 netns "$NS_TX" type veth peer "$IF_RX" address 02:00:5e:77:00:02 netns "$NS_RX"
ip -n "$NS_TX" link set lo up
ip -n "$NS_TX" addr add 10.77.0.1/24 dev "$IF_TX"
ip -n "$NS_RX" addr add 10.77.0.2/24 dev "$IF_RX"
ip -n "$NS_TX" link set "$IF_TX" up
ip -n "$NS_RX" link set "$IF_RX" up

# One instance per scenario, distinct VRIDs. keepalived refuses `state MASTER`
# with AH ("Initial state master is incompatible with AH authentication"), so
# each starts BACKUP and becomes MASTER after its master-down interval.
cat > "$TMP/keepalived.conf" <<CONF
global_defs {
  router_id vkgolden
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
}
vrrp_instance AH_MCAST {
  version 2
  state BACKUP
  interface $IF_TX
  virtual_router_id 61
  priority 150
  advert_int 1
  authentication {
    auth_type AH
    auth_pass secret12
  }
  virtual_ipaddress {
    10.77.0.100/24
    10.77.0.101/24
  }
}
vrrp_instance AH_UNICAST {
  version 2
  state BACKUP
  interface $IF_TX
  virtual_router_id 62
  priority 100
  advert_int 1
  unicast_src_ip 10.77.0.1
  unicast_peer {
    10.77.0.2
  }
  authentication {
    auth_type AH
    auth_pass abc
  }
  virtual_ipaddress {
    10.77.0.110/24
  }
}
vrrp_instance AH_LONGKEY {
  version 2
  state BACKUP
  interface $IF_TX
  virtual_router_id 63
  priority 120
  advert_int 2
  authentication {
    auth_type AH
    auth_pass secret12-and-more
  }
  virtual_ipaddress {
    10.77.0.120/24
  }
}
CONF

# expected: the advert values (as in test/golden/vrrp) plus the AH framing
# facts the config decides: the key (auth_pass) and unicast (TTL zeroed in
# the ICV). seq and the IP id are read from the capture, not predicted.
cat > "$TMP/expected.json" <<JSON
[
  {"name": "ah-mcast", "vrid": 61, "password": "secret12", "unicast": false,
   "advert": {"version": 2, "family": 4, "vrid": 61, "priority": 150, "advertIntervalCs": 100,
              "addresses": ["10.77.0.100", "10.77.0.101"], "authType": 2, "authData": ""}},
  {"name": "ah-unicast", "vrid": 62, "password": "abc", "unicast": true,
   "advert": {"version": 2, "family": 4, "vrid": 62, "priority": 100, "advertIntervalCs": 100,
              "addresses": ["10.77.0.110"], "authType": 2, "authData": ""}},
  {"name": "ah-longkey", "vrid": 63, "password": "secret12-and-more", "unicast": false,
   "advert": {"version": 2, "family": 4, "vrid": 63, "priority": 120, "advertIntervalCs": 200,
              "addresses": ["10.77.0.120"], "authType": 2, "authData": ""}}
]
JSON

PCAP="$TMP/adverts.pcap"
ip netns exec "$NS_RX" tcpdump -i "$IF_RX" -U -n -s 0 -w "$PCAP" 'ip proto 51' 2>"$TMP/tcpdump.log" &
TD_PID=$!
for _ in $(seq 50); do grep -q listening "$TMP/tcpdump.log" && break; sleep 0.1; done

ip netns exec "$NS_TX" keepalived -n -l -P -f "$TMP/keepalived.conf" \
  -p "$TMP/keepalived.pid" -r "$TMP/vrrp.pid" >"$TMP/keepalived.log" 2>&1 &
KA_PID=$!

# Poll (bounded, 20 s) until every VRID has been heard at least twice.
have_all() {
  local out; out=$(tcpdump -r "$PCAP" -n 2>/dev/null || true)
  for v in 61 62 63; do
    [ "$(grep -c "vrid $v," <<<"$out")" -ge 2 ] || return 1
  done
}
for _ in $(seq 200); do have_all && break; sleep 0.1; done
have_all || { echo "capture.sh: keepalived did not advertise every VRID" >&2; cat "$TMP/keepalived.log" >&2; exit 1; }

kill -TERM "$KA_PID"
wait "$KA_PID" || true
KA_PID=""
have_goodbyes() { [ "$(tcpdump -r "$PCAP" -n 2>/dev/null | grep -c 'prio 0,')" -ge 3 ]; }
for _ in $(seq 50); do have_goodbyes && break; sleep 0.1; done
kill -INT "$TD_PID"; wait "$TD_PID" || true
TD_PID=""

node --import tsx test/golden/vrrp-ah/pcap-to-golden.ts "$PCAP" "$TMP/expected.json" "$OUT_DIR"
echo "--- keepalived log ---"; cat "$TMP/keepalived.log"
