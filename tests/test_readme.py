"""The README keeps its promises: the two commands exist and every measure is defined."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_are_documented_and_executable() -> None:
    for command in ("scripts/start", "scripts/test"):
        assert re.search(rf"^{command} +# ", README, re.M), command
        assert os.access(PROJECT_DIR / command, os.X_OK), command


def test_every_measure_in_the_catalogue_is_defined_in_the_readme() -> None:
    with (PROJECT_DIR / "contract" / "measures.csv").open(encoding="utf-8") as handle:
        catalogue = list(csv.DictReader(handle))
    assert len(catalogue) >= 19
    for row in catalogue:
        assert f"| `{row['measure']}` | **{row['label']}**: {row['definition']} |" in README


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (PROJECT_DIR / ".ci" / "run").read_text(encoding="utf-8")
    assert "\nscripts/test 2>&1 | tee" in ci
    assert "export REQUIRE_BROWSER=1" in ci


def _run_ci_with_fake_tests(tmp_path: Path, fake_test: str) -> subprocess.CompletedProcess:
    """.ci/run in a copy of the project whose scripts/test is ``fake_test`` (a bash body),
    with a stand-in chromium on PATH so nothing is installed."""
    (tmp_path / ".ci").mkdir()
    shutil.copy(PROJECT_DIR / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / "scripts").mkdir()
    test = tmp_path / "scripts" / "test"
    test.write_text("#!/usr/bin/env bash\n" + fake_test + "\n", encoding="utf-8")
    test.chmod(0o755)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chromium = bin_dir / "chromium"
    chromium.write_text("#!/bin/sh\nexit 0\n", encoding="utf-8")
    chromium.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", str(tmp_path / ".ci" / "run")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_ci_fails_when_a_test_fails(tmp_path: Path) -> None:
    done = _run_ci_with_fake_tests(tmp_path, 'echo "==== 1 failed, 9 passed in 1.00s ===="; exit 1')
    assert done.returncode == 1
    assert done.stdout.strip().splitlines()[-1] == "==== 1 failed, 9 passed in 1.00s ===="


def test_ci_fails_when_no_test_ran(tmp_path: Path) -> None:
    done = _run_ci_with_fake_tests(tmp_path, 'echo "==== no tests ran in 0.01s ===="; exit 5')
    assert done.returncode == 1
    assert "no tests were collected" in done.stderr


def test_ci_passes_and_ends_on_the_pytest_summary(tmp_path: Path) -> None:
    done = _run_ci_with_fake_tests(
        tmp_path,
        'echo "==== 552 passed in 379.72s (0:06:19) ===="; printf "nanobind: see refleaks.html"',
    )
    assert done.returncode == 0
    assert done.stdout.strip().splitlines()[-1] == "==== 552 passed in 379.72s (0:06:19) ===="
