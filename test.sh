#!/usr/bin/env bash
# Run the test suite: ./test.sh [pytest arguments]
# The first run on a fresh machine installs what is missing (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bash scripts/setup.sh --tests
# Two workers (pytest-xdist): the tests of the one rendered lecture run in order on one of
# them while the rest share the other (tests/conftest.py groups them); `-n 0` runs in one.
exec .venv/bin/python -m pytest -n 2 --dist loadgroup --no-loadscope-reorder "$@"
