#!/usr/bin/env bash
# Builds the Debian package of Letopis: build-package/letopis_VERSION_ARCH.deb
# (prefix /usr; Depends computed from the linked Debian libraries). Install
# it with: apt install ./build-package/letopis_*.deb  (or dpkg -i, then
# apt -f install). The units stay disabled until enabled:
#   systemctl enable --now letopis-searchd letopis-reindex.timer
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
generator=()
if command -v ninja >/dev/null; then generator=(-G Ninja); fi
# The fuzz replay programs and the tests are not shipped.
cmake -S . -B build-package "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
  -DLETOPIS_PACKAGE=ON -DLETOPIS_BUILD_TESTS=OFF -DLETOPIS_BUILD_BENCH=OFF >/dev/null
cmake --build build-package -j "$(nproc)"
(cd build-package && cpack >/dev/null)
deb=$(ls -t build-package/letopis_*.deb | head -n 1)
echo "package: $deb"
dpkg-deb --field "$deb" Package Version Depends
