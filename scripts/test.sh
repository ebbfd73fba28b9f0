#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, then `swift test`.
# Tests start their own private PostgreSQL (one cluster per run, a database per suite) and
# fake provider/LLM servers on loopback; nothing reaches the internet.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
swift build --build-tests
swift test --skip-build "$@"
