#!/usr/bin/env bash
# Soak: a sustained mixed load against the server as shipped (defaults: request log on,
# cache on), printing every few seconds the server's resident memory, what of it the
# response cache holds, the size of the SQLite write-ahead log and how long /healthz takes;
# then a while after the load stops. The log must stay bounded throughout and be gone once
# the load ends; memory must level off.
#
# The load: wrk -c32 over 45% article reads across every slug, 5% views (all from one
# address, so de-duplication counts each article once), 20% list pages (plain and by tag),
# 15% two-word searches and 15% related posts; plus 20 article writes a second (PATCH)
# from a loop beside it.
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
require_tools wrk curl
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
TOKEN=$("$BIN" token create --name soak --scope content:write --db "$DB" 2>/dev/null | grep -o 'mh_[A-Za-z0-9]*' | head -1)
start_server "$DB"
URL="http://127.0.0.1:$PORT"
fetch_slugs "$WORK/soak-slugs.txt" "$ARTICLES"
SLUG_COUNT=$(wc -l <"$WORK/soak-slugs.txt")
TAGS=$(curl -fs "$URL/v1/tags?limit=100" | grep -o '"slug":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
WORDS="clarity team data release design system product launch review growth market service"

cat >"$WORK/soak.lua" <<LUA
local slugs = {}
for line in io.lines("$WORK/soak-slugs.txt") do slugs[#slugs + 1] = line end
local tags = {}
for tag in string.gmatch("$TAGS", "%S+") do tags[#tags + 1] = tag end
local words = {}
for word in string.gmatch("$WORDS", "%S+") do words[#words + 1] = word end
math.randomseed(42)
request = function()
    local roll = math.random(100)
    local slug = slugs[math.random(#slugs)]
    if roll <= 45 then
        return wrk.format("GET", "/v1/articles/" .. slug)
    elseif roll <= 50 then
        return wrk.format("POST", "/v1/articles/" .. slug .. "/views")
    elseif roll <= 70 then
        local page = math.random(20)
        if math.random(2) == 1 then
            return wrk.format("GET", "/v1/articles?limit=20&page=" .. page)
        end
        return wrk.format("GET", "/v1/articles?limit=20&tag=" .. tags[math.random(#tags)])
    elseif roll <= 85 then
        return wrk.format("GET", "/v1/search?q=" .. words[math.random(#words)] .. "+" .. words[math.random(#words)])
    end
    return wrk.format("GET", "/v1/articles/" .. slug .. "/related")
end
LUA

# 20 writes a second: PATCH one article's featured flag back and forth.
writer() {
    local n=0
    while true; do
        local slug; slug=$(sed -n "$(( (n % SLUG_COUNT) + 1 ))p" "$WORK/soak-slugs.txt")
        curl -fs -o /dev/null -X PATCH -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
            -d "{\"featured\":$([ $((n % 2)) = 0 ] && echo true || echo false)}" "$URL/v1/articles/$slug" || true
        n=$((n + 1))
        sleep 0.05
    done
}

wal_mb() { if [ -f "$DB-wal" ]; then awk -v b="$(stat -c %s "$DB-wal")" 'BEGIN { printf "%.1f", b / 1048576 }'; else echo 0.0; fi; }
healthz_ms() { curl -fs -o /dev/null -w '%{time_total}' "$URL/healthz" | awk '{ printf "%.1f", $1 * 1000 }'; }
cache_mb() { curl -fs "$URL/metrics" | awk '/^masthead_cache_bytes / { printf "%.1f", $2 / 1048576 }'; }
sample() {
    printf "| %5s | %-6s | %8s | %10s | %7s | %10s |\n" "$1" "$2" "$(rss_mb)" "$(cache_mb)" "$(wal_mb)" "$(healthz_ms)"
}

printf "\n# Soak: %s articles, wrk -t%s -c%s mixed load + 20 writes/s for %s s, then 30 s idle (%s cores)\n\n" \
    "$ARTICLES" "$THREADS" "$CONNECTIONS" "$SECONDS_TOTAL" "$(nproc)"
printf "| t (s) | phase  | RSS (MB) | cache (MB) | WAL (MB) | /healthz (ms) |\n|---:|---|---:|---:|---:|---:|\n"
sample 0 idle
writer &
WRITER_PID=$!
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
kill "$WRITER_PID" 2>/dev/null || true
wait "$WRITER_PID" 2>/dev/null || true
WRITER_PID=""
for _ in 1 2 3; do
    sleep 10
    elapsed=$((elapsed + 10))
    sample "$elapsed" after
done
read -r RPS P50 P99 <<<"$(parse_wrk <"$WORK/soak-wrk.txt")"
printf "\nmixed load: %s requests/s, p50 %s ms, p99 %s ms; peak RSS %s MB; errors: %s\n" "$RPS" "$P50" "$P99" \
    "$(peak_rss_mb)" "$(grep -cE 'status=5[0-9]{2}( |$)' "$WORK/server.log" || true) 5xx lines in the request log"
