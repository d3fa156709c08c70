"""Shared fixtures (kept small and general; feature fixtures live in their own modules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from etl_raw_files import CONFIG_TOML, write_minimal_raw


@pytest.fixture
def etl_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data folder (config.toml, raw/) in tmp_path, set as the ETL's data folder
    so nothing a test runs writes into the repository's data/."""
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    monkeypatch.setenv("LOCALITY_EXPLORER_DATA_DIR", str(data))
    monkeypatch.delenv("LOCALITY_EXPLORER_CONFIG", raising=False)
    return data


@pytest.fixture
def etl_raw_dir(etl_data_dir: Path) -> Path:
    """``etl_data_dir``'s raw/ holding the small hand-written file set (tests/etl_raw_files.py)."""
    return write_minimal_raw(etl_data_dir / "raw")


@pytest.fixture
def etl_config(etl_data_dir: Path):
    """The council settings of ``etl_data_dir`` (Oxfordshire, 931 / E10000025)."""
    from etl.config import load_config

    return load_config(etl_data_dir / "config.toml")
