#!/usr/bin/env bash
# Editors never wait behind anonymous readers: an editor's p99 (a token's list of drafts and
# a PATCH, one at a time) alone, then while CLIENTS anonymous connections flood the server
# with related and search reads that miss the cache, in the same run, on the server as
# shipped (request log on) but for --rate-limit 0: the flood comes from one address here,
# standing for many (the per-address limit would otherwise answer most of it 429).
#
#   Benchmarks/editors.sh [--articles 10000] [--seconds 20] [--clients 32]
set -euo pipefail

ARTICLES=10000
SECONDS_EACH=20
CLIENTS=32
PORT=18091

while [ $# -gt 0 ]; do
    case "$1" in
        --articles) ARTICLES="$2"; shift 2 ;;
        --seconds) SECONDS_EACH="$2"; shift 2 ;;
        --clients) CLIENTS="$2"; shift 2 ;;
        -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work"
mkdir -p "$WORK"
# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools curl python3
build_release
trap stop_server EXIT

SOURCE="$WORK/publication-$ARTICLES.sqlite"
ensure_publication "$ARTICLES" "$SOURCE"
DB="$WORK/editors-$ARTICLES.sqlite"
rm -f "$DB" "$DB-wal" "$DB-shm"
sqlite3 "$SOURCE" ".backup '$DB'" 2>/dev/null || cp "$SOURCE" "$DB"
TOKEN=$(create_token "$DB")
start_server "$DB"
URL="http://127.0.0.1:$PORT"
fetch_slugs "$WORK/editor-slugs.txt" 2000
PROBE=(python3 "$ROOT/Benchmarks/editors.py" probe --url "$URL" --token "$TOKEN" --slugs "$WORK/editor-slugs.txt" --seconds "$SECONDS_EACH")

ALONE=$("${PROBE[@]}")
python3 "$ROOT/Benchmarks/editors.py" flood --url "$URL" --slugs "$WORK/editor-slugs.txt" \
    --seconds "$((SECONDS_EACH + 4))" --clients "$CLIENTS" >"$WORK/editors-flood.json" &
FLOOD_PID=$!
sleep 2
UNDER=$("${PROBE[@]}")
wait "$FLOOD_PID"
FLOOD=$(cat "$WORK/editors-flood.json")
stop_server

field() { python3 -c 'import json, sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
printf "\n# An editor under an anonymous flood (%s articles, %s s each, %s flood connections; %s cores)\n\n" \
    "$ARTICLES" "$SECONDS_EACH" "$CLIENTS" "$(nproc)"
printf "| editor | requests | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|\n"
printf "| alone | %s | %s | %s | %s |\n" "$(field "$ALONE" requests)" "$(field "$ALONE" p50_ms)" \
    "$(field "$ALONE" p99_ms)" "$(field "$ALONE" errors)"
printf "| under the flood | %s | %s | %s | %s |\n" "$(field "$UNDER" requests)" "$(field "$UNDER" p50_ms)" \
    "$(field "$UNDER" p99_ms)" "$(field "$UNDER" errors)"
printf "\np99 under the flood: +%s ms (%s× alone)\n" \
    "$(awk -v a="$(field "$UNDER" p99_ms)" -v b="$(field "$ALONE" p99_ms)" 'BEGIN { printf "%.1f", a - b }')" \
    "$(ratio "$(field "$UNDER" p99_ms)" "$(field "$ALONE" p99_ms)")"
printf "flood: %s requests, %s/s, statuses %s\n" "$(field "$FLOOD" requests)" "$(field "$FLOOD" per_second)" \
    "$(field "$FLOOD" statuses)"
