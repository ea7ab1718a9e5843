#!/usr/bin/env bash
# Quick start: installs what is missing, builds in Release, indexes the
# bundled sample archive and serves it on http://127.0.0.1:8080 until Ctrl-C.
# Usage: scripts/run.sh [--listen HOST:PORT]
set -euo pipefail
cd "$(dirname "$0")/.."
listen=127.0.0.1:8080
if [[ ${1:-} == --listen && -n ${2:-} ]]; then listen=$2; fi

scripts/deps.sh
scripts/build.sh
index=build/sample-index
build/indexer/letopis-index --db "$index" --rebuild data/sample/articles.jsonl data/sample/pages
echo "Letopis: serving the sample archive on http://$listen/ (Ctrl-C stops)"
exec build/searchd/letopis-searchd --db "$index" --listen "$listen"
