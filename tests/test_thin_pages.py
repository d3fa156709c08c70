"""Pages are thin (issue 18): each page reads top to bottom like the screen it draws
(header, pickers, one call per section, links), and its logic (data shaping, text, charts,
helper functions) lives in explorer/.

Two rules, read from the source with ``ast``: a page stays under a line budget, and it
defines no function or class, except a callback Streamlit needs defined beside its widget,
allow-listed below with the reason.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from contract.pages import PAGES, PAGES_FOLDER

PROJECT_DIR = Path(__file__).resolve().parents[1]
PAGES_DIR = PROJECT_DIR / PAGES_FOLDER
#: The most lines a page may have (the longest today is about 180).
LINE_BUDGET = 250
#: (page file name, function name) -> why Streamlit needs that callback defined in the page.
#: None today: every callback (the exclusions explorer's go_to and its table's drill-down)
#: is a module function in explorer/ that the page's widgets are given.
CALLBACKS: dict[tuple[str, str], str] = {}


def problems(
    path: Path, budget: int = LINE_BUDGET, callbacks: dict[tuple[str, str], str] = CALLBACKS
) -> list[str]:
    """What makes the page at ``path`` fat: too many lines, or a def or class anywhere in
    it (inside an if or a with block too) that is not an allow-listed callback."""
    text = path.read_text(encoding="utf-8")
    found = []
    lines = len(text.splitlines())
    if lines > budget:
        found.append(
            f"{path.name}: {lines} lines, over the budget of {budget}: move its logic into "
            "explorer/ and keep the page a sequence of calls"
        )
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            if (path.name, node.name) in callbacks:
                continue
            kind = "class" if isinstance(node, ast.ClassDef) else "def"
            found.append(
                f"{path.name}:{node.lineno}: {kind} {node.name} in a page: move it into "
                "explorer/ (or allow-list it in CALLBACKS, saying why Streamlit needs it there)"
            )
    return found


def page_files() -> list[Path]:
    return sorted(PAGES_DIR.glob("*.py"))


def test_every_registered_page_is_checked() -> None:
    assert {page.path for page in PAGES} <= set(page_files())
    assert len(page_files()) >= len(PAGES) >= 10


@pytest.mark.parametrize("path", page_files(), ids=lambda path: path.name)
def test_page_is_thin(path: Path) -> None:
    assert problems(path) == []


def test_every_allow_listed_callback_says_why_and_exists() -> None:
    for (file_name, function), reason in CALLBACKS.items():
        assert reason.strip(), f"{file_name}: say why {function} must be defined in the page"
        tree = ast.parse((PAGES_DIR / file_name).read_text(encoding="utf-8"))
        names = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert function in names, f"{file_name}: {function} is allow-listed but not defined"


FAT_PAGE = '''"""A fat page: logic that belongs in explorer/."""
import streamlit as st

from explorer.data import query

st.title("Fat")


def shape(frame):
    """Data shaping in a page."""
    return frame.sort_values("value")


class Tile:
    pass


if st.checkbox("More"):

    def hidden_helper():
        return 1

'''


def test_a_fat_page_fails(tmp_path: Path) -> None:
    fat = tmp_path / "fat_page.py"
    fat.write_text(FAT_PAGE + "\n".join(f"st.write({n})" for n in range(LINE_BUDGET)) + "\n")
    found = problems(fat)
    assert any("over the budget of 250" in problem for problem in found)
    assert any("def shape" in problem for problem in found)
    assert any("class Tile" in problem for problem in found)
    assert any("def hidden_helper" in problem for problem in found)  # not only top level
    assert len(found) == 4


def test_an_allow_listed_callback_passes(tmp_path: Path) -> None:
    page = tmp_path / "callback_page.py"
    page.write_text(
        "import streamlit as st\n\n\n"
        "def on_pick():\n"
        "    st.session_state['picked'] = True\n\n\n"
        "st.button('Pick', on_click=on_pick)\n"
    )
    assert problems(page) != []
    assert problems(page, callbacks={("callback_page.py", "on_pick"): "beside its button"}) == []
