# Sourced by ../../test.sh: a second Samba domain controller that only a network namespace
# reaches (tests/infra/lib/netns-samba.sh), for the runner tests: the server runs in the root
# namespace on the veth's host side (10.213.7.1), a runner inside the namespace reaches the
# domain controller on 10.213.7.129 (the namespace's loopback), which the root namespace has no
# route to. Exports ENTRADA_TEST_RUNNER_* and registers its teardown in STOP_HOOKS.

# shellcheck source=lib/test-ca.sh
source "$ROOT/tests/infra/lib/test-ca.sh"
# shellcheck source=lib/service.sh
source "$ROOT/tests/infra/lib/service.sh"
# shellcheck source=lib/netns-samba.sh
source "$ROOT/tests/infra/lib/netns-samba.sh"

runner_netns=entrada-rn17
runner_netns_dir="$RUN_DIR/runner-netns"
netns_samba_up "$runner_netns" enrn17h enrn17n 10.213.7.1 10.213.7.2 10.213.7.129 "$runner_netns_dir" BRANCH.TEST BRANCH || return 1

export ENTRADA_TEST_RUNNER_NETNS="$runner_netns"
export ENTRADA_TEST_RUNNER_HOST_ADDRESS=10.213.7.1
export ENTRADA_TEST_RUNNER_DC_URI="ldaps://10.213.7.129:636"
export ENTRADA_TEST_RUNNER_DC_CA="$TEST_CA_DIR/ca.pem"
export ENTRADA_TEST_RUNNER_DC_BASE_DN="$NETNS_SAMBA_BASE_DN"
export ENTRADA_TEST_RUNNER_DC_ADMIN_DN="CN=Administrator,CN=Users,$NETNS_SAMBA_BASE_DN"
export ENTRADA_TEST_RUNNER_DC_ADMIN_PASSWORD="$NETNS_SAMBA_ADMIN_PASSWORD"
log "runner-netns: a domain controller on ldaps://10.213.7.129:636, reachable only inside network namespace $runner_netns"
