#!/usr/bin/env bash
# Creates bench/.venv with scikit-learn pinned (the reference of the parity
# tests and benchmarks). Idempotent: does nothing when it is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${FACENMF_SKLEARN_VENV:-$here/.venv}"
if "$venv/bin/python" -c 'import sklearn, sys; sys.exit(sklearn.__version__ != "1.9.1")' 2>/dev/null; then
    echo "scikit-learn 1.9.1 already in $venv"
    exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -c 'import sklearn; print("scikit-learn", sklearn.__version__, "in", "'"$venv"'")'
