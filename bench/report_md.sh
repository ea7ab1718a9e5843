#!/usr/bin/env bash
# Writes the benchmark report (Markdown, on stdout) from the raw outputs of
# one bench/report.sh run:
#
#   bench/report_md.sh BUILD_DIR/report/STAMP > bench/results/REPORT.md
#
# Reads what is there (machine.txt, analysis.json, index.txt, scriptindex.txt,
# search.json, peers.txt, load.txt, scale.tsv); a part that is missing is
# said to be missing. Needs jq and awk.
set -euo pipefail

run=${1:?usage: report_md.sh RUN_DIR}
[[ -d $run ]] || { echo "report_md.sh: no such directory: $run" >&2; exit 2; }

have() { [[ -s $run/$1 ]]; }
missing() { echo "_Not measured in this run (\`$1\` is missing)._"; echo; }

# The figures of peers.txt: its MEDIAN lines (over the rounds), or the
# RESULT lines of a run made before peers.sh took rounds.
results_kind() { if grep -q '^MEDIAN ' "$run/peers.txt" 2>/dev/null; then echo MEDIAN; else echo RESULT; fi; }
peer() {  # peer ENGINE VARIANT FACET CONC KEY
  awk -v kind="$(results_kind)" -v e="$1" -v v="$2" -v f="$3" -v c="$4" -v k="$5" '
    $1 == kind {
      delete kv
      for (i = 2; i <= NF; ++i) { split($i, p, "="); kv[p[1]] = p[2] }
      if (kv["engine"] == e && (v == "*" || kv["variant"] == v) && kv["facet"] == f && kv["conc"] == c) { print kv[k]; exit }
    }' "$run/peers.txt"
}
build_of() {  # build_of ENGINE KEY
  awk -v e="$1" -v k="$2" '$1 == "BUILD" {
      delete kv
      for (i = 2; i <= NF; ++i) { split($i, p, "="); kv[p[1]] = p[2] }
      if (kv["engine"] == e) { print kv[k]; exit }
    }' "$run/peers.txt"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }
verdict() { awk -v a="$1" -v b="$2" -v op="$3" 'BEGIN {
    if (a == "" || b == "") { print "n/a"; exit }
    ok = (op == "<=") ? (a + 0 <= b + 0) : (a + 0 >= b + 0)
    print ok ? "met" : "**not met**" }'; }

echo "# Letopis benchmark report"
echo
echo "Written by \`bench/report.sh\` (raw outputs: \`$(basename "$run")\`). Every figure below was measured in"
echo "this one run, on this machine (but for reused indexes' build figures, where the scale-up says so);"
echo "peers ran on the same data with the same queries."
echo
echo "## Machine and versions"
echo
if have machine.txt; then sed 's/^/- /' "$run/machine.txt"; else missing machine.txt; fi
echo

echo "## Indexing"
echo
if have index.txt; then
  echo "A full rebuild of \`../shared/corpus\` (\`letopis_bench_index\`, all cores), then an incremental rerun over"
  echo "the same input (nothing changed, so nothing is rewritten):"
  echo
  echo '```'
  grep -E '^(rebuild|incremental|indexing)' "$run/index.txt" || true
  echo '```'
  echo
  if have scriptindex.txt; then
    echo "The same corpus through Omega's \`scriptindex\` (one process, Russian stemmer), the per-core baseline:"
    echo
    echo '```'
    grep -vE '^\s*$' "$run/scriptindex.txt" | tail -n 6
    echo '```'
    echo
  fi
  if have index.json; then
    echo "Document building alone (analysis, entities, terms; no Xapian writes), one core:"
    jq -r '.benchmarks[] | select(.name | startswith("BM_BuildDocument")) |
      "\(.["docs/s"] | floor) docs/s, \(.bytes_per_second / 1e6 | . * 100 | floor / 100) MB/s"' "$run/index.json" | sed 's/^/- /'
    echo
  fi
else
  missing index.txt
fi

echo "## Analysis"
echo
if have analysis.json; then
  echo "| benchmark | MB/s | tokens/s |"
  echo "|---|---:|---:|"
  jq -r '.benchmarks[] | "| \(.name) | \(.bytes_per_second / 1e6 | . * 10 | floor / 10) | \(if .["tokens/s"] then (.["tokens/s"] | floor) else "" end) |"' "$run/analysis.json"
  echo
else
  missing analysis.json
fi

echo "## Search in process"
echo
if have search.json; then
  echo "\`letopis_bench_search\`: 2,000 seeded queries per class from the index's own titles (\`bench/query_log.h\`),"
  echo "top 10, one thread. \"No snippets\" runs the same searches without snippets (as \`format=csv\` does):"
  echo "the difference is what snippets cost."
  echo
  echo "| class | p50 ms | p95 ms | p99 ms | no snippets p50 | no snippets p99 |"
  echo "|---|---:|---:|---:|---:|---:|"
  jq -r '
    [.benchmarks[] | select(.name | startswith("BM_Search"))] as $b
    | [$b[] | select(.name | startswith("BM_Search/")) ] [] as $s
    | ($s.label) as $c
    | ([$b[] | select(.name | startswith("BM_SearchNoSnippets/")) | select(.label == $c)][0]) as $n
    | "| \($c) | \($s.p50_ms * 1000 | round / 1000) | \($s.p95_ms * 1000 | round / 1000) | \($s.p99_ms * 1000 | round / 1000) | \($n.p50_ms * 1000 | round / 1000) | \($n.p99_ms * 1000 | round / 1000) |"' \
    "$run/search.json"
  echo
  if jq -e '[.benchmarks[] | select(.name | startswith("BM_XapianSameQuery/"))] | length > 0' "$run/search.json" >/dev/null; then
    echo "Xapian alone on Letopis's own query (\`BM_XapianSameQuery\`: the same words, title and exact-form terms"
    echo "and proximity boost, top 10, no hit read back), the lower bound for our stack on the same query:"
    echo
    echo "| class | Xapian p50 ms | Xapian p99 ms | Letopis / Xapian p50 | Letopis / Xapian p99 | the same without snippets, p50 |"
    echo "|---|---:|---:|---:|---:|---:|"
    jq -r '
      [.benchmarks[]] as $b
      | [$b[] | select(.name | startswith("BM_XapianSameQuery/"))] [] as $x
      | ($x.label) as $c
      | ([$b[] | select(.name | startswith("BM_Search/")) | select(.label == $c)][0]) as $s
      | ([$b[] | select(.name | startswith("BM_SearchNoSnippets/")) | select(.label == $c)][0]) as $n
      | "| \($c) | \($x.p50_ms * 1000 | round / 1000) | \($x.p99_ms * 1000 | round / 1000) | \($s.p50_ms / $x.p50_ms * 100 | round / 100) | \($s.p99_ms / $x.p99_ms * 100 | round / 100) | \($n.p50_ms / $x.p50_ms * 100 | round / 100) |"' \
      "$run/search.json"
    echo
  fi
  jq -r '.benchmarks[] | select(.name == "BM_Parse") | "- Query parsing: \(.["s/query"] * 1e6 | . * 100 | round / 100) µs per query."' "$run/search.json"
  jq -r '.benchmarks[] | select(.name == "BM_RenderJson") | "- JSON rendering of a result page with all facets: \(.real_time / 1000 | . * 10 | round / 10) µs (\(.bytes_per_second / 1e6 | round) MB/s)."' "$run/search.json"
  echo
else
  missing search.json
fi

echo "## Side by side with the peers"
echo
if have peers.txt && grep -q '^RESULT' "$run/peers.txt"; then
  echo "\`bench/peers.sh\`: the same 2,000 seeded 1-3 word queries (Russian and English, all words required, top 10)"
  echo "against each engine on the same articles. Concurrency 1 runs each query once in order after an untimed pass;"
  echo "concurrency 8 runs for a fixed time. Client-side latency in ms."
  if [[ $(results_kind) == MEDIAN ]]; then
    rounds=$(awk '$1 == "MEDIAN" { for (i = 2; i <= NF; ++i) if ($i ~ /^rounds=/) { sub(/^rounds=/, "", $i); print $i; exit } }' "$run/peers.txt")
    echo "The engines took turns in $rounds rounds, each round starting with the next engine (the machine's speed"
    echo "drifts over minutes); each figure is the median of the rounds' figures."
  fi
  echo
  echo "| engine | variant | facet | conc | queries/s | p50 | p95 | p99 | max | hits found (mean) |"
  echo "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"
  # peers.sh prints each RESULT and BUILD line twice (as measured, and in its summary).
  awk -v kind="$(results_kind)" '$1 == kind && !seen[$0]++ {
      delete kv
      for (i = 2; i <= NF; ++i) { split($i, p, "="); kv[p[1]] = p[2] }
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", kv["engine"], kv["variant"], kv["facet"], kv["conc"], kv["qps"], kv["p50"], kv["p95"], kv["p99"], kv["max"], kv["found"]
    }' "$run/peers.txt"
  echo
  echo "Full builds of the same articles:"
  echo
  echo "| engine | seconds | MB on disk |"
  echo "|---|---:|---:|"
  awk '$1 == "BUILD" && !seen[$0]++ {
      delete kv
      for (i = 2; i <= NF; ++i) { split($i, p, "="); kv[p[1]] = p[2] }
      printf "| %s | %s | %s |\n", kv["engine"], kv["seconds"], kv["mb"]
    }' "$run/peers.txt"
  echo

  # The targets of the benchmark issue, as ratios within this run.
  lh50=$(peer letopis http none 1 p50); lh99=$(peer letopis http none 1 p99)
  lhf50=$(peer letopis http year 1 p50); lhf99=$(peer letopis http year 1 p99)
  lh8=$(peer letopis http none 8 qps)
  li50=$(peer letopis inproc none 1 p50); li99=$(peer letopis inproc none 1 p99)
  lif99=$(peer letopis inproc year 1 p99)
  x50=$(peer xapian '*' none 1 p50); x99=$(peer xapian '*' none 1 p99); xf99=$(peer xapian '*' year 1 p99)
  # Sphinx: its best ranker at each figure.
  best() { for v in "$@"; do echo "$v"; done | awk 'NF { if (m == "" || $1 + 0 < m + 0) m = $1 } END { print m }'; }
  most() { for v in "$@"; do echo "$v"; done | awk 'NF { if (m == "" || $1 + 0 > m + 0) m = $1 } END { print m }'; }
  variants=$(awk '$1 == "RESULT" && /engine=sphinx/ { for (i = 2; i <= NF; ++i) if ($i ~ /^variant=/) { sub(/^variant=/, "", $i); print $i } }' "$run/peers.txt" | sort -u)
  s50=() s99=() sf50=() sf99=() s8=()
  for v in $variants; do
    s50+=("$(peer sphinx "$v" none 1 p50)"); s99+=("$(peer sphinx "$v" none 1 p99)")
    sf50+=("$(peer sphinx "$v" year 1 p50)"); sf99+=("$(peer sphinx "$v" year 1 p99)")
    s8+=("$(peer sphinx "$v" none 8 qps)")
  done
  sp50=$(best "${s50[@]}"); sp99=$(best "${s99[@]}"); spf50=$(best "${sf50[@]}"); spf99=$(best "${sf99[@]}")
  sp8=$(most "${s8[@]}")
  pg99=$(peer pg '*' none 1 p99)
  echo "### Targets"
  echo
  echo "Sphinx's figure is its best ranker's at each line."
  echo
  echo "| target | Letopis | reference | ratio | |"
  echo "|---|---:|---:|---:|---|"
  echo "| HTTP p50, concurrency 1, no facet, ≤ Sphinx | $lh50 | $sp50 | $(ratio "$lh50" "$sp50") | $(verdict "$lh50" "$sp50" "<=") |"
  echo "| HTTP p99, concurrency 1, no facet, ≤ Sphinx | $lh99 | $sp99 | $(ratio "$lh99" "$sp99") | $(verdict "$lh99" "$sp99" "<=") |"
  echo "| HTTP p50, concurrency 1, year facet, ≤ Sphinx | $lhf50 | $spf50 | $(ratio "$lhf50" "$spf50") | $(verdict "$lhf50" "$spf50" "<=") |"
  echo "| HTTP p99, concurrency 1, year facet, ≤ Sphinx | $lhf99 | $spf99 | $(ratio "$lhf99" "$spf99") | $(verdict "$lhf99" "$spf99" "<=") |"
  pg_tenth=$(awk -v p="$pg99" 'BEGIN { if (p != "") printf "%.3f", p / 10 }')
  echo "| HTTP p99 ≥ 10× better than PostgreSQL's | $lh99 | $pg99 (÷10 = $pg_tenth) | $(ratio "$pg99" "$lh99")× better | $(verdict "$lh99" "$pg_tenth" "<=") |"
  echo "| queries/s at concurrency 8 ≥ Sphinx | $lh8 | $sp8 | $(ratio "$lh8" "$sp8") | $(verdict "$lh8" "$sp8" ">=") |"
  x50_12=$(awk -v x="$x50" 'BEGIN { if (x != "") printf "%.3f", x * 1.2 }')
  x99_12=$(awk -v x="$x99" 'BEGIN { if (x != "") printf "%.3f", x * 1.2 }')
  xf99_12=$(awk -v x="$xf99" 'BEGIN { if (x != "") printf "%.3f", x * 1.2 }')
  echo "| in process p50 within 1.2× raw Xapian | $li50 | $x50 | $(ratio "$li50" "$x50") | $(verdict "$li50" "$x50_12" "<=") |"
  echo "| in process p99 within 1.2× raw Xapian | $li99 | $x99 | $(ratio "$li99" "$x99") | $(verdict "$li99" "$x99_12" "<=") |"
  echo "| in process p99 with the year facet within 1.2× raw Xapian | $lif99 | $xf99 | $(ratio "$lif99" "$xf99") | $(verdict "$lif99" "$xf99_12" "<=") |"
  lb=$(awk '/^rebuild/ { for (i = 1; i <= NF; ++i) if ($(i + 1) == "s" && $(i + 2) == "wall") { print $i; exit } }' "$run/index.txt" 2>/dev/null || true)
  echo "| full rebuild ≤ 30 s on 2 cores | ${lb:-n/a} s | 30 s | $(ratio "$lb" 30) | $(verdict "$lb" 30 "<=") |"
  echo
  echo "What each engine does per query differs: raw Xapian and Sphinx return document ids; PostgreSQL ranks with"
  echo "\`ts_rank\`; Letopis parses and analyses the query (both Russian and Kazakh stems for Cyrillic), boosts titles,"
  echo "exact forms and proximity, reads each hit's stored fields and makes its snippet, and over HTTP renders JSON."
  ln50=$(peer letopis http-nosnip none 1 p50); ln99=$(peer letopis http-nosnip none 1 p99)
  ln8=$(peer letopis http-nosnip none 8 qps)
  if [[ -n $ln50 ]]; then
    echo "Without snippets (variant \`http-nosnip\`, \`format=csv\`: the same hits and stored fields), Letopis over HTTP"
    echo "took p50 $ln50 ms ($(ratio "$ln50" "$sp50")× Sphinx's) and p99 $ln99 ms ($(ratio "$ln99" "$sp99")×) at concurrency 1,"
    echo "and served $ln8 queries/s at concurrency 8 ($(ratio "$ln8" "$sp8")×). Not a target: a visitor's page has snippets."
  fi
  echo
else
  missing peers.txt
fi

echo "## HTTP load"
echo
if have load.txt; then
  echo "\`bench/load.sh\`: a C++ client (\`letopis_bench_load\`, keep-alive, one connection per thread) on loopback"
  echo "against letopis-searchd, with the six query classes interleaved; first the same requests in process."
  echo
  echo '```'
  grep -vE '^(results:|searchd:|letopis load)' "$run/load.txt"
  echo '```'
  echo
else
  missing load.txt
fi

echo "## From 58 thousand to a million articles"
echo
if have scale.tsv; then
  echo "\`bench/scale.sh\`: the corpus as it is, then re-sampled (\`letopis_bench_scale generate\`: new ids, urls and"
  echo "shuffled dates) to larger sizes. In-process latency is p50/p99 per class over 1,000 queries; HTTP uses"
  echo "\`letopis_bench_load\`; searchd's RSS is its peak (VmHWM) after the load."
  if have scale.txt; then
    head -n 3 "$run/scale.txt" | grep -E '^(letopis scale-up|sizes:)' | sed 's/^/> /; s/$/  /'
    if grep -q 'reusing the index' "$run/scale.txt"; then
      echo
      echo "The indexes were reused (\`REINDEX=0\`): their build time and the indexer's RSS are those logged by the"
      echo "run that built them; the searches and the load were measured in this run."
    fi
  fi
  echo
  echo "| docs | build s | index MB | indexer RSS MB | 1 term p50/p99 | all facets p50/p99 | HTTP all facets c1 p50/p99 | HTTP no facets c8 req/s | searchd RSS MB |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '
    NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
    function v(name) { return (name in col) ? $(col[name]) : "n/a" }
    { printf "| %s | %s | %s | %s | %s / %s | %s / %s | %s / %s | %s | %s |\n", v("docs"), v("build_s"), v("index_MB"), v("indexer_rss_MB"),
        v("1_term_p50_ms"), v("1_term_p99_ms"), v("all_facets_p50_ms"), v("all_facets_p99_ms"),
        v("http_all_c1_p50_ms"), v("http_all_c1_p99_ms"), v("http_none_c8_rps"), v("searchd_rss_MB") }' "$run/scale.tsv"
  echo
  last=$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next } { d = $(col["docs"]); p = $(col["all_facets_p99_ms"]); r = $(col["searchd_rss_MB"]) } END { print d, p, r }' "$run/scale.tsv")
  read -r ldocs lp99 lrss <<<"$last"
  echo "At the largest size ($ldocs articles): all-facets p99 $lp99 ms against a target of 50 ms ($(verdict "$lp99" 50 "<=")),"
  echo "searchd RSS $lrss MB against 1024 MB ($(verdict "$lrss" 1024 "<="))."
  echo
  if [[ -f $run/scale.png ]]; then
    echo "![Cost against the number of articles](scale.png)"
    echo
  fi
else
  missing scale.tsv
fi
