# shellcheck shell=bash disable=SC2034 # ML_PG_STARTED is read by the scripts that source this
# Local PostgreSQL for run.sh and test.sh: sourced, not executed.
#
#   ml_start_postgres DATA_DIR PORT [--no-fsync]
#       Starts (or reuses) a cluster in DATA_DIR/pg listening on 127.0.0.1:PORT, creates the
#       database "magiclink" and exports MAGICLINK_DB. Sets ML_PG_STARTED=1 when this call
#       started the server (0 when one was already running on that data dir).
#       --no-fsync trades durability for speed (throwaway test clusters only).
#       ML_PG_EXTRA_CONF (environment, optional): more postgresql.conf lines for a server this
#       call starts, e.g. the benchmark's shared_preload_libraries.
#   ml_stop_postgres DATA_DIR
#       Stops the cluster in DATA_DIR/pg, if one is running.
#   ml_apt_install PACKAGE...
#       apt-get install, with one apt-get update per script run.
#   ml_require_command COMMAND [PACKAGE]
#       Installs PACKAGE (default: COMMAND) with apt when COMMAND is missing.

ML_APT_UPDATED="${ML_APT_UPDATED:-0}"
ML_PG_STARTED=0

ml_log() { printf '[magiclink] %s\n' "$*" >&2; }
ml_die() { printf '[magiclink] error: %s\n' "$*" >&2; exit 1; }

ml_apt_install() {
    command -v apt-get >/dev/null 2>&1 || ml_die "cannot install $* : apt-get not found (install it by hand)"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 || ml_die "cannot install $* : not root and sudo is missing (install it by hand)"
        sudo=(sudo)
    fi
    if [ "$ML_APT_UPDATED" != 1 ]; then
        ml_log "apt-get update"
        "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null \
            || ml_die "apt-get update failed"
        ML_APT_UPDATED=1
    fi
    ml_log "apt-get install $*"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null \
        || ml_die "apt-get install $* failed"
}

ml_require_command() {
    command -v "$1" >/dev/null 2>&1 || ml_apt_install "${2:-$1}"
}

# Newest /usr/lib/postgresql/<version>/bin that has the server binaries.
ml_pg_bindir() {
    local dir best="" best_version=0 version
    for dir in /usr/lib/postgresql/*/bin; do
        if [ ! -x "$dir/pg_ctl" ] || [ ! -x "$dir/initdb" ] || [ ! -x "$dir/postgres" ]; then continue; fi
        version="${dir#/usr/lib/postgresql/}"
        version="${version%/bin}"
        version="${version%%.*}"
        case "$version" in '' | *[!0-9]*) continue ;; esac
        if [ "$version" -gt "$best_version" ]; then
            best_version="$version"
            best="$dir"
        fi
    done
    if [ -z "$best" ] && command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
        best="$(dirname "$(command -v pg_ctl)")"
    fi
    [ -n "$best" ] && printf '%s\n' "$best"
}

# Runs a PostgreSQL server tool as the OS user that owns the cluster (postgres refuses root).
ml_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Every directory above PATH must be searchable by the postgres user.
ml_make_traversable() {
    local dir="$1"
    while [ "$dir" != "/" ] && [ -n "$dir" ]; do
        if [ -d "$dir" ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
            ml_log "making $dir traversable (o+x) for the postgres user"
            chmod o+x "$dir"
        fi
        dir="$(dirname "$dir")"
    done
}

ml_abs_dir() {
    mkdir -p "$1" && (cd "$1" && pwd -P)
}

ml_start_postgres() {
    local data_dir port fsync=on
    [ $# -ge 2 ] || ml_die "usage: ml_start_postgres DATA_DIR PORT [--no-fsync]"
    data_dir="$(ml_abs_dir "$1")" || ml_die "cannot create data dir $1"
    port="$2"
    [ "${3:-}" = "--no-fsync" ] && fsync=off
    case "$port" in '' | *[!0-9]*) ml_die "PostgreSQL port '$port' is not a number" ;; esac

    local bindir
    bindir="$(ml_pg_bindir)" || true
    if [ -z "$bindir" ]; then
        ml_log "PostgreSQL server binaries not found; installing them with apt"
        ml_apt_install postgresql
        # The package may create and start a default cluster (port 5432); this script does
        # not use it, so it does not leave it running.
        if command -v pg_lsclusters >/dev/null 2>&1; then
            pg_lsclusters -h 2>/dev/null | awk '$4 == "online" { print $1, $2 }' |
                while read -r version cluster; do
                    pg_ctlcluster "$version" "$cluster" stop >/dev/null 2>&1 || true
                done
        fi
        bindir="$(ml_pg_bindir)" || true
        [ -n "$bindir" ] || ml_die "PostgreSQL is still missing after 'apt-get install postgresql'"
    fi
    local psql="$bindir/psql"
    [ -x "$psql" ] || psql="$(command -v psql)" || ml_die "psql not found"
    local pg_isready="$bindir/pg_isready"
    [ -x "$pg_isready" ] || pg_isready=""

    local pgdata="$data_dir/pg" logdir="$data_dir/logs"
    local logfile="$logdir/postgres.log"
    mkdir -p "$logdir"
    touch "$logfile"

    if [ "$(id -u)" -eq 0 ]; then
        if ! id postgres >/dev/null 2>&1; then
            ml_log "creating the 'postgres' OS user"
            useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
                --shell /bin/bash postgres || ml_die "useradd postgres failed"
        fi
        ml_make_traversable "$data_dir"
        mkdir -p "$pgdata"
        chown postgres: "$pgdata" "$logfile"
        chmod 700 "$pgdata"
    else
        mkdir -p "$pgdata"
        chmod 700 "$pgdata"
    fi

    if [ ! -s "$pgdata/PG_VERSION" ]; then
        ml_log "initializing a PostgreSQL cluster in $pgdata"
        ml_pg_as_owner "$bindir/initdb" -D "$pgdata" -U postgres --auth=trust \
            --encoding=UTF8 --no-locale >>"$logfile" 2>&1 \
            || { tail -n 30 "$logfile" >&2; ml_die "initdb failed (log: $logfile)"; }
        printf "\n# Magic Link: settings rewritten on every start by scripts/postgres.sh\ninclude_if_exists = 'magiclink.conf'\n" \
            >>"$pgdata/postgresql.conf"
    fi

    local running_port=""
    if [ -f "$pgdata/postmaster.pid" ] && ml_pg_as_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1; then
        running_port="$(sed -n 4p "$pgdata/postmaster.pid")"
        ml_log "reusing the PostgreSQL server already running on $pgdata (port $running_port)"
        [ "$running_port" = "$port" ] || ml_log "note: it listens on port $running_port, not $port"
        port="$running_port"
        ML_PG_STARTED=0
    else
        # A unix socket path must fit in 107 bytes; beyond that, TCP on 127.0.0.1 only.
        local socket_dir="$pgdata"
        [ "${#pgdata}" -lt 90 ] || socket_dir=""
        cat >"$pgdata/magiclink.conf" <<EOF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$socket_dir'
max_connections = 300
shared_buffers = 128MB
fsync = $fsync
synchronous_commit = $fsync
full_page_writes = $fsync
logging_collector = off
log_min_messages = warning
${ML_PG_EXTRA_CONF:-}
EOF
        [ "$(id -u)" -ne 0 ] || chown postgres: "$pgdata/magiclink.conf"
        ml_log "starting PostgreSQL on 127.0.0.1:$port (data: $pgdata, log: $logfile)"
        if ! ml_pg_as_owner "$bindir/pg_ctl" start -D "$pgdata" -l "$logfile" -w -t "${ML_PG_START_TIMEOUT:-60}" >/dev/null; then
            tail -n 30 "$logfile" >&2
            ml_die "PostgreSQL did not start on port $port (is the port taken? log: $logfile)"
        fi
        ML_PG_STARTED=1
    fi

    local deadline=$((SECONDS + ${ML_PG_START_TIMEOUT:-60}))
    until "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XtAqc 'SELECT 1' >/dev/null 2>&1; do
        if [ "$SECONDS" -ge "$deadline" ]; then
            [ -z "$pg_isready" ] || "$pg_isready" -h 127.0.0.1 -p "$port" >&2 || true
            tail -n 30 "$logfile" >&2
            ml_die "PostgreSQL on 127.0.0.1:$port does not accept connections (log: $logfile)"
        fi
        sleep 0.5
    done

    if [ "$("$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XtAqc \
        "SELECT 1 FROM pg_database WHERE datname = 'magiclink'")" != 1 ]; then
        "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -XqAc 'CREATE DATABASE magiclink' >/dev/null \
            || ml_die "could not create database magiclink"
    fi

    export MAGICLINK_DB="Host=127.0.0.1;Port=$port;Username=postgres;Database=magiclink;Maximum Pool Size=200"
}

ml_stop_postgres() {
    [ $# -ge 1 ] || ml_die "usage: ml_stop_postgres DATA_DIR"
    local pgdata="$1/pg" bindir
    [ -f "$pgdata/postmaster.pid" ] || return 0
    bindir="$(ml_pg_bindir)" || return 0
    ml_pg_as_owner "$bindir/pg_ctl" status -D "$pgdata" >/dev/null 2>&1 || return 0
    ml_log "stopping PostgreSQL ($pgdata)"
    ml_pg_as_owner "$bindir/pg_ctl" stop -D "$pgdata" -m fast -w -t 60 >/dev/null 2>&1 \
        || ml_pg_as_owner "$bindir/pg_ctl" stop -D "$pgdata" -m immediate -w -t 30 >/dev/null 2>&1 \
        || ml_log "warning: could not stop PostgreSQL in $pgdata"
}
