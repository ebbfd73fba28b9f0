#!/usr/bin/env bash
# Installs the system packages Papo needs when they are missing (Debian/Ubuntu).
# The Swift toolchain itself is expected on PATH (https://www.swift.org/install/).
set -euo pipefail

packages=(libpq-dev libyaml-dev libcurl4-openssl-dev pkg-config postgresql)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]})); then
  echo "papo: installing ${missing[*]}" >&2
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Debian's postgresql package starts a system-wide cluster; Papo runs its own private one and
# does not need that service.
if ! command -v swift >/dev/null 2>&1; then
  if [ -x /opt/swift/usr/bin/swift ]; then
    echo "papo: swift is at /opt/swift/usr/bin; add it to PATH" >&2
  else
    echo "papo: the Swift toolchain (6.1 or newer) is needed: https://www.swift.org/install/" >&2
  fi
  exit 1
fi
