"""Council settings (data/config.toml) and the project's data paths.

Another council changes ``data/config.toml`` (or points ``LOCALITY_EXPLORER_CONFIG`` at its
own file), never the code. Data paths default to ``<project>/data`` and can be moved with
``LOCALITY_EXPLORER_DATA_DIR`` (tests use this to keep the repository's data/ untouched).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_DIR / "data"
CONFIG_ENV = "LOCALITY_EXPLORER_CONFIG"
DATA_DIR_ENV = "LOCALITY_EXPLORER_DATA_DIR"


class ConfigError(ValueError):
    """data/config.toml is missing, unreadable or lacks a required setting."""


@dataclass(frozen=True)
class Council:
    name: str
    old_la_code: int
    new_la_code: str
    region_code: str | None = None
    region_name: str | None = None
    comparator_old_la_codes: tuple[int, ...] = ()
    #: Whose School rows the warehouse keeps: None = every LA in England ("england"),
    #: else old LA codes (default: just the council's). See docs/performance.md.
    scope_old_la_codes: tuple[int, ...] | None = None
    scope: str = "council"

    def school_la_codes(self) -> tuple[int, ...] | None:
        """Old LA codes whose School rows are loaded; None means all of England."""
        if self.scope == "england":
            return None
        return self.scope_old_la_codes or (self.old_la_code,)


@dataclass(frozen=True)
class Suppression:
    """``[suppression]``: a count of 1 to min_count - 1 is hidden, and a rate or average on
    fewer than min_denominator pupils. ``allow_unsafe = true`` lets weaker thresholds through
    (min_count 1 hides no count at all), stated as a warning on the Data page."""

    min_count: int = 3
    min_denominator: int = 10
    allow_unsafe: bool = False


#: The smallest min_count that hides anything: 2 hides a count of 1.
SAFE_MIN_COUNT = 2


def _suppression(table: Any, path: Path) -> Suppression:
    """``[suppression]``, checked: whole numbers, min_count at least 2 and min_denominator at
    least min_count (a rate's base must not be smaller than a count that may be shown),
    unless ``allow_unsafe = true``; never below 1. One plain line naming the setting."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [suppression] must be a table of settings")
    allow_unsafe = table.get("allow_unsafe", False)
    if not isinstance(allow_unsafe, bool):
        raise ConfigError(
            f"{path}: [suppression] allow_unsafe = {allow_unsafe!r} must be true or false"
        )
    values: dict[str, int] = {}
    for key, default in (("min_count", 3), ("min_denominator", 10)):
        value = table.get(key, default)
        whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        if isinstance(value, bool) or not whole:
            raise ConfigError(f"{path}: [suppression] {key} = {value!r} must be a whole number")
        values[key] = int(value)
    count, denominator = values["min_count"], values["min_denominator"]
    override = " (or set allow_unsafe = true in [suppression] to allow it)"
    if count < 1 or denominator < 1:
        key, value = ("min_count", count) if count < 1 else ("min_denominator", denominator)
        raise ConfigError(f"{path}: [suppression] {key} = {value} must be at least 1")
    if not allow_unsafe and count < SAFE_MIN_COUNT:
        raise ConfigError(
            f"{path}: [suppression] min_count = {count} must be at least {SAFE_MIN_COUNT}: "
            f"with {count} no small count is suppressed{override}"
        )
    if not allow_unsafe and denominator < count:
        raise ConfigError(
            f"{path}: [suppression] min_denominator = {denominator} must be at least "
            f"min_count ({count}){override}"
        )
    return Suppression(count, denominator, allow_unsafe)


def weakened(min_count: int, min_denominator: int) -> bool:
    """Whether thresholds are below the checked rules (allowed only by allow_unsafe)."""
    return min_count < SAFE_MIN_COUNT or min_denominator < min_count


@dataclass(frozen=True)
class Boundaries:
    """``[boundaries]``: how a published boundary file (ONS districts or wards) becomes
    localities. ``name_property`` names each feature (e.g. ``LAD22NM``); ``lookup`` maps an
    area's name or code (``code_property``, default the ``..CD`` beside a ``..NM``) to its
    locality. Areas not in the lookup are out of scope."""

    name_property: str | None = None
    code_property: str | None = None
    lookup: tuple[tuple[str, str], ...] = ()

    @property
    def codes(self) -> str | None:
        if self.code_property:
            return self.code_property
        name = self.name_property or ""
        return name[:-2] + "CD" if name.upper().endswith("NM") else None


@dataclass(frozen=True)
class Limits:
    """``[limits]``: what one raw file may cost the build (a hostile or broken file must
    not take minutes or gigabytes). ``max_xlsx_rows``: a worksheet with more rows is
    rejected before it is read (Excel's own limit is 1,048,576; council workbooks hold
    thousands). ``max_listed_rejects``: problem rows listed per file and rule in the
    ``rejects`` table; the rest are counted (every one) under one summary row."""

    max_xlsx_rows: int = 250_000
    max_listed_rejects: int = 10_000


def _limits(table: Any) -> Limits:
    if not isinstance(table, dict):
        raise ValueError("[limits] must be a table")
    limits = Limits(**{key: int(value) for key, value in table.items()})
    if min(limits.max_xlsx_rows, limits.max_listed_rejects) < 1:
        raise ValueError("[limits] settings must be at least 1")
    return limits


@dataclass(frozen=True)
class Config:
    council: Council
    suppression: Suppression
    path: Path
    #: The file's bytes: part of the build's input fingerprint (a changed setting rebuilds).
    raw: bytes = field(repr=False, default=b"")
    boundaries: Boundaries = Boundaries()
    limits: Limits = Limits()

    def la_summary(self) -> dict[str, Any]:
        """The ``la`` block of build_report.json."""
        return {
            "name": self.council.name,
            "old_la_code": self.council.old_la_code,
            "new_la_code": self.council.new_la_code,
            "region_code": self.council.region_code,
            "region_name": self.council.region_name,
        }


def default_data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def default_config_path() -> Path:
    """LOCALITY_EXPLORER_CONFIG, else <data dir>/config.toml, else the repository's one."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    candidate = default_data_dir() / "config.toml"
    return candidate if candidate.is_file() else DEFAULT_DATA_DIR / "config.toml"


def load_config(path: Path | str | None = None) -> Config:
    """Read and check the council settings; raises ConfigError with a plain message."""
    path = Path(path) if path is not None else default_config_path()
    try:
        raw = path.read_bytes()
        settings = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    council = settings.get("council", {})
    suppression = settings.get("suppression", {})
    missing = [key for key in ("name", "old_la_code", "new_la_code") if key not in council]
    if missing:
        raise ConfigError(f"{path}: [council] needs {', '.join(missing)}")
    checked = _suppression(suppression, path)  # its own plain lines (ConfigError)
    try:
        return Config(
            council=Council(
                name=str(council["name"]),
                old_la_code=int(council["old_la_code"]),
                new_la_code=str(council["new_la_code"]),
                region_code=_optional_str(council.get("region_code")),
                region_name=_optional_str(council.get("region_name")),
                comparator_old_la_codes=tuple(
                    int(c) for c in council.get("comparator_old_la_codes", [])
                ),
                **_scope(council.get("scope", "council"), int(council["old_la_code"])),
            ),
            suppression=checked,
            path=path,
            raw=raw,
            boundaries=_boundaries(settings.get("boundaries", {})),
            limits=_limits(settings.get("limits", {})),
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{path}: a setting has the wrong type ({error})") from None


def _scope(value: Any, old_la_code: int) -> dict[str, Any]:
    """``[council] scope``: "council" (default), "england", or a list of old LA codes.

    A wider scope loads other LAs' schools too (national benchmarking, performance
    tests); the council's own LA is always included.
    """
    if isinstance(value, str) and value.strip().lower() in ("council", "england"):
        return {"scope": value.strip().lower(), "scope_old_la_codes": None}
    if isinstance(value, list) and value and not any(isinstance(v, bool) for v in value):
        codes = tuple(sorted({old_la_code, *(int(v) for v in value)}))
        return {"scope": "las", "scope_old_la_codes": codes}
    raise ValueError(f'scope must be "council", "england" or a list of old LA codes, not {value!r}')


def _boundaries(table: Any) -> Boundaries:
    """``[boundaries]`` with ``[boundaries.lookup]`` (area name or code -> locality)."""
    if not isinstance(table, dict):
        raise ValueError("[boundaries] must be a table")
    lookup = table.get("lookup", {})
    if not isinstance(lookup, dict):
        raise ValueError("[boundaries.lookup] must be a table of area = locality")
    return Boundaries(
        name_property=_optional_str(table.get("name_property")),
        code_property=_optional_str(table.get("code_property")),
        lookup=tuple((str(area), str(locality)) for area, locality in lookup.items()),
    )


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)
