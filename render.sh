#!/usr/bin/env bash
# Render the lecture: ./render.sh [TARGET ...] [-q l|m|h|p|k] [--set SCENE.PARAM=VALUE]...
#                                 [--params FILE.toml] [-j N] [--force] [--list] [--format F]
# The first run on a fresh machine installs what is missing (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/setup.sh
exec .venv/bin/python -m lecture.cli "$@"
