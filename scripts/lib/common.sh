# Shared helpers for the project's shell entry points. Source it; do not run it.
# shellcheck shell=bash

ECAR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export ECAR_ROOT

# Fabric release the network runs; must match scripts/fabric-tools/go.mod.
FABRIC_VERSION="2.5.9"
FABRIC_COMMIT="7c3876255bf064b789a839ce347b6a02adb6333c"
FABRIC_MODULE_VERSION="v1.4.0-rc1.0.20240618194258-7c3876255bf0"
export FABRIC_GO_MIN="1.22"
FABRIC_HOME="${ECAR_FABRIC_HOME:-$ECAR_ROOT/.cache/fabric/$FABRIC_VERSION-${FABRIC_COMMIT:0:12}}"
export FABRIC_VERSION FABRIC_COMMIT FABRIC_MODULE_VERSION FABRIC_HOME

step() { printf '\033[1m==>\033[0m %s\n' "$*" >&2; }
info() { printf '    %s\n' "$*" >&2; }
die() {
  printf 'error: %s\n' "$*" >&2
  exit 1
}

# version_ge A B: true when dotted version A >= B.
version_ge() {
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n 1)" = "$2" ]
}

require_node() {
  command -v node >/dev/null 2>&1 || die "Node.js is not installed. Install Node 20.19 or newer, then run this again."
  local v
  v="$(node -p 'process.versions.node')"
  version_ge "$v" "20.19.0" || die "Node $v is too old: install Node 20.19 or newer."
}

# Installs npm packages when the lockfile changed since the last install.
ensure_npm_deps() {
  require_node
  local stamp="$ECAR_ROOT/node_modules/.ecar-lock-hash" want
  want="$(sha256sum "$ECAR_ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  step "Installing npm packages (npm ci)"
  (cd "$ECAR_ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed: see the npm error above."
  printf '%s' "$want" >"$stamp"
}

# Compiles the TypeScript sources into dist/.
build_ts() {
  step "Compiling TypeScript"
  prune_stale_dist
  (cd "$ECAR_ROOT" && npx --no-install tsc -p tsconfig.json) || die "TypeScript compilation failed (errors above)."
}

# Removes compiled files whose TypeScript source is gone (moved or deleted), so a checkout that pulled
# a rename never runs, or tests, the old module from dist/.
prune_stale_dist() {
  [ -d "$ECAR_ROOT/dist" ] || return 0
  local out source
  while IFS= read -r -d '' out; do
    source="${out#"$ECAR_ROOT/dist/"}"
    source="$ECAR_ROOT/${source%.js}.ts"
    [ -f "$source" ] || rm -f "$out" "$out.map" "${out%.js}.d.ts" "${out%.js}.d.ts.map"
  done < <(find "$ECAR_ROOT/dist" -name '*.js' -print0)
}

# Installs shellcheck with apt-get when it is missing (as root on Debian/Ubuntu); otherwise says how.
ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    step "Installing shellcheck (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || die "apt-get update failed (above)."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck || die "apt-get install shellcheck failed (above)."
    return 0
  fi
  die "shellcheck is not installed: install it (Debian/Ubuntu: apt-get install shellcheck; https://github.com/koalaman/shellcheck#installing), then run this again."
}

# Prints, NUL-separated, every tracked shell script: *.sh and files whose first line is a sh/bash shebang.
tracked_shell_scripts() {
  local file first
  git -C "$ECAR_ROOT" ls-files -z | while IFS= read -r -d '' file; do
    case "$file" in
      *.sh) printf '%s\0' "$file" ;;
      *)
        [ -f "$ECAR_ROOT/$file" ] || continue
        IFS= read -r first <"$ECAR_ROOT/$file" || continue
        case "$first" in
          '#!'*/sh | '#!'*/bash | '#!'*'env bash' | '#!'*'env sh') printf '%s\0' "$file" ;;
        esac
        ;;
    esac
  done
}
