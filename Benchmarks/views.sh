#!/usr/bin/env bash
# Counting a view costs what answering /healthz costs, even under a flood meant to buy
# popularity: POST /v1/articles/{slug}/views from one address with a new User-Agent on
# every request, against GET /healthz, in the same run, the server as shipped (defaults:
# request log on, de-duplication on, at most 10 views per address and article).
#
#   Benchmarks/views.sh [--articles 1000] [--duration 10s] [--runs 3] [--connections 64]
set -euo pipefail

ARTICLES=1000
DURATION="10s"
RUNS=3
CONNECTIONS=64
THREADS=2
PORT=18090

while [ $# -gt 0 ]; do
    case "$1" in
        --articles) ARTICLES="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work"
mkdir -p "$WORK"
# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools wrk curl
build_release
trap stop_server EXIT

DB="$WORK/publication-$ARTICLES.sqlite"
ensure_publication "$ARTICLES" "$DB"
start_server "$DB"
URL="http://127.0.0.1:$PORT"
fetch_slugs "$WORK/view-slugs.txt" 100
COUNTED_BEFORE=$(curl -fs "$URL/metrics" | awk '/^masthead_views_counted_total/ { print $2 }')

# Every request a new User-Agent, all from 127.0.0.1: what `curl -A "$RANDOM"` in a loop does.
cat >"$WORK/views-flood.lua" <<LUA
local slugs = {}
for line in io.lines("$WORK/view-slugs.txt") do slugs[#slugs + 1] = line end
local counter = 0
request = function()
    counter = counter + 1
    local slug = slugs[(counter % #slugs) + 1]
    return wrk.format("POST", "/v1/articles/" .. slug .. "/views", { ["User-Agent"] = "flood/" .. counter })
end
LUA

HEALTHZ=$(measure "$URL/healthz")
VIEWS=$(measure -s "$WORK/views-flood.lua" "$URL")
COUNTED_AFTER=$(curl -fs "$URL/metrics" | awk '/^masthead_views_counted_total/ { print $2 }')
PEAK=$(peak_rss_mb)
stop_server

read -r H_RPS H_P50 H_P99 <<<"$HEALTHZ"
read -r V_RPS V_P50 V_P99 <<<"$VIEWS"
printf "\n# Views under a User-Agent flood (wrk -t%s -c%s -d%s, median of %s runs; %s cores; %s articles)\n\n" \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS" "$(nproc)" "$ARTICLES"
printf "| scenario | requests/s | p50 ms | p99 ms | vs /healthz |\n|---|---:|---:|---:|---:|\n"
printf "| baseline: GET /healthz | %s | %s | %s | 1.00 |\n" "$H_RPS" "$H_P50" "$H_P99"
printf "| POST views, one address, a new User-Agent each | %s | %s | %s | %s |\n" "$V_RPS" "$V_P50" "$V_P99" \
    "$(ratio "$V_RPS" "$H_RPS")"
printf "\nviews counted during the flood: %s (at most 10 per article for the one address: %s articles)\n" \
    "$(awk -v a="$COUNTED_AFTER" -v b="$COUNTED_BEFORE" 'BEGIN { printf "%d", a - b }')" \
    "$(wc -l <"$WORK/view-slugs.txt")"
printf "peak RSS %s MB\n" "$PEAK"
