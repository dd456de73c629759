#!/usr/bin/env bash
# Run the test suite: ./test.sh [pytest arguments]
# The first run on a fresh machine installs what is missing (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/setup.sh --tests
exec .venv/bin/python -m pytest "$@"
