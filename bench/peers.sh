#!/usr/bin/env bash
# Letopis side by side with its peers on the same articles and the same
# queries: raw Xapian through its C++ API (the lower bound for our stack),
# Sphinx 2.2 (Debian's sphinxsearch, queried through its MySQL protocol) and
# PostgreSQL full-text search, plus Letopis itself in-process and, given a
# URL, over HTTP. One export of the corpus feeds every peer's index (each
# full build is timed); Sphinx's searchd and a throwaway PostgreSQL cluster
# run on loopback from BUILD_DIR/peers-work and are stopped on exit, whatever
# happened. One seeded query log (1-3 word Russian and English queries drawn
# from the Letopis index's titles) runs against each engine at concurrency 1
# (each query once, in order, after an untimed pass) and 8 (for DURATION
# seconds), without and with a year facet. The engines take turns, ROUNDS
# times, each round starting with the next engine: this machine's speed
# drifts by tens of percent over minutes, and one engine measured minutes
# after another would carry the drift into their ratio. Each figure
# reported is the median of the rounds' (MEDIAN lines).
#
#   bench/peers.sh [--sample] [--searchd] [--engines LIST] [LETOPIS_INDEX]
#
# Inputs: ../shared/corpus/*.jsonl.zst (skipped, exit 0, when absent), or
# with --sample the bundled data/sample/articles.jsonl (numbers meaningless).
# LETOPIS_INDEX: a Letopis index of the same inputs, opened read-only (the
# query log is drawn from it); default BUILD_DIR/bench-index, built with
# letopis-index when missing (with --sample: a fresh one of the sample).
# --searchd: also start letopis-searchd on LETOPIS_INDEX (loopback, a free
# port, SEARCHD_THREADS [32] threads) and measure Letopis over HTTP too.
# --engines: a comma-separated subset of xapian,sphinx,pg,letopis (default all).
# Installs missing packages (scripts/deps.sh --bench --peers: needs root or sudo)
# and builds what it runs. Output goes to stdout and to
# bench/results/peers-YYYYmmdd-HHMMSS.txt; BUILD and RESULT lines are
# key=value, one per full build and one per engine/variant/facet/concurrency
# and round; MEDIAN lines have the same keys, the medians over the rounds.
#
# Environment (defaults in brackets): BUILD_DIR [build], QUERIES [2000],
# SEED [42], CONCURRENCY [1,8], DURATION [5, per round], ROUNDS [3],
# LETOPIS_URL [] (a running letopis-searchd, http://HOST:PORT, measured
# too), PG_SHARED_BUFFERS [128MB,
# PostgreSQL's default; the table with its TOAST is ~290 MB for the corpus].
# Beyond what is set below (schema, text analysis, loopback addresses, work
# files), every engine runs with its defaults. The numbers are
# reported, never checked: the exit code says only whether the run was made.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
queries=${QUERIES:-2000}
seed=${SEED:-42}
concurrency=${CONCURRENCY:-1,8}
duration=${DURATION:-5}
rounds=${ROUNDS:-3}
letopis_url=${LETOPIS_URL:-}
pg_shared_buffers=${PG_SHARED_BUFFERS:-128MB}

sample=0 start_searchd=0 engines=xapian,sphinx,pg,letopis letopis_db=
while (($#)); do
  case $1 in
    --sample) sample=1 ;;
    --searchd) start_searchd=1 ;;
    --engines) engines=${2:?--engines needs a list}; shift ;;
    -h|--help) sed -n '2,41p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "peers.sh: unknown option $1" >&2; exit 2 ;;
    *) letopis_db=$1 ;;
  esac
  shift
done
wants() { [[ ,$engines, == *,$1,* ]]; }

if ((sample)); then
  inputs=("$root/data/sample/articles.jsonl")
elif [[ -d ../shared/corpus ]]; then
  inputs=("$(cd ../shared/corpus && pwd)"/*.jsonl.zst)
  [[ -e ${inputs[0]} ]] || { echo "peers.sh: no *.jsonl.zst in ../shared/corpus" >&2; exit 1; }
else
  echo "peers.sh: skipping: ../shared/corpus not found (--sample runs the bundled sample)"
  exit 0
fi

scripts/deps.sh --bench --peers

# Build what this script runs. letopis_bench_peers exists only when CMake
# found libmariadb and libpq: a build directory configured before they were
# installed is configured again.
peers=$build/bench/letopis_bench_peers
indexer=$build/indexer/letopis-index
if [[ ! -f $build/CMakeCache.txt ]]; then
  generator=()
  command -v ninja >/dev/null && generator=(-G Ninja)
  cmake -S . -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release >/dev/null
elif ! grep -q letopis_bench_peers "$build"/build.ninja "$build"/Makefile 2>/dev/null; then
  cmake -S . -B "$build" >/dev/null
fi
targets=(letopis_bench_peers letopis-index)
((start_searchd)) && targets+=(letopis-searchd)
cmake --build "$build" -j "$(nproc)" --target "${targets[@]}" >&2

build=$(cd "$build" && pwd)
peers=$build/bench/letopis_bench_peers
indexer=$build/indexer/letopis-index
work=$build/peers-work
sdir=$work/sphinx
pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)
[[ -x $pgbin/initdb ]] || { echo "peers.sh: PostgreSQL's initdb not found under /usr/lib/postgresql" >&2; exit 1; }

# PostgreSQL refuses to run as root: as root, the cluster belongs to the
# postgres system user (never its system cluster: ours lives in pgdir).
as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# ---------------------------------------------------------------- servers

sphinx_started=0 pg_started=0 pg_tmp='' pgdir='' searchd_pid=''
stop_sphinx() {
  if [[ -f $sdir/sphinx.conf && -s $sdir/searchd.pid ]] && kill -0 "$(cat "$sdir/searchd.pid")" 2>/dev/null; then
    searchd --config "$sdir/sphinx.conf" --stopwait >/dev/null 2>&1 ||
      kill -TERM "$(cat "$sdir/searchd.pid")" 2>/dev/null || true
  fi
}
stop_pg() {
  if [[ -n $pgdir && -f $pgdir/data/postmaster.pid ]]; then
    as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}
cleanup() {
  if [[ -n $searchd_pid ]] && kill -0 "$searchd_pid" 2>/dev/null; then
    kill -TERM "$searchd_pid"
    wait "$searchd_pid" || true
  fi
  ((sphinx_started)) && stop_sphinx
  ((pg_started)) && stop_pg
  if [[ -n $pg_tmp ]]; then rm -rf "$pg_tmp"; fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Everything from here on is also written to the results file.
mkdir -p bench/results
out=$root/bench/results/peers-$(date +%Y%m%d-%H%M%S).txt
exec > >(tee "$out") 2>&1

# A previous run killed before its trap ran may have left its servers up.
[[ -f $sdir/sphinx.conf ]] && stop_sphinx
for d in "$work/pg" /tmp/letopis-peers-pg.*; do
  if [[ -f $d/data/postmaster.pid && -f $d/owner ]] && [[ $(cat "$d/owner") == "$work" ]]; then
    pgdir=$d stop_pg
  fi
done
rm -rf "$work"
mkdir -p "$work"
lines=$work/lines.txt  # the BUILD and RESULT lines, for the summary
: >"$lines"

now() { echo "${EPOCHREALTIME/,/.}"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
pkgver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit+=" (with uncommitted changes)"; fi
echo "letopis peers benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
echo "peers: xapian $(pkgver libxapian30), sphinxsearch $(pkgver sphinxsearch), postgresql $("$pgbin/postgres" --version | awk '{ print $3 }'), libmariadb $(pkgver libmariadb3), libpq $(pkgver libpq5)"
echo "inputs: ${#inputs[@]} file(s)$( ((sample)) && echo ' (the bundled sample: numbers are not representative)'); work dir $work"
echo

# ---------------------------------------------------------------- inputs

if [[ -z $letopis_db ]]; then
  if ((sample)); then
    letopis_db=$work/letopis-sample
    echo "peers.sh: indexing the sample into $letopis_db" >&2
    "$indexer" --db "$letopis_db" --rebuild "${inputs[@]}" >/dev/null 2>&1
  else
    letopis_db=$build/bench-index
    if [[ ! -e $letopis_db/current ]]; then
      echo "peers.sh: indexing ${#inputs[@]} inputs into $letopis_db" >&2
      rc=0
      "$indexer" --db "$letopis_db" --rebuild "${inputs[@]}" >&2 || rc=$?
      # 3: indexed, but some records were rejected (reported above): still usable.
      if [[ $rc -ne 0 && $rc -ne 3 ]]; then echo "peers.sh: letopis-index failed ($rc)" >&2; exit 1; fi
    fi
  fi
fi
echo "letopis index: $letopis_db (read-only)"
"$peers" export --out "$work/export" "${inputs[@]}"
"$peers" queries --db "$letopis_db" --out "$work/queries.tsv" --count "$queries" --seed "$seed"
echo

# ---------------------------------------------------------------- builds

if wants xapian; then
  "$peers" xapian-build --out "$work/xapian" "${inputs[@]}" | tee -a "$lines"
fi

if wants sphinx; then
  mkdir -p "$sdir"
  # Russian, English and Kazakh letters, folded to lowercase, ё as е.
  # Sphinx 2.2 has no query cache (qcache came in 2.3): nothing to turn off.
  cat >"$sdir/sphinx.conf" <<EOF
source articles_src
{
  type = tsvpipe
  tsvpipe_command = cat $work/export/sphinx.tsv
  tsvpipe_field = title
  tsvpipe_field = body
  tsvpipe_attr_uint = year
  tsvpipe_attr_timestamp = date
}

index articles
{
  source = articles_src
  path = $sdir/articles
  morphology = stem_enru
  min_word_len = 1
  charset_table = 0..9, A..Z->a..z, a..z, \\
    U+410..U+42F->U+430..U+44F, U+430..U+44F, U+401->U+435, U+451->U+435, \\
    U+406->U+456, U+456, U+4D8->U+4D9, U+4D9, U+492->U+493, U+493, U+49A->U+49B, U+49B, \\
    U+4A2->U+4A3, U+4A3, U+4E8->U+4E9, U+4E9, U+4B0->U+4B1, U+4B1, U+4AE->U+4AF, U+4AF, \\
    U+4BA->U+4BB, U+4BB
}

searchd
{
  listen = 127.0.0.1:@PORT@:mysql41
  log = $sdir/searchd.log
  pid_file = $sdir/searchd.pid
  binlog_path =
  workers = threads
}
EOF
  t0=$(now)
  if ! indexer --config "$sdir/sphinx.conf" --all >"$sdir/indexer.log" 2>&1; then
    echo "peers.sh: sphinx indexer failed:" >&2; tail -n 20 "$sdir/indexer.log" >&2; exit 1
  fi
  t1=$(now)
  docs=$(grep -o 'collected [0-9]* docs' "$sdir/indexer.log" | awk '{ print $2 }' | tail -n1)
  echo "BUILD engine=sphinx docs=${docs:-?} seconds=$(secs "$t0" "$t1") mb=$(du -sm "$sdir" | cut -f1) mem_limit=default" | tee -a "$lines"
fi

if wants pg; then
  pgdir=$work/pg
  mkdir -p "$pgdir"
  # The cluster's owner must reach its directory; if it cannot reach the
  # build directory (a home directory, say), the cluster lives in /tmp.
  if [[ $(id -u) -eq 0 ]]; then
    chown postgres: "$pgdir"
    if ! runuser -u postgres -- test -w "$pgdir"; then
      pg_tmp=$(mktemp -d /tmp/letopis-peers-pg.XXXXXX)
      chown postgres: "$pg_tmp"
      pgdir=$pg_tmp
    fi
  fi
  echo "$work" >"$pgdir/owner"
  as_pg "$pgbin/initdb" -D "$pgdir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
    { echo "peers.sh: initdb failed:" >&2; cat "$pgdir/initdb.log" >&2; exit 1; }
  pg_port=$("$peers" free-port)
  pg_started=1
  as_pg "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$pgdir -c shared_buffers=$pg_shared_buffers" \
    start >/dev/null ||
    { echo "peers.sh: PostgreSQL did not start:" >&2; cat "$pgdir/server.log" >&2; exit 1; }
  psql() { as_pg "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 -h "$pgdir" -p "$pg_port" -U postgres -d postgres "$@"; }

  # The text search configuration follows the article's language; the
  # generated column fills tsv during COPY, so there is no second pass.
  t0=$(now)
  psql <<'EOF'
CREATE TABLE articles (
  id bigint NOT NULL,
  lang text NOT NULL,
  year int,
  title text NOT NULL,
  body text NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(CASE lang WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig
                          ELSE 'simple'::regconfig END, title), 'A') ||
    setweight(to_tsvector(CASE lang WHEN 'ru' THEN 'russian'::regconfig WHEN 'en' THEN 'english'::regconfig
                          ELSE 'simple'::regconfig END, body), 'B')) STORED
);
EOF
  # Streamed by this shell, so the postgres user need not read the export.
  psql -c "COPY articles (id, lang, year, title, body) FROM STDIN" <"$work/export/pg.tsv"
  t1=$(now)
  psql -c "CREATE INDEX articles_tsv ON articles USING gin (tsv)" -c "ANALYZE articles"
  t2=$(now)
  # Untimed: what autovacuum would do soon anyway, so that it does not run
  # during the measurements.
  psql -c "VACUUM (ANALYZE) articles"
  read -r docs mb < <(psql -At -F ' ' -c "SELECT count(*), pg_total_relation_size('articles') / 1000000 FROM articles")
  echo "BUILD engine=pg docs=$docs seconds=$(secs "$t0" "$t2") mb=$mb copy_seconds=$(secs "$t0" "$t1") index_seconds=$(secs "$t1" "$t2")" | tee -a "$lines"
fi

if wants sphinx; then
  # A port taken now, with PostgreSQL already listening, cannot clash with it.
  sphinx_port=$("$peers" free-port)
  sed -i "s/@PORT@/$sphinx_port/" "$sdir/sphinx.conf"
  sphinx_started=1
  searchd --config "$sdir/sphinx.conf" >"$sdir/start.log" 2>&1 ||
    { echo "peers.sh: sphinx searchd did not start:" >&2; cat "$sdir/start.log" "$sdir/searchd.log" >&2; exit 1; }
  "$peers" ping --sphinx "127.0.0.1:$sphinx_port" --timeout 60
fi

if ((start_searchd)); then
  # Port 0: the server binds a free port itself and names it on stderr.
  "$build/searchd/letopis-searchd" --db "$letopis_db" --listen 127.0.0.1:0 --threads "${SEARCHD_THREADS:-32}" \
    2>"$work/letopis-searchd.log" &
  searchd_pid=$!
  letopis_url=
  for _ in $(seq 600); do
    kill -0 "$searchd_pid" 2>/dev/null || { echo "peers.sh: letopis-searchd exited:" >&2; cat "$work/letopis-searchd.log" >&2; exit 1; }
    letopis_url=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$work/letopis-searchd.log" | head -n1 | sed 's/^listening on //') || true
    # /healthz answers 503 until the index is open.
    [[ -n $letopis_url && $(curl -s -o /dev/null -w '%{http_code}' "$letopis_url/healthz") == 200 ]] && break
    sleep 0.1
  done
  [[ -n $letopis_url ]] || { echo "peers.sh: letopis-searchd did not come up:" >&2; cat "$work/letopis-searchd.log" >&2; exit 1; }
  echo "letopis-searchd: $letopis_url, --threads ${SEARCHD_THREADS:-32}"
fi
echo

# ---------------------------------------------------------------- runs

# The load average before each engine: other work on the machine shows here.
run() {
  echo "round $round, load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  "$peers" run --queries "$work/queries.tsv" --concurrency "$concurrency" --duration "$duration" \
    --facet none,year "$@" | sed "s/^RESULT /RESULT round=$round /" | tee -a "$lines"
  echo
}
turns=()
for e in xapian sphinx pg letopis; do wants "$e" && turns+=("$e"); done
for ((round = 1; round <= rounds; ++round)); do
  for ((k = 0; k < ${#turns[@]}; ++k)); do
    case ${turns[(k + round - 1) % ${#turns[@]}]} in
      xapian) run --engine xapian --index "$work/xapian" ;;
      sphinx) run --engine sphinx --sphinx "127.0.0.1:$sphinx_port" ;;
      pg) run --engine pg --pg "host=127.0.0.1 port=$pg_port user=postgres dbname=postgres" ;;
      letopis) run --engine letopis --db "$letopis_db" ${letopis_url:+--url "$letopis_url"} ;;
    esac
  done
done
# The median over the rounds of each figure, per engine, variant, facet and
# concurrency (the lower middle one for an even count).
awk '
  $1 == "RESULT" {
    delete kv
    for (i = 2; i <= NF; ++i) { split($i, p, "="); kv[p[1]] = p[2] }
    key = "engine=" kv["engine"] " variant=" kv["variant"] " facet=" kv["facet"] " conc=" kv["conc"]
    if (!(key in n)) order[++keys] = key
    m = ++n[key]
    for (f in kv) if (f != "round" && f != "engine" && f != "variant" && f != "facet" && f != "conc") {
      val[key, f, m] = kv[f]; fields[key, f] = 1
    }
  }
  END {
    for (k = 1; k <= keys; ++k) {
      key = order[k]; line = "MEDIAN " key " rounds=" n[key]
      split("n errors qps p50 p95 p99 max hits found zero", names, " ")
      for (j = 1; j in names; ++j) {
        f = names[j]
        if (!((key, f) in fields)) continue
        c = 0; delete v; delete t
        for (r = 1; r <= n[key]; ++r) if ((key, f, r) in val) { ++c; v[c] = val[key, f, r] + 0; t[c] = val[key, f, r] }
        for (a = 2; a <= c; ++a) {  # sorted by value; t keeps the figure as printed
          x = v[a]; y = t[a]; b = a - 1
          while (b >= 1 && v[b] > x) { v[b + 1] = v[b]; t[b + 1] = t[b]; --b }
          v[b + 1] = x; t[b + 1] = y
        }
        line = line " " f "=" t[int((c + 1) / 2)]
      }
      print line
    }
  }' "$lines" >>"$lines"

# ---------------------------------------------------------------- summary

echo "=== summary (medians of $rounds rounds) ==="
grep '^BUILD ' "$lines" || true
grep '^MEDIAN ' "$lines" || true
echo
awk '
  /^BUILD / { for (i = 2; i <= NF; i++) { split($i, kv, "="); b[kv[1]] = kv[2] }
              printf "build  %-8s %8s docs %8s s %7s MB\n", b["engine"], b["docs"], b["seconds"], b["mb"] }
  /^MEDIAN / { for (i = 2; i <= NF; i++) { split($i, kv, "="); r[kv[1]] = kv[2] }
               if (!hdr++) printf "\n%-8s %-8s %-5s %4s %9s %8s %8s %8s %8s %6s %9s %5s\n", "engine", "variant",
                 "facet", "conc", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "hits", "found", "zero"
               printf "%-8s %-8s %-5s %4s %9s %8s %8s %8s %8s %6s %9s %5s\n", r["engine"], r["variant"], r["facet"],
                 r["conc"], r["qps"], r["p50"], r["p95"], r["p99"], r["max"], r["hits"], r["found"], r["zero"] }
' "$lines"
echo
echo "results: $out"
