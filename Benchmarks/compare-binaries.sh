#!/usr/bin/env bash
# Two builds of masthead on the same PostgreSQL database, turn about: the server's CPU time
# per request and the requests answered, for reads that miss the response cache (it is off),
# the server otherwise as shipped (request log on). CPU per request is the figure to trust
# on a shared machine: a neighbour's load moves throughput far more than it moves CPU time.
#
#   Benchmarks/compare-binaries.sh OLD_BINARY NEW_BINARY POSTGRES_URL [--rounds 3] [--duration 6s]
#
# POSTGRES_URL names an existing database; the first binary loads the demo into it if empty.
set -euo pipefail

[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 64; }
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

# utime + stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

"$OLD" serve --demo --no-demo-token --db "$URL" --port "$PORT" > /dev/null 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf "localhost:$PORT/healthz" > /dev/null && break; sleep 0.2; done
kill "$pid"; wait "$pid" 2> /dev/null || true

for round in $(seq "$ROUNDS"); do
    for binary in "$OLD" "$NEW"; do
        "$binary" serve --db "$URL" --port "$PORT" --cache-max-bytes 0 --rate-limit 0 > /dev/null 2>&1 &
        pid=$!
        for _ in $(seq 100); do curl -sf "localhost:$PORT/healthz" > /dev/null && break; sleep 0.2; done
        wrk -t2 -c16 -d2s "http://localhost:$PORT/v1/articles/go-in-production" > /dev/null
        line="round $round $binary:"
        for path in "/v1/articles/go-in-production" "/v1/articles?limit=10"; do
            before=$(cpu_ticks "$pid")
            answered=$(wrk -t2 -c16 -d"$DURATION" "http://localhost:$PORT$path" | awk '/requests in/ {print $1}')
            after=$(cpu_ticks "$pid")
            line="$line  $path $(( (after - before) * TICK_US / answered )) µs CPU/request ($answered requests)"
        done
        echo "$line"
        kill "$pid"; wait "$pid" 2> /dev/null || true
    done
done
