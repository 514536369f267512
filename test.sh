#!/usr/bin/env bash
# Builds the solution and runs the whole test suite against a throwaway PostgreSQL.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter Name~Redeem).
# The last line is always `tests: N passed, N failed[, N skipped]`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
cd "$ROOT"
# shellcheck source=scripts/postgres.sh
source "$ROOT/scripts/postgres.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
RESULTS="$ROOT/TestResults"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/magiclink-test.XXXXXX")"
PG_STARTED=0
SUMMARY_PRINTED=0

summary() {
    local line="tests: $1 passed, $2 failed"
    [ "${3:-0}" -eq 0 ] || line="$line, $3 skipped"
    printf '%s\n' "$line"
    SUMMARY_PRINTED=1
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
    local rc=$?
    trap '' INT TERM
    trap - EXIT
    if [ "$PG_STARTED" = 1 ]; then
        ml_stop_postgres "$WORK" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
    # Whatever went wrong before the tests ran, the last line still tells the count.
    if [ "$SUMMARY_PRINTED" = 0 ]; then
        summary 0 0
        [ "$rc" -ne 0 ] || rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v dotnet >/dev/null 2>&1 || ml_die "the .NET 10 SDK is required (https://dot.net)"

# ---- database ---------------------------------------------------------------------------
if [ -n "${MAGICLINK_TEST_DB:-}" ]; then
    ml_log "MAGICLINK_TEST_DB is set: using that database"
elif [ -n "${MAGICLINK_DB:-}" ]; then
    ml_log "MAGICLINK_DB is set: the tests use that database"
    MAGICLINK_TEST_DB="$MAGICLINK_DB"
else
    PG_STARTED=1 # set first: a half-started server is still stopped at exit
    ml_start_postgres "$WORK" "${MAGICLINK_TEST_PG_PORT:-55433}" --no-fsync
    MAGICLINK_TEST_DB="$MAGICLINK_DB"
fi
export MAGICLINK_TEST_DB
# Anything the tests' hosts write under the data dir goes to the throwaway dir too.
export MAGICLINK_DATA_DIR="$WORK/data"

# The browser tests drive the machine's Chromium (browser downloads are not possible here).
if [ ! -x /usr/bin/chromium ]; then
    ml_log "installing chromium for the browser tests"
    (ml_apt_install chromium) || ml_log "warning: chromium could not be installed; browser tests will fail"
fi

# ---- build ------------------------------------------------------------------------------
ml_log "restoring and building (Release)"
dotnet restore MagicLink.sln -nologo -v quiet || ml_die "dotnet restore failed"
dotnet build MagicLink.sln -c Release --no-restore -nologo -v quiet --disable-build-servers \
    || ml_die "the build failed (see the errors above)"

# ---- tests ------------------------------------------------------------------------------
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
test_rc=0
# Default TRX names: a fixed LogFileName would let test projects overwrite each other's file.
dotnet test MagicLink.sln -c Release --no-build --nologo \
    --logger trx --logger "console;verbosity=normal" \
    --results-directory "$RESULTS" "$@" || test_rc=$?

# ---- summary from the TRX files (one per test project) ---------------------------------
# <Counters total="3" executed="2" passed="1" failed="1" error="0" timeout="0" aborted="0" ...
# notExecuted="1" .../>: skipped tests are total - executed.
read -r passed failed skipped files < <(
    find "$RESULTS" -name '*.trx' -type f -print0 |
        xargs -0 -r cat |
        tr '\n' ' ' |
        grep -o '<Counters [^>]*>' |
        awk '
            function attr(name,   m) {
                if (match($0, name "=\"[0-9]+\"")) {
                    m = substr($0, RSTART, RLENGTH)
                    gsub(/[^0-9]/, "", m)
                    return m + 0
                }
                return 0
            }
            {
                n++
                p += attr("passed")
                f += attr("failed") + attr("error") + attr("timeout") + attr("aborted")
                s += attr("total") - attr("executed")
            }
            END { printf "%d %d %d %d\n", p, f, s, n }'
)
passed="${passed:-0}" failed="${failed:-0}" skipped="${skipped:-0}" files="${files:-0}"

# A CI log is often read from its tail only: name each failed test there, with the first
# lines of its message, so a failure far up the log is not a bare count.
if [ "$failed" -gt 0 ]; then
    find "$RESULTS" -name '*.trx' -type f -print0 | xargs -0 -r perl -0777 -ne '
        while (/<UnitTestResult [^>]*?testName="([^"]*)"[^>]*?outcome="(?:Failed|Error|Timeout|Aborted)"(.*?)<\/UnitTestResult>/gs) {
            my ($name, $body) = ($1, $2);
            my ($message) = $body =~ /<Message>(.*?)<\/Message>/s;
            $message //= "(no message)";
            for ($name, $message) { s/&lt;/</g; s/&gt;/>/g; s/&quot;/"/g; s/&apos;/\x27/g; s/&amp;/&/g; }
            my @lines = grep { /\S/ } split /\n/, $message;
            print "[magiclink] failed: $name\n";
            print "[magiclink]     $_\n" for @lines[0 .. ($#lines < 4 ? $#lines : 4)];
        }' || true
fi

rc=0
if [ "$files" -eq 0 ]; then
    ml_log "no test results were written to $RESULTS"
    rc=1
fi
if [ "$test_rc" -ne 0 ]; then
    ml_log "dotnet test exited with code $test_rc"
    rc=1
fi
if [ "$failed" -gt 0 ]; then
    rc=1
fi
if [ $((passed + failed)) -eq 0 ]; then
    ml_log "no tests ran"
    rc=1
fi
summary "$passed" "$failed" "$skipped"
exit "$rc"
