"""The README keeps its promises: the two commands exist and every measure is defined."""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_are_documented_and_executable() -> None:
    for command in ("scripts/start", "scripts/test"):
        assert re.search(rf"^{command} +# ", README, re.M), command
        assert os.access(PROJECT_DIR / command, os.X_OK), command


def test_every_measure_in_the_catalogue_is_defined_in_the_readme() -> None:
    with (PROJECT_DIR / "queries" / "measures.csv").open(encoding="utf-8") as handle:
        catalogue = list(csv.DictReader(handle))
    assert len(catalogue) >= 19
    for row in catalogue:
        assert f"| `{row['measure']}` | **{row['label']}**: {row['definition']} |" in README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nscripts/test\n" in ci
    assert "exit 1" in ci  # "no tests collected" (pytest exit 5) fails CI
