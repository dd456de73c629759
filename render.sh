#!/usr/bin/env bash
# Render the lecture: ./render.sh [TARGET ...] [-q l|m|h|p|k] [--set SCENE.PARAM=VALUE]...
#                                 [--params FILE.toml] [-j N] [--force] [--list] [--format F]
# The first run on a fresh machine installs what is missing (scripts/setup.sh).
# Runs in the caller's folder, so relative paths (--params, LECTURE_MEDIA_DIR) mean
# what the caller means.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$ROOT/scripts/setup.sh"
# -P: a folder named lecture/ or scenes/ where the caller stands must not shadow ours.
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
exec "$ROOT/.venv/bin/python" -P -m lecture.cli "$@"
