#!/usr/bin/env bash
# Installs what Letopis needs to build, test and run, from Debian 12's packages.
# Idempotent: when everything is present it returns in well under a second.
# Usage: scripts/deps.sh [--bench] [--peers] [--browser]
#   --bench    adds what the benchmark programs and the report need: the
#              peers' client libraries (so that letopis_bench_peers builds
#              and its smoke run is in ctest), gnuplot, jq and GNU time
#   --peers    adds the peers' servers: Sphinx and PostgreSQL (bench/peers.sh)
#   --browser  adds Debian's chromium and chromedriver for tests/browser
set -euo pipefail

packages=(
  build-essential cmake pkg-config ninja-build
  libxapian-dev xapian-tools
  libicu-dev
  libcpp-httplib-dev nlohmann-json3-dev
  catch2 libbenchmark-dev
  zlib1g-dev libzstd-dev zstd liblz4-dev
  libxml2-dev
  libjemalloc-dev
  wbritish
  curl ca-certificates
)
for arg in "$@"; do
  case $arg in
    --bench) packages+=(gnuplot-nox jq time libmariadb-dev libpq-dev) ;;
    --peers) packages+=(sphinxsearch postgresql) ;;
    --browser) packages+=(chromium chromium-driver fonts-dejavu-core) ;;
    *) echo "deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  # dpkg-query is fast and needs no network; only ask apt when something is missing.
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
((${#missing[@]} == 0)) && exit 0

echo "deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
