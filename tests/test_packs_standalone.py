"""``python -m packs`` runs without Streamlit (issue 18): the packs read the query layer and
the analysis, never the app's UI code. Run in a child interpreter where importing
``streamlit`` or ``explorer`` fails, as in a venv without Streamlit installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]

BLOCKED_RUN = """
import importlib.abc, runpy, sys

class NoUi(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in ("streamlit", "explorer"):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")

sys.meta_path.insert(0, NoUi())
sys.argv = ["python -m packs", *sys.argv[1:]]
runpy.run_module("packs", run_name="__main__")
"""


def test_python_m_packs_runs_without_streamlit(demo_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "packs"
    result = subprocess.run(
        [sys.executable, "-c", BLOCKED_RUN, "--level", "County", "--format", "excel", "html",
         "--out", str(out), "--warehouse", str(demo_warehouse)],
        cwd=PROJECT_DIR, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = sorted(p.suffix for p in out.iterdir())
    assert written == [".html", ".xlsx"]
    assert "Oxfordshire" in next(out.glob("*.html")).read_text(encoding="utf-8")


def test_the_blocker_does_block() -> None:
    """The same child run fails when the module imports Streamlit, so the test above can fail."""
    probe = BLOCKED_RUN.replace(
        'runpy.run_module("packs", run_name="__main__")', "import streamlit"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode != 0 and "blocked by the test" in result.stderr
