"""Imports run one way (docs/architecture.md, "What may import what"):
contract <- etl <- queries <- analysis/packs <- explorer <- pages, app.py.

Read from the source with ``ast`` (imports inside functions count too), so a lazy import
cannot hide a dependency that runs the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[1]
OURS = {"contract", "etl", "demo", "queries", "analysis", "packs", "explorer", "app_pages",
        "bench", "scripts", "tests", "app", "deploy"}  # fmt: skip
UI = {"streamlit"}

#: package (or module) -> what of ours it may import; anything not listed may import all.
ALLOWED: dict[str, set[str]] = {
    "contract": set(),
    "etl": {"contract"},
    # the build command composes the ETL with the query layer's preparation of a build
    "etl.__main__": {"contract", "etl", "queries"},
    "demo": {"contract", "etl"},
    "queries": {"contract"},
    # the one place the query layer meets the ETL: a build prepared before it goes live
    "queries.prepare": {"contract", "etl", "queries"},
    "analysis": {"contract"},
    "packs": {"contract", "queries", "analysis"},
    # explorer.data: a fresh checkout's first run writes the demo files and builds them
    "explorer": {"contract", "queries", "analysis", "packs", "demo"},
    "app_pages": {"contract", "explorer", "analysis"},
    "app": {"contract", "explorer"},
    # the one-machine layout starts the app's processes; it imports nothing of ours
    "deploy": set(),
}
#: Who may import Streamlit: the app's UI only (the packs, the query layer, the ETL and the
#: analysis run without it).
MAY_USE_UI = {"explorer", "app_pages", "app", "bench", "scripts", "tests"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _rule_for(module: str) -> tuple[str, set[str]] | None:
    """The most specific rule: 'etl.__main__' before 'etl'."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key in ALLOWED:
            return key, ALLOWED[key]
    return None


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def _sources() -> list[Path]:
    folders = [p for p in PROJECT_DIR.iterdir() if p.is_dir() and p.name in OURS]
    files = [PROJECT_DIR / "app.py"]
    for folder in folders:
        files += sorted(folder.rglob("*.py"))
    return files


def violations() -> list[str]:
    found = []
    for path in _sources():
        module = _module_name(path)
        top = module.split(".")[0]
        rule = _rule_for(module)
        for line, imported in _imports(path):
            if imported.startswith("."):
                imported = top  # a relative import stays inside its own package
            target = imported.split(".")[0]
            where = f"{path.relative_to(PROJECT_DIR)}:{line} imports {imported}"
            if target in UI and top not in MAY_USE_UI:
                found.append(f"{where} (only the app's UI may use Streamlit)")
            if rule is None or target not in OURS or target == top:
                continue  # not ours, no rule, or inside its own package
            key, allowed = rule
            if target not in allowed:
                found.append(f"{where} ({key} may import only {sorted(allowed) or 'nothing'})")
    return found


def test_imports_run_one_way() -> None:
    assert violations() == []


def test_the_rule_can_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A query-layer module importing the UI, and the ETL importing the query layer, are
    reported (so the test above can fail)."""
    bad = PROJECT_DIR / "queries" / "_import_rule_probe.py"
    bad.write_text("import streamlit\nimport explorer.data\n", encoding="utf-8")
    worse = PROJECT_DIR / "etl" / "_import_rule_probe.py"
    worse.write_text("def f():\n    import queries\n", encoding="utf-8")
    try:
        found = violations()
    finally:
        bad.unlink()
        worse.unlink()
    assert any("queries/_import_rule_probe.py:1 imports streamlit" in v for v in found)
    assert any("queries/_import_rule_probe.py:2 imports explorer.data" in v for v in found)
    assert any("etl/_import_rule_probe.py:2 imports queries" in v for v in found)
