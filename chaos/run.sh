#!/usr/bin/env bash
# Chaos run: PostgreSQL, three silos and the API on this machine, clicks on 50 links with some
# hosted flows and reviews, and during that load, in order: kill -9 of one silo, kill -9 of the
# silo hosting the hottest link, a PostgreSQL restart, a PostgreSQL freeze (SIGSTOP, SIGCONT).
# Killed silos are started again. Afterwards it reconciles what the clients saw with the API and
# the database and prints one line per check; exit code 0 only when every discrepancy count is 0.
# See chaos/README.md.
#
# Knobs (environment): CHAOS_SECONDS (75) seconds of load, CHAOS_CLIENTS (32) concurrent clicking
# clients, CHAOS_FLOW_CLIENTS (4) clients walking sessions through the hosted flow,
# CHAOS_FREEZE_SECONDS (15) seconds PostgreSQL stays frozen, CHAOS_TIMEOUT (30) seconds a request
# may take before its answer counts as lost, CHAOS_SETTLE (120) seconds the reconciliation may wait
# for the cluster to settle, CHAOS_BUILD (all; "chaos" builds only chaos/Chaos, for a solution that
# is built already), CHAOS_PG_PORT (27460) and the next ten ports: API, then per silo dashboard,
# silo and gateway ports.
# Everything it started is stopped on exit (also on Ctrl-C); logs and the run's records are kept in
# chaos/results/ (git-ignored).
set -euo pipefail

CHAOS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$CHAOS_DIR/.." && pwd -P)"
if [ ! -f "$ROOT/scripts/postgres.sh" ] || [ ! -f "$ROOT/MagicLink.sln" ]; then
  echo "chaos/run.sh: cannot find the repository root above $CHAOS_DIR" >&2
  exit 1
fi
# shellcheck source=../scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

SECONDS_OF_LOAD="${CHAOS_SECONDS:-75}"
CLIENTS="${CHAOS_CLIENTS:-32}"
FLOW_CLIENTS="${CHAOS_FLOW_CLIENTS:-4}"
FREEZE="${CHAOS_FREEZE_SECONDS:-15}"
TIMEOUT="${CHAOS_TIMEOUT:-30}"
SETTLE="${CHAOS_SETTLE:-120}"
BUILD="${CHAOS_BUILD:-all}"
PG_PORT="${CHAOS_PG_PORT:-27460}"
READY_TIMEOUT="${CHAOS_READY_TIMEOUT:-180}"
for knob in SECONDS_OF_LOAD CLIENTS FLOW_CLIENTS FREEZE TIMEOUT SETTLE PG_PORT READY_TIMEOUT; do
  case "${!knob}" in '' | *[!0-9]*) ml_die "$knob='${!knob}' is not a whole number" ;; esac
done
[ "$SECONDS_OF_LOAD" -ge 20 ] || ml_die "CHAOS_SECONDS must be at least 20 (four faults need room)"
case "$BUILD" in all | chaos) ;; *) ml_die "CHAOS_BUILD='$BUILD' is neither all nor chaos" ;; esac
HTTP_PORT=$((PG_PORT + 1))
DASHBOARD_PORTS=($((PG_PORT + 2)) $((PG_PORT + 5)) $((PG_PORT + 8)))
SILO_PORTS=($((PG_PORT + 3)) $((PG_PORT + 6)) $((PG_PORT + 9)))
GATEWAY_PORTS=($((PG_PORT + 4)) $((PG_PORT + 7)) $((PG_PORT + 10)))

RESULTS="$CHAOS_DIR/results"
mkdir -p "$RESULTS"
RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)"
OUT="$RESULTS/$RUN_ID"
LOG_DIR="$OUT/logs"
mkdir -p "$LOG_DIR"
ln -sfn "$RUN_ID" "$RESULTS/latest"
exec > >(trap '' INT TERM; exec tee "$OUT/chaos.log") 2>&1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit-0}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/magiclink-chaos.XXXXXX")"
PG_STARTED=0
SILO_PIDS=("" "" "")
API_PID=""
LOAD_PID=""
FROZEN=""

log() { printf '[chaos %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# shellcheck disable=SC2317 # invoked by the EXIT trap
# Stops one process group (setsid made each service process its own group), politely first.
stop_group() {
  local name="$1" pid="$2" waited=0
  [ -n "$pid" ] || return 0
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 150 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop within 15 s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  trap '' INT TERM
  trap - EXIT
  # A frozen PostgreSQL would never stop.
  # shellcheck disable=SC2086 # a list of pids
  [ -z "$FROZEN" ] || kill -CONT $FROZEN 2>/dev/null || true
  if [ -n "$LOAD_PID" ] && kill -0 "$LOAD_PID" 2>/dev/null; then
    kill -TERM "$LOAD_PID" 2>/dev/null || true
    wait "$LOAD_PID" 2>/dev/null || true
  fi
  stop_group api "$API_PID"
  for i in 0 1 2; do stop_group "silo$((i + 1))" "${SILO_PIDS[$i]}"; done
  if [ "$PG_STARTED" = 1 ]; then
    cp -f "$WORK/logs/postgres.log" "$LOG_DIR/" 2>/dev/null || true
    ml_stop_postgres "$WORK"
  fi
  rm -rf "$WORK"
  log "exit code $rc; output, records and logs in $OUT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" 2>/dev/null || true; }

command -v dotnet >/dev/null 2>&1 || ml_die "the .NET 10 SDK (dotnet) is required"
ml_require_command curl
ml_require_command setsid util-linux
for port in "$PG_PORT" "$HTTP_PORT" "${DASHBOARD_PORTS[@]}" "${SILO_PORTS[@]}" "${GATEWAY_PORTS[@]}"; do
  ! port_taken "$port" || ml_die "port $port is in use; choose others with CHAOS_PG_PORT=... (it and the next ten)"
done

# ---- build --------------------------------------------------------------------------------
cd "$ROOT"
if [ "$BUILD" = all ]; then
  log "building Release (MagicLink.sln)"
  dotnet build -c Release MagicLink.sln -nologo -v quiet --disable-build-servers \
    || ml_die "the build of MagicLink.sln failed (see the errors above)"
fi
log "building chaos/Chaos"
dotnet build -c Release "$CHAOS_DIR/Chaos/Chaos.csproj" -nologo -v quiet --disable-build-servers \
  || ml_die "the build of chaos/Chaos failed (see the errors above)"
CHAOS=(dotnet "$CHAOS_DIR/Chaos/bin/Release/net10.0/MagicLink.Chaos.dll")
for dll in src/Silo/bin/Release/net10.0/MagicLink.Silo.dll src/Api/bin/Release/net10.0/MagicLink.Api.dll; do
  [ -f "$ROOT/$dll" ] || ml_die "$dll is missing: build MagicLink.sln (Release) first"
done

# ---- database (fsync on, as in production) ------------------------------------------------
PG_STARTED=1 # set first: a half-started server is still stopped at exit
ml_start_postgres "$WORK" "$PG_PORT"
PG_BIN="$(ml_pg_bindir)"
PGDATA="$WORK/pg"
postgres_pids() { # the postmaster and every process it forked
  local pm
  pm="$(head -n 1 "$PGDATA/postmaster.pid" 2>/dev/null)" || return 0
  [ -n "$pm" ] || return 0
  echo "$pm" "$(pgrep -P "$pm" | tr '\n' ' ')"
}

# ---- service: three silos and the API -----------------------------------------------------
export MAGICLINK_DB MAGICLINK_HTTP_PORT="$HTTP_PORT" MAGICLINK_PUBLIC_URL="http://127.0.0.1:$HTTP_PORT"
export MAGICLINK_DATA_DIR="$WORK/data" MAGICLINK_ADVERTISED_IP=127.0.0.1
export MAGICLINK_REDEEM_RATE_LIMIT=0 MAGICLINK_FLOW_RATE_LIMIT=0 MAGICLINK_FLOW_SESSION_RATE_LIMIT=0
MAGICLINK_ADMIN_TOKEN="mla_chaos_$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
export MAGICLINK_ADMIN_TOKEN
mkdir -p "$MAGICLINK_DATA_DIR"

# Own process group (setsid), from the project folder like run.sh; appends to LOG_DIR/NAME.log
# (a restarted silo keeps its log). Sets STARTED_PID.
start_process() {
  local name="$1" project_dir="$2" dll="$3"
  shift 3
  printf '\n===== %s started %s =====\n' "$name" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$LOG_DIR/$name.log"
  (
    cd "$ROOT/$project_dir"
    for assignment in "$@"; do export "${assignment?}"; done
    exec setsid dotnet "$dll"
  ) </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  STARTED_PID=$!
}

start_silo() { # index 0..2
  local i="$1"
  start_process "silo$((i + 1))" src/Silo bin/Release/net10.0/MagicLink.Silo.dll \
    "MAGICLINK_SILO_PORT=${SILO_PORTS[$i]}" "MAGICLINK_GATEWAY_PORT=${GATEWAY_PORTS[$i]}" "MAGICLINK_DASHBOARD_PORT=${DASHBOARD_PORTS[$i]}"
  SILO_PIDS[i]="$STARTED_PID"
  log "silo$((i + 1)) started (pid $STARTED_PID, silo port ${SILO_PORTS[$i]}, dashboard ${DASHBOARD_PORTS[$i]})"
}

wait_http() { # name url seconds
  local deadline=$((SECONDS + $3))
  until [ "$(http_code "$2")" = 200 ]; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

for i in 0 1 2; do
  start_silo "$i"
  # The first silo applies the schema; the others start once it is up.
  [ "$i" -ne 0 ] || wait_http silo1 "http://127.0.0.1:${DASHBOARD_PORTS[0]}/health/live" "$READY_TIMEOUT" \
    || { tail -n 40 "$LOG_DIR/silo1.log" >&2; ml_die "silo1 was not up within $READY_TIMEOUT s"; }
done
for i in 1 2; do
  wait_http "silo$((i + 1))" "http://127.0.0.1:${DASHBOARD_PORTS[$i]}/health/live" "$READY_TIMEOUT" \
    || { tail -n 40 "$LOG_DIR/silo$((i + 1)).log" >&2; ml_die "silo$((i + 1)) was not up within $READY_TIMEOUT s"; }
done
start_process api src/Api bin/Release/net10.0/MagicLink.Api.dll
API_PID="$STARTED_PID"
API="http://127.0.0.1:$HTTP_PORT"
wait_http api "$API/health/ready" "$READY_TIMEOUT" || { tail -n 40 "$LOG_DIR/api.log" >&2; ml_die "the API was not ready within $READY_TIMEOUT s"; }
log "service ready: 3 silos, API on $API"

# ---- load, and the faults during it -------------------------------------------------------
"${CHAOS[@]}" load --api "$API" --admin "$MAGICLINK_ADMIN_TOKEN" --out "$OUT" --seconds "$SECONDS_OF_LOAD" \
  --clients "$CLIENTS" --flow-clients "$FLOW_CLIENTS" --timeout "$TIMEOUT" &
LOAD_PID=$!
# The load starts clicking once its account and links exist.
until [ -s "$OUT/setup.json" ]; do
  kill -0 "$LOAD_PID" 2>/dev/null || ml_die "the load ended before it started clicking (see above)"
  sleep 0.2
done
LOAD_START=$SECONDS
FAULTS=()
fault() { log "FAULT: $*"; FAULTS+=("$(date -u +%H:%M:%S) $*"); }
UNEXPECTED=0
# A service process that ended without being killed here is reported (with its exit code and
# log marker) and started again. A .NET host exits with code 0 both when it stops itself and after
# a SIGTERM; the log's "Application is shutting down..." line comes in both cases.
check_alive() {
  local i rc
  for i in 0 1 2; do
    [ -n "${SILO_PIDS[$i]}" ] && ! kill -0 "${SILO_PIDS[$i]}" 2>/dev/null || continue
    rc=0
    wait "${SILO_PIDS[$i]}" 2>/dev/null || rc=$?
    UNEXPECTED=$((UNEXPECTED + 1))
    fault "UNEXPECTED: silo$((i + 1)) (pid ${SILO_PIDS[$i]}) exited by itself with code $rc; starting it again"
    printf '\n===== silo%s exited by itself (code %s) %s =====\n' "$((i + 1))" "$rc" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$LOG_DIR/silo$((i + 1)).log"
    start_silo "$i"
  done
  if [ -n "$API_PID" ] && ! kill -0 "$API_PID" 2>/dev/null; then
    rc=0
    wait "$API_PID" 2>/dev/null || rc=$?
    UNEXPECTED=$((UNEXPECTED + 1))
    fault "UNEXPECTED: the API (pid $API_PID) exited by itself with code $rc; starting it again"
    printf '\n===== api exited by itself (code %s) %s =====\n' "$rc" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$LOG_DIR/api.log"
    start_process api src/Api bin/Release/net10.0/MagicLink.Api.dll
    API_PID="$STARTED_PID"
  fi
}
at() { # waits until the load has run for $1 percent of its duration, watching the processes
  local target=$((LOAD_START + SECONDS_OF_LOAD * $1 / 100))
  while [ "$SECONDS" -lt "$target" ]; do check_alive; sleep 0.2; done
}

silo_index_of_port() { local i; for i in 0 1 2; do [ "${SILO_PORTS[$i]}" != "$1" ] || { echo "$i"; return 0; }; done; return 1; }

kill_silo() { # index reason
  local i="$1"
  fault "kill -9 silo$((i + 1)) (pid ${SILO_PIDS[$i]}): $2"
  kill -KILL "${SILO_PIDS[$i]}" 2>/dev/null || true
  wait "${SILO_PIDS[$i]}" 2>/dev/null || true
  SILO_PIDS[i]=""
  printf '\n===== silo%s killed (kill -9) %s =====\n' "$((i + 1))" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$LOG_DIR/silo$((i + 1)).log"
}

restart_silo() {
  fault "restart silo$(($1 + 1))"
  start_silo "$1"
}

# 1. one silo (the third: the API's gateways and the schema owner are not special to it).
at 10
kill_silo 2 "one silo"
at 20
restart_silo 2

# 2. the silo hosting the hottest link, read from the Orleans Dashboards' grain statistics.
at 28
DASHBOARDS="$(printf 'http://127.0.0.1:%s,' "${DASHBOARD_PORTS[@]}")"
HOT_FOUND="$("${CHAOS[@]}" hot-silo --dashboards "${DASHBOARDS%,}" --sample 3 --within $((SECONDS_OF_LOAD / 10 + 5)) || true)"
HOT_PORT="$(sed -n 's/^HOT_SILO_PORT=//p' <<<"$HOT_FOUND")"
if HOT="$(silo_index_of_port "${HOT_PORT:-none}")"; then
  kill_silo "$HOT" "hosts the hottest link (link grain calls in 3 s per silo: $(sed -n 's/^HOT_SILO_FIGURES=//p' <<<"$HOT_FOUND"))"
else
  HOT=0
  kill_silo 0 "hot silo NOT found from the dashboards; killing silo1 instead"
fi
at 40
sleep 2 # at least a moment down, however long the search took
restart_silo "$HOT"

# 3. PostgreSQL restart (fast: active connections are closed).
at 55
fault "pg_ctl restart -m fast"
ml_pg_as_owner "$PG_BIN/pg_ctl" restart -D "$PGDATA" -m fast -w -t 60 -l "$WORK/logs/postgres.log" >/dev/null \
  || log "pg_ctl restart failed"

# 4. PostgreSQL frozen: every process of this instance stopped, then continued.
at 70
FROZEN="$(postgres_pids)"
fault "SIGSTOP PostgreSQL for $FREEZE s ($(wc -w <<<"$FROZEN") processes: the postmaster $(cut -d' ' -f1 <<<"$FROZEN") and its children)"
# shellcheck disable=SC2086 # a list of pids
kill -STOP $FROZEN 2>/dev/null || true
sleep "$FREEZE"
# shellcheck disable=SC2086
kill -CONT $FROZEN 2>/dev/null || true
fault "SIGCONT PostgreSQL"
FROZEN=""

while kill -0 "$LOAD_PID" 2>/dev/null; do check_alive; sleep 0.2; done
load_rc=0
wait "$LOAD_PID" || load_rc=$?
LOAD_PID=""
[ "$load_rc" -eq 0 ] || ml_die "the load exited with code $load_rc"
check_alive

# ---- reconcile ----------------------------------------------------------------------------
log "faults, in order:"
for f in "${FAULTS[@]}"; do log "  $f"; done
rc=0
[ "$UNEXPECTED" -eq 0 ] || log "WARNING: $UNEXPECTED service process(es) ended without being killed by this script (see the faults)"
"${CHAOS[@]}" reconcile --api "$API" --db "$MAGICLINK_DB" --in "$OUT" --settle "$SETTLE" | tee "$OUT/table.txt" || rc=$?
if [ "${CHAOS_SELF_CHECK:-0}" = 1 ]; then
  # The checker's own test: the same records with three changes it must report (exit code 1).
  log "self-check: reconciling tampered records; discrepancies expected"
  "${CHAOS[@]}" reconcile --api "$API" --db "$MAGICLINK_DB" --in "$OUT" --settle 5 --tamper 1 | tee "$OUT/self-check.txt" || true
  if grep -q 'RECONCILIATION: [1-9][0-9]* discrepancies (FAIL)' "$OUT/self-check.txt"; then
    log "self-check passed: $(grep -o 'RECONCILIATION: [0-9]* discrepancies' "$OUT/self-check.txt")"
  else
    log "SELF-CHECK FAILED: the tampered records were not reported as discrepancies"
    rc=1
  fi
fi
{
  [ "$UNEXPECTED" -eq 0 ] || echo "UNEXPECTED EXITS: $UNEXPECTED (service processes that ended without being killed here; see below)"
  echo "faults, in order:"
  for f in "${FAULTS[@]}"; do echo "  $f"; done
  for name in silo1 silo2 silo3 api; do
    printf 'log %s: %s warn, %s fail, %s crit\n' "$name" "$(grep -c '^warn: ' "$LOG_DIR/$name.log" || true)" \
      "$(grep -c '^fail: ' "$LOG_DIR/$name.log" || true)" "$(grep -c '^crit: ' "$LOG_DIR/$name.log" || true)"
  done
} | tee -a "$OUT/table.txt"
exit "$rc"
