#!/usr/bin/env bash
# Scale-up benchmark: what indexing and searching cost from the real corpus
# (~58 thousand articles) to a million. For each size it
#   1. takes the input: the real corpus as it is, or a re-sample of it made by
#      letopis_bench_scale generate (originals first, then copies with new ids,
#      urls and dates; see bench/scale.cpp), cached by size, seed and inputs;
#   2. builds a fresh index with letopis-index --rebuild, timing the wall
#      seconds and the indexer's peak RSS (/usr/bin/time -v), and measures the
#      index on disk;
#   3. times the query classes of bench/query_log.h in process
#      (letopis_bench_scale latency: p50/p95/p99 per class, "all facets" included);
#   4. starts letopis-searchd on the index (bench/lib.sh), runs
#      letopis_bench_load at concurrency 1 and 8 with all facets and with none,
#      then reads searchd's peak RSS (VmHWM) and stops it.
# It writes one TSV row per size, a PNG (gnuplot) of latency, memory and
# build time against the number of documents, and a table on stdout.
#
#   bench/scale.sh
#   SIZES="corpus 250000" bench/scale.sh
#   BUILD_DIR=/work/build-scale SIZES="corpus 250000 1000000" bench/scale.sh
#
# Scratch data (generated inputs, indexes, logs) goes to BUILD_DIR/scale: an
# input is kept and reused (delete it to regenerate); each index is rebuilt
# from scratch unless REINDEX=0 (which reuses it, and reports the build time
# and peak RSS its building run recorded). Results: bench/results/scale-STAMP.tsv,
# .png and .txt (this output). Measured on 2 cores (2026-11-30): the default
# run takes 30 minutes, 20 of them indexing the million articles, plus about
# a minute the first time to generate the inputs; the million's input takes
# 1 GB of disk and its index 7.1 GB.
#
# Environment (defaults in brackets): BUILD_DIR [build], SIZES [corpus 250000
# 1000000] (corpus = ../shared/corpus/*.jsonl.zst as is; a number = that many
# articles re-sampled from it), SEED [1], QUERIES per class in process [1000],
# LOAD_QUERIES per class over HTTP [500], DURATION [10] and WARMUP [2] seconds
# per HTTP level, SEARCHD_THREADS [32], JOBS (letopis-index --jobs) [one per
# core], REINDEX [1].
# The numbers are reported, never checked: the exit code says only whether
# the run could be made.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${BUILD_DIR:-build}
sizes=${SIZES:-corpus 250000 1000000}
seed=${SEED:-1}
queries=${QUERIES:-1000}
load_queries=${LOAD_QUERIES:-500}
duration=${DURATION:-10}
warmup=${WARMUP:-2}
searchd_threads=${SEARCHD_THREADS:-32}
jobs=${JOBS:-}
reindex=${REINDEX:-1}

indexer=$build/indexer/letopis-index
searchd=$build/searchd/letopis-searchd
load=$build/bench/letopis_bench_load
scale=$build/bench/letopis_bench_scale
for bin in "$indexer" "$searchd" "$load" "$scale"; do
  if [[ ! -x $bin ]]; then
    echo "scale.sh: $bin is missing; build first (cmake --build $build)" >&2
    exit 2
  fi
done
for tool in gnuplot xapian-delve curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "scale.sh: $tool is missing: scripts/deps.sh --bench" >&2
    exit 2
  fi
done
corpus=(../shared/corpus/*.jsonl.zst)
if [[ ! -e ${corpus[0]} ]]; then
  echo "scale.sh: no ../shared/corpus/*.jsonl.zst: the scale-up needs the real corpus" >&2
  exit 2
fi
for size in $sizes; do
  if [[ $size != corpus && ! $size =~ ^[1-9][0-9]*$ ]]; then
    echo "scale.sh: SIZES holds '$size': want 'corpus' or a number of articles" >&2
    exit 2
  fi
done
# Peak RSS of the indexer; without GNU time the column says NA.
timer=()
if [[ -x /usr/bin/time ]]; then timer=(/usr/bin/time -v -o); else
  echo "scale.sh: /usr/bin/time is missing (scripts/deps.sh --bench): no indexer peak RSS" >&2
fi

work=$build/scale
mkdir -p "$work" bench/results
stamp=$(date +%Y%m%d-%H%M%S)
tsv=bench/results/scale-$stamp.tsv
png=bench/results/scale-$stamp.png
# Everything from here on is also written to the results file.
exec > >(tee "bench/results/scale-$stamp.txt") 2>&1

# shellcheck source=bench/lib.sh
source bench/lib.sh

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
say() { echo "scale.sh: $(date +%H:%M:%S) $*" >&2; }

# What a cached input was made from: the inputs' names, sizes and times.
inputs_key=$(stat -c '%n %s %Y' "${corpus[@]}" | cksum | cut -d' ' -f1)

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n $(git status --porcelain --untracked-files=no 2>/dev/null) ]]; then commit+=" (with uncommitted changes)"; fi
echo "letopis scale-up benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $commit"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) RAM"
echo "sizes: $sizes; seed $seed; $queries queries per class in process; HTTP: $load_queries per class, ${duration} s per level after ${warmup} s warm-up, searchd --threads $searchd_threads"
echo

classes=("1 term" "2-3 terms" "phrase" "filtered" "date-sorted" "all facets")
slug() { echo "$1" | tr ' ' '_'; }
header=(size docs gen_s build_s index_MB indexer_rss_MB)
for c in "${classes[@]}"; do header+=("$(slug "$c")_p50_ms" "$(slug "$c")_p99_ms"); done
header+=(latency_s)
for f in all none; do header+=("http_${f}_c1_p50_ms" "http_${f}_c1_p99_ms" "http_${f}_c8_rps" "http_${f}_c8_p99_ms"); done
header+=(searchd_open_MB searchd_rss_MB load_s)
(IFS=$'\t'; echo "${header[*]}") >"$tsv"

for size in $sizes; do
  row=("$size")
  # 1. The input.
  t=$(now)
  if [[ $size == corpus ]]; then
    inputs=("${corpus[@]}")
    gen_s=0
  else
    input=$work/input-$size-s$seed-$inputs_key.jsonl.zst
    if [[ -e $input ]]; then
      say "[$size] reusing $input"
      gen_s=cached
    else
      say "[$size] generating $input"
      "$scale" generate --count "$size" --seed "$seed" --out "$input" "${corpus[@]}"
      gen_s=$(since "$t")
    fi
    inputs=("$input")
  fi
  if [[ $gen_s == cached ]]; then say "[$size] input ready (cached)"; else say "[$size] input ready ($gen_s s)"; fi

  # 2. A fresh index.
  db=$work/$size
  index_log=$work/$size.index.log
  build_s=NA
  indexer_rss=NA
  if [[ $reindex != 0 || ! -e $db/current ]]; then
    rm -rf "$db"
    say "[$size] indexing into $db (log: $index_log)"
    cmd=()
    [[ -n ${timer[*]} ]] && cmd=("${timer[@]}" "$work/$size.time")
    cmd+=("$indexer" --db "$db" --rebuild)
    [[ -n $jobs ]] && cmd+=(--jobs "$jobs")
    t=$(now)
    rc=0
    "${cmd[@]}" "${inputs[@]}" >"$index_log" 2>&1 || rc=$?
    build_s=$(since "$t")
    # 3: indexed, but some records were rejected (in the log): still usable.
    if [[ $rc -ne 0 && $rc -ne 3 ]]; then
      tail -n 20 "$index_log" >&2
      echo "scale.sh: letopis-index failed ($rc) for size $size" >&2
      exit 1
    fi
    if [[ -n ${timer[*]} ]]; then
      indexer_rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/$size.time")
    fi
    say "[$size] indexed in $build_s s: $(grep 'letopis-index: added' "$index_log" | tail -n1 | sed 's/^letopis-index: //')"
  else
    say "[$size] reusing the index in $db (REINDEX=0)"
    # Its build time and the indexer's peak RSS, from the run that built it.
    if [[ -f $work/$size.time ]]; then
      build_s=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + t[i]; printf "%.1f", s }' "$work/$size.time")
      indexer_rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$work/$size.time")
      [[ -n $build_s ]] || build_s=NA
      [[ -n $indexer_rss ]] || indexer_rss=NA
    fi
  fi
  gen=$(readlink -f "$db/current")
  docs=$(xapian-delve "$gen" | awk -F' = ' '/number of documents/ { print $2 }')
  index_mb=$(du -sk "$gen" | awk '{ printf "%.0f", $1 / 1024 }')
  row+=("$docs" "$gen_s" "$build_s" "$index_mb" "$indexer_rss")

  # 3. In-process latency per query class.
  say "[$size] in-process latency, $queries queries per class"
  warm_index "$db"
  t=$(now)
  "$scale" latency --db "$db" --queries "$queries" >"$work/$size.latency.tsv"
  latency_s=$(since "$t")
  for c in "${classes[@]}"; do
    read -r -a v < <(awk -F'\t' -v c="$c" '$1 == c { print $3, $5; found = 1 } END { if (!found) print "NA NA" }' "$work/$size.latency.tsv")
    row+=("${v[@]}")
  done
  row+=("$latency_s")
  say "[$size] in-process latency took $latency_s s"

  # 4. HTTP load on letopis-searchd, then its peak RSS.
  t=$(now)
  start_searchd "$db" "$searchd_threads"
  open_mb=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$searchd_pid/status")
  for facets in all none; do
    say "[$size] HTTP load, facets $facets, $url"
    out=$work/$size.load-$facets.txt
    "$load" --url "$url" --db "$db" --concurrency 1,8 --duration "$duration" --warmup "$warmup" \
      --queries "$load_queries" --facets "$facets" >"$out"
    read -r -a v < <(awk '$1 == "http" && $2 == 1 { p50 = $6; p99 = $8 } $1 == "http" && $2 == 8 { rps = $5; p99_8 = $8 }
      END { print (p50 == "" ? "NA" : p50), (p99 == "" ? "NA" : p99), (rps == "" ? "NA" : rps), (p99_8 == "" ? "NA" : p99_8) }' "$out")
    row+=("${v[@]}")
  done
  hwm_mb=$(awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$searchd_pid/status")
  stop_searchd
  load_s=$(since "$t")
  row+=("$open_mb" "$hwm_mb" "$load_s")
  say "[$size] HTTP load took $load_s s; searchd RSS $open_mb MB after opening, $hwm_mb MB peak"
  (IFS=$'\t'; echo "${row[*]}") >>"$tsv"
done

# The table: one block per concern, sizes as rows.
echo
echo "== build and memory (MB; seconds) =="
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { rows[NR] = $0 }
  END {
    printf "%-9s %9s %8s %9s %9s %12s %12s %12s\n", "size", "docs", "gen_s", "build_s", "index_MB", "indexer_RSS", "searchd_open", "searchd_peak"
    for (r = 2; r <= NR; r++) {
      split(rows[r], f, "\t")
      printf "%-9s %9s %8s %9s %9s %12s %12s %12s\n", f[col["size"]], f[col["docs"]], f[col["gen_s"]], f[col["build_s"]],
        f[col["index_MB"]], f[col["indexer_rss_MB"]], f[col["searchd_open_MB"]], f[col["searchd_rss_MB"]]
    }
  }' "$tsv"
echo
echo "== in-process latency per query class, p50 / p99 ms =="
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { rows[NR] = $0 }
  END {
    n = split("1_term 2-3_terms phrase filtered date-sorted all_facets", cls, " ")
    printf "%-9s", "size"
    for (k = 1; k <= n; k++) printf " %17s", cls[k]
    printf "\n"
    for (r = 2; r <= NR; r++) {
      split(rows[r], f, "\t")
      printf "%-9s", f[col["size"]]
      for (k = 1; k <= n; k++) printf " %17s", f[col[cls[k] "_p50_ms"]] " / " f[col[cls[k] "_p99_ms"]]
      printf "\n"
    }
  }' "$tsv"
echo
echo "== HTTP (letopis_bench_load): concurrency 1 p50 / p99 ms; concurrency 8 req/s, p99 ms =="
awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  { rows[NR] = $0 }
  END {
    printf "%-9s %20s %20s %20s %20s\n", "size", "all: c1 p50/p99", "all: c8 req/s, p99", "none: c1 p50/p99", "none: c8 req/s, p99"
    for (r = 2; r <= NR; r++) {
      split(rows[r], f, "\t")
      printf "%-9s", f[col["size"]]
      split("all none", fs, " ")
      for (k = 1; k <= 2; k++) {
        p = "http_" fs[k]
        printf " %20s %20s", f[col[p "_c1_p50_ms"]] " / " f[col[p "_c1_p99_ms"]], f[col[p "_c8_rps"]] ", " f[col[p "_c8_p99_ms"]]
      }
      printf "\n"
    }
  }' "$tsv"

# The plot: log x (documents); latency with all facets on top, memory and
# build time below. The dashed lines are the issue's targets at a million.
# The x range covers 50k to 1M, and any size outside it.
read -r xmin xmax < <(awk -F'\t' 'NR > 1 { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 }
  END { lo = 40000; hi = 1500000; if (min != "" && min * 0.8 < lo) lo = min * 0.8; if (max * 1.25 > hi) hi = max * 1.25; print lo, hi }' "$tsv")
# Build times and the indexer's RSS are known only for sizes indexed by this
# run or (REINDEX=0) by one that left its /usr/bin/time log; gnuplot refuses
# a curve without points.
has_numbers() { awk -F'\t' -v c="$1" 'NR > 1 && $c ~ /^[0-9.]+$/ { found = 1 } END { exit !found }' "$tsv"; }
indexer_curve=''
if has_numbers 6; then
  indexer_curve='"" using "docs":"indexer_rss_MB" with linespoints lw 2 pt 7 title "indexer peak RSS", '
fi
build_curve=''
y2_setup=''
if has_numbers 4; then
  build_curve=', "" using "docs":"build_s" axes x1y2 with linespoints lw 2 pt 9 dt 2 lc rgb "black" title "build seconds (right)"'
  y2_setup=$'set y2label "build seconds"\nset logscale y2\nset ytics nomirror\nset y2tics'
fi
gnuplot <<EOF
set terminal pngcairo size 1000,1000 font "DejaVu Sans,11"
set output "$png"
set datafile separator "\t"
set datafile columnheaders
set datafile missing "NA"
set logscale x
set xrange [$xmin:$xmax]
set xtics ("1k" 1000, "10k" 10000, "50k" 50000, "100k" 100000, "250k" 250000, "500k" 500000, "1M" 1000000)
set grid xtics ytics mytics
set lmargin 10
set rmargin 10
set key top left box opaque
set multiplot layout 2,1 title "Letopis scale-up, $(date +%Y-%m-%d), commit $commit, $(nproc) CPUs"
set title "Search latency with all facets"
set ylabel "ms"
set logscale y
plot "$tsv" using "docs":"all_facets_p50_ms" with linespoints lw 2 pt 7 title "in-process p50", \
     "" using "docs":"all_facets_p99_ms" with linespoints lw 2 pt 7 title "in-process p99", \
     "" using "docs":"http_all_c1_p50_ms" with linespoints lw 2 pt 5 dt 2 title "HTTP c1 p50", \
     "" using "docs":"http_all_c1_p99_ms" with linespoints lw 2 pt 5 dt 2 title "HTTP c1 p99", \
     50 with lines lc rgb "red" dt 3 title "p99 target at 1M (50 ms)"
set title "Memory, index size and build time"
set xlabel "articles in the index (log)"
set ylabel "MB"
$y2_setup
plot "$tsv" using "docs":"searchd_rss_MB" with linespoints lw 2 pt 7 title "searchd peak RSS", \
     $indexer_curve"" using "docs":"index_MB" with linespoints lw 2 pt 7 title "index on disk", \
     1024 with lines lc rgb "red" dt 3 title "searchd RSS target (1 GiB)"$build_curve
unset multiplot
EOF

echo
echo "results: $tsv"
echo "plot: $png"
