#!/usr/bin/env bash
# Runs the engine on its embedded defaults: a private PostgreSQL under ./.papo, the Sandbox
# provider, the bundled agents and plugins. Installs what is missing and builds first.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
scripts/setup.sh
swift build --product papo
exec "$(swift build --show-bin-path)/papo" serve "$@"
