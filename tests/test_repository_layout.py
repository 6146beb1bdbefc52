"""The repository's own layout rules: bench/ stands apart from tests/, and modules have unique names."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TREES = ("src", "tests", "bench", "tools")

SHARED_NAMES = frozenset({"__init__.py", "conftest.py", "__main__.py"})
"""Names Python and pytest give a meaning to, which every package may have."""


def _imported(path: Path) -> set[str]:
    """The top-level package of every module `path` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def _modules_by_name() -> dict[str, list[str]]:
    """Every module file under the code trees, grouped by file name."""
    seen: dict[str, list[str]] = defaultdict(list)
    for tree in TREES:
        for path in sorted((REPO / tree).rglob("*.py")):
            if "__pycache__" not in path.parts:
                seen[path.name].append(str(path.relative_to(REPO)))
    return seen


def test_bench_never_imports_tests() -> None:
    # A benchmark built on a test module breaks when the test changes, and runs pytest's
    # machinery in a measurement; what both need lives in bench/support/.
    offenders = [
        str(path.relative_to(REPO))
        for path in sorted((REPO / "bench").rglob("*.py"))
        if "tests" in _imported(path)
    ]
    assert offenders == []


def test_no_two_modules_share_a_name() -> None:
    shared = {
        name: paths
        for name, paths in _modules_by_name().items()
        if len(paths) > 1 and name not in SHARED_NAMES
    }
    assert shared == {}, "rename one of each pair after the idea it holds"
