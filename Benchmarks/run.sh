#!/usr/bin/env bash
# Masthead benchmarks: builds release, generates synthetic publications, loads each through
# the admin API, and measures every scenario with wrk against baselines taken in the same
# run: nginx serving S1's exact response bytes as a static file (access log on), Masthead's
# own GET /healthz, and Datasette 0.65.5 serving the same content from its own layout.
#
#   Benchmarks/run.sh [--sizes "1000 10000 100000"] [--duration 10s] [--runs 3] [--connections 64]
#   Benchmarks/run.sh --engine postgres [...]   PostgreSQL against SQLite (Benchmarks/postgres.sh)
#
# Prints one table per publication size. See Benchmarks/README.md.
set -euo pipefail

if [[ " $* " == *" --engine postgres "* ]]; then
    exec "$(dirname "$0")/postgres.sh" "$@"
fi

SIZES="1000 10000 100000"
DURATION="10s"
RUNS=3
CONNECTIONS=64
THREADS=2
PORT=18080
NGINX_PORT=18081
DATASETTE_PORT=18082

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --engine) [ "$2" = sqlite ] || { echo "--engine is sqlite or postgres" >&2; exit 64; }; shift 2 ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work"
mkdir -p "$WORK"
cd "$ROOT"

# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools wrk nginx sqlite3 curl python3
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
build_release
ensure_datasette

NGINX_PID=""
DATASETTE_PID=""
WRITER_PID=""
cleanup() {
    stop_server
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
    [ -n "$DATASETTE_PID" ] && kill "$DATASETTE_PID" 2>/dev/null || true
    [ -n "$WRITER_PID" ] && kill "$WRITER_PID" 2>/dev/null || true
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
    access_log $root/access.log;
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
    wait_for "http://127.0.0.1:$NGINX_PORT/s1.json" "nginx (see $root/error.log)"
}

start_datasette() {
    "$DATASETTE" serve "$1" --port "$DATASETTE_PORT" --setting sql_time_limit_ms 20000 \
        >"$WORK/datasette.log" 2>&1 &
    DATASETTE_PID=$!
    wait_for "http://127.0.0.1:$DATASETTE_PORT/-/versions.json" "datasette (see $WORK/datasette.log)"
}

# A wrk script $WORK/$1.lua: GET the path template $2 with `%s` replaced by each line of $3
# in turn, and `%t` by the time now (RFC 3339), for Datasette's visibility filter.
write_get_lua() {
    local name="$1" template="$2" list="$3"
    cat >"$WORK/$name.lua" <<LUA
local items = {}
for line in io.lines("$list") do items[#items + 1] = line end
local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
local counter = 0
request = function()
    counter = counter + 1
    local path = string.gsub("$template", "%%s", (string.gsub(items[(counter % #items) + 1], "%%", "%%%%")))
    return wrk.format("GET", (string.gsub(path, "%%t", now)))
end
LUA
}

SUMMARY=""
for SIZE in $SIZES; do
    SOURCE="$WORK/publication-$SIZE.sqlite"
    ensure_publication "$SIZE" "$SOURCE"
    # What everything below measures: the generated content as a user loads it, through the
    # admin API (8 clients, one POST an article). Loading and importing are timed once, when
    # the loaded database is first made, and kept with it.
    DB="$WORK/loaded-$SIZE.sqlite"
    ensure_loaded "$SIZE" "$SOURCE" "$DB"
    read -r LOAD_S IMPORT_S <"$DB.done"
    DSDB="$WORK/datasette-$SIZE.db"
    ensure_datasette_db "$DB" "$DSDB"
    DSNAME="datasette-$SIZE"

    # As shipped (request log on), but for S5 counting every view: de-duplication off.
    start_server "$DB" --views-dedupe-window 0
    COLD_STARTUP_MS=$STARTUP_MS
    URL="http://127.0.0.1:$PORT"

    # 100 slugs to rotate over, a popular tag, 1,000 distinct one- and two-word searches
    # made of the longer words of titles, as readers type them.
    curl -fs "$URL/v1/articles?limit=100&fields=slug" | grep -o '"slug":"[^"]*"' | cut -d'"' -f4 >"$WORK/slugs.txt"
    TAG=$(curl -fs "$URL/v1/tags?sort=-article_count&limit=1" | grep -o '"slug":"[^"]*"' | head -1 | cut -d'"' -f4)
    TAG_ID=$(sqlite3 "$DB" "SELECT id FROM tags WHERE slug = '$TAG'")
    write_queries "$DB" "$WORK/queries.txt"
    FIRST_SLUG=$(head -1 "$WORK/slugs.txt")
    curl -fs "$URL/v1/articles/$FIRST_SLUG" -o "$WORK/s1.json"
    write_lua s1 GET "/v1/articles/%s" "$WORK/slugs.txt"
    write_lua s4 GET "/v1/search?q=%s" "$WORK/queries.txt"
    write_lua s4n GET "/v1/articles?q=%s&sort=-published_at" "$WORK/queries.txt"
    write_lua s5 POST "/v1/articles/%s/views" "$WORK/slugs.txt"
    write_lua s6 GET "/v1/articles/%s/related" "$WORK/slugs.txt"
    start_nginx

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
    kill "$NGINX_PID" 2>/dev/null || true
    NGINX_PID=""

    # Cache misses: the response cache off, at -c$CONNECTIONS and with one client.
    start_server "$DB" --views-dedupe-window 0 --cache-max-bytes 0
    for KEY in S1 S2 S3 S4 S4n; do
        case "$KEY" in
            S1) ARGS=(-s "$WORK/s1.lua" "$URL") ;;
            S2) ARGS=("$URL/v1/articles?limit=20") ;;
            S3) ARGS=("$URL/v1/articles?limit=20&tag=$TAG") ;;
            S4) ARGS=(-s "$WORK/s4.lua" "$URL") ;;
            S4n) ARGS=(-s "$WORK/s4n.lua" "$URL") ;;
        esac
        RESULT[${KEY}u]=$(measure "${ARGS[@]}")
        RESULT[${KEY}u1]=$(THREADS=1 CONNECTIONS=1 measure "${ARGS[@]}")
    done
    PEAK_RSS_UNCACHED=$(peak_rss_mb)
    stop_server

    # Datasette on the same content, in its layout (one process, as `datasette serve` runs).
    start_datasette "$DSDB"
    DS="http://127.0.0.1:$DATASETTE_PORT/$DSNAME"
    # Datasette's best case: no row count, facets or facet suggestions (each costs a scan).
    VISIBLE="status=published&published_at__lte=%t&_nocount=1&_nofacet=1&_nosuggest=1"
    write_get_lua d1 "/$DSNAME/articles.json?slug=%s&_nocount=1&_nofacet=1&_nosuggest=1&_shape=array" "$WORK/slugs.txt"
    write_get_lua d2 "/$DSNAME/articles.json?$VISIBLE&_sort_desc=published_at&_size=20&_shape=objects" "$WORK/slugs.txt"
    write_get_lua d3 "/$DSNAME/articles.json?$VISIBLE&_where=id+in+(select+article_id+from+article_tags+where+tag_id%3D$TAG_ID)&_sort_desc=published_at&_size=20&_shape=objects" "$WORK/slugs.txt"
    # Ranked, 20 results with snippets, visible articles only, and the count: what S4 answers.
    D4_SQL="select a.slug, a.title, snippet(articles_fts, -1, '<mark>', '</mark>', '…', 16) as snippet,
        (select count(*) from articles_fts join articles c on c.rowid = articles_fts.rowid
         where articles_fts match :q and c.status = 'published' and c.published_at <= :t) as total
        from articles_fts join articles a on a.rowid = articles_fts.rowid
        where articles_fts match :q and a.status = 'published' and a.published_at <= :t order by rank limit 20"
    write_get_lua d4 "/$DSNAME.json?sql=$(url_encode "$D4_SQL")&q=%s&t=%t&_shape=objects" "$WORK/queries.txt"
    write_get_lua d4n "/$DSNAME/articles.json?_search=%s&$VISIBLE&_sort_desc=published_at&_size=20&_shape=objects" "$WORK/queries.txt"
    for KEY in 1 2 3 4 4n; do
        RESULT[D$KEY]=$(measure -s "$WORK/d$KEY.lua" "http://127.0.0.1:$DATASETTE_PORT")
        RESULT[D${KEY}1]=$(THREADS=1 CONNECTIONS=1 measure -s "$WORK/d$KEY.lua" "http://127.0.0.1:$DATASETTE_PORT")
    done
    kill "$DATASETTE_PID" 2>/dev/null || true
    wait "$DATASETTE_PID" 2>/dev/null || true
    DATASETTE_PID=""

    # Mixed load at defaults, on a copy: reads, lists, searches, related, views, 20 writes/s.
    MIXED_DB="$WORK/mixed-$SIZE.sqlite"
    cp "$DB" "$MIXED_DB"
    rm -f "$MIXED_DB-wal" "$MIXED_DB-shm"
    MIXED_TOKEN=$(create_token "$MIXED_DB")
    start_server "$MIXED_DB"
    fetch_slugs "$WORK/mixed-slugs.txt" 9500
    write_mixed_lua "$WORK/mixed.lua" "$WORK/mixed-slugs.txt" "$WORK/queries.txt"
    start_writer "$MIXED_TOKEN" "$WORK/mixed-slugs.txt"
    RESULT[mixed]=$(THREADS=2 CONNECTIONS=32 measure -s "$WORK/mixed.lua" "$URL")
    stop_writer
    MIXED_ERRORS=$(grep -cE 'status=5[0-9]{2}( |$)' "$WORK/server.log" || true)
    stop_server
    rm -f "$MIXED_DB" "$MIXED_DB-wal" "$MIXED_DB-shm"

    NGINX_RPS=$(echo "${RESULT[nginx]}" | cut -d' ' -f1)
    TABLE=$(
        printf "\n## %s articles\n\n" "$SIZE"
        printf "Cache on, as shipped (request log on):\n\n"
        printf "| scenario | requests/s | p50 ms | p99 ms | vs nginx |\n|---|---:|---:|---:|---:|\n"
        for KEY in nginx healthz S1 S2 S3 S4c S5 S6; do
            read -r RPS P50 P99 <<<"${RESULT[$KEY]}"
            case "$KEY" in
                nginx) LABEL="baseline: nginx, S1's bytes as a static file, access log on" ;;
                healthz) LABEL="baseline: GET /healthz" ;;
                S1) LABEL="S1 article by slug, 100 slugs" ;;
                S2) LABEL="S2 newest 20" ;;
                S3) LABEL="S3 newest 20 tagged $TAG" ;;
                S4c) LABEL="S4 search, one query" ;;
                S5) LABEL="S5 view increments, dedupe off" ;;
                S6) LABEL="S6 related posts, 100 slugs" ;;
            esac
            printf "| %s | %s | %s | %s | %s |\n" "$LABEL" "$RPS" "$P50" "$P99" "$(ratio "$RPS" "$NGINX_RPS")"
        done
        printf "\nCache off on both sides (Masthead \`--cache-max-bytes 0\`), -c%s and one client:\n\n" "$CONNECTIONS"
        printf "| scenario | Masthead req/s | Datasette req/s | ratio | Masthead 1 client p50 / p99 ms | Datasette 1 client p50 / p99 ms |\n"
        printf "|---|---:|---:|---:|---:|---:|\n"
        for KEY in 1 2 3 4 4n; do
            read -r MRPS _ _ <<<"${RESULT[S${KEY}u]}"
            read -r DRPS _ _ <<<"${RESULT[D$KEY]}"
            read -r _ M50 M99 <<<"${RESULT[S${KEY}u1]}"
            read -r _ D50 D99 <<<"${RESULT[D${KEY}1]}"
            case "$KEY" in
                1) LABEL="S1 article by slug" ;;
                2) LABEL="S2 newest 20" ;;
                3) LABEL="S3 newest 20 with a tag" ;;
                4) LABEL="S4 ranked search, 1,000 queries" ;;
                4n) LABEL="S4n search, newest first, 1,000 queries" ;;
            esac
            printf "| %s | %s | %s | %s | %s / %s | %s / %s |\n" "$LABEL" "$MRPS" "$DRPS" "$(ratio "$MRPS" "$DRPS")" \
                "$M50" "$M99" "$D50" "$D99"
        done
        read -r RPS P50 P99 <<<"${RESULT[mixed]}"
        printf "\nmixed load (wrk -c32, 20 writes/s beside it, defaults): %s requests/s, p50 %s ms, p99 %s ms, %s 5xx\n" \
            "$RPS" "$P50" "$P99" "$MIXED_ERRORS"
        printf "peak RSS %s MB (cache on), %s MB (cache off); start-up %s ms to the first /healthz answer\n" \
            "$PEAK_RSS" "$PEAK_RSS_UNCACHED" "$COLD_STARTUP_MS"
        printf "loading %s articles through the API (8 clients): %s s; masthead import of the same: %s s\n" \
            "$SIZE" "$LOAD_S" "$IMPORT_S"
        printf "database %s MB; the same content in Datasette's layout %s MB (ratio %s)\n" \
            "$(size_mb "$DB")" "$(size_mb "$DSDB")" "$(ratio "$(size_mb "$DB")" "$(size_mb "$DSDB")")"
    )
    echo "$TABLE"
    SUMMARY="$SUMMARY$TABLE
"
    unset RESULT
done

printf "\n# Summary (wrk -t%s -c%s -d%s, median of %s runs after a 3 s warm-up; %s cores)\n%s\n" \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS" "$(nproc)" "$SUMMARY"
