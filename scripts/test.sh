#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite with ctest.
# Exits non-zero on any failure.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: ASan + UBSan build)
set -euo pipefail
cd "$(dirname "$0")/.."
# The browser tests drive Debian's headless chromium (tests/browser).
scripts/deps.sh --browser
scripts/build.sh "$@"
build_dir=build
if [[ ${1:-} == --sanitize ]]; then
  build_dir=build-asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)"
