"""Shared fixtures (kept small and general; feature fixtures live in their own modules)."""

from __future__ import annotations

from pathlib import Path

import pytest
from etl_raw_files import CONFIG_TOML, write_minimal_raw

PROJECT_DIR = Path(__file__).resolve().parents[1]


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
    from contract.settings import load_config

    return load_config(etl_data_dir / "config.toml")


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built once per test session from the demo generator's files
    (default seed, Oxfordshire config), outside the repository's data/."""
    from demo import generate_demo
    from etl import warehouse_path
    from queries.prepare import build_warehouse

    data = tmp_path_factory.mktemp("demo_app_data")
    (data / "raw").mkdir()
    (data / "config.toml").write_text(
        (PROJECT_DIR / "data" / "config.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    generate_demo(data / "raw" / "demo")
    build_warehouse(data_dir=data, progress=lambda _message: None)
    return warehouse_path(data).resolve()


@pytest.fixture(scope="session")
def demo_con(demo_warehouse: Path):
    """A query-layer connection on ``demo_warehouse`` (for hand-checking page numbers)."""
    import queries

    con = queries.connect(demo_warehouse)
    yield con
    con.close()


@pytest.fixture
def app_warehouse(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Points the app (explorer.data) at ``demo_warehouse`` for AppTest runs, and checks
    every Altair chart the pages draw, and its parts as they are made, against the
    Vega-Lite schema (the app itself skips both checks: explorer.charts)."""
    from altair.utils import schemapi

    from explorer import charts

    monkeypatch.setenv("LOCALITY_EXPLORER_WAREHOUSE", str(demo_warehouse))
    monkeypatch.setattr(charts._Unchecked, "validate", True)
    monkeypatch.setattr(schemapi, "DEBUG_MODE", True)
    return demo_warehouse
