"""One reader of the settings (issue 18): a strict suppression file set any of the three ways
(the environment's LOCALITY_EXPLORER_CONFIG, ``python -m etl build --config``, the data
folder's config.toml) is what the app, the command line (``queries.connect``) and the packs
(``python -m packs``) all suppress with.

Before the fix the app suppressed 13,660 school figures under 10/50 while
``queries.connect(warehouse)`` used 3/10 and suppressed 4,975.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from etl_raw_files import CONFIG_TOML, write_minimal_raw

import queries
from contract import settings
from etl.__main__ import main as etl_command

STRICT = (10, 50)
DEFAULT = (3, 10)
COUNT_SUPPRESSED = """
    select count(*) from area_measure_year where level = 'School' and suppressed
"""


def _strict_toml() -> str:
    text = CONFIG_TOML.replace("min_count = 3", "min_count = 10")
    return text.replace("min_denominator = 10", "min_denominator = 50")


def _thresholds(con) -> tuple[int, int]:
    return tuple(con.execute("select min_count, min_denominator from settings").fetchone())


def _suppressed(con) -> int:
    return int(con.execute(COUNT_SUPPRESSED).fetchone()[0])


def _build(way: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A build of the small raw set with the strict file set ``way``; afterwards the
    environment is what a user starting the app would have (no variable for 'command
    line' and 'data folder')."""
    data = tmp_path / "data"
    write_minimal_raw(data / "raw")
    strict = tmp_path / "strict.toml"
    strict.write_text(_strict_toml(), encoding="utf-8")
    default_or_strict = _strict_toml() if way == "data folder" else CONFIG_TOML
    (data / "config.toml").write_text(default_or_strict, encoding="utf-8")
    monkeypatch.setenv(settings.DATA_DIR_ENV, str(data))
    monkeypatch.delenv(settings.CONFIG_ENV, raising=False)
    argv = ["build", "--quiet", "--data-dir", str(data)]
    if way == "environment":
        monkeypatch.setenv(settings.CONFIG_ENV, str(strict))
    elif way == "command line":
        argv += ["--config", str(strict)]
    assert etl_command(argv) == 0
    return settings.warehouse_path(data).resolve()


@pytest.mark.parametrize("way", ["environment", "command line", "data folder"])
def test_app_command_line_and_packs_suppress_alike(
    way: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from explorer import data as app_data
    from packs.__main__ import generate

    warehouse = _build(way, tmp_path, monkeypatch)
    assert settings.read_recorded(warehouse)["suppression"] == {
        "min_count": STRICT[0],
        "min_denominator": STRICT[1],
    }

    command_line = queries.connect(warehouse)
    app = app_data._open(str(warehouse), str(app_data.config_path()))
    try:
        assert _thresholds(command_line) == _thresholds(app) == STRICT
        strict_count = _suppressed(command_line)
        assert _suppressed(app) == strict_count
        loose = queries.connect(
            warehouse,
            config={
                "suppression": dict(zip(("min_count", "min_denominator"), DEFAULT, strict=True))
            },
        )
        try:
            assert strict_count > _suppressed(loose)  # the strict file hides more
        finally:
            loose.close()
    finally:
        command_line.close()
        app.close()

    written = generate("County", None, None, tmp_path / "packs", ("html",), warehouse)
    text = written[0].read_text(encoding="utf-8")
    assert "a count of 1 to 9, or a rate based on fewer than 50 pupils" in text


def test_a_file_tightened_since_the_build_tightens_every_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build made with 3/10 served after the file in force became 10/50: the stricter
    thresholds everywhere, never the looser recorded ones."""
    warehouse = _build("neither", tmp_path, monkeypatch)
    assert settings.read_recorded(warehouse)["suppression"]["min_count"] == DEFAULT[0]
    strict = tmp_path / "strict.toml"
    monkeypatch.setenv(settings.CONFIG_ENV, str(strict))
    from explorer import data as app_data

    command_line = queries.connect(warehouse)
    app = app_data._open(str(warehouse), str(app_data.config_path()))
    try:
        assert _thresholds(command_line) == _thresholds(app) == STRICT
    finally:
        command_line.close()
        app.close()


def test_the_settings_file_is_read_only_by_the_contract() -> None:
    """No module but contract.settings parses TOML (one reader, one set of checks)."""
    project = Path(__file__).resolve().parents[1]
    readers = [
        path.relative_to(project).as_posix()
        for folder in ("app.py", "contract", "etl", "queries", "explorer", "packs", "analysis")
        for path in (
            [project / folder] if folder.endswith(".py") else (project / folder).rglob("*.py")
        )
        if "tomllib" in path.read_text(encoding="utf-8")
    ]
    assert readers == ["contract/settings.py"]
