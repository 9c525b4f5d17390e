#!/usr/bin/env bash
# Soak: a sustained mixed load against the server as shipped (defaults: request log on,
# cache on), printing every few seconds the server's resident memory, what of it the
# response cache holds, the size of the SQLite write-ahead log and how long /healthz takes;
# then a while after the load stops. The log must stay bounded throughout and be gone once
# the load ends; memory must level off.
#
# The load is run.sh's mixed load: wrk -c32, of every 110 requests 50 article reads across
# every slug, 20 list pages (plain and by tag), 15 one- or two-word searches made of title
# words, 15 related-post lists and 10 views (all from one address, so de-duplication counts
# each article once); plus 20 article writes a second (PATCH) from a loop beside it.
#
#   Benchmarks/soak.sh [--articles 10000] [--duration 180] [--every 5] [--connections 32]
set -euo pipefail

ARTICLES=10000
SECONDS_TOTAL=180
EVERY=5
CONNECTIONS=32
THREADS=2
PORT=18091

while [ $# -gt 0 ]; do
    case "$1" in
        --articles) ARTICLES="$2"; shift 2 ;;
        --duration) SECONDS_TOTAL="$2"; shift 2 ;;
        --every) EVERY="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work"
mkdir -p "$WORK"
# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools wrk curl sqlite3
build_release

WRITER_PID=""
WRK_PID=""
finish() {
    [ -n "$WRITER_PID" ] && kill "$WRITER_PID" 2>/dev/null || true
    [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
    stop_server
}
trap finish EXIT

SOURCE="$WORK/publication-$ARTICLES.sqlite"
ensure_publication "$ARTICLES" "$SOURCE"
DB="$WORK/soak.sqlite"
rm -f "$DB" "$DB-wal" "$DB-shm"
cp "$SOURCE" "$DB"
TOKEN=$(create_token "$DB")
start_server "$DB"
URL="http://127.0.0.1:$PORT"
fetch_slugs "$WORK/soak-slugs.txt" "$ARTICLES"
SLUG_COUNT=$(wc -l <"$WORK/soak-slugs.txt")
write_queries "$DB" "$WORK/soak-queries.txt"
write_mixed_lua "$WORK/soak.lua" "$WORK/soak-slugs.txt" "$WORK/soak-queries.txt"

wal_mb() { if [ -f "$DB-wal" ]; then awk -v b="$(stat -c %s "$DB-wal")" 'BEGIN { printf "%.1f", b / 1048576 }'; else echo 0.0; fi; }
healthz_ms() { curl -fs -o /dev/null -w '%{time_total}' "$URL/healthz" | awk '{ printf "%.1f", $1 * 1000 }'; }
cache_mb() { curl -fs "$URL/metrics" | awk '/^masthead_cache_bytes / { printf "%.1f", $2 / 1048576 }'; }
SAMPLES="$WORK/soak-samples.txt"
: >"$SAMPLES"
sample() {
    local rss wal
    rss="$(rss_mb)"
    wal="$(wal_mb)"
    echo "$1 $2 $rss $wal" >>"$SAMPLES"
    printf "| %5s | %-6s | %8s | %10s | %7s | %10s |\n" "$1" "$2" "$rss" "$(cache_mb)" "$wal" "$(healthz_ms)"
}

printf "\n# Soak: %s articles, wrk -t%s -c%s mixed load + 20 writes/s for %s s, then 30 s idle (%s cores)\n\n" \
    "$ARTICLES" "$THREADS" "$CONNECTIONS" "$SECONDS_TOTAL" "$(nproc)"
printf "| t (s) | phase  | RSS (MB) | cache (MB) | WAL (MB) | /healthz (ms) |\n|---:|---|---:|---:|---:|---:|\n"
sample 0 idle
start_writer "$TOKEN" "$WORK/soak-slugs.txt"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_TOTAL}s" --latency -s "$WORK/soak.lua" "$URL" >"$WORK/soak-wrk.txt" 2>&1 &
WRK_PID=$!
elapsed=0
while [ "$elapsed" -lt "$SECONDS_TOTAL" ]; do
    sleep "$EVERY"
    elapsed=$((elapsed + EVERY))
    sample "$elapsed" load
done
wait "$WRK_PID" 2>/dev/null || true
WRK_PID=""
stop_writer
for _ in 1 2 3; do
    sleep 10
    elapsed=$((elapsed + 10))
    sample "$elapsed" after
done
read -r RPS P50 P99 <<<"$(parse_wrk <"$WORK/soak-wrk.txt")"
# Flat after warm-up: RSS from the first sample at or after a third of the load (minute 10 of
# 30) to the last sample under load, and the largest WAL from then on.
awk -v from="$((SECONDS_TOTAL / 3))" '
    $2 == "load" && $1 >= from { if (start == "") { start = $3; wal0 = $4 } last = $3; if ($4 > walmax) walmax = $4 }
    END { printf "\nafter warm-up (t >= %d s): RSS %s -> %s MB (%+.1f%%); WAL %s MB at the start of it, at most %s MB\n",
        from, start, last, (last - start) * 100 / start, wal0, walmax }' "$SAMPLES"
printf "\nmixed load: %s requests/s, p50 %s ms, p99 %s ms; peak RSS %s MB; errors: %s\n" "$RPS" "$P50" "$P99" \
    "$(peak_rss_mb)" "$(grep -cE 'status=5[0-9]{2}( |$)' "$WORK/server.log" || true) 5xx lines in the request log"
