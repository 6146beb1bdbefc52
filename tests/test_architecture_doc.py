"""docs/ARCHITECTURE.md stays true: every name it cites exists, and the code keeps its layers."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "nasalis"
DOC = REPO / "docs" / "ARCHITECTURE.md"

DOMAIN = frozenset({"assessment", "diary", "insights", "knowledge", "report", "video"})
INTERFACE = frozenset({"web", "cli", "commands", "terminal", "__main__"})
SHARED = frozenset({"(root)", "config", "folders", "wording", "log_setup"})
"""`nasalis` itself (the version), nasalis.config, .folders, .wording and .log_setup: any layer may
use them."""
FRAMEWORKS = frozenset({"fastapi", "starlette", "typer", "rich", "uvicorn"})
"""Libraries only an interface needs: a domain package importing one is tied to a server or a terminal."""

_BACKTICKED = re.compile(r"`([^`\n]+)`")
_DOTTED = re.compile(r"nasalis(?:\.[A-Za-z_]\w*)*")
_PATH = re.compile(r"(?:src|tests|bench|tools|docs|scripts|\.ci)/[\w./*-]+")
_RUN = re.compile(r"python -m ((?:bench|tools)\.[a-z_]+)")  # lower case: not a placeholder like NAME
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


# --- reading the source without importing it (imports would load OpenCV, FastAPI, ...) -------


def _module_file(dotted: str) -> Path | None:
    """The file of a nasalis module or package, if there is one."""
    parts = dotted.split(".")[1:]
    base = SRC.joinpath(*parts)
    if base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    return None


def _defined(tree: ast.Module | ast.ClassDef) -> set[str]:
    """Names a module or class body defines or imports at its top level."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
    return names


def unresolved(dotted: str) -> str | None:
    """Why `nasalis.x.y[.name[.member]]` does not exist, or None when it does."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        found = _module_file(".".join(parts[:cut]))
        if found is not None:
            break
    else:
        return f"{dotted}: no such module"
    rest = parts[cut:]
    if not rest:
        return None
    tree = ast.parse(found.read_text("utf-8"))
    if rest[0] not in _defined(tree):
        return f"{dotted}: {'.'.join(parts[:cut])} defines no {rest[0]!r}"
    if len(rest) == 1:
        return None
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == rest[0]]
    if len(rest) == 2 and classes and rest[1] in _defined(classes[0]):
        return None
    return f"{dotted}: {'.'.join(parts[: cut + 1])} has no member {'.'.join(rest[1:])!r}"


def cited(text: str) -> tuple[set[str], set[str]]:
    """The nasalis names and the repository paths a page cites in backticks."""
    names: set[str] = set()
    paths: set[str] = set()
    for token in _BACKTICKED.findall(text):
        if _DOTTED.fullmatch(token):
            names.add(token)
        elif _PATH.fullmatch(token):
            paths.add(token)
        for module in _RUN.findall(token):
            paths.add(module.replace(".", "/") + ".py")
    return names, paths


def imports_of(source: str, module: str) -> set[str]:
    """Every nasalis module `source` (the module named `module`) imports, lazy ones included."""
    found: set[str] = set()
    package = module.split(".")
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "nasalis"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against this module's package
                base = ".".join(package[: len(package) - node.level] + ([base] if base else []))
            if base.split(".")[0] != "nasalis":
                continue
            for alias in node.names:
                below = f"{base}.{alias.name}"
                found.add(below if _module_file(below) is not None else base)
    return found


def third_party_of(source: str) -> set[str]:
    """The top-level names of every library `source` imports."""
    tree = ast.parse(source)
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {
        n.module.split(".")[0]
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and n.module and not n.level
    }
    return names - {"nasalis"}


def layer(module: str) -> str:
    """The layer of a nasalis module: its package (or top-level module) under nasalis."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "(root)"


def module_name(path: Path) -> str:
    """The dotted name of a source file under src/nasalis."""
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def doc_table() -> dict[str, tuple[str, set[str]]]:
    """The layer table of ARCHITECTURE.md: package -> (kind, the packages it may import)."""
    rows: dict[str, tuple[str, set[str]]] = {}
    for line in DOC.read_text("utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[1] in ("domain", "interface"):
            package = cells[0].strip("`")
            rows[package] = (cells[1], set(_BACKTICKED.findall(cells[2])))
    return rows


# --- the names ARCHITECTURE.md cites ----------------------------------------------------------


def test_every_module_and_function_the_map_names_exists() -> None:
    names, _ = cited(DOC.read_text("utf-8"))
    assert len(names) >= 60, f"only {len(names)} names found: the pattern no longer matches the page"
    problems = [p for p in map(unresolved, sorted(names)) if p]
    assert not problems, "ARCHITECTURE.md names what is not there:\n" + "\n".join(problems)


def test_every_path_and_bench_the_map_names_exists() -> None:
    _, paths = cited(DOC.read_text("utf-8"))
    assert len(paths) >= 20, f"only {len(paths)} paths found: the pattern no longer matches the page"
    missing = [p for p in sorted(paths) if not any(REPO.glob(p))]
    assert not missing, f"ARCHITECTURE.md names paths that do not exist: {missing}"


def test_the_name_check_refuses_what_is_not_there() -> None:
    assert unresolved("nasalis.diary.episode_writer.log_episode") is None
    assert unresolved("nasalis.diary.store.Store.write") is None
    assert unresolved("nasalis.diary.entries.no_such_function") is not None
    assert unresolved("nasalis.diary.store.Store.no_such_method") is not None
    assert unresolved("nasalis.no_such_package.module") is not None


# --- the layers ---------------------------------------------------------------------------------


def test_domain_packages_import_no_interface_package_nor_its_framework() -> None:
    problems = []
    for path in _sources():
        name = module_name(path)
        if layer(name) not in DOMAIN:
            continue
        source = path.read_text("utf-8")
        for target in sorted(imports_of(source, name)):
            if layer(target) in INTERFACE:
                problems.append(f"{name} imports {target}")
        for library in sorted(third_party_of(source) & FRAMEWORKS):
            problems.append(f"{name} imports {library}")
    assert not problems, "a domain package depends on an interface:\n" + "\n".join(problems)


def test_imports_follow_the_layer_table_of_the_map() -> None:
    table = doc_table()
    assert {p for p, (kind, _) in table.items() if kind == "domain"} == DOMAIN
    assert {p for p, (kind, _) in table.items() if kind == "interface"} == INTERFACE
    problems = []
    for path in _sources():
        name = module_name(path)
        own = layer(name)
        if own in SHARED:
            continue
        assert own in table, f"{name}: package {own!r} is not in the layer table of ARCHITECTURE.md"
        allowed = table[own][1] | {own} | SHARED
        problems += [
            f"{name} imports {t}"
            for t in sorted(imports_of(path.read_text("utf-8"), name))
            if layer(t) not in allowed
        ]
    assert not problems, "imports the layer table does not allow:\n" + "\n".join(problems)


def test_shared_modules_import_no_other_nasalis_module() -> None:
    for path in (
        SRC / "__init__.py",
        *(SRC / f"{name}.py" for name in ("config", "folders", "wording", "log_setup")),
    ):
        name = module_name(path)
        # config reads the data folder from folders (kept apart so the CLI need not load pydantic)
        allowed = {"nasalis", "nasalis.folders"} if name == "nasalis.config" else {"nasalis"}
        assert imports_of(path.read_text("utf-8"), name) <= allowed, name


def test_the_import_scanner_sees_lazy_relative_and_from_imports() -> None:
    source = (
        "from nasalis import wording\n"
        "from . import entries\n"
        "def later():\n"
        "    from nasalis.web.app import create_app\n"
        "    import nasalis.terminal.diary_view\n"
    )
    found = imports_of(source, "nasalis.diary.records")
    assert found == {
        "nasalis.wording",
        "nasalis.diary.entries",
        "nasalis.web.app",
        "nasalis.terminal.diary_view",
    }
    assert {layer(f) for f in found} & INTERFACE == {"web", "terminal"}


# --- links in the README and docs/ -------------------------------------------------------------


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    """The anchors of a Markdown page's headings (duplicates numbered as GitHub does)."""
    seen: dict[str, int] = {}
    out: set[str] = set()
    fenced = False
    for line in page.read_text("utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        match = None if fenced else re.match(r"#{1,6} (.+)", line)
        if match:
            slug = _slug(match.group(1))
            out.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
            seen[slug] = seen.get(slug, 0) + 1
    return out


PAGES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_link_stays_in_the_repository_and_arrives(page: Path) -> None:
    broken = []
    for target in _LINK.findall(page.read_text("utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # a web address: not checked here
        path, _, anchor = target.partition("#")
        arrives = (page.parent / path).resolve() if path else page
        if not arrives.is_relative_to(REPO) or not arrives.exists():
            broken.append(f"{target}: not in this repository")
        elif anchor and arrives.suffix == ".md" and anchor not in anchors(arrives):
            broken.append(f"{target}: {arrives.name} has no heading #{anchor}")
    assert not broken, f"{page.relative_to(REPO)}: " + "; ".join(broken)


def test_links_are_found_and_anchors_made_as_github_does() -> None:
    assert len(_LINK.findall((REPO / "README.md").read_text("utf-8"))) >= 20
    assert _slug("Video: `nasalis.video/1`") == "video-nasalisvideo1"
    assert _slug("The doctor's report and the FHIR export") == "the-doctors-report-and-the-fhir-export"


@pytest.mark.parametrize(
    "name",
    [
        "README.md",
        "docs/ARCHITECTURE.md",
        *(f"docs/{t}.md" for t in ("insights", "assessment", "data", "video", "fhir")),
    ],
)
def test_the_guide_never_sends_a_reader_outside_the_repository(name: str) -> None:
    text = (REPO / name).read_text("utf-8")
    assert "../shared" not in text, name
    assert "shared/" not in text, name
