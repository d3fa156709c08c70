"""Council settings (data/config.toml): the only reader of the settings file.

Another council changes ``data/config.toml`` (or points ``LOCALITY_EXPLORER_CONFIG`` at its
own file), never the code. Data paths default to ``<project>/data`` and can be moved with
``LOCALITY_EXPLORER_DATA_DIR`` (tests use this to keep the repository's data/ untouched).

A build records the settings it was made with (``settings.json`` in the build folder,
``recorded_document``). Whatever serves a build (the app, ``python -m packs``, the bench,
``queries.connect``) takes them from there through ``serving_document``: the recorded
settings, with the suppression thresholds of the settings file in force now where those are
stricter. So the app, the command line and the packs always suppress alike.
"""

from __future__ import annotations

import functools
import json
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract import access

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_DIR / "data"
CONFIG_ENV = "LOCALITY_EXPLORER_CONFIG"
DATA_DIR_ENV = "LOCALITY_EXPLORER_DATA_DIR"
#: The settings a build was made with, in the build folder.
BUILD_SETTINGS = "settings.json"
#: ``[build] max_shrink_percent`` when the file does not say (etl/shrink.py).
DEFAULT_MAX_SHRINK_PERCENT = 20.0


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


@dataclass(frozen=True)
class Target:
    """A council's target for one board measure: ``target`` by the year ``by``, on a
    straight-line trajectory from its own figure in the year ``start``."""

    measure: str
    target: float
    by: int
    start: int


@dataclass(frozen=True)
class SendBoard:
    """``[send_board]``: the SEND board's statistical neighbours (empty: the DfE's sets of
    each year) and targets (``[send_board.targets]``)."""

    neighbours: tuple[int, ...] = ()
    targets: tuple[Target, ...] = ()

    def target_for(self, measure: str) -> Target | None:
        return next((t for t in self.targets if t.measure == measure), None)


def send_board(document: Mapping[str, Any], path: Path | str = "settings") -> SendBoard:
    """``[send_board]`` of a settings document (the file, or what a build recorded), checked:
    one plain line naming the setting when a value is wrong."""
    table = document.get("send_board") or {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [send_board] must be a table of settings")
    neighbours = table.get("neighbours", [])
    if not isinstance(neighbours, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) and 100 <= c <= 999 for c in neighbours
    ):
        raise ConfigError(
            f"{path}: [send_board] neighbours must be a list of three-digit old LA codes"
        )
    targets = []
    for measure, spec in (table.get("targets") or {}).items():
        where = f"{path}: [send_board.targets] {measure}"
        if not isinstance(spec, dict) or not {"target", "by", "from"} <= set(spec):
            raise ConfigError(f"{where} must be {{ target = N, by = YEAR, from = YEAR }}")
        value, by, start = spec["target"], spec["by"], spec["from"]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: target = {value!r} must be a number")
        for key, year in (("by", by), ("from", start)):
            if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
                raise ConfigError(f"{where}: {key} = {year!r} must be a year such as 2026")
        if by <= start:
            raise ConfigError(f"{where}: by ({by}) must come after from ({start})")
        targets.append(Target(str(measure), float(value), by, start))
    return SendBoard(tuple(neighbours), tuple(targets))


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
class SignIn:
    """``[sign_in]``: Streamlit's OpenID Connect sign-in and the roles (contract.access).
    The identity provider itself is Streamlit's ``[auth]`` in .streamlit/secrets.toml."""

    enabled: bool = False
    groups_claim: str = "groups"
    partnership_claim: str = "partnership"
    #: A group in the token -> the role it gives.
    roles: Mapping[str, str] = field(default_factory=dict)


def _sign_in(table: Any, path: Path) -> SignIn:
    if not isinstance(table, Mapping):
        raise ConfigError(f"{path}: [sign_in] must be a table")
    enabled = table.get("enabled", False)
    if not isinstance(enabled, bool):
        raise ConfigError(f"{path}: [sign_in] enabled must be true or false, not {enabled!r}")
    roles = table.get("roles", {})
    if not isinstance(roles, Mapping):
        raise ConfigError(f"{path}: [sign_in.roles] must be a table: group = role")
    for group, role in roles.items():
        if role not in access.ROLES:
            raise ConfigError(
                f"{path}: [sign_in.roles] {group} = {role!r} is not a role "
                f"(roles: {', '.join(access.ROLES)})"
            )
    claims = {
        key: str(table.get(key, default))
        for key, default in (("groups_claim", "groups"), ("partnership_claim", "partnership"))
    }
    return SignIn(enabled=enabled, roles=dict(roles), **claims)


@dataclass(frozen=True)
class Config:
    council: Council
    suppression: Suppression
    path: Path
    #: The file's bytes: part of the build's input fingerprint (a changed setting rebuilds).
    raw: bytes = field(repr=False, default=b"")
    boundaries: Boundaries = Boundaries()
    limits: Limits = Limits()
    #: ``[build] max_shrink_percent``: how far a source may shrink against the live build.
    max_shrink_percent: float = DEFAULT_MAX_SHRINK_PERCENT
    #: ``[accessibility] contact``: where users report an accessibility problem ("" = unset).
    accessibility_contact: str = ""
    sign_in: SignIn = SignIn()
    #: The whole file as parsed (sections only the query layer reads, e.g. ``[withheld]``).
    document: Mapping[str, Any] = field(repr=False, default_factory=dict)

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


def warehouse_path(data_dir: Path | None = None) -> Path:
    """The live warehouse (a symlink to data/builds/<id>/); read tables through it."""
    return Path(data_dir or default_data_dir()) / "warehouse"


def default_config_path() -> Path:
    """LOCALITY_EXPLORER_CONFIG, else <data dir>/config.toml, else the repository's one."""
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV])
    candidate = default_data_dir() / "config.toml"
    return candidate if candidate.is_file() else DEFAULT_DATA_DIR / "config.toml"


def load_config(path: Path | str | None = None) -> Config:
    """Read and check the council settings; raises ConfigError with a plain message.

    The file is read on every call, and parsed and checked once per content: the app asks
    on every query (who may see what), and parsing was 12% of a page's server time. The
    Config is shared between callers: it and its ``document`` are read-only."""
    path = Path(path) if path is not None else default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    return _checked_config(str(path), raw)


@functools.lru_cache(maxsize=16)
def _checked_config(path_text: str, raw: bytes) -> Config:
    path = Path(path_text)
    try:
        settings = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    council = settings.get("council", {})
    suppression = settings.get("suppression", {})
    missing = [key for key in ("name", "old_la_code", "new_la_code") if key not in council]
    if missing:
        raise ConfigError(f"{path}: [council] needs {', '.join(missing)}")
    checked = _suppression(suppression, path)  # its own plain lines (ConfigError)
    send_board(settings, path)  # checked now, so a wrong target stops the build in one line
    sign_in = _sign_in(settings.get("sign_in", {}), path)
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
            max_shrink_percent=_max_shrink_percent(settings.get("build", {}), path),
            accessibility_contact=str(
                (settings.get("accessibility") or {}).get("contact", "")
            ).strip(),
            sign_in=sign_in,
            document=settings,
        )
    except (TypeError, ValueError) as error:
        raise ConfigError(f"{path}: a setting has the wrong type ({error})") from None


def _max_shrink_percent(table: Any, path: Path) -> float:
    value = (table or {}).get("max_shrink_percent", DEFAULT_MAX_SHRINK_PERCENT)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(
            f"{path}: [build] max_shrink_percent must be a number from 0 to 100, not {value!r}"
        )
    return float(value)


# ------------------------------------------------------------------ a build's settings


def recorded_document(config: Config) -> dict[str, Any]:
    """What a build records (``settings.json``): the file's sections as written, with the
    council and the suppression thresholds as checked."""
    council = config.council
    checked_council = {
        key: value
        for key, value in {
            "name": council.name,
            "old_la_code": council.old_la_code,
            "new_la_code": council.new_la_code,
            "region_code": council.region_code,
            "region_name": council.region_name,
            "comparator_old_la_codes": list(council.comparator_old_la_codes),
        }.items()
        if value is not None
    }
    suppression = {
        "min_count": config.suppression.min_count,
        "min_denominator": config.suppression.min_denominator,
    }
    return {**config.document, "council": checked_council, "suppression": suppression}


def write_recorded(build_dir: Path, config: Config) -> dict[str, Any]:
    """Record ``config`` in a build folder; returns what was written."""
    document = recorded_document(config)
    (build_dir / BUILD_SETTINGS).write_text(
        json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8"
    )
    return document


def read_recorded(warehouse: Path) -> dict[str, Any] | None:
    """The settings a build recorded, or None for a build that recorded none."""
    path = Path(warehouse) / BUILD_SETTINGS
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def serving_document(warehouse: Path, current: Config | None = None) -> dict[str, Any]:
    """The settings to serve a build with: the recorded ones (else the file in force now),
    with each suppression threshold the stricter of the recorded and the file in force now
    (a file tightened since the build never shows more than it allows). ``current`` is
    the settings file in force now (default: ``load_config()``'s)."""
    current = current if current is not None else load_config()
    recorded = read_recorded(warehouse)
    document = dict(recorded) if recorded is not None else recorded_document(current)
    recorded_thresholds = document.get("suppression") or {}
    document["suppression"] = {
        key: max(int(recorded_thresholds.get(key, default)), getattr(current.suppression, key))
        for key, default in (("min_count", 3), ("min_denominator", 10))
    }
    return document


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
