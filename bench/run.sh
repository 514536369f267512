#!/usr/bin/env bash
# Click benchmark: the service's click against the same work as a plain PostgreSQL transaction,
# measured in one run on this machine. See bench/README.md.
#
#   bench/run.sh
#
# Starts its own PostgreSQL (fsync on, pg_stat_statements loaded) in a temp dir, builds Release,
# starts one silo and the API, drives POST /l/{token} with wrk (bench/wrk/click.lua; one hot link,
# then 1,000 links; LoadGen opens their account) and bench/LoadGen (the drift case), weighs the silo with many links (memory case), stops the service,
# then runs pgbench with bench/pgbench/click.sql (one row, then 1,000 rows) against the database
# "bench" of the same server. Around every measured window it snapshots PostgreSQL's counters, so
# the table shows statements, commits, WAL and CPU per accepted click. Prints a table; keeps it in
# bench/results/latest.txt (full output in bench/results/latest.log, service logs in
# bench/results/logs/). Everything it started is stopped and the temp dir removed on exit, also on
# Ctrl-C.
#
# Knobs (environment): BENCH_SECONDS (20) measured seconds per case, BENCH_WARMUP (10) seconds not
# counted before that, BENCH_CONCURRENCY (64) clients, BENCH_LINKS (1000) links/rows of the spread
# case, BENCH_DRIFT_CLICKS (200000; 0 skips) accepted clicks of the drift case, BENCH_DRIFT_MODE
# (hot, or spread over BENCH_LINKS links), BENCH_DRIFT_LIMIT (3600) seconds the drift case may take
# at most, BENCH_MEMORY_LINKS (100000; 0 skips) links of the memory case, BENCH_CLIENT (wrk, or
# loadgen to click with LoadGen as before), BENCH_SPIN (unset; 0 turns off the thread pool's
# spinning in the silo and the API), BENCH_API (in-silo, as run.sh runs it, or separate: the API as
# its own process, as docker-compose runs it), BENCH_PG_PORT (55460) and the next four ports for
# the API, Orleans dashboard, silo, gateway (BENCH_HTTP_PORT, BENCH_DASHBOARD_PORT,
# BENCH_SILO_PORT, BENCH_GATEWAY_PORT).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$BENCH_DIR/.." && pwd -P)"
if [ ! -f "$ROOT/scripts/postgres.sh" ] || [ ! -f "$ROOT/MagicLink.sln" ]; then
  echo "bench/run.sh: cannot find the repository root above $BENCH_DIR" >&2
  exit 1
fi
# shellcheck source=../scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

DURATION="${BENCH_SECONDS:-20}"
# Ten seconds, not three: a freshly started silo and API still JIT-compile their hot paths to
# optimized code and grow their thread pools for the first seconds of load. With a 3 s warm-up the
# hot link measured p99 27.5 ms and 8,280 clicks/s; after 10 s, 18-19 ms and 9,650-9,830 (runs of
# 2026-11-26, one with 3 s, two with 10 s). Every case, pgbench's too, gets the same warm-up.
WARMUP="${BENCH_WARMUP:-10}"
CONCURRENCY="${BENCH_CONCURRENCY:-64}"
LINKS="${BENCH_LINKS:-1000}"
DRIFT_CLICKS="${BENCH_DRIFT_CLICKS:-200000}"
DRIFT_MODE="${BENCH_DRIFT_MODE:-hot}"
DRIFT_LIMIT="${BENCH_DRIFT_LIMIT:-3600}"
MEMORY_LINKS="${BENCH_MEMORY_LINKS:-100000}"
SPIN="${BENCH_SPIN-0}"
API_MODE="${BENCH_API:-in-silo}"
CLIENT="${BENCH_CLIENT:-wrk}"
PG_PORT="${BENCH_PG_PORT:-55460}"
HTTP_PORT="${BENCH_HTTP_PORT:-$((PG_PORT + 1))}"
DASHBOARD_PORT="${BENCH_DASHBOARD_PORT:-$((PG_PORT + 2))}"
SILO_PORT="${BENCH_SILO_PORT:-$((PG_PORT + 3))}"
GATEWAY_PORT="${BENCH_GATEWAY_PORT:-$((PG_PORT + 4))}"
READY_TIMEOUT="${BENCH_READY_TIMEOUT:-180}"
for knob in DURATION WARMUP CONCURRENCY LINKS DRIFT_CLICKS DRIFT_LIMIT MEMORY_LINKS PG_PORT HTTP_PORT DASHBOARD_PORT SILO_PORT \
  GATEWAY_PORT READY_TIMEOUT; do
  case "${!knob}" in '' | *[!0-9]*) ml_die "$knob='${!knob}' is not a whole number" ;; esac
done
if [ "$CONCURRENCY" -lt 1 ] || [ "$DURATION" -lt 1 ] || [ "$LINKS" -lt 1 ]; then
  ml_die "BENCH_CONCURRENCY, BENCH_SECONDS and BENCH_LINKS must be at least 1"
fi
if [ "$DRIFT_CLICKS" -ne 0 ] && [ "$DRIFT_CLICKS" -lt 10 ]; then
  ml_die "BENCH_DRIFT_CLICKS must be 0 (skip) or at least 10"
fi
case "$DRIFT_MODE" in
  hot) DRIFT_LINKS=1 ;;
  spread) DRIFT_LINKS="$LINKS" ;;
  *) ml_die "BENCH_DRIFT_MODE='$DRIFT_MODE' is neither hot nor spread" ;;
esac
# Only 0 is accepted: the runtime reads this variable as hexadecimal, so any other number would
# be easy to get wrong.
case "$SPIN" in
  '') SPIN_TEXT="the runtime's default (BENCH_SPIN empty)" ;;
  0) SPIN_TEXT="off (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0, as run.sh runs it)" ;;
  *) ml_die "BENCH_SPIN='$SPIN' is not supported: 0 (the default), or empty for the runtime's default" ;;
esac
case "$API_MODE" in
  in-silo) API_TEXT="1 silo serving the API in its own process (MAGICLINK_SERVE_API=true, as run.sh runs it)" ;;
  separate) API_TEXT="1 silo + the API as its own process, an Orleans client (as docker-compose runs them)" ;;
  *) ml_die "BENCH_API='$API_MODE' is neither in-silo nor separate" ;;
esac

RESULTS="$BENCH_DIR/results"
mkdir -p "$RESULTS"
# Everything from here on also goes to results/latest.log; tee ignores Ctrl-C so it still
# records the clean-up.
exec > >(trap '' INT TERM; exec tee "$RESULTS/latest.log") 2>&1

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORK="$(mktemp -d "${TMPDIR:-/tmp}/magiclink-bench.XXXXXX")"
LOG_DIR="$WORK/logs"
mkdir -p "$LOG_DIR"
PG_STARTED=0
SILO_PID=""
API_PID=""
CHILD_PID=""

log() { printf '[bench] %s\n' "$*" >&2; }

# Stops one process group (the process and every child it made), politely first.
stop_group() {
  local name="$1" pid="$2" waited=0
  [ -n "$pid" ] || return 0
  kill -0 "$pid" 2>/dev/null && log "stopping $name (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name did not stop within 30 s; killing it"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  local rc=$?
  trap '' INT TERM
  trap - EXIT
  if [ -n "$CHILD_PID" ] && kill -0 "$CHILD_PID" 2>/dev/null; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
    wait "$CHILD_PID" 2>/dev/null || true
  fi
  stop_group api "$API_PID"
  stop_group silo "$SILO_PID"
  if [ "$PG_STARTED" = 1 ]; then
    ml_stop_postgres "$WORK"
  fi
  if [ -d "$LOG_DIR" ]; then
    rm -rf "$RESULTS/logs"
    cp -r "$LOG_DIR" "$RESULTS/logs" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  [ "$rc" -eq 0 ] || log "failed (exit code $rc); output in $RESULTS/latest.log"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

http_code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" 2>/dev/null || true; }

# key=value from a RESULT line ("" when absent).
kv() { sed -n "s/.*[[:space:]]$2=\([^[:space:]]*\).*/\1/p" <<<" $1" | head -n 1; }

# "a / b" with two decimals, "n/a" when either is missing or b is zero.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || a == "nan" || b == "nan" || b + 0 == 0) print "n/a"; else printf "%.2f\n", a / b }'
}

# Machine CPU (busy and total jiffies) and the CPU jiffies of PIDs with their direct children.
cpu_sample() {
  local busy total u n s i w q sq st
  read -r _ u n s i w q sq st _ </proc/stat
  total=$((u + n + s + i + w + q + sq + st))
  busy=$((total - i - w))
  printf '%s %s' "$busy" "$total"
  for pid in "$@"; do
    # Field 2 is "(comm)", which may hold spaces: cut everything up to the last ") ".
    # shellcheck disable=SC2016
    cat /proc/[0-9]*/stat 2>/dev/null | awk -v p="$pid" '
      { pid = $1; line = $0; sub(/^.*\) /, "", line); split(line, f, " ")
        if (pid == p || f[2] == p) t += f[12] + f[13] }
      END { printf " %d", t }'
  done
  echo
}

# Percent of one core used between two cpu_sample lines: busy of the machine, then each pid.
cpu_report() {
  local seconds="$1" first="$2" last="$3"
  shift 3
  awk -v s="$seconds" -v a="$first" -v b="$last" -v names="$*" -v cores="$(nproc)" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); n = split(names, nm, " ")
    printf "cpu_busy_pct=%.0f", 100 * cores * (y[1] - x[1]) / ((y[2] - x[2]) > 0 ? (y[2] - x[2]) : 1)
    for (i = 1; i <= n; i++) printf " cpu_%s_pct=%.0f", nm[i], 100 * (y[i + 2] - x[i + 2]) / hz / s
    print "" }'
}

# Peak and current resident memory of a pid, e.g. "412 MB peak (380 MB now)".
rss() {
  awk '/^VmHWM:/ { peak = $2 } /^VmRSS:/ { now = $2 } END { printf "%.0f MB peak (%.0f MB at the end)", peak / 1024, now / 1024 }' \
    "/proc/$1/status" 2>/dev/null || echo "n/a"
}

# Current resident memory of a pid in KB ("" when unknown).
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }

# Fields per accepted click for a RESULT line: the deltas between two counter snapshots (see
# snapshot.sql below) and the CPU of the server side: silo + API + postgres, and postgres alone.
per_click() { # RESULT-line snapshot-before snapshot-after
  local before="" after=""
  [ ! -s "$2" ] || before="$(cat "$2")"
  [ ! -s "$3" ] || after="$(cat "$3")"
  awk -v ok="$(kv "$1" ok)" -v s="$(kv "$1" seconds)" -v a="$before" -v b="$after" -v silo="$(kv "$1" cpu_silo_pct)" \
    -v api="$(kv "$1" cpu_api_pct)" -v pg="$(kv "$1" cpu_postgres_pct)" 'BEGIN {
    split("commits statements wal_records wal_bytes wal_writes wal_flushes write_xacts wal_fpi", name, " ")
    counted = ok + 0 > 0 && split(a, x, " ") == 8 && split(b, y, " ") == 8
    for (i = 1; i <= 8; i++) {
      if (!counted) printf " %s_per_click=nan", name[i]
      else if (name[i] == "wal_bytes") printf " %s_per_click=%.0f", name[i], (y[i] - x[i]) / ok
      else printf " %s_per_click=%.2f", name[i], (y[i] - x[i]) / ok
    }
    # The CPU fields are % of one core over the window: % x seconds x 10 = ms.
    if (ok + 0 > 0 && pg != "" && s != "")
      printf " cpu_ms_per_click=%.2f pg_cpu_ms_per_click=%.2f", (silo + api + pg) * s * 10 / ok, pg * s * 10 / ok
    else printf " cpu_ms_per_click=nan pg_cpu_ms_per_click=nan"
    print "" }'
}

# ---- tools --------------------------------------------------------------------------------
command -v dotnet >/dev/null 2>&1 || ml_die "the .NET 10 SDK (dotnet) is required"
case "$CLIENT" in
  wrk) command -v wrk >/dev/null 2>&1 || ml_apt_install wrk
       WRK="$(command -v wrk)" || ml_die "wrk is still missing" ;;
  loadgen) ;;
  *) ml_die "BENCH_CLIENT must be wrk or loadgen, not '$CLIENT'" ;;
esac
ml_require_command curl
ml_require_command setsid util-linux

for port in "$PG_PORT" "$HTTP_PORT" "$DASHBOARD_PORT" "$SILO_PORT" "$GATEWAY_PORT"; do
  ! port_taken "$port" || ml_die "port $port is in use; choose others with BENCH_PG_PORT=... (it and the next four)"
done

# ---- database (fsync on, as the service runs in production) -------------------------------
# pg_stat_statements counts the statements of each window; it must be loaded at server start.
ML_PG_EXTRA_CONF="shared_preload_libraries = 'pg_stat_statements'" ml_start_postgres "$WORK" "$PG_PORT"
PG_STARTED="$ML_PG_STARTED"
PG_BIN="$(ml_pg_bindir)"
PSQL="$PG_BIN/psql"
[ -x "$PSQL" ] || PSQL="$(command -v psql)"
PGBENCH="$PG_BIN/pgbench"
if [ ! -x "$PGBENCH" ]; then
  PGBENCH="$(command -v pgbench || true)"
fi
if [ -z "$PGBENCH" ]; then
  log "pgbench not found; installing postgresql-contrib"
  ml_apt_install postgresql-contrib
  PGBENCH="$PG_BIN/pgbench"
  [ -x "$PGBENCH" ] || PGBENCH="$(command -v pgbench)" || ml_die "pgbench is still missing"
fi
PM_PID="$(head -n 1 "$WORK/pg/postmaster.pid")"
psql_postgres() { "$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }
PG_VERSION="$(psql_postgres -d postgres -tAc 'SHOW server_version')"
PG_SETTINGS="$(psql_postgres -d postgres -tAc "SELECT string_agg(name || '=' || setting, ' ' ORDER BY name) FROM pg_settings
  WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'wal_sync_method')")"
log "PostgreSQL $PG_VERSION: $PG_SETTINGS"
psql_postgres -d postgres -c 'CREATE DATABASE bench'
# The snapshots query from the database "postgres", so they never count themselves; the
# extension in the two measured databases lets one look at their statements by hand.
for db in postgres magiclink bench; do
  psql_postgres -d "$db" -c 'CREATE EXTENSION pg_stat_statements' \
    || ml_die "pg_stat_statements is missing (it ships with Debian's postgresql-15 package)"
done
# A fresh server has no WAL segment to reuse: until about max_wal_size of WAL has been written and
# checkpointed, every 16 MB segment is created and zero-filled by the commit that crosses into it.
# The service's cases run first and wrote that first gigabyte (about 2 KB of WAL a click), each of
# their windows taking a commit stall of 100-170 ms every few seconds that stopped a whole batch of
# clicks, while pgbench ran later on recycled segments. A long-running server reuses its segments;
# so does every case here: a segment's worth of WAL at a time up to max_wal_size, then two
# checkpoints, which keep them for reuse. (2026-11-27, the same commit: the hot link's p99 33-34 ms
# with commits of up to 145-174 ms in two runs without this, 24 ms with commits of at most 41 ms.)
wal_segments="$(psql_postgres -d postgres -tAc "SELECT setting::int / 16 FROM pg_settings WHERE name = 'max_wal_size'")"
for _ in $(seq 1 "$wal_segments"); do
  echo "INSERT INTO wal_prefill VALUES (1); SELECT pg_switch_wal();"
done | { echo "CREATE TABLE wal_prefill (x int);"; cat; echo "DROP TABLE wal_prefill; CHECKPOINT; CHECKPOINT;"; } \
  | psql_postgres -d postgres -o /dev/null -f - || ml_die "could not prepare PostgreSQL's WAL segments"
log "WAL segments ready for reuse: $(find "$WORK/pg/pg_wal" -maxdepth 1 -name '0*' | wc -l) (max_wal_size ${wal_segments} x 16 MB)"

# One line: commits (+ rollbacks) and top-level statements of database :db, then the server's
# WAL records, bytes, writes and flushes (fsyncs), the next transaction id (only a transaction
# that writes takes one, so its delta counts the write transactions; xact_commit also counts
# read-only ones, such as the connection pool's DISCARD ALL), and full-page images: the first
# change to a page after a checkpoint logs the whole 8 KB page. per_click reads them in this order.
# Transaction control is left out of the statements: pg_stat_statements counts a prepared BEGIN
# or END only once per connection, so pgbench -M prepared would seem to send none while an
# unprepared client pays for every one; the commits column counts transactions anyway.
cat >"$WORK/snapshot.sql" <<'SQL'
SELECT d.xact_commit + d.xact_rollback,
       (SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s
        WHERE s.dbid = d.datid AND s.query !~* '^\s*(begin|start|commit|end|rollback|abort|savepoint|release)\M'),
       w.wal_records, w.wal_bytes, w.wal_write, w.wal_sync, pg_snapshot_xmax(pg_current_snapshot()), w.wal_fpi
FROM pg_stat_database d, pg_stat_wal w
WHERE d.datname = :'db';
SQL
SNAPSHOT=("$PSQL" -h 127.0.0.1 -p "$PG_PORT" -U postgres -X -q -v ON_ERROR_STOP=1 -tA -F ' ' -d postgres -f "$WORK/snapshot.sql")

# ---- build --------------------------------------------------------------------------------
cd "$ROOT"
log "building Release (MagicLink.sln and bench/LoadGen)"
started=$SECONDS
dotnet build -c Release MagicLink.sln -nologo -v quiet --disable-build-servers \
  || ml_die "the build of MagicLink.sln failed (see the errors above)"
dotnet build -c Release "$BENCH_DIR/LoadGen/LoadGen.csproj" -nologo -v quiet --disable-build-servers \
  || ml_die "the build of bench/LoadGen failed (see the errors above)"
log "built in $((SECONDS - started)) s"
LOADGEN="$BENCH_DIR/LoadGen/bin/Release/net10.0/MagicLink.LoadGen.dll"

# ---- service: one silo and the API --------------------------------------------------------
export MAGICLINK_DB MAGICLINK_HTTP_PORT="$HTTP_PORT" MAGICLINK_DASHBOARD_PORT="$DASHBOARD_PORT"
export MAGICLINK_SILO_PORT="$SILO_PORT" MAGICLINK_GATEWAY_PORT="$GATEWAY_PORT"
export MAGICLINK_PUBLIC_URL="http://127.0.0.1:$HTTP_PORT" MAGICLINK_DATA_DIR="$WORK/data"
export MAGICLINK_REDEEM_RATE_LIMIT=0
MAGICLINK_ADMIN_TOKEN="mla_bench_$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')"
export MAGICLINK_ADMIN_TOKEN
mkdir -p "$MAGICLINK_DATA_DIR"

# Own process group (setsid), from the project folder like run.sh; sets STARTED_PID.
start_process() {
  local name="$1" project_dir="$2" dll="$3"
  [ -f "$ROOT/$project_dir/$dll" ] || ml_die "$project_dir/$dll is missing: did the build succeed?"
  (
    cd "$ROOT/$project_dir"
    [ -z "$SPIN" ] || export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="$SPIN"
    exec setsid dotnet "$dll"
  ) </dev/null >"$LOG_DIR/$name.log" 2>&1 &
  STARTED_PID=$!
}

wait_http() {
  local name="$1" url="$2" deadline=$((SECONDS + READY_TIMEOUT))
  until [ "$(http_code "$url")" = 200 ]; do
    for pid in $SILO_PID $API_PID; do
      kill -0 "$pid" 2>/dev/null || { tail -n 40 "$LOG_DIR"/*.log >&2; ml_die "a service process exited while starting"; }
    done
    [ "$SECONDS" -lt "$deadline" ] || { tail -n 40 "$LOG_DIR"/*.log >&2; ml_die "$name was not up within $READY_TIMEOUT s"; }
    sleep 0.5
  done
}

started=$SECONDS
[ "$API_MODE" = separate ] || export MAGICLINK_SERVE_API=true
start_process silo src/Silo bin/Release/net10.0/MagicLink.Silo.dll
SILO_PID="$STARTED_PID"
wait_http silo "http://127.0.0.1:$DASHBOARD_PORT/health/live"
if [ "$API_MODE" = separate ]; then
  start_process api src/Api bin/Release/net10.0/MagicLink.Api.dll
  API_PID="$STARTED_PID"
fi
API="http://127.0.0.1:$HTTP_PORT"
wait_http API "$API/health/ready"
log "service ready in $((SECONDS - started)) s (silo pid $SILO_PID, API pid $API_PID)"

# Sets RESULT to LoadGen's RESULT line with the per-click fields (not run in $(...), so the EXIT
# trap knows CHILD_PID). The counters are snapshot by LoadGen itself at the edges of its window.
run_loadgen() { # mode seconds loadgen-options...
  local mode="$1" seconds="$2" out="$WORK/loadgen-$1.out" snap="$WORK/snapshot-$1"
  shift 2
  dotnet "$LOADGEN" "$API" "$MAGICLINK_ADMIN_TOKEN" "$mode" "$CONCURRENCY" "$seconds" --warmup "$WARMUP" \
    --cpu "silo=$SILO_PID${API_PID:+,api=$API_PID},postgres=$PM_PID" \
    --at-window-start "$(printf '%q ' "${SNAPSHOT[@]}" -v db=magiclink -o "$snap-start")" \
    --at-window-end "$(printf '%q ' "${SNAPSHOT[@]}" -v db=magiclink -o "$snap-end")" "$@" >"$out" &
  CHILD_PID=$!
  wait "$CHILD_PID" || log "LoadGen $mode exited with code $? (see above)"
  CHILD_PID=""
  RESULT="$(grep '^RESULT ' "$out" | tail -n 1 || true)"
  [ -n "$RESULT" ] || RESULT="RESULT mode=$mode clicks_per_s=nan errors=loadgen-failed"
  RESULT="$RESULT$(per_click "$RESULT" "$snap-start" "$snap-end")"
  echo "$RESULT"
}

# Sets RESULT like run_loadgen, with wrk clicking: a C client costs the shared machine far less
# CPU per click than LoadGen, which leaves it to the service as pgbench's C client leaves it to
# PostgreSQL. LoadGen opens the account and its links; wrk warms up, then runs the measured window,
# through a shell that outlives it so that wrk's CPU is read from the shell's waited-for children.
run_wrk() { # mode links
  local mode="$1" links="$2" out="$WORK/wrk-$1" snap="$WORK/snapshot-$1" first last from_us to_us seconds cpu_wrk
  dotnet "$LOADGEN" "$API" "$MAGICLINK_ADMIN_TOKEN" paths --links "$links" >"$out.paths" || ml_die "LoadGen could not open the $mode case's links"
  "$WRK" -t2 -c"$CONCURRENCY" -d"${WARMUP}s" --timeout 30s -s "$BENCH_DIR/wrk/click.lua" "$API" -- "$out.paths" "$mode" "$CONCURRENCY" \
    >"$out.warmup" 2>&1 || log "wrk warm-up exited with code $?"
  "${SNAPSHOT[@]}" -v db=magiclink -o "$snap-start" || log "counter snapshot failed"
  from_us="$(date +%s%6N)"
  first="$(cpu_sample "$SILO_PID" "${API_PID:-$SILO_PID}" "$PM_PID")"
  # shellcheck disable=SC2016
  sh -c '"$@" >"$0.out" 2>&1; cat /proc/$$/stat >"$0.stat"' "$out" \
    "$WRK" -t2 -c"$CONCURRENCY" -d"${DURATION}s" --timeout 30s --latency -s "$BENCH_DIR/wrk/click.lua" "$API" -- "$out.paths" "$mode" "$CONCURRENCY" &
  CHILD_PID=$!
  wait "$CHILD_PID" || log "wrk $mode exited with code $?"
  CHILD_PID=""
  to_us="$(date +%s%6N)"
  last="$(cpu_sample "$SILO_PID" "${API_PID:-$SILO_PID}" "$PM_PID")"
  "${SNAPSHOT[@]}" -v db=magiclink -o "$snap-end" || log "counter snapshot failed"
  sed 's/^/  [wrk] /' "$out.out" | grep -v '^  \[wrk\] RESULT' >&2
  seconds="$(awk -v a="$from_us" -v b="$to_us" 'BEGIN { printf "%.3f", (b - a) / 1000000 }')"
  # Fields 16 and 17 of /proc/<pid>/stat (after "(comm)"): CPU of the children the shell waited for.
  cpu_wrk="$(sed 's/^.*) //' "$out.stat" | awk -v s="$seconds" -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", 100 * ($14 + $15) / hz / s }')"
  RESULT="$(grep '^RESULT ' "$out.out" | tail -n 1 || true)"
  [ -n "$RESULT" ] || RESULT="RESULT mode=$mode clicks_per_s=nan errors=wrk-failed"
  RESULT="$RESULT $(cpu_report "$seconds" "$first" "$last" silo api postgres | sed "s/\$/ cpu_wrk_pct=$cpu_wrk/")"
  [ -n "$API_PID" ] || RESULT="$(sed 's/ cpu_api_pct=[0-9-]*//' <<<"$RESULT")"
  RESULT="$RESULT$(per_click "$RESULT" "$snap-start" "$snap-end")"
  echo "$RESULT"
}

if [ "$CLIENT" = wrk ]; then
  log "wrk hot: $CONCURRENCY connections, $WARMUP s warm-up + $DURATION s"
  run_wrk hot 1
  HOT="$RESULT"
  log "wrk spread ($LINKS links): $CONCURRENCY connections, $WARMUP s warm-up + $DURATION s"
  run_wrk spread "$LINKS"
  SPREAD="$RESULT"
else
  log "LoadGen hot: $CONCURRENCY clients, $WARMUP s warm-up + $DURATION s"
  run_loadgen hot "$DURATION"
  HOT="$RESULT"
  log "LoadGen spread ($LINKS links): $CONCURRENCY clients, $WARMUP s warm-up + $DURATION s"
  run_loadgen spread "$DURATION" --links "$LINKS"
  SPREAD="$RESULT"
fi
SILO_RSS="$(rss "$SILO_PID")"
API_RSS="$(if [ -n "$API_PID" ]; then rss "$API_PID"; else echo "(in the silo's process)"; fi)"
log "peak RSS after hot and spread: silo $SILO_RSS, API $API_RSS"
DRIFT="RESULT mode=drift skipped=1"
if [ "$DRIFT_CLICKS" -gt 0 ]; then
  log "LoadGen drift ($DRIFT_LINKS link(s)): $CONCURRENCY clients, $WARMUP s warm-up, then $DRIFT_CLICKS accepted clicks (at most $DRIFT_LIMIT s)"
  run_loadgen drift "$DRIFT_LIMIT" --links "$DRIFT_LINKS" --clicks "$DRIFT_CLICKS"
  DRIFT="$RESULT"
fi
log "the service's statements in all click cases, most called first (calls, query):"
psql_postgres -d postgres -tAc "SELECT s.calls || '  ' || left(regexp_replace(s.query, '\s+', ' ', 'g'), 120)
  FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = 'magiclink' ORDER BY s.calls DESC LIMIT 20" \
  | sed 's/^/  /' >&2 || true
log_counts() { # "N warn, N fail, N crit, N exception lines"
  printf '%s warn, %s fail, %s crit, %s exception lines' "$(grep -c '^warn: ' "$1" || true)" "$(grep -c '^fail: ' "$1" || true)" \
    "$(grep -c '^crit: ' "$1" || true)" "$(grep -ci 'exception' "$1" || true)"
}
# How big each kind of grain state got: a state rewritten whole on every click and growing with
# it makes every click slower than the last.
STATE_SIZES="$(psql_postgres -d magiclink -tAc "SELECT string_agg(t, '; ' ORDER BY b DESC) FROM (
  SELECT regexp_replace(graintypestring, '^.*[.,]', '') || ': ' || count(*) || ', ' || max(octet_length(payloadbinary))
         || ' B, v' || max(version) AS t, max(octet_length(payloadbinary)) AS b
  FROM orleansstorage GROUP BY graintypestring) s" 2>/dev/null || echo "n/a")"

# What many idle links cost the silo: its resident memory before and after creating them (every
# link grain active), from VmRSS, so it includes whatever the GC has not given back yet.
MEMORY="RESULT mode=memory skipped=1"
if [ "$MEMORY_LINKS" -gt 0 ]; then
  before_kb="$(rss_kb "$SILO_PID")"
  log "LoadGen memory: creating $MEMORY_LINKS links in one account, then reading each back"
  dotnet "$LOADGEN" "$API" "$MAGICLINK_ADMIN_TOKEN" memory --links "$MEMORY_LINKS" >"$WORK/loadgen-memory.out" &
  CHILD_PID=$!
  wait "$CHILD_PID" || log "LoadGen memory exited with code $? (see above)"
  CHILD_PID=""
  after_kb="$(rss_kb "$SILO_PID")"
  # Where it lives: anonymous memory is the GC heap, stacks and the runtime's own data; shared
  # memory is JIT-compiled code (.NET maps it through a memfd for W^X); file-backed pages are the
  # mapped assemblies and native libraries, shared with every process that maps the same files.
  mem_split="$(awk '/^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } END { printf "silo_rss_anon_mb=%.0f silo_rss_file_mb=%.0f", a / 1024, f / 1024 }' \
    "/proc/$SILO_PID/status" 2>/dev/null || true)"
  MEMORY="$(grep '^RESULT ' "$WORK/loadgen-memory.out" | tail -n 1 || true)"
  [ -n "$MEMORY" ] || MEMORY="RESULT mode=memory errors=loadgen-failed"
  MEMORY="$MEMORY $(awk -v a="$before_kb" -v b="$after_kb" -v api="$(rss_kb "$API_PID")" -v n="$MEMORY_LINKS" 'BEGIN {
    if (a == "" || b == "") { print "silo_rss_mb_before=nan silo_rss_mb=nan api_rss_mb=nan kb_per_link=nan"; exit }
    printf "silo_rss_mb_before=%.0f silo_rss_mb=%.0f api_rss_mb=%s kb_per_link=%.1f", a / 1024, b / 1024,
      (api == "" ? "in-silo" : sprintf("%.0f", api / 1024)), (b - a) / n }') $mem_split"
  echo "$MEMORY"
fi
SERVICE_LOGS="silo: $(log_counts "$LOG_DIR/silo.log")"
[ "$API_MODE" != separate ] || SERVICE_LOGS="$SERVICE_LOGS; API: $(log_counts "$LOG_DIR/api.log")"

# pgbench gets the machine to itself, like the service had it.
stop_group api "$API_PID"
API_PID=""
stop_group silo "$SILO_PID"
SILO_PID=""

# ---- pgbench: the same work as one plain transaction --------------------------------------
JOBS=$((CONCURRENCY < 2 ? CONCURRENCY : 2))
# Sets RESULT to a RESULT line in LoadGen's format, computed from pgbench's per-transaction log.
run_pgbench() {
  local name="$1" rows="$2" prefix="$WORK/pgbench-$1" snap="$WORK/snapshot-pgbench-$1" first last from_us to_us seconds count
  psql_postgres -d bench -v links="$rows" -f "$BENCH_DIR/pgbench/schema.sql" >/dev/null
  # One second more than warm-up and window, so pgbench is still running when the window closes.
  log "pgbench $name ($rows row(s)): $CONCURRENCY clients, $JOBS threads, $WARMUP s warm-up + $DURATION s"
  (cd "$WORK" && exec "$PGBENCH" -h 127.0.0.1 -p "$PG_PORT" -U postgres -n -M prepared \
    -c "$CONCURRENCY" -j "$JOBS" -T $((WARMUP + DURATION + 1)) -D links="$rows" \
    -f "$BENCH_DIR/pgbench/click.sql" -l --log-prefix="$prefix" bench) >"$prefix.out" 2>&1 &
  CHILD_PID=$!
  sleep "$WARMUP"
  # The clicks of the window are cut from pgbench's per-transaction log by these clock readings,
  # so that they, the CPU samples and the counter snapshots cover the same time.
  from_us="$(date +%s%6N)"
  first="$(cpu_sample "$PM_PID" "$CHILD_PID")"
  "${SNAPSHOT[@]}" -v db=bench -o "$snap-start" || log "counter snapshot failed"
  sleep "$DURATION"
  to_us="$(date +%s%6N)"
  last="$(cpu_sample "$PM_PID" "$CHILD_PID")"
  "${SNAPSHOT[@]}" -v db=bench -o "$snap-end" || log "counter snapshot failed"
  seconds="$(awk -v a="$from_us" -v b="$to_us" 'BEGIN { printf "%.3f", (b - a) / 1000000 }')"
  local rc=0
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  [ "$rc" -eq 0 ] || log "pgbench $name exited with code $rc"
  sed 's/^/  [pgbench] /' "$prefix.out" | grep -vE '^  \[pgbench\] (transaction type|scaling factor|query mode|number of (clients|threads)|maximum number)' >&2

  # Per-transaction log: client_id transaction_no latency_us script_no epoch_s epoch_us (end time).
  cat "$prefix".[0-9]* >"$prefix.log"
  awk -v from="$from_us" -v to="$to_us" \
    '$3 ~ /^[0-9]+$/ { e = $5 * 1000000 + $6; if (e >= from && e < to) print $3 }' "$prefix.log" | sort -n >"$prefix.lat"
  count="$(wc -l <"$prefix.lat")"
  local failed aborted
  failed="$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$prefix.out")"
  aborted="$(grep -c 'aborted' "$prefix.out" || true)"
  RESULT="$(awk -v n="$count" -v s="$seconds" -v mode="$name" -v rows="$rows" -v c="$CONCURRENCY" \
    -v failed="${failed:-?}" -v aborted="$aborted" -v rc="$rc" '
    { lat[NR] = $1; sum += $1 }
    function pct(p,   i) { i = int(p * n + 0.999999); if (i < 1) i = 1; if (i > n) i = n; return lat[i] / 1000 }
    END {
      if (n == 0) { printf "RESULT mode=%s rows=%d concurrency=%d seconds=%.1f clicks_per_s=0 p50_ms=nan p99_ms=nan ok=0 errors=1 exit=%s\n", mode, rows, c, s, rc; exit }
      printf "RESULT mode=%s rows=%d concurrency=%d seconds=%.1f clicks_per_s=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f mean_ms=%.2f ok=%d errors=%s aborted_clients=%d exit=%s\n",
        mode, rows, c, s, n / s, pct(0.50), pct(0.95), pct(0.99), lat[n] / 1000, sum / n / 1000, n, failed, aborted, rc }' "$prefix.lat" \
    | sed "s/\$/ $(cpu_report "$seconds" "$first" "$last" postgres pgbench)/")"
  RESULT="$RESULT$(per_click "$RESULT" "$snap-start" "$snap-end")"
  echo "$RESULT"
}

run_pgbench hot 1
PG_HOT="$RESULT"
run_pgbench spread "$LINKS"
PG_SPREAD="$RESULT"

# ---- report -------------------------------------------------------------------------------
cpu_text() { # "busy 190%, silo 80%, ..., other 5%" from the cpu_*_pct fields
  grep -o 'cpu_[a-z]*_pct=-*[0-9]*' <<<"$1" | sed 's/^cpu_\([a-z]*\)_pct=\(.*\)$/\1 \2/' \
    | awk '$1 == "busy" { busy = $2 } $1 != "busy" { mine += $2 } { printf "%s%s %s%%", (NR > 1 ? ", " : ""), $1, $2 }
      END { if (NR > 0) printf ", other %d%%", busy - mine }' || true
}
# Warns when processes outside this benchmark used much CPU in a window (a shared machine).
other_cpu_note() { # label RESULT-line, ...
  local other
  while [ $# -ge 2 ]; do
    other="$(cpu_text "$2" | sed -n 's/.*other \(-*[0-9]*\)%.*/\1/p')"
    if [ -n "$other" ] && [ "$other" -gt 25 ]; then
      echo "WARNING: processes outside the benchmark used ${other}% CPU during '$1': the machine was shared, so its figures are low"
    fi
    shift 2
  done
}
COLUMNS_FORMAT='%-28s %9s %8s %8s %6s %7s %7s %8s %9s %9s %7s %9s\n'
row() { # label RESULT-line
  # shellcheck disable=SC2059 # one format for the header and all rows
  printf "$COLUMNS_FORMAT" "$1" "$(kv "$2" clicks_per_s)" "$(kv "$2" p50_ms)" "$(kv "$2" p99_ms)" "$(kv "$2" errors)" \
    "$(kv "$2" statements_per_click)" "$(kv "$2" commits_per_click)" "$(kv "$2" write_xacts_per_click)" "$(kv "$2" wal_flushes_per_click)" \
    "$(kv "$2" wal_bytes_per_click)" "$(kv "$2" cpu_ms_per_click)" "$(kv "$2" pg_cpu_ms_per_click)"
}
ratio_row() { # label service pgbench
  local key cells=()
  for key in clicks_per_s p50_ms p99_ms - statements_per_click commits_per_click write_xacts_per_click wal_flushes_per_click wal_bytes_per_click \
    cpu_ms_per_click pg_cpu_ms_per_click; do
    if [ "$key" = - ]; then
      cells+=("")
    else
      cells+=("$(ratio "$(kv "$2" "$key")" "$(kv "$3" "$key")" | sed 's/[0-9]$/&x/')")
    fi
  done
  # shellcheck disable=SC2059
  printf "$COLUMNS_FORMAT" "$1" "${cells[@]}"
}
links_text() { if [ "$1" = 1 ]; then echo "1 link"; else echo "$1 links"; fi; }
cpu_row() { # label RESULT-line
  printf '  %-28s %s\n' "$1" "$(cpu_text "$2")"
}
{
  echo
  echo "Magic Link click benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' (+ uncommitted changes)')"
  echo "machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)), $(awk '/^MemTotal:/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM"
  echo "PostgreSQL $PG_VERSION on 127.0.0.1, same server for both: $PG_SETTINGS"
  echo "durability: fsync and synchronous_commit are ON for the service and for pgbench alike (each commit waits for the WAL flush)"
  echo "load: $CONCURRENCY concurrent clients, closed loop, $DURATION s measured after $WARMUP s warm-up; spread = $LINKS links / rows"
  echo "service: $API_TEXT; MAGICLINK_REDEEM_RATE_LIMIT=0; POST /l/{token} -> 303 over HTTP/1.1 keep-alive, $([ "$CLIENT" = wrk ] && echo "wrk -t2 (bench/wrk/click.lua) for hot and spread, LoadGen for drift" || echo LoadGen) on the same machine"
  echo "thread-pool spinning in the silo and the API: $SPIN_TEXT"
  echo "pgbench: -M prepared -c $CONCURRENCY -j $JOBS, bench/pgbench/click.sql (UPDATE counter row + INSERT session row, one transaction)"
  echo "per click: deltas over the measured window / accepted clicks. stmts: top-level statements (pg_stat_statements, without"
  echo "  BEGIN/COMMIT); commits: xact_commit + xact_rollback (pg_stat_database); write tx: transaction ids taken; WAL flush:"
  echo "  wal_sync (pg_stat_wal); CPU ms: silo + API + postgres (pgbench: postgres); pg CPU ms: postgres alone. Background work counts."
  echo
  printf '%65s%s\n' "" "-------------------- per accepted click ---------------------"
  # shellcheck disable=SC2059
  printf "$COLUMNS_FORMAT" "case" "clicks/s" "p50 ms" "p99 ms" "errors" "stmts" "commits" "write tx" "WAL flush" "WAL bytes" "CPU ms" "pg CPU ms"
  row "service hot (1 link)" "$HOT"
  row "pgbench hot (1 row)" "$PG_HOT"
  ratio_row "  ratio service/pgbench" "$HOT" "$PG_HOT"
  row "service spread ($LINKS links)" "$SPREAD"
  row "pgbench spread ($LINKS rows)" "$PG_SPREAD"
  ratio_row "  ratio service/pgbench" "$SPREAD" "$PG_SPREAD"
  [ "$DRIFT_CLICKS" -eq 0 ] || row "service drift ($(links_text "$DRIFT_LINKS"))" "$DRIFT"
  echo
  echo "clicks/s ratio < 1: the service does fewer clicks per second than the bare transaction; latency ratio > 1: it is slower."
  if [ "$DRIFT_CLICKS" -eq 0 ]; then
    echo "drift: skipped (BENCH_DRIFT_CLICKS=0)"
  else
    echo "drift ($DRIFT_MODE, $(links_text "$DRIFT_LINKS")): $(kv "$DRIFT" first_clicks_per_s) clicks/s over the first 10% of $(kv "$DRIFT" ok) accepted clicks," \
      "$(kv "$DRIFT" last_clicks_per_s) over the last 10%: last/first $(kv "$DRIFT" drift_ratio)$([ "$(kv "$DRIFT" complete)" = 1 ] || echo " (INCOMPLETE: stopped before $DRIFT_CLICKS clicks)")"
    echo "full-page images in the WAL a click (the first change to a page after a checkpoint logs all 8 KB of it):" \
      "hot $(kv "$HOT" wal_fpi_per_click), spread $(kv "$SPREAD" wal_fpi_per_click), drift $(kv "$DRIFT" wal_fpi_per_click)"
  fi
  if [ "$MEMORY_LINKS" -eq 0 ]; then
    echo "memory case: skipped (BENCH_MEMORY_LINKS=0)"
  else
    echo "memory case: $(kv "$MEMORY" links) links created in one account ($(kv "$MEMORY" create_per_s)/s) and read back ($(kv "$MEMORY" read_per_s)/s):" \
      "silo VmRSS $(kv "$MEMORY" silo_rss_mb_before) MB before, $(kv "$MEMORY" silo_rss_mb) MB after ($(kv "$MEMORY" kb_per_link) KB per link;" \
      "$(kv "$MEMORY" silo_rss_anon_mb) MB anonymous, $(kv "$MEMORY" silo_rss_file_mb) MB mapped files, the rest shared memory); API VmRSS $(if [ "$API_MODE" = separate ]; then echo "$(kv "$MEMORY" api_rss_mb) MB"; else echo "(in the silo's process)"; fi)"
  fi
  echo "memory (VmHWM after hot and spread): silo $SILO_RSS, API $API_RSS"
  echo "service outcomes: hot $(kv "$HOT" outcomes) (warm-up errors $(kv "$HOT" warmup_errors)), spread $(kv "$SPREAD" outcomes) (warm-up errors $(kv "$SPREAD" warmup_errors))$([ "$DRIFT_CLICKS" -eq 0 ] || echo ", drift $(kv "$DRIFT" outcomes) (warm-up errors $(kv "$DRIFT" warmup_errors))")"
  for line in "$HOT" "$SPREAD" "$DRIFT"; do
    first_error="$(kv "$line" first_error)"
    [ -z "$first_error" ] || echo "first error ($(kv "$line" mode)): $first_error"
  done
  echo "pgbench failed transactions: hot $(kv "$PG_HOT" errors), spread $(kv "$PG_SPREAD" errors); aborted clients: hot $(kv "$PG_HOT" aborted_clients), spread $(kv "$PG_SPREAD" aborted_clients)"
  echo "largest grain states after the click cases (type: rows, max bytes, max version = writes): $STATE_SIZES"
  echo "service logs ($SERVICE_LOGS) are in bench/results/logs/"
  echo "CPU in the measured window (% of one core):"
  cpu_row "service hot" "$HOT"
  cpu_row "pgbench hot" "$PG_HOT"
  cpu_row "service spread" "$SPREAD"
  cpu_row "pgbench spread" "$PG_SPREAD"
  [ "$DRIFT_CLICKS" -eq 0 ] || cpu_row "service drift" "$DRIFT"
  other_cpu_note "service hot" "$HOT" "pgbench hot" "$PG_HOT" "service spread" "$SPREAD" "pgbench spread" "$PG_SPREAD" "service drift" "$DRIFT"
  echo
  echo "$HOT"
  echo "$SPREAD"
  [ "$DRIFT_CLICKS" -eq 0 ] || echo "$DRIFT"
  [ "$MEMORY_LINKS" -eq 0 ] || echo "$MEMORY"
  echo "$PG_HOT"
  echo "$PG_SPREAD"
} | tee "$RESULTS/latest.txt"
