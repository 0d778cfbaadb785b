#!/usr/bin/env bash
# The one command that runs every Entrada test on a fresh Debian machine.
# It installs what the tests need when it is missing (idempotent), starts the
# services they use, runs `dotnet test` over the whole solution, stops what it
# started and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
RUN_DIR="$ROOT/.test-run"
mkdir -p "$RUN_DIR"

log() { printf '[test.sh] %s\n' "$*" >&2; }

# ---- packages ---------------------------------------------------------------
# Debian packages the tests need: each service under tests/infra lists its own in
# NAME.packages (one per line), so adding a service never edits this script.
NEEDED_PKGS=()
for f in tests/infra/*.packages; do
  [ -e "$f" ] || continue
  while read -r p; do [ -n "$p" ] && [ "${p#\#}" = "$p" ] && NEEDED_PKGS+=("$p"); done < "$f"
done
missing=()
for p in ${NEEDED_PKGS[@]+"${NEEDED_PKGS[@]}"}; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # slapd asks debconf questions on install; answer them up front.
  echo "slapd slapd/no_configuration boolean true" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# ---- services -----------------------------------------------------------------
STOP_HOOKS=()
cleanup() {
  for hook in ${STOP_HOOKS[@]+"${STOP_HOOKS[@]}"}; do eval "$hook" || true; done
}
trap cleanup EXIT

# Each service has tests/infra/NAME.start.sh, sourced here: it starts the service,
# exports what tests need (ENTRADA_TEST_*), and appends its stop command to STOP_HOOKS.
for svc in tests/infra/*.start.sh; do
  [ -e "$svc" ] || continue
  log "starting $(basename "$svc" .start.sh)"
  # shellcheck disable=SC1090
  source "$svc"
done

# ---- build and test -----------------------------------------------------------
# A project missing from the solution would silently go untested.
for proj in src/*/*.csproj tests/*/*.csproj bench/*/*.csproj; do
  [ -e "$proj" ] || continue
  grep -q "Path=\"$proj\"" Entrada.slnx || { log "$proj is not in Entrada.slnx: add it"; exit 1; }
done

log "building"
dotnet build Entrada.slnx -c Release -nologo -v quiet -clp:ErrorsOnly

log "testing"
set +e
dotnet test Entrada.slnx -c Release --no-build -nologo \
  --results-directory "$RUN_DIR/results" --logger "trx" 2>&1 | tee "$RUN_DIR/test-output.txt"
status=${PIPESTATUS[0]}
set -e

# One closing line that any reader of CI output understands.
awk '/^(Passed|Failed)!/ {
       for (i = 1; i <= NF; i++) {
         if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1)
       }
     }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$RUN_DIR/test-output.txt"
exit "$status"
