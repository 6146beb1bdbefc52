# Sourced by scripts/serve and scripts/test: create .venv in the repository root (once) and
# install nasalis into it with the given extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ ! -x .venv/bin/python ]; then
  PY="${PYTHON:-}"
  if [ -z "$PY" ]; then
    for candidate in python3.11 python3.12 python3; do
      if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
    done
  fi
  "$PY" -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 12), "nasalis needs Python 3.11 or 3.12"'
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
.venv/bin/python -m pip install -q -e ".[$1]" 2>&1 | grep -v "^WARNING: Location" || true
