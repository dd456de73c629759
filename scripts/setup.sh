#!/usr/bin/env bash
# Make this checkout ready to render: Debian packages Manim needs, a .venv with the
# pinned Python packages and the project installed in editable mode.
# Sourced by render.sh and test.sh. A run with nothing to do costs a few milliseconds:
# the venv carries a stamp of requirements.txt + pyproject.toml, and the Debian check is
# one dpkg-query call.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
STAMP="$VENV/.lecture-stamp"
APT_PACKAGES=(
  libcairo2-dev libpango1.0-dev pkg-config
  texlive-latex-base texlive-latex-extra texlive-latex-recommended
  texlive-fonts-recommended texlive-science dvisvgm
)

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
  echo "setup: installing Debian packages: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >&2
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
  echo "setup: preparing $VENV (first run only)" >&2
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip >&2
  "$VENV/bin/python" -m pip install -q -r "$ROOT/requirements.txt" >&2
  "$VENV/bin/python" -m pip install -q --no-deps --no-build-isolation -e "$ROOT" >&2
  echo "$digest" >"$STAMP"
}

ensure_apt_packages
ensure_venv
