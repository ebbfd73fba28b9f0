#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, then `swift test`.
# Tests start their own private PostgreSQL (one cluster per run, a database per suite) and
# fake provider/LLM servers on loopback; nothing reaches the internet.
# HTTPClientThreadTests count the threads of the whole process, so they run in a second
# process of their own, after everything else. Arguments are passed to a single `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
swift build --build-tests
if [ "$#" -gt 0 ]; then
    exec swift test --skip-build "$@"
fi
swift test --skip-build --skip HTTPClientThreadTests
swift test --skip-build --filter HTTPClientThreadTests
