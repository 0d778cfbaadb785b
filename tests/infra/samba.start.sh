# Sourced by ../../test.sh: provisions a fresh Samba Active Directory domain
# controller under $RUN_DIR/samba, listening on 127.0.0.1 only (LDAP 389, LDAPS 636
# and StartTLS) with a certificate from the test CA, starts it, waits until it
# answers, exports ENTRADA_TEST_SAMBA_* and registers its stop in STOP_HOOKS.
# A fresh domain every run keeps tests independent of earlier runs (~6 s).

# shellcheck source=lib/test-ca.sh
source "$ROOT/tests/infra/lib/test-ca.sh"
# shellcheck source=lib/service.sh
source "$ROOT/tests/infra/lib/service.sh"

samba_dir="$RUN_DIR/samba"
samba_conf="$samba_dir/etc/smb.conf"
samba_pid="$samba_dir/samba.pid"
samba_admin_password="Adm1n-$(openssl rand -hex 12)"

if [ "$(id -u)" -ne 0 ]; then
  log "samba: the test domain controller listens on ports 389 and 636 and must run as root"
  return 1
fi

# A domain controller left over from an interrupted run: stop it first.
service_stop_leftover "$samba_pid"
service_ports_free samba " (a system slapd or samba-ad-dc?); stop it and rerun" 389 636 || return 1

test_ca_ensure
test_ca_issue samba "IP:127.0.0.1,DNS:localhost"

rm -rf "$samba_dir"
mkdir -p "$samba_dir"
samba-tool domain provision --quiet --targetdir="$samba_dir" \
  --realm=ENTRADA.TEST --domain=ENTRADA --host-name=dc1 --server-role=dc \
  --dns-backend=NONE --adminpass="$samba_admin_password" \
  --option="interfaces=127.0.0.1" --option="bind interfaces only=yes" \
  >"$samba_dir/provision.log" 2>&1 || { log "samba: provisioning failed, see $samba_dir/provision.log"; return 1; }

# Options that provisioning ignores or that only matter to this test server.
cat >>"$samba_conf" <<CONF

[global]
	server services = ldap
	ldap server require strong auth = no
	tls enabled = yes
	tls keyfile = $TEST_CA_DIR/samba.key
	tls certfile = $TEST_CA_DIR/samba.pem
	tls cafile = $TEST_CA_DIR/ca.pem
	log file = $samba_dir/samba.log
	pid directory = $samba_dir
	ncalrpc dir = $samba_dir/ncalrpc
	winbindd socket directory = $samba_dir/winbindd
CONF

# Repeated resets in tests need no password age or history; lockout after three
# bad passwords lets tests lock an account on purpose and unlock it again.
samba-tool domain passwordsettings set -s "$samba_conf" --quiet \
  --history-length=0 --min-pwd-age=0 --max-pwd-age=0 \
  --account-lockout-threshold=3 --account-lockout-duration=30 --reset-account-lockout-after=30 \
  >>"$samba_dir/provision.log" 2>&1 || { log "samba: passwordsettings failed, see $samba_dir/provision.log"; return 1; }

service_start "$samba_pid" "$samba_dir/samba.out" samba -F -M single -s "$samba_conf" --debug-stdout -d 1

service_wait_ready samba 150 0.2 "$samba_pid" "$samba_dir/samba.out" \
  "the domain controller did not answer on ldaps://127.0.0.1:636" \
  env LDAPTLS_CACERT="$TEST_CA_DIR/ca.pem" ldapsearch -x -LLL -o nettimeout=2 -H ldaps://127.0.0.1:636 \
    -b "" -s base defaultNamingContext || return 1

export ENTRADA_TEST_SAMBA_URI="ldaps://127.0.0.1:636"
export ENTRADA_TEST_SAMBA_PLAIN_URI="ldap://127.0.0.1:389"
export ENTRADA_TEST_SAMBA_CA="$TEST_CA_DIR/ca.pem"
export ENTRADA_TEST_SAMBA_BASE_DN="DC=entrada,DC=test"
export ENTRADA_TEST_SAMBA_ADMIN_DN="CN=Administrator,CN=Users,DC=entrada,DC=test"
export ENTRADA_TEST_SAMBA_ADMIN_UPN="Administrator@entrada.test"
export ENTRADA_TEST_SAMBA_ADMIN_PASSWORD="$samba_admin_password"
log "samba: ready on ldaps://127.0.0.1:636 and ldap://127.0.0.1:389 (domain entrada.test)"
