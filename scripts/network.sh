#!/usr/bin/env bash
# Controls the local Fabric test network: up | deploy | start | stop | down | status | logs.
# Installs what is missing first (npm packages, Fabric binaries), compiles, then runs the command.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  "" | -h | --help | help)
    ensure_npm_deps
    [ -f "$ECAR_ROOT/dist/scripts/src/network/cli.js" ] || build_ts
    exec node "$ECAR_ROOT/dist/scripts/src/network/cli.js" --help
    ;;
esac

ensure_npm_deps
bash "$ECAR_ROOT/scripts/install-fabric.sh"
build_ts
exec node "$ECAR_ROOT/dist/scripts/src/network/cli.js" "$@"
