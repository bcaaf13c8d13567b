#!/usr/bin/env bash
# The differential test against pyocmf: keeps a Python virtual environment with the pinned pyocmf,
# generates signed OCMF cases with it and checks that our verifier gives the same verdicts.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

VENV="$ECAR_ROOT/.venv/pyocmf"
REQUIREMENTS="$ECAR_ROOT/test/pyocmf/requirements.txt"
GENERATOR="$ECAR_ROOT/test/pyocmf/generate_cases.py"

usage() {
  cat <<USAGE
Usage: npm run test:pyocmf [-- --seed N|random] [--count N] [--no-build]

Cross-checks our OCMF verifier against pyocmf: creates (or reuses) the virtual environment
.venv/pyocmf with the pinned packages of test/pyocmf/requirements.txt (rebuilt when that file
changes), lets test/pyocmf/generate_cases.py sign randomised records and record pyocmf's
verdicts, then runs the mocha suite test/pyocmf against them. Fails on any disagreement.

  --seed N|random   case seed (default: the generator's fixed seed; ECAR_PYOCMF_SEED also sets it)
  --count N         number of cases (default 3000; ECAR_PYOCMF_COUNT also sets it)
  --no-build        use dist/ as it is (npm test has just compiled it)
USAGE
}

# python3 with venv support, 3.11 or newer (pyocmf's minimum); installs Debian's python3-venv when
# ensurepip is missing and apt-get can be used.
require_python() {
  command -v python3 >/dev/null 2>&1 || die "python3 is not installed: install Python 3.11 or newer (Debian: apt-get install python3 python3-venv)."
  local v
  v="$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
  version_ge "$v" "3.11" || die "Python $v is too old for pyocmf: install Python 3.11 or newer."
  if python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
    return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "Installing python3-venv (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed (above)."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv || die "apt-get install python3-venv failed (above)."
    return 0
  fi
  die "python3 cannot create virtual environments: install the python3-venv package (as root: apt-get install python3-venv)."
}

# The virtual environment, rebuilt when the requirements or the Python version change.
ensure_venv() {
  local stamp="$VENV/.ecar-requirements-hash" want
  want="$( (sha256sum "$REQUIREMENTS" | cut -d' ' -f1) && python3 --version)"
  if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  require_python
  step "Creating the pyocmf virtual environment (.venv/pyocmf)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "python3 -m venv failed (above)."
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --require-hashes --only-binary=:all: -r "$REQUIREMENTS" ||
    die "installing test/pyocmf/requirements.txt failed (above); is PyPI reachable?"
  printf '%s' "$want" >"$stamp"
}

main() {
  local seed="${ECAR_PYOCMF_SEED:-}" count="${ECAR_PYOCMF_COUNT:-3000}" build=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --seed)
        [ $# -ge 2 ] || die "--seed needs a value (see --help)"
        seed="$2"
        shift
        ;;
      --count)
        [ $# -ge 2 ] || die "--count needs a value (see --help)"
        count="$2"
        shift
        ;;
      --no-build) build=0 ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die "unknown option '$1' (see --help)" ;;
    esac
    shift
  done
  ensure_venv
  if [ "$build" = 1 ]; then
    ensure_npm_deps
    build_ts
  fi
  local cases
  cases="$(mktemp -t ecar-pyocmf-cases.XXXXXX)"
  # shellcheck disable=SC2064 # the path is fixed now, on purpose
  trap "rm -f '$cases'" EXIT
  step "Generating $count signed OCMF cases with pyocmf"
  local args=(--count "$count" --out "$cases")
  [ -n "$seed" ] && args+=(--seed "$seed")
  "$VENV/bin/python" "$GENERATOR" "${args[@]}" || die "the case generator failed (above)."
  step "Checking our verifier against pyocmf's verdicts"
  cd "$ECAR_ROOT"
  ECAR_PYOCMF_CASES="$cases" npx --no-install mocha --config .mocharc.pyocmf.json
}

main "$@"
