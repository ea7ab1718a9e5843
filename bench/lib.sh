# shellcheck shell=bash disable=SC2154
# Shared by the benchmark scripts that run letopis-searchd (load.sh,
# soak.sh); sourced, not run. Expects: build (the build directory), indexer,
# searchd; run from the repository root. Messages name the calling script.

me=$(basename "$0")

# warm_index DIR: flushes what earlier steps wrote, then reads the index's
# tables into the page cache, as a serving machine holds them
# (docs/OPERATIONS.md), so that latency measured next is neither a cold
# disk's nor slowed by the write-back of an earlier build.
warm_index() {
  local d=$1
  [[ -e $d/current ]] && d=$d/current/
  sync
  find -L "$d" -maxdepth 1 -name '*.glass' -exec cat {} + >/dev/null
}

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
      echo "$me: no *.jsonl.zst in ../shared/corpus" >&2
      exit 1
    fi
  else
    # A separate directory, so that a sample index is never mistaken later
    # for one of the corpus.
    echo "$me: ../shared is absent: using the bundled sample (numbers are not representative)" >&2
    dir=$build/bench-index-sample
    inputs=(data/sample/articles.jsonl data/sample/pages)
  fi
  if [[ -e $dir/current ]]; then
    echo "$me: reusing the index in $dir (delete it to rebuild)" >&2
  else
    echo "$me: indexing ${#inputs[@]} inputs into $dir" >&2
    local rc=0
    "$indexer" --db "$dir" --rebuild "${inputs[@]}" >&2 || rc=$?
    # 3: indexed, but some records were rejected (reported above): still usable.
    if [[ $rc -ne 0 && $rc -ne 3 ]]; then
      echo "$me: letopis-index failed ($rc)" >&2
      exit 1
    fi
  fi
  echo "$dir"
}

searchd_log=$(mktemp -t letopis-bench-searchd.XXXXXX)
searchd_pid=
stop_searchd() {
  if [[ -n $searchd_pid ]] && kill -0 "$searchd_pid" 2>/dev/null; then
    kill -TERM "$searchd_pid"
    wait "$searchd_pid" || true
  fi
  rm -f "$searchd_log"
}
trap stop_searchd EXIT

# start_searchd DB THREADS: starts letopis-searchd on a free loopback port;
# sets searchd_pid and url, and returns once /healthz answers 200.
start_searchd() {
  local db=$1 threads=$2 code=
  # Port 0: the server binds a free port itself and names it on stderr, so
  # there is no window in which another process could take a port we picked.
  "$searchd" --db "$db" --listen 127.0.0.1:0 --threads "$threads" 2>"$searchd_log" &
  searchd_pid=$!

  url=
  for _ in $(seq 300); do
    if ! kill -0 "$searchd_pid" 2>/dev/null; then
      echo "$me: letopis-searchd exited:" >&2
      cat "$searchd_log" >&2
      exit 1
    fi
    url=$(grep -o 'listening on http://127\.0\.0\.1:[0-9]*' "$searchd_log" | head -n1 | sed 's/^listening on //') || true
    [[ -n $url ]] && break
    sleep 0.1
  done
  if [[ -z $url ]]; then
    echo "$me: letopis-searchd did not say where it listens:" >&2
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
    echo "$me: $url/healthz still answers ${code:-nothing}" >&2
    exit 1
  fi
}
