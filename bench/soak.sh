#!/usr/bin/env bash
# Reliability under load, measured (numbers reported, never checked):
#  1. RSS: letopis-searchd under 60 s of sustained load at concurrency 32
#     (all facets), its resident memory sampled every 5 s; a leak or an
#     unbounded cache shows as growth after the warm-up.
#  2. Reindex under load: queries at concurrency 8 in back-to-back 2 s
#     windows while letopis-index --rebuild builds the corpus again and
#     switches it in; each window's p99 and errors, the switch marked.
#
#   bench/soak.sh
#
# Uses its own index, build/soak-index (the corpus, or the sample when
# ../shared is absent), rebuilt by phase 2. Environment: BUILD_DIR [build],
# SOAK_SECONDS [60], CONCURRENCY [32], SWITCH_CONCURRENCY [2] (phase 2: a
# closed loop of 8 clients on 2 cores starves the indexer for minutes),
# PHASES [12]. Output also goes to
# bench/results/soak-YYYYmmdd-HHMMSS.txt.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
soak_seconds=${SOAK_SECONDS:-60}
concurrency=${CONCURRENCY:-32}
switch_concurrency=${SWITCH_CONCURRENCY:-2}
phases=${PHASES:-12}
indexer=$build/indexer/letopis-index
searchd=$build/searchd/letopis-searchd
load=$build/bench/letopis_bench_load
for bin in "$indexer" "$searchd" "$load"; do
  [[ -x $bin ]] || { echo "soak.sh: $bin is missing; build first" >&2; exit 2; }
done

mkdir -p bench/results
out=bench/results/soak-$(date +%Y%m%d-%H%M%S).txt
exec > >(tee "$out") 2>&1

source bench/lib.sh
dir=$build/soak-index
if [[ -d ../shared/corpus ]]; then inputs=(../shared/corpus/*.jsonl.zst); else inputs=(data/sample/articles.jsonl data/sample/pages); fi
[[ -e $dir/current ]] || "$indexer" --db "$dir" --rebuild "${inputs[@]}" >&2
start_searchd "$dir" 32

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$searchd_pid/status"; }
echo "letopis soak, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
echo "searchd: $url, index $dir ($(readlink "$dir/current"))"
echo

if [[ $phases == *1* ]]; then
echo "=== 1. RSS under ${soak_seconds} s of load at concurrency $concurrency, all facets ==="
"$load" --url "$url" --db "$dir" --concurrency "$concurrency" --duration "$soak_seconds" --warmup 5 \
  --facets all >"$searchd_log.load" 2>&1 &
load_pid=$!
samples=()
for ((t = 0; t <= soak_seconds + 5; t += 5)); do
  samples+=("$(rss_kb)")
  awk -v t="$t" -v kb="${samples[-1]}" 'BEGIN {printf "t=%3ds  RSS %7.1f MB\n", t, kb / 1024}'
  kill -0 "$load_pid" 2>/dev/null || break
  sleep 5
done
wait "$load_pid" || true
cat "$searchd_log.load"
# Growth from the end of the warm-up (t=10 s) to the last sample.
if (( ${#samples[@]} > 3 )); then
  awk -v a="${samples[2]}" -v b="${samples[-1]}" \
    'BEGIN {printf "RSS growth after warm-up: %+.1f MB (%.1f -> %.1f MB)\n", (b - a) / 1024, a / 1024, b / 1024}'
fi
echo

fi

if [[ $phases == *2* ]]; then
echo "=== 2. queries at concurrency $switch_concurrency while letopis-index --rebuild switches in a new index ==="
before=$(readlink "$dir/current")
"$indexer" --db "$dir" --rebuild "${inputs[@]}" >"$searchd_log.index" 2>&1 &
index_pid=$!
printf '%-8s %-10s %s\n' window index "mode conc requests errors req/s p50 p95 p99 max"
w=0 switched_at=
while kill -0 "$index_pid" 2>/dev/null || (( w < 2 )) || [[ -z $switched_at && $w -lt 3 ]]; do
  gen=$(readlink "$dir/current")
  line=$("$load" --url "$url" --db "$dir" --concurrency "$switch_concurrency" --duration 2 --warmup 0 --facets none 2>&1 |
    awk '$1 == "http" {print}')
  now=$(readlink "$dir/current")
  mark=
  if [[ $now != "$gen" ]]; then mark=" <- switched to $now"; switched_at=$w; fi
  printf '%-8s %-10s %s%s\n' "$w" "$gen" "$line" "$mark"
  w=$((w + 1))
  (( w > 900 )) && break
done
wait "$index_pid" || true
tail -n 1 "$searchd_log.index"
echo "index before: $before, after: $(readlink "$dir/current")"
fi
rm -f "$searchd_log.load" "$searchd_log.index"
echo "results: $out"
