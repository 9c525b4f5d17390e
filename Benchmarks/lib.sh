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
# first 200 from /healthz). --rate-limit 0: the load comes from one address, which the
# shipped per-address limit exists to stop; real readers come from many.
start_server() {
    local db="$1"; shift
    local started; started=$(now_ms)
    "$BIN" serve --db "$db" --port "$PORT" --rate-limit 0 "$@" >"$WORK/server.log" 2>&1 &
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

# Waits up to 15 s for URL $1 to answer 2xx; else says that $2 did not start, and exits.
wait_for() {
    for _ in $(seq 1 750); do
        curl -fs "$1" >/dev/null 2>&1 && return 0
        sleep 0.02
    done
    echo "$2 did not start" >&2
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
    done | median_of_runs
}

# "requests/s p50_ms p99_ms" lines on stdin → the median of each column.
median_of_runs() {
    awk '
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

# Size of a database file in MB (one decimal).
size_mb() { awk -v b="$(stat -c %s "$1")" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# A new content:write token on database $1 (created and migrated if missing).
create_token() {
    "$BIN" token create --name bench --scope content:write --db "$1" 2>/dev/null | grep -o 'mh_[A-Za-z0-9_]*' | head -1
}

# Loads the generated publication $2 (of $1 articles) into a new database $3 the way a user
# would: exported, then POSTed through the admin API by Benchmarks/load.py (8 clients). Times
# that, and `masthead import` of the same export into another new database; keeps both
# figures ("load_s import_s") in $3.done, so later runs reuse the loaded database.
ensure_loaded() {
    local size="$1" source="$2" db="$3"
    [ -f "$db.done" ] && return 0
    local export="$WORK/export-$size.json" imported="$WORK/imported-$size.sqlite"
    echo "Loading $size articles through the API…" >&2
    "$BIN" export --db "$source" "$export" >&2
    rm -f "$db" "$db-wal" "$db-shm" "$imported" "$imported-wal" "$imported-shm"
    local token; token=$(create_token "$db")
    start_server "$db"
    local load_s
    load_s=$(python3 "$ROOT/Benchmarks/load.py" --url "http://127.0.0.1:$PORT" --token "$token" --export "$export")
    stop_server
    "$BIN" migrate --db "$imported" >/dev/null 2>&1
    local started; started=$(now_ms)
    "$BIN" import --db "$imported" "$export" >&2
    local import_s; import_s=$(awk -v ms="$(( $(now_ms) - started ))" 'BEGIN { printf "%.2f", ms / 1000 }')
    rm -f "$imported" "$imported-wal" "$imported-shm" "$export"
    echo "$load_s $import_s" >"$db.done"
}

# Datasette 0.65.5 and sqlite-utils from PyPI, in a virtual environment under $WORK; sets
# DATASETTE and SQLITE_UTILS.
ensure_datasette() {
    local venv="$WORK/datasette-venv"
    if [ ! -x "$venv/bin/datasette" ]; then
        echo "Installing Datasette 0.65.5…" >&2
        python3 -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check datasette==0.65.5 sqlite-utils >&2
    fi
    DATASETTE="$venv/bin/datasette"
    SQLITE_UTILS="$venv/bin/sqlite-utils"
}

# The content of Masthead database $1 in Datasette's layout at $2, as a Datasette user would
# keep it: articles with their Markdown (what was loaded), authors, tags and the links, an
# FTS5 index made by sqlite-utils (external content, as `enable-fts` makes it), indexes for
# the lookups the scenarios make, vacuumed.
ensure_datasette_db() {
    local source="$1" target="$2"
    [ -f "$target" ] && [ "$target" -nt "$source.done" ] && return 0
    rm -f "$target"
    sqlite3 "$target" <<SQL
ATTACH '$source' AS m;
CREATE TABLE authors (id INTEGER PRIMARY KEY, slug TEXT, name TEXT, bio TEXT, location TEXT);
INSERT INTO authors SELECT id, slug, name, bio, location FROM m.authors;
CREATE TABLE tags (id INTEGER PRIMARY KEY, slug TEXT, name TEXT, description TEXT);
INSERT INTO tags SELECT id, slug, name, description FROM m.tags;
CREATE TABLE articles (id INTEGER PRIMARY KEY, slug TEXT, title TEXT, excerpt TEXT, body TEXT, status TEXT,
    featured INTEGER, published_at TEXT, author_id INTEGER REFERENCES authors (id), views INTEGER,
    created_at TEXT, updated_at TEXT);
INSERT INTO articles SELECT a.id, a.slug, a.title, a.excerpt, b.markdown, a.status, a.featured, a.published_at,
    a.author_id, a.views, a.created_at, a.updated_at FROM m.articles a JOIN m.article_bodies b ON b.article_id = a.id;
CREATE TABLE article_tags (article_id INTEGER REFERENCES articles (id), tag_id INTEGER REFERENCES tags (id),
    position INTEGER, PRIMARY KEY (article_id, tag_id));
INSERT INTO article_tags SELECT article_id, tag_id, position FROM m.article_tags;
SQL
    "$SQLITE_UTILS" enable-fts "$target" articles title excerpt body --fts5 --create-triggers
    "$SQLITE_UTILS" create-index "$target" articles slug --unique
    "$SQLITE_UTILS" create-index "$target" articles published_at
    "$SQLITE_UTILS" create-index "$target" article_tags tag_id
    sqlite3 "$target" "VACUUM"
}

# The mixed load as a wrk script $1: of every 110 requests, 50 article reads across the slugs
# in file $2, 20 list pages (plain and by tag), 15 searches from the queries in file $3,
# 15 related-post lists and 10 view counts.
write_mixed_lua() {
    local script="$1" slugs="$2" queries="$3"
    local tags; tags=$(curl -fs "http://127.0.0.1:$PORT/v1/tags?limit=100" | grep -o '"slug":"[^"]*"' | cut -d'"' -f4 | tr '\n' ' ')
    cat >"$script" <<LUA
local slugs = {}
for line in io.lines("$slugs") do slugs[#slugs + 1] = line end
local queries = {}
for line in io.lines("$queries") do queries[#queries + 1] = line end
local tags = {}
for tag in string.gmatch("$tags", "%S+") do tags[#tags + 1] = tag end
math.randomseed(42)
request = function()
    local roll = math.random(110)
    local slug = slugs[math.random(#slugs)]
    if roll <= 50 then
        return wrk.format("GET", "/v1/articles/" .. slug)
    elseif roll <= 70 then
        if math.random(2) == 1 then
            return wrk.format("GET", "/v1/articles?limit=20&page=" .. math.random(20))
        end
        return wrk.format("GET", "/v1/articles?limit=20&tag=" .. tags[math.random(#tags)])
    elseif roll <= 85 then
        return wrk.format("GET", "/v1/search?q=" .. queries[math.random(#queries)])
    elseif roll <= 100 then
        return wrk.format("GET", "/v1/articles/" .. slug .. "/related")
    end
    return wrk.format("POST", "/v1/articles/" .. slug .. "/views")
end
LUA
}

# 20 writes a second beside the load: PATCH an article's featured flag back and forth, with
# token $1, over the slugs in file $2. Sets WRITER_PID; stop_writer ends it.
start_writer() {
    local token="$1" slugs="$2"
    (
        n=0
        count=$(wc -l <"$slugs")
        while true; do
            slug=$(sed -n "$(( (n % count) + 1 ))p" "$slugs")
            curl -fs -o /dev/null -X PATCH -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
                -d "{\"featured\":$([ $((n % 2)) = 0 ] && echo true || echo false)}" \
                "http://127.0.0.1:$PORT/v1/articles/$slug" || true
            n=$((n + 1))
            sleep 0.05
        done
    ) &
    WRITER_PID=$!
}

stop_writer() {
    [ -n "${WRITER_PID:-}" ] || return 0
    kill "$WRITER_PID" 2>/dev/null || true
    wait "$WRITER_PID" 2>/dev/null || true
    WRITER_PID=""
}

# $1 percent-encoded for a URL's query.
url_encode() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$1"; }

# 1,000 distinct searches into file $2, as readers type them: one or two (alternately) of
# the longer words of the titles in database $1.
write_queries() {
    # (awk stops reading after 1,000, which ends sqlite3 with SIGPIPE: not an error here.)
    { sqlite3 "$1" "SELECT lower(title) FROM articles ORDER BY id" |
        awk '{ n = 0; q = ""; want = 1 + NR % 2
               for (i = 1; i <= NF && n < want; i++) if (length($i) >= 5) { q = q (n ? "+" : "") $i; n++ }
               if (n == want && !(q in seen)) { seen[q] = 1; print q; if (++count == 1000) exit } }' >"$2"; } || true
}
