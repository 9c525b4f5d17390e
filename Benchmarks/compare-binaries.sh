#!/usr/bin/env bash
# Two builds of masthead on the same PostgreSQL database, turn about: the server's CPU time
# per request and the requests answered, with the response cache off (so every read reaches
# the database; a real cache miss also looks the response up and stores it, which this
# leaves out), the server otherwise as shipped (request log on, to a file). CPU per request
# is the figure to trust on a shared machine: a neighbour's load moves throughput far more
# than it moves CPU time.
#
#   Benchmarks/compare-binaries.sh OLD_BINARY NEW_BINARY POSTGRES_URL [--rounds 3] [--duration 6s]
#
# POSTGRES_URL names an existing database; the first binary loads the demo into it if empty.
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,11p' "$0"; exit 64; }
OLD="$1"; NEW="$2"; URL="$3"; shift 3
ROUNDS=3
DURATION="6s"
PORT=18095
while [ $# -gt 0 ]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done
WORK="$(mktemp -d)"
# shellcheck source=Benchmarks/lib.sh
source "$(dirname "$0")/lib.sh"
trap stop_server EXIT

# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

BIN="$OLD"
start_server "$URL" --demo --no-demo-token
stop_server

for round in $(seq "$ROUNDS"); do
    for BIN in "$OLD" "$NEW"; do
        start_server "$URL" --cache-max-bytes 0
        wrk -t2 -c16 -d2s "http://127.0.0.1:$PORT/v1/articles/go-in-production" > /dev/null
        line="round $round $BIN:"
        for path in "/v1/articles/go-in-production" "/v1/articles?limit=10"; do
            before=$(cpu_ticks "$SERVER_PID")
            report=$(wrk -t2 -c16 -d"$DURATION" "http://127.0.0.1:$PORT$path")
            after=$(cpu_ticks "$SERVER_PID")
            if grep -q "Non-2xx" <<< "$report"; then
                echo "$BIN answered errors on $path; see $WORK/server.log" >&2
                exit 1
            fi
            answered=$(awk '/requests in/ {print $1}' <<< "$report")
            line="$line  $path $(( (after - before) * TICK_US / answered )) µs CPU/request ($answered requests)"
        done
        echo "$line"
        stop_server
    done
done
