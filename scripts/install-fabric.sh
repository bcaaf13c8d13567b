#!/usr/bin/env bash
# Builds Fabric's peer, orderer, configtxgen, cryptogen and osnadmin with `go install` from the
# Go module proxy into an ignored cache folder, and copies the module's sampleconfig beside them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

TOOLS=(peer orderer configtxgen cryptogen osnadmin)

usage() {
  cat <<USAGE
Usage: scripts/install-fabric.sh [--force] [--print-home] [--help]

Installs Hyperledger Fabric $FABRIC_VERSION (commit ${FABRIC_COMMIT:0:12}) binaries into
  .cache/fabric/<version>-<commit>/bin   and its sample config into  .../config
Idempotent: a second run only checks the stamp file and returns.

  --force       rebuild even when the cache is complete
  --print-home  print the install folder and exit
  -h, --help    this help

Needs Go >= $FABRIC_GO_MIN (GOTOOLCHAIN=auto fetches a newer toolchain through the module proxy).
USAGE
}

check_go() {
  command -v go >/dev/null 2>&1 ||
    die "Go is not installed. Install Go >= $FABRIC_GO_MIN (https://go.dev/doc/install, or 'apt-get install golang-go' if recent enough), then run this again."
  local v
  v="$(go env GOVERSION | sed 's/^go//')"
  version_ge "$v" "$FABRIC_GO_MIN" ||
    die "Go $v is too old: Fabric $FABRIC_VERSION needs Go >= $FABRIC_GO_MIN. Upgrade Go, or set GOTOOLCHAIN=auto."
  info "using go $v"
}

is_installed() {
  local t
  [ -f "$FABRIC_HOME/.complete" ] || return 1
  for t in "${TOOLS[@]}"; do [ -x "$FABRIC_HOME/bin/$t" ] || return 1; done
  [ -f "$FABRIC_HOME/config/core.yaml" ] && [ -f "$FABRIC_HOME/config/orderer.yaml" ]
}

build_tools() {
  local pkgs=() t start ldflags
  for t in "${TOOLS[@]}"; do pkgs+=("github.com/hyperledger/fabric/cmd/$t"); done
  ldflags="-X github.com/hyperledger/fabric/common/metadata.Version=$FABRIC_VERSION"
  ldflags+=" -X github.com/hyperledger/fabric/common/metadata.CommitSHA=${FABRIC_COMMIT:0:7}"
  start=$SECONDS
  step "Building Fabric $FABRIC_VERSION: ${TOOLS[*]} (first time: a few minutes on 2 cores)"
  mkdir -p "$FABRIC_HOME/bin"
  # Inside our pinned module, `go install pkg` (no @version) resolves from go.mod/go.sum and never
  # asks the proxy for Fabric's version list.
  local log="$FABRIC_HOME/build.log"
  if ! (cd "$ECAR_ROOT/scripts/fabric-tools" &&
    GOBIN="$FABRIC_HOME/bin" GOFLAGS="-mod=mod -trimpath" GOTOOLCHAIN="${GOTOOLCHAIN:-auto}" \
      go install -ldflags "$ldflags" "${pkgs[@]}") >"$log" 2>&1; then
    grep -v '^go: downloading' "$log" >&2 || cat "$log" >&2
    die "go install of Fabric failed (go's error is above, full log in $log). Check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)) and that Go >= $FABRIC_GO_MIN is installed, then run scripts/install-fabric.sh --force."
  fi
  for t in "${TOOLS[@]}"; do
    [ -x "$FABRIC_HOME/bin/$t" ] || die "go install finished but $t is missing in $FABRIC_HOME/bin; run with --force."
  done
  info "built in $((SECONDS - start))s"
}

copy_sampleconfig() {
  local dir
  dir="$(cd "$ECAR_ROOT/scripts/fabric-tools" && GOFLAGS=-mod=mod go list -m -f '{{.Dir}}' github.com/hyperledger/fabric)" ||
    die "could not locate the Fabric module in the Go module cache; run with --force."
  mkdir -p "$FABRIC_HOME/config"
  cp "$dir/sampleconfig/core.yaml" "$dir/sampleconfig/orderer.yaml" "$dir/sampleconfig/configtx.yaml" "$FABRIC_HOME/config/"
  chmod u+w "$FABRIC_HOME/config/"*.yaml
  info "sample config copied from the Fabric module"
}

main() {
  local force=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --force) force=1 ;;
      --print-home)
        printf '%s\n' "$FABRIC_HOME"
        exit 0
        ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
  done
  if [ "$force" = 0 ] && is_installed; then
    info "Fabric $FABRIC_VERSION binaries are cached in .cache/fabric ($(basename "$FABRIC_HOME"))"
    return 0
  fi
  check_go
  rm -f "$FABRIC_HOME/.complete"
  build_tools
  copy_sampleconfig
  printf '%s %s\n' "$FABRIC_VERSION" "$FABRIC_COMMIT" >"$FABRIC_HOME/.complete"
  step "Fabric $FABRIC_VERSION installed"
}

main "$@"
