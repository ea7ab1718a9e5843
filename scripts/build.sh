#!/usr/bin/env bash
# Configures and builds Letopis. Usage: scripts/build.sh [--sanitize] [--debug]
# Builds into build/ (Release) or build-asan/ (ASan + UBSan). CI=true turns
# warnings into errors.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
build_type=Release
extra=()
for arg in "$@"; do
  case $arg in
    --sanitize) build_dir=build-asan; build_type=RelWithDebInfo; extra+=(-DLETOPIS_SANITIZE=ON) ;;
    --debug) build_dir=build-debug; build_type=Debug ;;
    *) echo "build.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
if [[ ${CI:-} == true ]]; then extra+=(-DLETOPIS_WERROR=ON); fi

generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
if [[ ! -f $build_dir/CMakeCache.txt ]]; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE="$build_type" "${extra[@]}" >/dev/null
else
  cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="$build_type" "${extra[@]}" >/dev/null
fi
cmake --build "$build_dir" -j "$(nproc)"
