#!/usr/bin/env bash
# Media benchmarks, each against a baseline taken in the same run, with the release server as
# shipped (defaults, request log on):
#
#   1. Making a 640-px WebP and AVIF of a 12-megapixel JPEG: Masthead's first request for each
#      variant (a new server each run, so nothing is cached; the WebP's request also copies
#      the original out of the database) against libvips' own `vipsthumbnail` on the same file
#      with the same encoder settings (a process each time, as its command line runs).
#   2. Serving a variant already made: requests/s against nginx serving the same bytes as a
#      file (access log on).
#   3. Twenty 20 MiB uploads at once: the server's peak resident memory.
#   4. A decompression bomb (a 30,000 × 30,000 PNG of 68 bytes): how long its refusal takes.
#
#   Benchmarks/media.sh [--runs 5] [--duration 10s]
set -euo pipefail

RUNS=5
DURATION="10s"
CONNECTIONS=64
THREADS=2
PORT=18090
NGINX_PORT=18091
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) RUNS="$2"; shift 2 ;;
        --duration) DURATION="$2"; shift 2 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 64 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/Benchmarks/work/media"
rm -rf "$WORK"
mkdir -p "$WORK"
cd "$ROOT"
# shellcheck source=Benchmarks/lib.sh
. "$ROOT/Benchmarks/lib.sh"
require_tools wrk nginx curl python3 vips
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
build_release

NGINX_PID=""
cleanup() {
    stop_server
    [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
}
trap cleanup EXIT

# A 12-megapixel photo-like JPEG (smoothed noise, quality 90), made here.
echo "Making the images…" >&2
vips gaussnoise "$WORK/noise.v" 4000 3000 --mean 128 --sigma 60
vips cast "$WORK/noise.v" "$WORK/grey.v" uchar
vips bandjoin "$WORK/grey.v $WORK/grey.v $WORK/grey.v" "$WORK/rgb.v"
vips copy "$WORK/rgb.v" "$WORK/srgb.v" --interpretation srgb
vips gaussblur "$WORK/srgb.v" "$WORK/photo.v" 1.5
vips copy "$WORK/photo.v" "$WORK/photo.jpg[Q=90]"
# A 20 MiB upload: noise does not compress, so a PNG of it stays large; each copy gets its
# own bytes after IEND (which readers ignore), so that each is a new asset.
vips gaussnoise "$WORK/big.v" 2600 2700 --mean 128 --sigma 80
vips cast "$WORK/big.v" "$WORK/big8.v" uchar
vips bandjoin "$WORK/big8.v $WORK/big8.v $WORK/big8.v" "$WORK/big3.v"
vips pngsave "$WORK/big3.v" "$WORK/big.png" --compression 0
python3 - "$WORK" <<'PY'
import struct, sys, zlib
work = sys.argv[1]
data = open(f"{work}/big.png", "rb").read()
for n in range(20):
    open(f"{work}/upload-{n}.png", "wb").write(data + b"copy %d" % n)
ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 0, 0, 0, 0)
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", bytes([0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0])) + chunk(b"IEND", b"")
open(f"{work}/bomb.png", "wb").write(bomb)
PY
rm -f "$WORK"/*.v

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
seconds_ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

# 1. vipsthumbnail against Masthead's first render of each variant.
for format in webp avif; do
    # The encoder settings Masthead uses (ImageVariant.swift, shim.h): WebP Q80 effort 4,
    # AVIF Q55 effort 0; one libvips thread, as the server runs each image.
    options=$([ "$format" = webp ] && echo "Q=80,effort=4,strip" || echo "Q=55,effort=0,strip")
    for _ in $(seq 1 "$RUNS"); do
        started=$(date +%s%N)
        VIPS_CONCURRENCY=1 vipsthumbnail "$WORK/photo.jpg" --size 640 -o "$WORK/thumb.$format[$options]"
        echo $(( ($(date +%s%N) - started) / 1000 ))
    done | median >"$WORK/vipsthumbnail-$format.us"
done

DB="$WORK/media.sqlite"
TOKEN=$(create_token "$DB")
start_server "$DB"
HASH=$(sha256sum "$WORK/photo.jpg" | cut -c1-64)
curl -fs -o /dev/null -H "Authorization: Bearer $TOKEN" --data-binary @"$WORK/photo.jpg" \
    "http://127.0.0.1:$PORT/v1/media?filename=photo.jpg"
stop_server
: >"$WORK/masthead-webp.us"
: >"$WORK/masthead-avif.us"
for _ in $(seq 1 "$RUNS"); do
    start_server "$DB"
    for format in webp avif; do
        curl -fs -o "$WORK/served.$format" -w '%{time_total}\n' \
            "http://127.0.0.1:$PORT/media/$HASH/w640-$format/photo.jpg" |
            awk '{ printf "%d\n", $1 * 1000000 }' >>"$WORK/masthead-$format.us"
    done
    stop_server
done
for format in webp avif; do median <"$WORK/masthead-$format.us" >"$WORK/masthead-$format.median"; done

# 2. A variant already made, against nginx serving its bytes.
start_server "$DB"
curl -fs -o "$WORK/served.webp" "http://127.0.0.1:$PORT/media/$HASH/w640-webp/photo.jpg"
mkdir -p "$WORK/nginx/html" "$WORK/nginx/tmp"
cp "$WORK/served.webp" "$WORK/nginx/html/photo.webp"
cat >"$WORK/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/tmp;
    proxy_temp_path $WORK/nginx/tmp;
    fastcgi_temp_path $WORK/nginx/tmp;
    uwsgi_temp_path $WORK/nginx/tmp;
    scgi_temp_path $WORK/nginx/tmp;
    default_type image/webp;
    sendfile on;
    keepalive_requests 1000000;
    server { listen 127.0.0.1:$NGINX_PORT; root $WORK/nginx/html; }
}
CONF
"$NGINX" -c "$WORK/nginx/nginx.conf" >/dev/null 2>&1 &
NGINX_PID=$!
wait_for "http://127.0.0.1:$NGINX_PORT/photo.webp" "nginx (see $WORK/nginx/error.log)"
NGINX_RESULT=$(measure "http://127.0.0.1:$NGINX_PORT/photo.webp")
SERVED_RESULT=$(measure "http://127.0.0.1:$PORT/media/$HASH/w640-webp/photo.jpg")
stop_server

# 3 and 4. Twenty 20 MiB uploads at once; the bomb.
rm -f "$DB" "$DB-wal" "$DB-shm"
TOKEN=$(create_token "$DB")
start_server "$DB"
BEFORE_MB=$(rss_mb)
UPLOAD_STARTED=$(now_ms)
seq 0 19 | xargs -P 20 -I{} curl -fs -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" \
    --data-binary @"$WORK/upload-{}.png" "http://127.0.0.1:$PORT/v1/media?filename=upload-{}.png" >"$WORK/uploads.status"
UPLOAD_S=$(awk -v ms="$(( $(now_ms) - UPLOAD_STARTED ))" 'BEGIN { printf "%.1f", ms / 1000 }')
PEAK_MB=$(peak_rss_mb)
CREATED=$(grep -c '^201$' "$WORK/uploads.status" || true)
for _ in $(seq 1 "$RUNS"); do
    curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $TOKEN" \
        --data-binary @"$WORK/bomb.png" "http://127.0.0.1:$PORT/v1/media?filename=bomb.png"
done >"$WORK/bomb.txt"
BOMB_STATUS=$(cut -d' ' -f1 "$WORK/bomb.txt" | sort -u | tr '\n' ' ')
BOMB_MS=$(cut -d' ' -f2 "$WORK/bomb.txt" | median)
stop_server

UPLOAD_MB=$(awk -v b="$(stat -c %s "$WORK/upload-0.png")" 'BEGIN { printf "%.1f", b / 1048576 }')
echo
echo "## Media (median of $RUNS runs; wrk -t$THREADS -c$CONNECTIONS -d$DURATION)"
echo
echo "| measure | baseline | Masthead | ratio |"
echo "|---|---:|---:|---:|"
for format in webp avif; do
    base=$(cat "$WORK/vipsthumbnail-$format.us")
    ours=$(cat "$WORK/masthead-$format.median")
    echo "| 12 MP JPEG → 640-px $format, first request (ms) | vipsthumbnail $(seconds_ms "$(awk -v u="$base" 'BEGIN { print u / 1000000 }')") | $(seconds_ms "$(awk -v u="$ours" 'BEGIN { print u / 1000000 }')") | $(ratio "$base" "$ours")× its speed |"
done
echo "| a made variant, requests/s | nginx $(echo "$NGINX_RESULT" | cut -d' ' -f1) | $(echo "$SERVED_RESULT" | cut -d' ' -f1) | $(ratio "$(echo "$SERVED_RESULT" | cut -d' ' -f1)" "$(echo "$NGINX_RESULT" | cut -d' ' -f1)") |"
echo "| 20 uploads of $UPLOAD_MB MiB at once: peak RSS (MB) | $BEFORE_MB at rest | $PEAK_MB ($CREATED of 20 created in $UPLOAD_S s) | |"
echo "| 30,000 × 30,000 PNG bomb refused (ms) | | $(seconds_ms "$BOMB_MS") (status $BOMB_STATUS) | |"
