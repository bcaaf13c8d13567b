#!/usr/bin/env bash
# `npm start`: the quick start's main job. Installs what is missing (npm packages, Fabric binaries),
# compiles, brings the local network up, deploys the chaincode and runs the end-to-end scenario.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

case "${1:-}" in
  -h | --help)
    cat <<USAGE
Usage: npm start [-- --json] [-- --base-port N] [-- --state-dir DIR]

Brings up the local Fabric network (orderer, peer0.org1, peer0.org2, chaincode servers) on
127.0.0.1, deploys the chaincode and runs the scenario. The network keeps running afterwards:
  npm run network -- status | logs <node> | stop | start | down
USAGE
    exit 0
    ;;
esac

ensure_npm_deps
bash "$ECAR_ROOT/scripts/install-fabric.sh"
build_ts
exec node "$ECAR_ROOT/dist/scripts/src/demo/main.js" "$@"
