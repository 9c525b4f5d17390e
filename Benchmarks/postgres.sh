#!/usr/bin/env bash
# Masthead on PostgreSQL against Masthead on SQLite, in the same run, on the same content
# loaded the same way (through the admin API): the scenarios of run.sh with the response cache
# on and off, one and two instances on one database, staleness across instances under load,
# and import. Run through `Benchmarks/run.sh --engine postgres`; see Benchmarks/README.md.
#
#   Benchmarks/run.sh --engine postgres [--sizes "10000"] [--duration 10s] [--runs 3]
#                     [--postgres postgres://user@host:port/postgres]
#
# Without --postgres it starts a throw-away cluster (Debian's postgresql, default settings,
# fsync on) under the postgres user in a temporary directory, as .ci/run does.
set -euo pipefail

SIZES="10000"
DURATION="10s"
RUNS=3
CONNECTIONS=64
THREADS=2
PORT=18080
SECOND_PORT=18083
SQLITE_PORT=18084
POSTGRES_URL=""

while [ $# -gt 0 ]; do
    case "$1" in
        --sizes) SIZES="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --connections) CONNECTIONS="$2"; shift 2 ;;
        --postgres) POSTGRES_URL="$2"; shift 2 ;;
        --engine) shift 2 ;;
        -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work"
mkdir -p "$WORK"
cd "$ROOT"

# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools wrk sqlite3 curl python3
pg_bin_dir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true; }
if ! need psql || { [ -z "$POSTGRES_URL" ] && [ -z "$(pg_bin_dir)" ]; }; then
    [ "$(id -u)" = "0" ] || { echo "Install postgresql first (apt-get install postgresql)." >&2; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
build_release

PGDATA_DIR=""
PG_BIN=""
SECOND_PID=""
SQLITE_PID=""
WRITER_PID=""
cleanup() {
    stop_server
    for pid in "$SECOND_PID" "$SQLITE_PID" "$WRITER_PID"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    if [ -n "$PGDATA_DIR" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
        rm -rf "$PGDATA_DIR"
    fi
}
trap cleanup EXIT

as_postgres() {
    if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi
}

if [ -z "$POSTGRES_URL" ]; then
    PG_BIN="$(pg_bin_dir)"
    PGDATA_DIR="$(mktemp -d /tmp/masthead-bench-pg.XXXXXX)"
    chown postgres "$PGDATA_DIR" 2>/dev/null || sudo chown postgres "$PGDATA_DIR"
    PG_PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_postgres "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres >/dev/null
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
        -o "-p $PG_PORT -k $PGDATA_DIR -c listen_addresses=127.0.0.1" start >/dev/null
    POSTGRES_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
fi
export PGOPTIONS="--client-min-messages=warning"
SERVER_URL="${POSTGRES_URL%%\?*}"
SERVER_URL="${SERVER_URL%/*}"

# A new, empty database named $1 on the server; prints its URL.
new_database() {
    psql "$SERVER_URL/postgres" -qc "DROP DATABASE IF EXISTS $1" >/dev/null
    psql "$SERVER_URL/postgres" -qc "CREATE DATABASE $1" >/dev/null
    echo "$SERVER_URL/$1?sslmode=disable"
}

# Starts a second server on database $1 at SECOND_PORT (as shipped otherwise); sets SECOND_PID.
start_second() {
    local db="$1"; shift
    "$BIN" serve --db "$db" --port "$SECOND_PORT" --rate-limit 0 "$@" >"$WORK/server-2.log" 2>&1 &
    SECOND_PID=$!
    wait_for "http://127.0.0.1:$SECOND_PORT/healthz" "the second instance (see $WORK/server-2.log)"
}

stop_second() {
    [ -n "$SECOND_PID" ] || return 0
    kill "$SECOND_PID" 2>/dev/null || true
    wait "$SECOND_PID" 2>/dev/null || true
    SECOND_PID=""
}

# wrk with the same arguments against both instances at once, half the connections each:
# "summed requests/s, the worse p50, the worse p99" (median over $RUNS like measure).
measure_pair() {
    local path_or_script=("$@")
    local half=$((CONNECTIONS / 2))
    wrk -t1 -c"$half" -d3s "${path_or_script[@]/PORT_PLACEHOLDER/$PORT}" >/dev/null 2>&1 &
    wrk -t1 -c"$half" -d3s "${path_or_script[@]/PORT_PLACEHOLDER/$SECOND_PORT}" >/dev/null 2>&1 || true
    wait || true
    for _ in $(seq 1 "$RUNS"); do
        local first second
        first=$(mktemp) second=$(mktemp)
        wrk -t1 -c"$half" -d"$DURATION" --latency "${path_or_script[@]/PORT_PLACEHOLDER/$PORT}" >"$first" &
        local one=$!
        wrk -t1 -c"$half" -d"$DURATION" --latency "${path_or_script[@]/PORT_PLACEHOLDER/$SECOND_PORT}" >"$second"
        wait "$one"
        paste <(parse_wrk <"$first") <(parse_wrk <"$second") |
            awk '{ printf "%.2f %.3f %.3f\n", $1 + $4, ($2 > $5 ? $2 : $5), ($3 > $6 ? $3 : $6) }'
        rm -f "$first" "$second"
    done | median_of_runs
}

SUMMARY=""
for SIZE in $SIZES; do
    SOURCE="$WORK/publication-$SIZE.sqlite"
    ensure_publication "$SIZE" "$SOURCE"
    SQLITE_DB="$WORK/loaded-$SIZE.sqlite"
    ensure_loaded "$SIZE" "$SOURCE" "$SQLITE_DB"
    read -r SQLITE_LOAD_S SQLITE_IMPORT_S <"$SQLITE_DB.done"

    # The same content into PostgreSQL as a user loads it: through the admin API (8 clients),
    # and `masthead import` of the same export into another database.
    EXPORT="$WORK/export-pg-$SIZE.json"
    "$BIN" export --db "$SOURCE" "$EXPORT" >&2
    PG_DB=$(new_database "masthead_bench_$SIZE")
    "$BIN" migrate --db "$PG_DB" >/dev/null
    TOKEN=$(create_token "$PG_DB")
    start_server "$PG_DB"
    echo "Loading $SIZE articles into PostgreSQL through the API…" >&2
    PG_LOAD_S=$(python3 "$ROOT/Benchmarks/load.py" --url "http://127.0.0.1:$PORT" --token "$TOKEN" --export "$EXPORT")
    stop_server
    IMPORTED_DB=$(new_database "masthead_bench_imported_$SIZE")
    "$BIN" migrate --db "$IMPORTED_DB" >/dev/null
    started=$(now_ms)
    "$BIN" import --db "$IMPORTED_DB" "$EXPORT" >&2
    PG_IMPORT_S=$(awk -v ms="$(( $(now_ms) - started ))" 'BEGIN { printf "%.2f", ms / 1000 }')
    psql "$SERVER_URL/postgres" -qc "DROP DATABASE masthead_bench_imported_$SIZE" >/dev/null
    rm -f "$EXPORT"
    psql "$PG_DB" -qc "VACUUM ANALYZE" >/dev/null
    PG_SIZE_MB=$(psql "$PG_DB" -Atc "SELECT round(pg_database_size(current_database()) / 1048576.0, 1)")

    # Slugs, a popular tag and 1,000 queries, as run.sh picks them.
    URL="http://127.0.0.1:$PORT"
    start_server "$SQLITE_DB" --views-dedupe-window 0
    curl -fs "$URL/v1/articles?limit=100&fields=slug" | grep -o '"slug":"[^"]*"' | cut -d'"' -f4 >"$WORK/slugs.txt"
    TAG=$(curl -fs "$URL/v1/tags?sort=-article_count&limit=1" | grep -o '"slug":"[^"]*"' | head -1 | cut -d'"' -f4)
    write_queries "$SQLITE_DB" "$WORK/queries.txt"
    fetch_slugs "$WORK/mixed-slugs.txt" 9500
    write_mixed_lua "$WORK/mixed.lua" "$WORK/mixed-slugs.txt" "$WORK/queries.txt"
    stop_server
    write_lua s1 GET "/v1/articles/%s" "$WORK/slugs.txt"
    write_lua s4 GET "/v1/search?q=%s" "$WORK/queries.txt"
    write_lua s4n GET "/v1/articles?q=%s&sort=-published_at" "$WORK/queries.txt"
    write_lua s5 POST "/v1/articles/%s/views" "$WORK/slugs.txt"
    write_lua s6 GET "/v1/articles/%s/related" "$WORK/slugs.txt"

    declare -A RESULT
    # Each engine as shipped (request log on; views counted every time for S5), cache on,
    # then cache off at -c$CONNECTIONS and with one client.
    for ENGINE in sqlite postgres; do
        DB=$([ "$ENGINE" = sqlite ] && echo "$SQLITE_DB" || echo "$PG_DB")
        start_server "$DB" --views-dedupe-window 0
        RESULT[$ENGINE.healthz]=$(measure "$URL/healthz")
        RESULT[$ENGINE.S1]=$(measure -s "$WORK/s1.lua" "$URL")
        RESULT[$ENGINE.S2]=$(measure "$URL/v1/articles?limit=20")
        RESULT[$ENGINE.S3]=$(measure "$URL/v1/articles?limit=20&tag=$TAG")
        RESULT[$ENGINE.S4c]=$(measure "$URL/v1/search?q=$(head -1 "$WORK/queries.txt")")
        RESULT[$ENGINE.S5]=$(measure -s "$WORK/s5.lua" "$URL")
        RESULT[$ENGINE.S6]=$(measure -s "$WORK/s6.lua" "$URL")
        RESULT[$ENGINE.rss]=$(peak_rss_mb)
        stop_server
        start_server "$DB" --cache-max-bytes 0
        RESULT[$ENGINE.startup]=$STARTUP_MS
        for KEY in S1 S2 S3 S4 S4n; do
            case "$KEY" in
                S1) ARGS=(-s "$WORK/s1.lua" "$URL") ;;
                S2) ARGS=("$URL/v1/articles?limit=20") ;;
                S3) ARGS=("$URL/v1/articles?limit=20&tag=$TAG") ;;
                S4) ARGS=(-s "$WORK/s4.lua" "$URL") ;;
                S4n) ARGS=(-s "$WORK/s4n.lua" "$URL") ;;
            esac
            RESULT[$ENGINE.${KEY}u]=$(measure "${ARGS[@]}")
            RESULT[$ENGINE.${KEY}u1]=$(THREADS=1 CONNECTIONS=1 measure "${ARGS[@]}")
        done
        stop_server
    done

    # Two PostgreSQL instances on the one database, each given half the connections; then
    # the mixed load (20 writes/s through the first) on both while a committed write through
    # the first is looked for on the second.
    start_server "$PG_DB" --cache-max-bytes 0
    start_second "$PG_DB" --cache-max-bytes 0
    RESULT[pair.S1u]=$(measure_pair -s "$WORK/s1.lua" "http://127.0.0.1:PORT_PLACEHOLDER")
    RESULT[pair.S2u]=$(measure_pair "http://127.0.0.1:PORT_PLACEHOLDER/v1/articles?limit=20")
    RESULT[pair.S3u]=$(measure_pair "http://127.0.0.1:PORT_PLACEHOLDER/v1/articles?limit=20&tag=$TAG")
    stop_second
    stop_server
    start_server "$PG_DB"
    start_second "$PG_DB"
    start_writer "$TOKEN" "$WORK/mixed-slugs.txt"
    STALENESS_OUT=$(mktemp)
    python3 "$ROOT/Benchmarks/staleness.py" --writer "http://127.0.0.1:$PORT" \
        --reader "http://127.0.0.1:$SECOND_PORT" --token "$TOKEN" --slugs "$WORK/mixed-slugs.txt" \
        --count 100 --start-after 3 >"$STALENESS_OUT" &
    STALENESS_PID=$!
    RESULT[pair.mixed]=$(measure_pair -s "$WORK/mixed.lua" "http://127.0.0.1:PORT_PLACEHOLDER")
    wait "$STALENESS_PID"
    STALENESS=$(cat "$STALENESS_OUT")
    rm -f "$STALENESS_OUT"
    # Again under a mixed load the two instances keep up with (-c4 each, the writes beside
    # it): a saturated queue makes every read, the probe's too, wait its turn.
    wrk -t1 -c4 -d120s -s "$WORK/mixed.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1 &
    FIRST_LOAD_PID=$!
    wrk -t1 -c4 -d120s -s "$WORK/mixed.lua" "http://127.0.0.1:$SECOND_PORT" >/dev/null 2>&1 &
    SECOND_LOAD_PID=$!
    STALENESS_MODERATE=$(python3 "$ROOT/Benchmarks/staleness.py" --writer "http://127.0.0.1:$PORT" \
        --reader "http://127.0.0.1:$SECOND_PORT" --token "$TOKEN" --slugs "$WORK/mixed-slugs.txt" \
        --count 100 --start-after 2)
    kill "$FIRST_LOAD_PID" "$SECOND_LOAD_PID" 2>/dev/null || true
    wait "$FIRST_LOAD_PID" "$SECOND_LOAD_PID" 2>/dev/null || true
    stop_writer
    MIXED_ERRORS=$(cat "$WORK/server.log" "$WORK/server-2.log" | grep -cE 'status=5[0-9]{2}( |$)' || true)
    stop_second
    stop_server
    # The same mixed load on one instance of each engine.
    for ENGINE in sqlite postgres; do
        if [ "$ENGINE" = sqlite ]; then
            DB="$WORK/mixed-$SIZE.sqlite"
            cp "$SQLITE_DB" "$DB"
            rm -f "$DB-wal" "$DB-shm"
            MIXED_TOKEN=$(create_token "$DB")
        else
            DB="$PG_DB" MIXED_TOKEN="$TOKEN"
        fi
        start_server "$DB"
        start_writer "$MIXED_TOKEN" "$WORK/mixed-slugs.txt"
        RESULT[$ENGINE.mixed]=$(THREADS=2 CONNECTIONS=32 measure -s "$WORK/mixed.lua" "$URL")
        stop_writer
        stop_server
    done
    rm -f "$WORK/mixed-$SIZE.sqlite" "$WORK/mixed-$SIZE.sqlite-wal" "$WORK/mixed-$SIZE.sqlite-shm"

    TABLE=$(
        printf "\n## %s articles: PostgreSQL against SQLite\n\n" "$SIZE"
        printf "Cache on, as shipped (request log on):\n\n"
        printf "| scenario | SQLite req/s | PostgreSQL req/s | ratio | SQLite p50 / p99 ms | PostgreSQL p50 / p99 ms |\n"
        printf "|---|---:|---:|---:|---:|---:|\n"
        for KEY in healthz S1 S2 S3 S4c S5 S6; do
            read -r SRPS S50 S99 <<<"${RESULT[sqlite.$KEY]}"
            read -r PRPS P50 P99 <<<"${RESULT[postgres.$KEY]}"
            case "$KEY" in
                healthz) LABEL="baseline: GET /healthz" ;;
                S1) LABEL="S1 article by slug, 100 slugs" ;;
                S2) LABEL="S2 newest 20" ;;
                S3) LABEL="S3 newest 20 tagged $TAG" ;;
                S4c) LABEL="S4 search, one query" ;;
                S5) LABEL="S5 view increments, dedupe off" ;;
                S6) LABEL="S6 related posts, 100 slugs" ;;
            esac
            printf "| %s | %s | %s | %s | %s / %s | %s / %s |\n" "$LABEL" "$SRPS" "$PRPS" "$(ratio "$PRPS" "$SRPS")" \
                "$S50" "$S99" "$P50" "$P99"
        done
        printf "\nCache off (\`--cache-max-bytes 0\`), -c%s and one client; two PostgreSQL instances on one database, -c%s each:\n\n" \
            "$CONNECTIONS" "$((CONNECTIONS / 2))"
        printf "| scenario | SQLite req/s | PostgreSQL req/s | ratio | two PostgreSQL instances req/s | SQLite 1 client p50 / p99 ms | PostgreSQL 1 client p50 / p99 ms |\n"
        printf "|---|---:|---:|---:|---:|---:|---:|\n"
        for KEY in S1 S2 S3 S4 S4n; do
            read -r SRPS _ _ <<<"${RESULT[sqlite.${KEY}u]}"
            read -r PRPS _ _ <<<"${RESULT[postgres.${KEY}u]}"
            read -r _ S50 S99 <<<"${RESULT[sqlite.${KEY}u1]}"
            read -r _ P50 P99 <<<"${RESULT[postgres.${KEY}u1]}"
            PAIR="-"
            [ -n "${RESULT[pair.${KEY}u]:-}" ] && read -r PAIR _ _ <<<"${RESULT[pair.${KEY}u]}"
            case "$KEY" in
                S1) LABEL="S1 article by slug" ;;
                S2) LABEL="S2 newest 20" ;;
                S3) LABEL="S3 newest 20 with a tag" ;;
                S4) LABEL="S4 ranked search, 1,000 queries" ;;
                S4n) LABEL="S4n search, newest first, 1,000 queries" ;;
            esac
            printf "| %s | %s | %s | %s | %s | %s / %s | %s / %s |\n" "$LABEL" "$SRPS" "$PRPS" "$(ratio "$PRPS" "$SRPS")" \
                "$PAIR" "$S50" "$S99" "$P50" "$P99"
        done
        printf "\nmixed load (wrk -c32, 20 writes/s beside it, defaults), requests/s, p50 / p99 ms:\n\n"
        for KEY in sqlite.mixed postgres.mixed pair.mixed; do
            read -r RPS P50 P99 <<<"${RESULT[$KEY]}"
            case "$KEY" in
                sqlite.mixed) LABEL="SQLite, one instance" ;;
                postgres.mixed) LABEL="PostgreSQL, one instance" ;;
                pair.mixed) LABEL="PostgreSQL, two instances (-c16 each), $MIXED_ERRORS 5xx" ;;
            esac
            printf -- "- %s: %s, %s / %s\n" "$LABEL" "$RPS" "$P50" "$P99"
        done
        printf "\ncross-instance staleness (a PATCH through the first instance, polled on the second): under the two-instance mixed load above %s; under the same mixed load at -c4 each %s\n" \
            "$STALENESS" "$STALENESS_MODERATE"
        printf "peak RSS cache on: SQLite %s MB, PostgreSQL %s MB; start-up to the first /healthz: SQLite %s ms, PostgreSQL %s ms\n" \
            "${RESULT[sqlite.rss]}" "${RESULT[postgres.rss]}" "${RESULT[sqlite.startup]}" "${RESULT[postgres.startup]}"
        printf "loading %s articles through the API (8 clients): SQLite %s s, PostgreSQL %s s; masthead import: SQLite %s s, PostgreSQL %s s\n" \
            "$SIZE" "$SQLITE_LOAD_S" "$PG_LOAD_S" "$SQLITE_IMPORT_S" "$PG_IMPORT_S"
        printf "database: SQLite %s MB, PostgreSQL %s MB\n" "$(size_mb "$SQLITE_DB")" "$PG_SIZE_MB"
    )
    echo "$TABLE"
    SUMMARY="$SUMMARY$TABLE
"
    unset RESULT
done

printf "\n# Summary (wrk -t%s -c%s -d%s, median of %s runs after a 3 s warm-up; %s cores; PostgreSQL %s)\n%s\n" \
    "$THREADS" "$CONNECTIONS" "$DURATION" "$RUNS" "$(nproc)" \
    "$(psql "$SERVER_URL/postgres" -Atc 'SHOW server_version' | cut -d' ' -f1)" "$SUMMARY"
