#!/usr/bin/env bash
# Two "hosts" on one machine, each with its own CLAUDEMESH_HOME, talking through a dev broker:
#
#   host A: `claudemesh dev --name alice` (starts the dev broker, joins mesh `dev`, runs the daemon)
#   host B: an invite from A's dev broker database, `claudemesh join`, `claudemesh daemon up`
#   then:   A sends B a DM with `claudemesh send`; B's `claudemesh inbox --json` must hold it,
#           (with curl) B's event stream must have shown it, and B's on-dm hook (examples/hooks)
#           must have answered A.
#
# Usage: two-host-mesh.sh [path/to/claudemesh.jar]   (default: claudemesh-daemon/target/claudemesh.jar)
# JAVA selects the java launcher (default: java on PATH). Exit 0 when the DM arrived, else 1.
# Everything runs under a temporary directory that is removed at the end, with every process
# started here stopped.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="${1:-$here/../../claudemesh-daemon/target/claudemesh.jar}"
java="${JAVA:-java}"
if [[ ! -f "$jar" ]]; then
  echo "two-host-mesh: no $jar; build it with ./mvnw -pl claudemesh-daemon -am package -DskipTests" >&2
  exit 1
fi
jar="$(cd "$(dirname "$jar")" && pwd)/$(basename "$jar")"

work="$(mktemp -d "${TMPDIR:-/tmp}/claudemesh-2host.XXXXXX")"
home_a="$work/a"
home_b="$work/b"
mkdir -m 700 "$home_a" "$home_b"
dev_pid=""
curl_pid=""
started=$SECONDS

say() { printf '[%3ds] %s\n' "$((SECONDS - started))" "$*"; }
cm_a() { CLAUDEMESH_HOME="$home_a" "$java" -jar "$jar" "$@"; }
cm_b() { CLAUDEMESH_HOME="$home_b" "$java" -jar "$jar" "$@"; }

cleanup() {
  local rc=$?
  set +e
  [[ -n "$curl_pid" ]] && kill "$curl_pid" 2>/dev/null
  if [[ -S "$home_b/daemon/dev/daemon.sock" ]]; then
    cm_b daemon down --mesh dev >/dev/null 2>&1
  fi
  if [[ -n "$dev_pid" ]] && kill -0 "$dev_pid" 2>/dev/null; then
    kill "$dev_pid"  # SIGTERM: `claudemesh dev` stops its daemon and broker on the way out
    for _ in $(seq 1 100); do kill -0 "$dev_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$dev_pid" 2>/dev/null
  fi
  wait 2>/dev/null
  if [[ $rc -ne 0 ]]; then
    echo "--- host A (claudemesh dev) output:" >&2
    cat "$work/dev-a.log" >&2 2>/dev/null
    echo "--- host B daemon.out:" >&2
    cat "$home_b/daemon/dev/daemon.out" >&2 2>/dev/null
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT

# Polls "$@" every half second for up to $1 seconds; fails naming $2 when it never succeeds.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if (( SECONDS >= deadline )); then
      echo "two-host-mesh: timed out after ${seconds}s waiting for $what" >&2
      return 1
    fi
    sleep 0.5
  done
}

# --- host A: dev broker + mesh `dev` + alice's daemon, in the background -------------------------
# java itself in the background (not the cm_a function, which would run in a subshell), so that
# $! is the process to stop at the end.
CLAUDEMESH_HOME="$home_a" "$java" -jar "$jar" dev --name alice >"$work/dev-a.log" 2>&1 &
dev_pid=$!
wait_for 60 "host A's daemon" grep -q '^daemon serving' "$work/dev-a.log"
port="$(tr -d '[:space:]' <"$home_a/dev-broker/broker.port")"
say "host A: dev broker on 127.0.0.1:$port, alice's daemon up"

# --- host B: an invite from the dev broker's database, join, daemon up ----------------------------
invite="$("$java" -cp "$jar" dev.claudemesh.broker.BrokerCli invite dev \
  --db "$home_a/dev-broker/broker.db" | tail -n 1)"
cm_b join "ws://127.0.0.1:$port/ws" "$invite" --name bob >/dev/null
# bob answers DMs with the example hook (examples/hooks): hooks are off by default under CI=true,
# so config.toml turns them on.
dir_b="$home_b/daemon/dev"
mkdir -m 700 "$dir_b/hooks"
cp "$here/../hooks/on-dm" "$here/../hooks/hooks.toml" "$dir_b/hooks/"
chmod 700 "$dir_b/hooks/on-dm"
printf '[hooks]\nenabled = true\n' >"$dir_b/config.toml"
# --persistent: under CI=true `daemon up` would otherwise start an ephemeral member.
cm_b daemon up --persistent --mesh dev >/dev/null
say "host B: bob joined mesh dev and its daemon is up, with an on-dm hook"

peers_a_lists_bob() { cm_a peers --json --mesh dev-alice | grep -q '"bob"'; }
wait_for 30 "alice to see bob in claudemesh peers" peers_a_lists_bob
say "host A lists bob as a peer"

# --- optional: tail host B's event stream over its Unix socket --------------------------------------
if command -v curl >/dev/null 2>&1; then
  curl -sN --max-time 60 --unix-socket "$home_b/daemon/dev/daemon.sock" \
    http://localhost/v1/events >"$work/events-b.txt" 2>/dev/null &
  curl_pid=$!
  sleep 0.5
fi

# --- A → B ----------------------------------------------------------------------------------------
message="hello bob from host A, $(date +%s%N)"
cm_a send bob "$message" --mesh dev-alice --json
inbox_b_holds() { cm_b inbox --json --mesh dev | grep -qF "$message"; }
wait_for 30 "the DM in host B's inbox" inbox_b_holds
say "host B's claudemesh inbox --json holds the DM"

if [[ -n "$curl_pid" ]]; then
  wait_for 10 "the message event on host B's stream" grep -qF "$message" "$work/events-b.txt"
  say "host B's /v1/events stream showed it: $(grep -m1 '^event: message' "$work/events-b.txt")"
fi

# --- B's on-dm hook answers A, with nothing but its scoped token -----------------------------------
# (the hook calls the daemon with curl from PATH=/usr/bin:/bin)
if [[ -x /usr/bin/curl || -x /bin/curl ]]; then
  inbox_a_holds_reply() { cm_a inbox --json --mesh dev-alice | grep -qF "auto-reply from dev"; }
  wait_for 30 "the on-dm hook's reply in host A's inbox" inbox_a_holds_reply
  say "host A's inbox holds the reply of host B's on-dm hook"
fi

say "done"
