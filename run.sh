#!/usr/bin/env bash
# Starts Magic Link on this machine in the foreground: PostgreSQL (unless MAGICLINK_DB is
# given) and one silo serving the API (MAGICLINK_SERVE_API=false: the API as its own process).
# Ctrl-C stops everything it started. See README.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

export MAGICLINK_HTTP_PORT="${MAGICLINK_HTTP_PORT:-8080}"
export MAGICLINK_DASHBOARD_PORT="${MAGICLINK_DASHBOARD_PORT:-8081}"
export MAGICLINK_PG_PORT="${MAGICLINK_PG_PORT:-55432}"
export MAGICLINK_PUBLIC_URL="${MAGICLINK_PUBLIC_URL:-http://localhost:$MAGICLINK_HTTP_PORT}"
# A relative MAGICLINK_DATA_DIR is relative to where run.sh was started; the default sits in the repo.
MAGICLINK_DATA_DIR="$(ml_abs_dir "${MAGICLINK_DATA_DIR:-$ROOT/.data}")" || ml_die "cannot create the data dir"
export MAGICLINK_DATA_DIR
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Idle thread-pool threads spin before they sleep; on a small box that spinning took CPU the
# click needed (bench/README.md). Set it to empty to get the runtime's default back.
export DOTNET_ThreadPool_UnfairSemaphoreSpinLimit="${DOTNET_ThreadPool_UnfairSemaphoreSpinLimit-0}"
# One box needs no gateway hop between the API and its grains: the silo serving the API took a
# click for less CPU than two processes did (bench/README.md). Several hosts run them apart.
export MAGICLINK_SERVE_API="${MAGICLINK_SERVE_API:-true}"
cd "$ROOT"

LOG_DIR="$MAGICLINK_DATA_DIR/logs"
mkdir -p "$LOG_DIR"
READY_TIMEOUT="${MAGICLINK_READY_TIMEOUT:-180}"
SILO_PID=""
API_PID=""
PG_STARTED=0

# Stops one process group (the process and every child it made), politely first.
stop_group() {
    local name="$1" pid="$2" waited=0
    [ -n "$pid" ] || return 0
    if kill -0 "$pid" 2>/dev/null; then
        ml_log "stopping $name (pid $pid)"
    fi
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    while kill -0 -- "-$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do
        sleep 0.1
        waited=$((waited + 1))
    done
    if kill -0 -- "-$pid" 2>/dev/null; then
        ml_log "$name did not stop within 30 s; killing it"
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap '' INT TERM
    trap - EXIT
    stop_group api "$API_PID"
    stop_group silo "$SILO_PID"
    if [ "$PG_STARTED" = 1 ]; then
        ml_stop_postgres "$MAGICLINK_DATA_DIR"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a built project as its own process group (so stopping it takes its children too),
# from the project folder like `dotnet run` does (appsettings.json, wwwroot), logging to the
# terminal with a prefix and to LOG_DIR/NAME.log. Sets STARTED_PID.
start_process() {
    local name="$1" project_dir="$2" dll="$3" log="$LOG_DIR/$1.log"
    [ -f "$project_dir/$dll" ] || ml_die "$project_dir/$dll is missing: did the build succeed?"
    printf '\n===== %s started %s =====\n' "$name" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >>"$log"
    # The log pipe ignores Ctrl-C so it can still carry the shutdown messages; it ends at EOF.
    (cd "$project_dir" && exec setsid dotnet "$dll") \
        </dev/null > >(trap '' INT TERM; tee -a "$log" | sed -u "s/^/[$name] /") 2>&1 &
    STARTED_PID=$!
}

# Exits (non-zero) when the silo or the API has ended; $1/$2 tell a pid and code wait -n saw.
alive_or_die() {
    local name pid rc
    for name in silo api; do
        if [ "$name" = silo ]; then pid="$SILO_PID"; else pid="$API_PID"; fi
        [ -n "$pid" ] || continue
        if [ "$pid" = "${1:-}" ]; then
            rc="$2"
        elif ! kill -0 "$pid" 2>/dev/null; then
            rc=0
            wait "$pid" 2>/dev/null || rc=$?
        else
            continue
        fi
        ml_log "the $name process exited (code $rc); last lines of $LOG_DIR/$name.log:"
        tail -n 40 "$LOG_DIR/$name.log" >&2 || true
        exit 1
    done
}

http_code() {
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" 2>/dev/null || true
}

# ---- tools ------------------------------------------------------------------------------
if ! command -v dotnet >/dev/null 2>&1; then
    ml_log "the .NET SDK is missing; trying apt-get install dotnet-sdk-10.0"
    (ml_apt_install dotnet-sdk-10.0) || true
    command -v dotnet >/dev/null 2>&1 \
        || ml_die "the .NET 10 SDK is required: install it (https://dot.net) and run ./run.sh again"
fi
ml_require_command curl
ml_require_command jq
ml_require_command setsid util-linux

# ---- database ---------------------------------------------------------------------------
if [ -n "${MAGICLINK_DB:-}" ]; then
    ml_log "MAGICLINK_DB is set: using that database, not starting PostgreSQL"
else
    ml_start_postgres "$MAGICLINK_DATA_DIR" "$MAGICLINK_PG_PORT"
    PG_STARTED="$ML_PG_STARTED"
fi
export MAGICLINK_DB

# ---- admin token ------------------------------------------------------------------------
if [ -z "${MAGICLINK_ADMIN_TOKEN:-}" ]; then
    token_file="$MAGICLINK_DATA_DIR/admin-token"
    if [ ! -s "$token_file" ]; then
        (umask 077 && printf 'mla_%s\n' "$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')" >"$token_file")
    fi
    chmod 600 "$token_file"
    MAGICLINK_ADMIN_TOKEN="$(tr -d '[:space:]' <"$token_file")"
fi
export MAGICLINK_ADMIN_TOKEN

case "${MAGICLINK_SERVE_API,,}" in
    true | 1) SILO_SERVES_API=1 ;;
    false | 0) SILO_SERVES_API=0 ;;
    *) ml_die "MAGICLINK_SERVE_API=$MAGICLINK_SERVE_API must be true or false" ;;
esac

# ---- build ------------------------------------------------------------------------------
ml_log "building (dotnet build -c Release MagicLink.sln)"
if ! dotnet build -c Release MagicLink.sln -nologo -v quiet --disable-build-servers; then
    ml_die "the build failed (see the errors above)"
fi

# ---- silo, then the API (unless the silo serves it) -------------------------------------
deadline=$((SECONDS + READY_TIMEOUT))

start_process silo src/Silo bin/Release/net10.0/MagicLink.Silo.dll
SILO_PID="$STARTED_PID"
ml_log "waiting for the silo (schema, cluster membership) on port $MAGICLINK_DASHBOARD_PORT"
until [ "$(http_code "http://127.0.0.1:$MAGICLINK_DASHBOARD_PORT/health/live")" = 200 ]; do
    alive_or_die
    if [ "$SECONDS" -ge "$deadline" ]; then
        tail -n 40 "$LOG_DIR/silo.log" >&2 || true
        ml_die "the silo did not come up within $READY_TIMEOUT s (log: $LOG_DIR/silo.log)"
    fi
    sleep 0.5
done

if [ "$SILO_SERVES_API" = 0 ]; then
    start_process api src/Api bin/Release/net10.0/MagicLink.Api.dll
    API_PID="$STARTED_PID"
fi
API="http://127.0.0.1:$MAGICLINK_HTTP_PORT"
ml_log "waiting for $API/health/ready"
until [ "$(http_code "$API/health/ready")" = 200 ]; do
    alive_or_die
    if [ "$SECONDS" -ge "$deadline" ]; then
        for name in silo api; do
            printf -- '--- last lines of %s ---\n' "$LOG_DIR/$name.log" >&2
            tail -n 40 "$LOG_DIR/$name.log" >&2 || true
        done
        ml_die "the service was not ready within $READY_TIMEOUT s"
    fi
    sleep 0.5
done

# ---- demo account -----------------------------------------------------------------------
demo_file="$MAGICLINK_DATA_DIR/demo-account.json"
create_demo_account() {
    local password body response code
    password="demo-$(od -An -tx1 -N9 /dev/urandom | tr -d ' \n')"
    body="$(jq -cn --arg password "$password" \
        '{name: "Demo Business", email: "demo@example.com", password: $password, credits: 100}')"
    response="$(mktemp)"
    code="$(curl -s -o "$response" -w '%{http_code}' --max-time 30 -X POST "$API/admin/v1/accounts" \
        -H "Authorization: Bearer $MAGICLINK_ADMIN_TOKEN" -H 'Content-Type: application/json' \
        --data "$body" || true)"
    if [ "$code" = 201 ] && jq -e '.apiKey and .apiSecret' "$response" >/dev/null 2>&1; then
        (umask 077 && jq --arg password "$password" '. + {password: $password}' "$response" >"$demo_file")
        chmod 600 "$demo_file"
        ml_log "created the demo account (kept in $demo_file)"
    else
        ml_log "warning: could not create the demo account (POST /admin/v1/accounts answered $code):"
        head -c 2000 "$response" >&2 || true
        echo >&2
    fi
    rm -f "$response"
}

if [ -s "$demo_file" ]; then
    # The data dir outlived its database (e.g. another MAGICLINK_DB): make a fresh demo account.
    if [ "$(http_code -u "$(jq -r '.apiKey + ":" + .apiSecret' "$demo_file")" "$API/api/v1/account")" = 401 ]; then
        ml_log "the saved demo account is unknown to this database; creating a new one"
        mv -f "$demo_file" "$demo_file.stale"
        create_demo_account
    fi
else
    create_demo_account
fi

# ---- banner -----------------------------------------------------------------------------
PUBLIC="${MAGICLINK_PUBLIC_URL%/}"
{
    echo
    echo "================================================================================"
    echo " Magic Link is running"
    echo
    echo "   API and hosted flow   $PUBLIC"
    echo "   Business dashboard    $PUBLIC/dashboard"
    echo "   API reference         $PUBLIC/docs"
    echo "   OpenAPI document      $PUBLIC/openapi/v1.json"
    echo "   Orleans Dashboard     http://localhost:$MAGICLINK_DASHBOARD_PORT"
    echo
    echo "   Admin token           $MAGICLINK_ADMIN_TOKEN"
    if [ -s "$demo_file" ]; then
        echo
        echo "   Demo dashboard login  $(jq -r .email "$demo_file")  /  $(jq -r .password "$demo_file")"
        echo "   Demo API key          $(jq -r .apiKey "$demo_file")"
        echo "   Demo API secret       $(jq -r .apiSecret "$demo_file")"
        echo
        echo "   Try it:  curl -u $(jq -r '.apiKey + ":" + .apiSecret' "$demo_file") $PUBLIC/api/v1/account"
    else
        echo
        echo "   (no demo account: see the warning above)"
    fi
    echo
    echo "   Data: $MAGICLINK_DATA_DIR   Logs: $LOG_DIR"
    echo "   Press Ctrl-C to stop."
    echo "================================================================================"
    echo
}

# ---- foreground -------------------------------------------------------------------------
# wait -n returns when either process ends (or a trapped signal arrives).
pids=("$SILO_PID")
[ -z "$API_PID" ] || pids+=("$API_PID")
while true; do
    ended=""
    rc=0
    wait -n -p ended "${pids[@]}" 2>/dev/null || rc=$?
    alive_or_die "$ended" "$rc"
done
