# Sourced (never run on its own): a Samba Active Directory domain controller that only a
# network namespace can reach. The namespace is joined to the root namespace by a veth pair
# with addresses of its own (a /30); the domain controller listens on an address on the
# namespace's loopback that has no route from the root namespace, so nothing outside the
# namespace can reach it — only a process started in it (`ip netns exec NS …`).
#
#   netns_samba_up NS HOST_IF NS_IF HOST_ADDR NS_ADDR DC_ADDR DIR REALM DOMAIN
#       -> the namespace, the veth pair (HOST_ADDR/30 on HOST_IF in the root namespace,
#          NS_ADDR/30 on NS_IF inside), DC_ADDR/32 on the namespace's loopback, and a fresh
#          domain REALM provisioned under DIR with a certificate from the test CA for DC_ADDR,
#          started inside the namespace; sets NETNS_SAMBA_ADMIN_PASSWORD and NETNS_SAMBA_BASE_DN,
#          and adds its teardown to STOP_HOOKS (when the array exists)
#   netns_samba_down NS HOST_IF DIR
#       -> stops the domain controller and removes the namespace and the veth pair (idempotent)
#
# Needs root, iproute2, samba, ldap-utils and openssl; uses test-ca.sh and service.sh.

netns_samba_down() {
  local ns=$1 host_if=$2 dir=$3 pid
  if [ -s "$dir/samba.pid" ]; then
    pid=$(cat "$dir/samba.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/samba.pid"
  fi
  # Whatever else still runs in the namespace (a runner a failed test left behind).
  if ip netns pids "$ns" >/dev/null 2>&1; then
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  fi
  ip link del "$host_if" 2>/dev/null || true
  if [ -s "$dir.route" ]; then
    ip route del unreachable "$(cat "$dir.route")/32" 2>/dev/null || true
    rm -f "$dir.route"
  fi
}

netns_samba_up() {
  local ns=$1 host_if=$2 ns_if=$3 host_addr=$4 ns_addr=$5 dc_addr=$6 dir=$7 realm=$8 domain=$9
  local conf="$dir/etc/smb.conf" hook
  if [ "$(id -u)" -ne 0 ]; then
    log "netns-samba: creating a network namespace needs root"
    return 1
  fi

  # Left over from an interrupted run: remove it first.
  netns_samba_down "$ns" "$host_if" "$dir"

  ip netns add "$ns" || return 1
  printf -v hook 'netns_samba_down %q %q %q' "$ns" "$host_if" "$dir"
  if declare -p STOP_HOOKS >/dev/null 2>&1; then STOP_HOOKS+=("$hook"); fi
  ip link add "$host_if" type veth peer name "$ns_if" || return 1
  ip link set "$ns_if" netns "$ns" || return 1
  ip addr add "$host_addr/30" dev "$host_if" || return 1
  ip link set "$host_if" up || return 1
  ip netns exec "$ns" ip link set lo up || return 1
  ip netns exec "$ns" ip addr add "$ns_addr/30" dev "$ns_if" || return 1
  ip netns exec "$ns" ip link set "$ns_if" up || return 1
  ip netns exec "$ns" ip addr add "$dc_addr/32" dev lo || return 1
  # The root namespace has no route to DC_ADDR but may have a default one: make sure it fails
  # at once there rather than leaving through the default gateway.
  ip route add unreachable "$dc_addr/32" || return 1
  printf '%s' "$dc_addr" >"$dir.route"

  test_ca_ensure
  test_ca_issue "netns-samba" "IP:$dc_addr"

  NETNS_SAMBA_ADMIN_PASSWORD="Adm1n-$(openssl rand -hex 12)"
  NETNS_SAMBA_BASE_DN="DC=$(printf '%s' "$realm" | tr 'A-Z' 'a-z' | sed 's/\./,DC=/g')"
  rm -rf "$dir"
  mkdir -p "$dir"
  samba-tool domain provision --quiet --targetdir="$dir" \
    --realm="$realm" --domain="$domain" --host-name=dc2 --server-role=dc \
    --dns-backend=NONE --adminpass="$NETNS_SAMBA_ADMIN_PASSWORD" \
    --option="interfaces=$dc_addr" --option="bind interfaces only=yes" \
    >"$dir/provision.log" 2>&1 || { log "netns-samba: provisioning failed, see $dir/provision.log"; return 1; }

  cat >>"$conf" <<CONF

[global]
	server services = ldap
	ldap server require strong auth = no
	tls enabled = yes
	tls keyfile = $TEST_CA_DIR/netns-samba.key
	tls certfile = $TEST_CA_DIR/netns-samba.pem
	tls cafile = $TEST_CA_DIR/ca.pem
	log file = $dir/samba.log
	pid directory = $dir
	ncalrpc dir = $dir/ncalrpc
	winbindd socket directory = $dir/winbindd
CONF

  samba-tool domain passwordsettings set -s "$conf" --quiet \
    --history-length=0 --min-pwd-age=0 --max-pwd-age=0 \
    >>"$dir/provision.log" 2>&1 || { log "netns-samba: passwordsettings failed, see $dir/provision.log"; return 1; }

  ip netns exec "$ns" samba -F -M single -s "$conf" --debug-stdout -d 1 </dev/null >"$dir/samba.out" 2>&1 &
  echo $! >"$dir/samba.pid"

  for _ in $(seq 150); do
    if ip netns exec "$ns" env LDAPTLS_CACERT="$TEST_CA_DIR/ca.pem" ldapsearch -x -LLL -o nettimeout=2 \
         -H "ldaps://$dc_addr:636" -b "" -s base defaultNamingContext >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$(cat "$dir/samba.pid")" 2>/dev/null || break
    sleep 0.2
  done
  log "netns-samba: the domain controller did not answer on ldaps://$dc_addr:636 in namespace $ns; see $dir/samba.out"
  tail -20 "$dir/samba.out" >&2 || true
  return 1
}
