#!/usr/bin/env bash
# Release build of the signup-reactor binary. CI and deploy/Dockerfile both run
# this script, so the image contains exactly what CI built and checked. The
# production binary is built without default features: no demo, and no HubSpot
# simulator inside it.
#
# Usage: bash deploy/build-release.sh [INSTALL_DIR]
#   INSTALL_DIR  optional; the built binary is copied there (the Dockerfile uses
#                it to take the binary out of its cached target directory).
# Honours CARGO_TARGET_DIR like cargo itself.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release --locked -p signup-reactor --no-default-features --bin signup-reactor

if [[ $# -ge 1 ]]; then
  install -D -m 0755 "${CARGO_TARGET_DIR:-target}/release/signup-reactor" \
    "$1/signup-reactor"
fi
