# Helpers the benchmark scripts share; sourced, not run. Expects ROOT, WORK, PORT, THREADS,
# CONNECTIONS, DURATION and RUNS to be set by the script that sources it.

need() { command -v "$1" >/dev/null 2>&1; }

# Installs the Debian packages named when a command of the same name is missing (as root).
require_tools() {
    local missing=()
    for tool in "$@"; do need "$tool" || missing+=("$tool"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = "0" ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "Install ${missing[*]} first (apt-get install ${missing[*]})." >&2
        exit 1
    fi
}

build_release() {
    echo "Building release…" >&2
    (cd "$ROOT" && swift build -c release --product masthead >&2)
    BIN="$ROOT/.build/release/masthead"
}

SERVER_PID=""
now_ms() { date +%s%3N; }

# Starts the server on database $1 with extra flags, as shipped otherwise (request log on,
# info level), its log to $WORK/server.log; sets SERVER_PID and STARTUP_MS (launch to the
# first 200 from /healthz).
start_server() {
    local db="$1"; shift
    local started; started=$(now_ms)
    "$BIN" serve --db "$db" --port "$PORT" "$@" >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 600); do
        if curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then
            STARTUP_MS=$(( $(now_ms) - started ))
            return 0
        fi
        sleep 0.01
    done
    echo "server did not start; see $WORK/server.log" >&2
    exit 1
}

stop_server() {
    [ -n "$SERVER_PID" ] || return 0
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=""
}

# Peak resident set of the server so far, in MB (VmHWM); and the current one (VmRSS).
peak_rss_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }
rss_mb() { awk '/VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

# Makes the publication of $1 articles at $2 once (masthead generate), kept for later runs.
ensure_publication() {
    local size="$1" db="$2"
    if [ ! -f "$db.done" ]; then
        rm -f "$db" "$db-wal" "$db-shm"
        echo "Generating $size articles…" >&2
        "$BIN" generate --articles "$size" --db "$db" >&2
        touch "$db.done"
    fi
}

# wrk output → "requests/s p50_ms p99_ms"
parse_wrk() {
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        /Non-2xx/ { errors = $NF }
        END { if (errors != "") rps = "ERR" errors; printf "%s %.3f %.3f\n", rps, p50, p99 }'
}

# Median of each column over $RUNS runs of wrk with the given arguments, after a warm-up.
measure() {
    wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$@" >/dev/null 2>&1 || true
    for _ in $(seq 1 "$RUNS"); do
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" | parse_wrk
    done | awk '
        { rps[NR] = $1; p50[NR] = $2; p99[NR] = $3 }
        function median(a, n,   i, j, t, b) {
            for (i = 1; i <= n; i++) b[i] = a[i]
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
            return b[int((n + 1) / 2)]
        }
        END { printf "%s %s %s\n", median(rps, NR), median(p50, NR), median(p99, NR) }'
}

# A wrk script $WORK/$1.lua sending $2 requests to the path template $3 (one %s), rotating
# over the lines of the file $4.
write_lua() {
    local name="$1" method="$2" template="$3" list="$4"
    cat >"$WORK/$name.lua" <<LUA
local items = {}
for line in io.lines("$list") do items[#items + 1] = line end
local counter = 0
request = function()
    counter = counter + 1
    local item = items[(counter % #items) + 1]
    return wrk.format("$method", string.format("$template", item))
end
LUA
}

# The first $2 slugs of the public list of the server, one a line, into file $1.
fetch_slugs() {
    local file="$1" count="$2" page=1
    : >"$file"
    while [ "$(wc -l <"$file")" -lt "$count" ]; do
        local got
        got=$(curl -fs "http://127.0.0.1:$PORT/v1/articles?limit=100&page=$page&fields=slug" |
            grep -o '"slug":"[^"]*"' | cut -d'"' -f4)
        [ -n "$got" ] || break
        echo "$got" >>"$file"
        page=$((page + 1))
    done
    head -n "$count" "$file" >"$file.tmp" && mv "$file.tmp" "$file"
}

# "N.NNN" ratio of $1 to $2, or "-".
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
