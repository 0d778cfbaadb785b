# Sourced by ../../test.sh: runs an OpenLDAP slapd of its own (not the system one)
# under $RUN_DIR/slapd as the non-Active-Directory server of the LDAP tests:
#   ldap://127.0.0.1:3890   plain and StartTLS
#   ldaps://127.0.0.1:6360  TLS with a certificate from the test CA that names
#                           "wrong-name.invalid" only, so host-name checks fail
# The directory (dc=entrada,dc=example) is loaded fresh each run with 250 people
# under ou=people. Ordinary clients may read at most 120 entries per search,
# while paged searches may return everything: only a real paged search sees them all.

# shellcheck source=lib/test-ca.sh
source "$ROOT/tests/infra/lib/test-ca.sh"
# shellcheck source=lib/service.sh
source "$ROOT/tests/infra/lib/service.sh"

slapd_dir="$RUN_DIR/slapd"
slapd_pid="$slapd_dir/slapd.pid"
slapd_suffix="dc=entrada,dc=example"
slapd_admin_password="Slapd-$(openssl rand -hex 12)"
slapd_people=250

service_stop_leftover "$slapd_pid"
service_ports_free slapd "; stop what listens there and rerun" 3890 6360 || return 1

test_ca_ensure
test_ca_issue slapd-wrong-name "DNS:wrong-name.invalid"

rm -rf "$slapd_dir"
mkdir -p "$slapd_dir/db"

cat >"$slapd_dir/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile $slapd_dir/slapd.pid.unused
argsfile $slapd_dir/slapd.args
TLSCACertificateFile $TEST_CA_DIR/ca.pem
TLSCertificateFile $TEST_CA_DIR/slapd-wrong-name.pem
TLSCertificateKeyFile $TEST_CA_DIR/slapd-wrong-name.key

database mdb
maxsize 104857600
suffix "$slapd_suffix"
rootdn "cn=admin,$slapd_suffix"
rootpw $(slappasswd -s "$slapd_admin_password")
directory $slapd_dir/db
limits * size.soft=120 size.hard=120 size.pr=200 size.prtotal=unlimited
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
CONF

{
  printf 'dn: %s\nobjectClass: dcObject\nobjectClass: organization\ndc: entrada\no: Entrada tests\n\n' "$slapd_suffix"
  printf 'dn: ou=people,%s\nobjectClass: organizationalUnit\nou: people\n\n' "$slapd_suffix"
  printf 'dn: ou=groups,%s\nobjectClass: organizationalUnit\nou: groups\n\n' "$slapd_suffix"
  for i in $(seq -f '%03g' 1 "$slapd_people"); do
    printf 'dn: uid=person%s,ou=people,%s\nobjectClass: inetOrgPerson\nuid: person%s\ncn: Person %s\nsn: %s\nmail: person%s@entrada.example\n\n' \
      "$i" "$slapd_suffix" "$i" "$i" "$i" "$i"
  done
  printf 'dn: cn=staff,ou=groups,%s\nobjectClass: groupOfNames\ncn: staff\nmember: uid=person001,ou=people,%s\nmember: uid=person002,ou=people,%s\n\n' \
    "$slapd_suffix" "$slapd_suffix" "$slapd_suffix"
} >"$slapd_dir/seed.ldif"
slapadd -q -f "$slapd_dir/slapd.conf" -l "$slapd_dir/seed.ldif" >"$slapd_dir/slapadd.log" 2>&1 \
  || { log "slapd: loading the directory failed, see $slapd_dir/slapadd.log"; return 1; }

service_start "$slapd_pid" "$slapd_dir/slapd.out" \
  slapd -d 0 -f "$slapd_dir/slapd.conf" -h "ldap://127.0.0.1:3890/ ldaps://127.0.0.1:6360/"

service_wait_ready slapd 100 0.1 "$slapd_pid" "$slapd_dir/slapd.out" \
  "the server did not answer on ldap://127.0.0.1:3890" \
  ldapsearch -x -LLL -o nettimeout=2 -H ldap://127.0.0.1:3890 -b "" -s base namingContexts || return 1

export ENTRADA_TEST_SLAPD_URI="ldap://127.0.0.1:3890"
export ENTRADA_TEST_SLAPD_WRONG_NAME_URI="ldaps://127.0.0.1:6360"
export ENTRADA_TEST_SLAPD_CA="$TEST_CA_DIR/ca.pem"
export ENTRADA_TEST_SLAPD_BASE_DN="$slapd_suffix"
export ENTRADA_TEST_SLAPD_ADMIN_DN="cn=admin,$slapd_suffix"
export ENTRADA_TEST_SLAPD_ADMIN_PASSWORD="$slapd_admin_password"
export ENTRADA_TEST_SLAPD_PEOPLE="$slapd_people"
log "slapd: ready on ldap://127.0.0.1:3890 and ldaps://127.0.0.1:6360 ($slapd_people people)"
