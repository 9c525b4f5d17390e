#!/usr/bin/env bash
# Masthead benchmarks: builds release, generates synthetic publications, and measures each
# scenario with wrk against two baselines taken in the same run: nginx serving S1's exact
# response bytes as a static file, and Masthead's own GET /healthz.
#
#   Benchmarks/run.sh [--sizes "1000 10000 100000"] [--duration 10s] [--runs 3] [--connections 64]
#
# Prints one table per publication size. See Benchmarks/README.md.
set -euo pipefail

SIZES="1000 10000 100000"
DURATION="10s"
RUNS=3
CONNECTIONS=64
THREADS=2
PORT=18080
NGINX_PORT=18081

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work"
mkdir -p "$WORK"
cd "$ROOT"

# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools wrk nginx sqlite3 curl
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
build_release

NGINX_PID=""
cleanup() {
    stop_server
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT

start_nginx() {
    local root="$WORK/nginx"
    mkdir -p "$root/html" "$root/tmp"
    cp "$WORK/s1.json" "$root/html/s1.json"
    cat >"$root/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $root/nginx.pid;
error_log $root/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $root/tmp;
    proxy_temp_path $root/tmp;
    fastcgi_temp_path $root/tmp;
    uwsgi_temp_path $root/tmp;
    scgi_temp_path $root/tmp;
    default_type application/json;
    sendfile on;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $root/html;
    }
}
CONF
    "$NGINX" -c "$root/nginx.conf" >/dev/null 2>&1 &
    NGINX_PID=$!
    for _ in $(seq 1 200); do
        curl -fs "http://127.0.0.1:$NGINX_PORT/s1.json" >/dev/null 2>&1 && return 0
        sleep 0.02
    done
    echo "nginx did not start; see $root/error.log" >&2
    exit 1
}

SUMMARY=""
for SIZE in $SIZES; do
    DB="$WORK/publication-$SIZE.sqlite"
    ensure_publication "$SIZE" "$DB"

    # As shipped (request log on), but for S5 counting every view: de-duplication off.
    start_server "$DB" --views-dedupe-window 0
    COLD_STARTUP_MS=$STARTUP_MS

    # 100 slugs to rotate over, a popular tag, 1,000 distinct search words.
    curl -fs "http://127.0.0.1:$PORT/v1/articles?limit=100&fields=slug" | grep -o '"slug":"[^"]*"' | cut -d'"' -f4 >"$WORK/slugs.txt"
    TAG=$(curl -fs "http://127.0.0.1:$PORT/v1/tags?sort=-article_count&limit=1" | grep -o '"slug":"[^"]*"' | head -1 | cut -d'"' -f4)
    # Search words as readers type them: two longer words from a title.
    # (awk stops reading after 1,000, which ends sqlite3 with SIGPIPE: not an error here.)
    { sqlite3 "$DB" "SELECT lower(title) FROM articles ORDER BY id" |
        awk '{ n = 0; q = ""; for (i = 1; i <= NF && n < 2; i++) if (length($i) >= 5) { q = q (n ? "+" : "") $i; n++ }
               if (n == 2 && !(q in seen)) { seen[q] = 1; print q; if (++count == 1000) exit } }' >"$WORK/queries.txt"; } || true
    FIRST_SLUG=$(head -1 "$WORK/slugs.txt")
    curl -fs "http://127.0.0.1:$PORT/v1/articles/$FIRST_SLUG" -o "$WORK/s1.json"
    write_lua s1 GET "/v1/articles/%s" "$WORK/slugs.txt"
    write_lua s4 GET "/v1/search?q=%s" "$WORK/queries.txt"
    write_lua s5 POST "/v1/articles/%s/views" "$WORK/slugs.txt"
    write_lua s6 GET "/v1/articles/%s/related" "$WORK/slugs.txt"
    start_nginx

    URL="http://127.0.0.1:$PORT"
    declare -A RESULT
    RESULT[nginx]=$(measure "http://127.0.0.1:$NGINX_PORT/s1.json")
    RESULT[healthz]=$(measure "$URL/healthz")
    RESULT[S1]=$(measure -s "$WORK/s1.lua" "$URL")
    RESULT[S2]=$(measure "$URL/v1/articles?limit=20")
    RESULT[S3]=$(measure "$URL/v1/articles?limit=20&tag=$TAG")
    RESULT[S4c]=$(measure "$URL/v1/search?q=$(head -1 "$WORK/queries.txt")")
    RESULT[S5]=$(measure -s "$WORK/s5.lua" "$URL")
    RESULT[S6]=$(measure -s "$WORK/s6.lua" "$URL")
    PEAK_RSS=$(peak_rss_mb)
    stop_server

    # Uncached search: the response cache off, 1,000 distinct queries.
    start_server "$DB" --views-dedupe-window 0 --cache-max-bytes 0
    RESULT[S4u]=$(measure -s "$WORK/s4.lua" "$URL")
    PEAK_RSS_UNCACHED=$(peak_rss_mb)
    stop_server
    kill "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""

    NGINX_RPS=$(echo "${RESULT[nginx]}" | cut -d' ' -f1)
    TABLE=$(
        printf "\n## %s articles\n\n" "$SIZE"
        printf "| scenario | requests/s | p50 ms | p99 ms | vs nginx |\n|---|---:|---:|---:|---:|\n"
        for KEY in nginx healthz S1 S2 S3 S4c S4u S5 S6; do
            read -r RPS P50 P99 <<<"${RESULT[$KEY]}"
            case "$KEY" in
                nginx) LABEL="baseline: nginx, S1's bytes as a static file" ;;
                healthz) LABEL="baseline: GET /healthz" ;;
                S1) LABEL="S1 article by slug, 100 slugs" ;;
                S2) LABEL="S2 newest 20" ;;
                S3) LABEL="S3 newest 20 tagged $TAG" ;;
                S4c) LABEL="S4 search, cache on, one query" ;;
                S4u) LABEL="S4 search, cache off, 1,000 queries" ;;
                S5) LABEL="S5 view increments, dedupe off" ;;
                S6) LABEL="S6 related posts, 100 slugs" ;;
            esac
            RATIO=$(ratio "$RPS" "$NGINX_RPS")
            printf "| %s | %s | %s | %s | %s |\n" "$LABEL" "$RPS" "$P50" "$P99" "$RATIO"
        done
        printf "\npeak RSS %s MB (cache on), %s MB (cache off); start-up %s ms to the first /healthz answer\n" \
            "$PEAK_RSS" "$PEAK_RSS_UNCACHED" "$COLD_STARTUP_MS"
        printf "database %s MB\n" "$(du -m "$DB" | cut -f1)"
    )
    echo "$TABLE"
    SUMMARY="$SUMMARY$TABLE
"
    unset RESULT
done

printf "\n# Summary (wrk -t%s -c%s -d%s, median of %s runs after a 3 s warm-up; %s cores)\n%s\n" \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS" "$(nproc)" "$SUMMARY"
