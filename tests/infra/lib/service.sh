# Sourced by the service start scripts (never run on its own): what starting,
# waiting for and stopping a test server have in common. Every function takes the
# server's pid file, so each script keeps its own files under $RUN_DIR/NAME.
#
#   test_port_open PORT                -> succeeds once something accepts TCP on 127.0.0.1:PORT
#   service_ports_free NAME ADVICE PORT...
#                                      -> fails, saying "NAME: 127.0.0.1:PORT is already in use" + ADVICE,
#                                         when one of the ports is taken
#   service_stop_leftover PIDFILE      -> asks a server left over from an interrupted run to stop
#   service_start PIDFILE OUT CMD...   -> runs CMD in the background (output to OUT), records its pid
#                                         in PIDFILE and adds its stop to STOP_HOOKS
#   service_wait_ready NAME TRIES DELAY PIDFILE OUT MESSAGE PROBE...
#                                      -> waits until the command PROBE succeeds; fails, saying
#                                         "NAME: MESSAGE; see OUT" and showing OUT's end, when it never does
#   service_stop PIDFILE               -> TERM, up to 5 s, then KILL; removes PIDFILE

# Succeeds once something accepts TCP connections on 127.0.0.1:PORT.
test_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

service_ports_free() {
  local name=$1 advice=$2 port
  shift 2
  for port in "$@"; do
    if test_port_open "$port"; then
      log "$name: 127.0.0.1:$port is already in use$advice"
      return 1
    fi
  done
}

# Sends TERM to PID and waits up to 5 s for it to end.
service_term_and_wait() {
  local pid=$1
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

service_stop_leftover() {
  [ -s "$1" ] || return 0
  service_term_and_wait "$(cat "$1")"
}

service_start() {
  local pidfile=$1 out=$2 hook
  shift 2
  "$@" </dev/null >"$out" 2>&1 &
  echo $! >"$pidfile"
  printf -v hook 'service_stop %q' "$pidfile"
  STOP_HOOKS+=("$hook")
}

service_wait_ready() {
  local name=$1 tries=$2 delay=$3 pidfile=$4 out=$5 message=$6
  shift 6
  for _ in $(seq "$tries"); do
    if "$@" >/dev/null 2>&1; then
      return 0
    fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || break
    sleep "$delay"
  done
  log "$name: $message; see $out"
  tail -20 "$out" >&2 || true
  return 1
}

service_stop() {
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  service_term_and_wait "$pid"
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}
