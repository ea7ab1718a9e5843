#!/usr/bin/env bash
# HTTP load benchmark of letopis-searchd: starts a server on a free loopback
# port, runs build/bench/letopis_bench_load against it at concurrency 1, 8
# and 32, without and with facets, each after an in-process run of the same
# requests (for the HTTP overhead ratio), then stops the server.
#
#   bench/load.sh [INDEX_DIR]
#
# Without INDEX_DIR it indexes ../shared/corpus/*.jsonl.zst into
# build/bench-index once (reused afterwards; delete it to rebuild), or, when
# ../shared is absent, the bundled sample into build/bench-index-sample.
# Output goes to stdout and to bench/results/load-YYYYmmdd-HHMMSS.txt.
#
# Environment (defaults in brackets): BUILD_DIR [build], DURATION [10],
# WARMUP [2], CONCURRENCY [1,8,32], QUERIES per class [500], SEARCHD_THREADS [32].
# The numbers are reported, never checked: the exit code says only whether
# the run could be made.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
concurrency=${CONCURRENCY:-1,8,32}
queries=${QUERIES:-500}
searchd_threads=${SEARCHD_THREADS:-32}

indexer=$build/indexer/letopis-index
searchd=$build/searchd/letopis-searchd
load=$build/bench/letopis_bench_load
for bin in "$indexer" "$searchd" "$load"; do
  if [[ ! -x $bin ]]; then
    echo "load.sh: $bin is missing; build first (cmake --build $build)" >&2
    exit 2
  fi
done

# Everything from here on is also written to the results file.
mkdir -p bench/results
out=bench/results/load-$(date +%Y%m%d-%H%M%S).txt
exec > >(tee "$out") 2>&1

# index_dir [GIVEN]: prints the index directory to serve, building one if needed.
index_dir() {
  if [[ $# -gt 0 ]]; then
    echo "$1"
    return
  fi
  local dir inputs=()
  if [[ -d ../shared/corpus ]]; then
    dir=$build/bench-index
    inputs=(../shared/corpus/*.jsonl.zst)
    if [[ ! -e ${inputs[0]} ]]; then
      echo "load.sh: no *.jsonl.zst in ../shared/corpus" >&2
      exit 1
    fi
  else
    # A separate directory, so that a sample index is never mistaken later
    # for one of the corpus.
    echo "load.sh: ../shared is absent: using the bundled sample (numbers are not representative)" >&2
    dir=$build/bench-index-sample
    inputs=(data/sample/articles.jsonl data/sample/pages)
  fi
  if [[ -e $dir/current ]]; then
    echo "load.sh: reusing the index in $dir (delete it to rebuild)" >&2
  else
    echo "load.sh: indexing ${#inputs[@]} inputs into $dir" >&2
    local rc=0
    "$indexer" --db "$dir" --rebuild "${inputs[@]}" >&2 || rc=$?
    # 3: indexed, but some records were rejected (reported above): still usable.
    if [[ $rc -ne 0 && $rc -ne 3 ]]; then
      echo "load.sh: letopis-index failed ($rc)" >&2
      exit 1
    fi
  fi
  echo "$dir"
}

db=$(index_dir "$@")

searchd_log=$(mktemp -t letopis-load-searchd.XXXXXX)
searchd_pid=
stop_searchd() {
  if [[ -n $searchd_pid ]] && kill -0 "$searchd_pid" 2>/dev/null; then
    kill -TERM "$searchd_pid"
    wait "$searchd_pid" || true
  fi
  rm -f "$searchd_log"
}
trap stop_searchd EXIT

# Port 0: the server binds a free port itself and names it on stderr, so
# there is no window in which another process could take a port we picked.
"$searchd" --db "$db" --listen 127.0.0.1:0 --threads "$searchd_threads" 2>"$searchd_log" &
searchd_pid=$!

url=
for _ in $(seq 300); do
  if ! kill -0 "$searchd_pid" 2>/dev/null; then
    echo "load.sh: letopis-searchd exited:" >&2
    cat "$searchd_log" >&2
    exit 1
  fi
  url=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$searchd_log" | head -n1 | sed 's/^listening on //') || true
  [[ -n $url ]] && break
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "load.sh: letopis-searchd did not say where it listens:" >&2
  cat "$searchd_log" >&2
  exit 1
fi

# /healthz answers 503 until the index is open.
for _ in $(seq 600); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url/healthz") || true
  [[ $code == 200 ]] && break
  sleep 0.1
done
if [[ $code != 200 ]]; then
  echo "load.sh: $url/healthz still answers ${code:-nothing}" >&2
  exit 1
fi

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit+=" (with uncommitted changes)"; fi
echo "letopis load benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit"
echo "searchd: $url, --threads $searchd_threads, index $db"
echo

for facets in none all; do
  echo "=== facets: $facets ==="
  "$load" --url "$url" --db "$db" --concurrency "$concurrency" --duration "$duration" \
    --warmup "$warmup" --queries "$queries" --facets "$facets" --in-process
  echo
done

echo "results: $out"
