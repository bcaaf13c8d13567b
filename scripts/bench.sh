#!/usr/bin/env bash
# `npm run bench`: installs what is missing (npm packages, Fabric binaries), compiles, then runs the
# benchmarks: crypto micro-benchmarks, the settle workload confidential vs plaintext on a dedicated
# network (ports 27xxx, state under .state/bench-network) and its footprint. Results in bench-results/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: npm run bench [-- --quick] [-- --json] [-- --levels 1,4,16] [-- --duration S] [-- --keep-network]

Brings up a dedicated benchmark network on 127.0.0.1 (base port 27000, state .state/bench-network)
whose chaincode servers serve both the confidential contract and the plain baseline contract, then:
  1. crypto micro-benchmarks (tweetnacl alone, the protocol's native combination, DCAP verify);
  2. a closed loop of charging sessions (startSession + stopSession with signed OCMF records) at
     several concurrency levels, plaintext and confidential, with tps, p50/p95/p99 latency,
     read-conflict rate and CPU per transaction of every node;
  3. footprint: RSS of every node idle and under load, network up time, chaincode cold start.
Writes bench-results/<timestamp>.json, latest.json, latest.md and latest.svg; prints the tables.
The bench network is torn down at the end unless --keep-network.

Options (after --):
  --quick              short smoke run (levels 1,4,16, 4 s each)
  --json               results as JSON on stdout
  --levels LIST        concurrency levels (default 1,2,4,8,16,32,64)
  --duration S         measured seconds per level and mode (default 12)
  --warmup S           warm-up seconds before each measurement (default 3)
  --keep-network       leave the bench network running
  --skip-crypto        skip the crypto micro-benchmarks
  --state-dir DIR      bench network state folder
  --base-port N        first port of the bench network
  --out DIR            results folder (default bench-results/)
USAGE
}

main() {
  local arg
  for arg in "$@"; do
    case "$arg" in
      -h | --help)
        usage
        exit 0
        ;;
    esac
  done
  ensure_npm_deps
  bash "$ECAR_ROOT/scripts/install-fabric.sh"
  build_ts
  exec node "$ECAR_ROOT/dist/scripts/src/bench/main.js" "$@"
}

main "$@"
