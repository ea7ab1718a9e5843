#!/usr/bin/env bash
# Fuzzes every target in fuzz/ with libFuzzer (clang, ASan + UBSan) for a
# fixed time each. Exits non-zero if any target crashes, leaks, times out or
# runs out of memory, naming the input that did it.
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 20)
#
# Installs clang and libFuzzer's runtime if missing (Debian packages), builds
# into build-fuzz/ (-DLETOPIS_FUZZ=ON), and runs each target on a working copy
# of its seed corpus in build-fuzz/corpus/NAME (what the fuzzer finds is kept
# there between runs, never added to fuzz/corpus), with fuzz/dict/NAME.dict
# and the saved crashes in fuzz/regressions/NAME. Targets run FUZZ_JOBS at a
# time (default: the number of cores); each one uses one core.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
if [[ ! $seconds =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET]" >&2
  exit 2
fi
targets=(query params jsonl html text_page analyzer stored)
build_dir=build-fuzz
jobs=${FUZZ_JOBS:-$(nproc)}

# --- dependencies: the project's, then clang, libFuzzer and a symbolizer ---
scripts/deps.sh
# Installs whichever of the given Debian packages are missing.
ensure_packages() {
  local p absent=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || absent+=("$p")
  done
  ((${#absent[@]} == 0)) && return 0
  echo "fuzz: installing ${absent[*]}" >&2
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${absent[@]}" >/dev/null
}
ensure_packages clang
# libclang-rt-N-dev holds libFuzzer and the sanitizer runtimes; the compiler
# only recommends it. llvm-N has llvm-symbolizer, for readable stack traces.
clang_major=$(clang -dumpversion | cut -d. -f1)
ensure_packages "libclang-rt-$clang_major-dev" "llvm-$clang_major"
symbolizer=$(command -v llvm-symbolizer || command -v "llvm-symbolizer-$clang_major" ||
  echo "/usr/lib/llvm-$clang_major/bin/llvm-symbolizer")

# --- build (CI=true: warnings are errors, as in scripts/build.sh) ---
options=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DLETOPIS_FUZZ=ON -DLETOPIS_BUILD_TESTS=OFF -DLETOPIS_BUILD_BENCH=OFF)
if [[ ${CI:-} == true ]]; then options+=(-DLETOPIS_WERROR=ON); fi
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  generator=()
  if command -v ninja >/dev/null; then generator=(-G Ninja); fi
  CC=clang CXX=clang++ cmake -S . -B "$build_dir" "${generator[@]}" "${options[@]}" >/dev/null
else
  cmake -S . -B "$build_dir" "${options[@]}" >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)" --target "${targets[@]/#/letopis_fuzz_}"

# --- fuzz ---
out=$build_dir/fuzz-run
rm -rf "$out"
mkdir -p "$out" "$build_dir/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}${symbolizer:+:external_symbolizer_path=$symbolizer}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() {
  local name=$1
  local corpus=$build_dir/corpus/$name
  mkdir -p "$corpus"
  cp -f fuzz/corpus/"$name"/* "$corpus"/
  local args=("$corpus" "fuzz/regressions/$name"
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1
    -artifact_prefix="$build_dir/artifacts/$name-")
  [[ -f fuzz/dict/$name.dict ]] && args+=(-dict="fuzz/dict/$name.dict")
  local TIMEFORMAT='%3U %3S %3R' rc=0
  { time "$build_dir/fuzz/letopis_fuzz_$name" "${args[@]}" >"$out/$name.log" 2>&1 || rc=$?; } 2>"$out/$name.time"
  echo "$rc" >"$out/$name.rc"
}

echo "fuzz: ${#targets[@]} targets x ${seconds}s, $jobs at a time; logs in $out/" >&2
touch "$out/.start"
started=$SECONDS
for name in "${targets[@]}"; do
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  run_target "$name" &
done
wait

# --- report ---
final_stat() { sed -n "s/^stat::$2: *//p" "$out/$1.log" | tail -1; }
failed=()
total_cpu=0
printf '\n%-10s %8s %12s %9s %8s %8s  %s\n' target cpu_s execs execs/s new_units rss_mb result
for name in "${targets[@]}"; do
  rc=$(cat "$out/$name.rc")
  read -r user sys _ <"$out/$name.time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
  total_cpu=$(awk -v a="$total_cpu" -v b="$cpu" 'BEGIN { printf "%.1f", a + b }')
  result=ok
  if [[ $rc != 0 ]]; then
    result="FAILED (exit $rc)"
    failed+=("$name")
  fi
  printf '%-10s %8s %12s %9s %8s %8s  %s\n' "$name" "$cpu" "$(final_stat "$name" number_of_executed_units)" \
    "$(final_stat "$name" average_exec_per_sec)" "$(final_stat "$name" new_units_added)" "$(final_stat "$name" peak_rss_mb)" "$result"
done
echo "fuzz: ${total_cpu} CPU seconds fuzzed in $((SECONDS - started)) s"

if ((${#failed[@]} > 0)); then
  echo >&2
  for name in "${failed[@]}"; do
    echo "fuzz: $name FAILED; log: $out/$name.log" >&2
    grep -m4 -E '(==ERROR|ERROR: libFuzzer|^SUMMARY|runtime error:|fuzz invariant broken)' "$out/$name.log" | sed 's/^/  /' >&2 || true
    mapfile -t crashes < <(find "$build_dir/artifacts" -name "$name-*" -newer "$out/.start" -type f | sort)
    for c in "${crashes[@]}"; do echo "  input: $c" >&2; done
    echo "  reproduce: $build_dir/fuzz/letopis_fuzz_$name ${crashes[0]:-INPUT}" >&2
  done
  echo >&2
  echo "fuzz: once fixed, copy each crashing input into fuzz/regressions/NAME/ (and git add it):" >&2
  echo "      ctest's 'fuzz replay: NAME' then runs it in every build, so the bug stays fixed." >&2
  exit 1
fi
