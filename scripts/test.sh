#!/usr/bin/env bash
# `npm test`: installs what is missing, then lint, format check, unit tests and end-to-end tests
# against a real Fabric network that the e2e suite brings up on its own ports and tears down.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

usage() {
  cat <<USAGE
Usage: npm test [-- --unit-only | --e2e-only]

Runs, in order: npm ci (when the lockfile changed), Fabric install (cached), tsc, eslint,
prettier --check, shellcheck on every tracked shell script (installed with apt-get when missing and
run as root), mocha unit suites (test/unit), the differential test against pyocmf
(test/pyocmf; installs the pinned pyocmf into .venv/pyocmf, see scripts/test-pyocmf.sh --help),
mocha end-to-end suites (test/e2e) against a throw-away network on ports 17xxx, state under
.state/test.
USAGE
}

main() {
  local unit=1 e2e=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --unit-only) e2e=0 ;;
      --e2e-only) unit=0 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
  done
  ensure_npm_deps
  [ "$e2e" = 1 ] && bash "$ECAR_ROOT/scripts/install-fabric.sh"
  build_ts
  cd "$ECAR_ROOT"
  step "Lint (eslint) and format check (prettier)"
  npx --no-install eslint . || die "eslint found problems (above); fix them or run 'npx eslint --fix .'."
  npx --no-install prettier --check . >/dev/null || die "files are not formatted; run 'npm run format'."
  step "Shell scripts (shellcheck)"
  ensure_shellcheck
  local scripts=()
  mapfile -d '' -t scripts < <(tracked_shell_scripts)
  [ "${#scripts[@]}" -gt 0 ] || die "found no tracked shell scripts: run npm test from a git checkout."
  shellcheck -x "${scripts[@]}" || die "shellcheck found problems (above); fix them (https://www.shellcheck.net/wiki/)."
  info "${#scripts[@]} scripts clean"
  if [ "$unit" = 1 ]; then
    step "Unit tests"
    npx --no-install mocha --config .mocharc.unit.json
    step "Differential test against pyocmf"
    bash "$ECAR_ROOT/scripts/test-pyocmf.sh" --no-build
  fi
  if [ "$e2e" = 1 ]; then
    step "End-to-end tests (real Fabric network)"
    npx --no-install mocha --config .mocharc.e2e.json
  fi
}

main "$@"
