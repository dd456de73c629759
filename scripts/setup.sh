#!/usr/bin/env bash
# Make this checkout ready to render: Debian packages Manim needs, a .venv with the
# pinned Python packages and the project installed in editable mode.
# Run by render.sh and test.sh (with --tests: also the browser the tests drive). A run with
# nothing to do costs a few milliseconds:
# the venv carries a stamp of requirements.txt + pyproject.toml, and the Debian check is
# one dpkg-query call. What apt and pip print goes to .setup.log; the terminal gets a
# line per step, and on failure the log's last lines and its path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.lecture-stamp"
LOG="$ROOT/.setup.log"
APT_PACKAGES=(
  libcairo2-dev libpango1.0-dev pkg-config
  texlive-latex-base texlive-latex-extra texlive-latex-recommended
  texlive-fonts-recommended texlive-science dvisvgm
)
# reveal.js for the slides comes from the npm registry (npm pack), never a CDN.
if ! command -v npm >/dev/null 2>&1; then
  APT_PACKAGES+=(npm)
fi
# The tests also open the gallery page in a headless browser: test.sh passes --tests.
if [ "${1:-}" = "--tests" ]; then
  APT_PACKAGES+=(chromium)
fi

step() {  # step "what is happening" command...: run it, its output into the log
  local what="$1"
  shift
  echo "setup: $what" >&2
  {
    echo "=== $(date -u +%FT%TZ) $what"
    echo "+ $*"
  } >>"$LOG"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "setup: FAILED: $what. The last lines of $LOG:" >&2
    tail -n 25 "$LOG" | sed 's/^/  | /' >&2
    exit 1
  fi
}

missing_apt_packages() {
  local status
  status="$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${APT_PACKAGES[@]}" 2>/dev/null || true)"
  for pkg in "${APT_PACKAGES[@]}"; do
    grep -q "^$pkg ii" <<<"$status" || printf '%s ' "$pkg"
  done
}

ensure_apt_packages() {
  local missing
  missing="$(missing_apt_packages)"
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing Debian packages: $missing" >&2
    echo "setup: run this as root, then try again:" >&2
    echo "  apt-get update && apt-get install -y $missing" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  step "updating the Debian package lists" apt-get update
  # shellcheck disable=SC2086
  step "installing Debian packages (about a minute): $missing" \
    apt-get install -y --no-install-recommends $missing
}

requirements_digest() {
  cat "$ROOT/requirements.txt" "$ROOT/pyproject.toml" | sha256sum | cut -d' ' -f1
}

ensure_venv() {
  local digest
  digest="$(requirements_digest)"
  if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$digest" ]; then
    return 0
  fi
  [ -x "$VENV/bin/python" ] || step "creating $VENV" python3 -m venv "$VENV"
  step "upgrading pip" "$VENV/bin/python" -m pip install --upgrade pip
  step "installing the pinned Python packages of requirements.txt (about 2 minutes)" \
    "$VENV/bin/python" -m pip install -r "$ROOT/requirements.txt"
  step "installing this project in editable mode" \
    "$VENV/bin/python" -m pip install --no-deps --no-build-isolation -e "$ROOT"
  echo "$digest" >"$STAMP"
}

# The reveal.js that manim-slides 5.7's HTML template is written for (RevealJS.reveal_version
# in manim_slides/convert.py); copied next to every deck by lecture/slides.py.
REVEAL_VERSION=6.0.1
REVEAL_DIR="$ROOT/vendor/reveal.js"

fetch_reveal() {
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "reveal.js@$REVEAL_VERSION" && tar xzf "reveal.js-$REVEAL_VERSION.tgz") &&
    mkdir -p "$ROOT/vendor" && rm -rf "$REVEAL_DIR" && mv "$tmp/package" "$REVEAL_DIR"
  local status=$?
  rm -rf "$tmp"
  return $status
}

ensure_reveal() {
  [ -f "$REVEAL_DIR/package.json" ] && grep -q "\"version\": \"$REVEAL_VERSION\"" "$REVEAL_DIR/package.json" &&
    return 0
  step "fetching reveal.js $REVEAL_VERSION from the npm registry (for the slides)" fetch_reveal
}

started=$SECONDS
ensure_apt_packages
ensure_venv
ensure_reveal
if ((SECONDS - started > 1)); then
  echo "setup: ready in $((SECONDS - started)) s (details in $LOG)" >&2
fi
