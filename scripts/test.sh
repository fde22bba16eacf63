#!/usr/bin/env bash
# The project's test command (the README's): the whole pytest suite, including
# the static checks of the workflow files and the end-to-end runs under act.
# Extra arguments go to pytest, e.g. `scripts/test.sh -m "not act"`.
set -euo pipefail
cd "$(dirname "$0")/.."
exec uv run --frozen pytest "$@"
