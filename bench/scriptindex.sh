#!/usr/bin/env bash
# Baseline for letopis-index: the same corpus through Omega's scriptindex
# (Debian 12: xapian-omega 1.4.22), timed the same way as
# build/bench/letopis_bench_index (docs/s, MB/s of title + body, peak RSS).
#
#   bench/scriptindex.sh [--smoke] [INPUT.jsonl[.zst|.gz] ...]
#
# No INPUT: ../shared/corpus/*.jsonl.zst (skipped, exit 0, when absent).
# --smoke: the bundled data/sample/articles.jsonl, in a second or two.
# Environment: STEMMER [russian], SPELL=1 to also build spelling data (as
# letopis-index does), KEEP_DB=DIR to build the index in DIR (overwritten!)
# and keep it for xapian-delve/quest. Numbers are reported, never checked.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
stemmer=${STEMMER:-russian}
smoke=0 inputs=()
for arg; do
  case $arg in
    --smoke) smoke=1 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "scriptindex.sh: unknown option $arg" >&2; exit 2 ;;
    *) inputs+=("$arg") ;;
  esac
done
if (( smoke )); then
  inputs=("$root/data/sample/articles.jsonl")
elif (( ${#inputs[@]} == 0 )); then
  if [[ ! -d $root/../shared/corpus ]]; then
    echo "scriptindex.sh: skipping: ../shared/corpus not found"; exit 0
  fi
  inputs=("$root"/../shared/corpus/*.jsonl.zst)
fi
for f in "${inputs[@]}"; do
  [[ -r $f ]] || { echo "scriptindex.sh: cannot read $f" >&2; exit 1; }
done

# A fresh machine lacks these tools, so the script installs them; the
# command -v checks keep a second run free of apt. --no-install-recommends:
# xapian-omega otherwise drags in Apache for the CGI, which we do not need.
need=()
command -v scriptindex >/dev/null || need+=(xapian-omega)
command -v xapian-delve >/dev/null || need+=(xapian-tools)
command -v jq >/dev/null || need+=(jq)
command -v zstd >/dev/null || need+=(zstd)
[[ -x /usr/bin/time ]] || need+=(time)
if (( ${#need[@]} )); then
  echo "scriptindex.sh: installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Try without update first: the package lists are usually there already.
  apt-get install -y -qq --no-install-recommends "${need[@]}" >&2 ||
    { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends "${need[@]}" >&2; }
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/letopis-scriptindex.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
db=${KEEP_DB:-$tmp/db}

# The index script, after Omega's conventions and docs/SCHEMA.md so that the
# two indexes hold comparable terms: index=S gives S<word> + ZS<stem> for the
# title, plain index gives <word> + Z<stem> with positions; weight=3 is our
# title wdf boost (1 + 2); gap puts the body 100 positions after the title.
# The body is indexed whole and stored whole (our document data holds it too).
# Stemming is per run (-s), not per record: scriptindex 1.4 cannot switch.
# hash keeps long ids/tags within Xapian's 245-byte term limit (the corpus has
# a 200-byte tag), as schema::term's hash suffix does for us.
cat >"$tmp/letopis.idx" <<'EOF'
id : field=id hash boolean=Q unique=Q
lang : field=lang boolean=L value=3
title : field=title @SPELL@ index=S weight=3 index
body : field=body @SPELL@ gap index
date : field=date date=yyyymmdd value=0
url : field=url hash boolean=U
section : field=section lower hash boolean=XS value=4
tag : field=tag lower hash boolean=K
author : field=author lower hash boolean=A
topic : field=topic hash boolean=XT
person : field=person hash boolean=XP
org : field=org hash boolean=XO
EOF
sed -i "s/@SPELL@ /$([[ ${SPELL:-0} == 1 ]] && echo 'spell ')/" "$tmp/letopis.idx"

# JSON Lines -> dump format. A newline inside a value becomes "\n=", so every
# continuation line starts with '=' and can never read as "field=value" or as
# the blank line that ends a record. scriptindex strips trailing \r and takes
# a line of only \r as a record end, so \r\n and lone \r become \n first.
# split/join, not gsub: jq 1.6's gsub is very slow on long bodies.
# Empty values are dropped (scriptindex warns on an empty date); dates that are
# not YYYY-MM-DD are dropped too, rather than indexed as garbage.
read -r -d '' jqprog <<'EOF' || true
def clean: if . == null then "" else tostring end
  | split("\r\n") | join("\n") | split("\r") | join("\n") | split("\n") | join("\n=");
def f($k; $v): ($v | clean) as $s | if $s == "" then empty else "\($k)=\($s)" end;
def many($k; $v): $v | if type == "array" then .[] else . end | f($k; .);
f("id"; .id), f("lang"; .lang), f("title"; .title), f("body"; .body),
f("date"; .date // "" | tostring
          | if test("^[0-9]{4}-[0-9]{2}-[0-9]{2}$") then split("-") | join("") else "" end),
f("url"; .url), f("section"; .section), many("tag"; .tags), f("author"; .author),
many("topic"; .topics), many("person"; .people), many("org"; .orgs), ""
EOF

now() { echo "${EPOCHREALTIME/,/.}"; }
t0=$(now)
dumps=() n=0
for f in "${inputs[@]}"; do
  out=$tmp/dump.$((n++))
  case $f in
    *.zst) zstd -dcq -- "$f" ;;
    *.gz) gzip -dc -- "$f" ;;
    *) cat -- "$f" ;;
  esac | jq -r "$jqprog" >"$out"
  dumps+=("$out")
done
# Records and title + body bytes, counted on the dump that scriptindex reads:
# a continuation line's leading '=' stands for the newline it replaced.
read -r docs bytes < <(cat "${dumps[@]}" | LC_ALL=C awk '
  /^$/ { if (inrec) docs++; inrec = 0; next }
  /^=/ { if (tb) bytes += length($0); next }
  { inrec = 1; eq = index($0, "="); name = substr($0, 1, eq - 1)
    tb = (name == "title" || name == "body"); if (tb) bytes += length($0) - eq }
  END { if (inrec) docs++; printf "%d %d\n", docs, bytes }')
t1=$(now)
dump_mb=$(cat "${dumps[@]}" | wc -c | awk '{ printf "%.1f", $1 / 1e6 }')
echo "conversion: ${#inputs[@]} input(s) -> ${dump_mb} MB dump in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s (jq, not timed below)"
echo "stemmer: $stemmer for every record (scriptindex 1.4 stems per run, not per record)$([[ ${SPELL:-0} == 1 ]] && echo '; spelling data on')"

# Only scriptindex itself is timed. It reports per-record warnings on stderr;
# those go to a log so a bad record cannot flood the summary.
rc=0
/usr/bin/time -f '%e %M %U %S' -o "$tmp/time" \
  scriptindex --overwrite -s "$stemmer" "$db" "$tmp/letopis.idx" "${dumps[@]}" >"$tmp/log" 2>&1 || rc=$?
if (( rc != 0 )); then
  echo "scriptindex.sh: scriptindex failed ($rc):" >&2; tail -n 20 "$tmp/log" >&2; exit 1
fi
warnings=$(grep -ci 'warning' "$tmp/log" || true)
read -r wall rss_kb user sys <"$tmp/time"

# Two decimals for short runs (the smoke test), one for the corpus.
awk -v d="$docs" -v b="$bytes" -v w="$wall" -v r="$rss_kb" -v u="$user" -v s="$sys" '
  function f(x) { return sprintf(x < 10 ? "%.2f" : "%.1f", x) }
  BEGIN { mb = b / 1e6; ws = (w > 0 ? w : 0.01)
    printf "scriptindex: %d docs, %s MB of input text (title+body bytes of the dump), %s s wall, %s s CPU, %.0f docs/s, %s MB/s, peak RSS %.0f MB\n",
      d, f(mb), f(w), f(u + s), d / ws, f(mb / ws), r / 1024 }'
# docs above counts dump records; the index may hold fewer if ids repeat.
indexed=$(xapian-delve "$db" | awk -F'= *' '/number of documents/ { print $2 }')
echo "index: $indexed documents (xapian-delve), $(du -sm "$db" | cut -f1) MB on disk, $warnings scriptindex warning(s)${KEEP_DB:+, kept in $db}"
grep '^records' "$tmp/log" | sed 's/^/scriptindex /' || true
