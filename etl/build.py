"""Build the warehouse: raw files -> validated tables -> data/builds/<id>/ -> atomic swap.

``data/warehouse`` is a symlink to the live build. A build is written into its own folder
and only when every file reconciles is the symlink replaced (a new link renamed over the
old one: readers see the old build or the new one, never a mix). Any failure removes the
half-written folder and leaves the previous build live.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contract.settings import (
    CONFIG_ENV,
    Config,
    ConfigError,
    default_data_dir,
    load_config,
    warehouse_path,
    write_recorded,
)

from . import shrink
from .errors import BuildError

#: Bump when the ETL's output changes for the same input (forces a rebuild).
ETL_VERSION = "1"
KEEP_PREVIOUS_BUILDS = 2
REPORT_NAME = "build_report.json"
_ETL_DIR = Path(__file__).resolve().parent
_IGNORED_NAMES = {"readme.md", "readme.txt", "thumbs.db", "desktop.ini"}

Progress = Callable[[str], None]
#: Runs on a finished build before it goes live; returns entries for the build report.
Prepare = Callable[[Path, dict[str, Any], Progress], dict[str, Any]]
__all__ = ["BuildError", "BuildResult", "build_warehouse", "ensure_warehouse", "warehouse_path"]


@dataclass
class BuildResult:
    status: str  # "built" | "up_to_date"
    build_id: str
    build_dir: Path
    warehouse: Path
    mode: str
    seconds: float
    report: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------


def _is_data_file(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if any(part.startswith(".") for part in parts) or parts[0] == "demo":
        return False
    return (
        path.is_file()
        and path.name.lower() not in _IGNORED_NAMES
        and not path.name.startswith("~$")
    )


@dataclass
class RawScan:
    """The data files under a raw folder and the folders that could not be listed."""

    files: list[Path] = field(default_factory=list)
    #: (folder, why): an unreadable folder is a warning in the report, never a silent skip.
    unreadable: list[tuple[Path, str]] = field(default_factory=list)


def scan_raw(raw_dir: Path) -> RawScan:
    """Data files under ``raw_dir`` (sub-folders too, not demo/, README or hidden files),
    and the folders that could not be read (os.walk reports them; rglob skips them)."""
    scan = RawScan()
    if not raw_dir.is_dir():
        return scan

    def failed(error: OSError) -> None:
        folder = Path(error.filename) if error.filename else raw_dir
        scan.unreadable.append((folder, error.strerror or type(error).__name__))

    found = []
    for folder, dirs, names in os.walk(raw_dir, onerror=failed):
        here = Path(folder)
        # hidden folders and demo/ are not the council's files: not even listed
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and (here / d) != raw_dir / "demo"
        )
        found += [here / name for name in names]
    scan.files = sorted((p for p in found if _is_data_file(p, raw_dir)), key=lambda p: p.as_posix())
    scan.unreadable.sort()
    return scan


def _unreadable_message(raw_dir: Path, unreadable: list[tuple[Path, str]]) -> str:
    named = ", ".join(f"{_shown(folder, raw_dir)} ({why})" for folder, why in unreadable)
    return f"folders in {raw_dir} could not be read: {named}"


def _shown(folder: Path, root: Path) -> str:
    try:
        return folder.relative_to(root).as_posix() + "/"
    except ValueError:
        return str(folder)


def resolve_inputs(raw_dir: Path) -> tuple[Path, RawScan, str]:
    """(folder, scan, mode): the council's files, else the demo files in <raw>/demo (written
    by ``python -m demo``: the ETL never generates them). A raw folder whose only files sit
    in unreadable folders stops the build: demo data must not stand in for them."""
    scan = scan_raw(raw_dir)
    if scan.files:
        return raw_dir, scan, "real"
    if scan.unreadable:
        raise BuildError(f"no readable data files: {_unreadable_message(raw_dir, scan.unreadable)}")
    demo_dir = raw_dir / "demo"
    scan = scan_raw(demo_dir)
    if not scan.files:
        raise BuildError(
            f"{raw_dir} holds no data files: put the council's files there, or run "
            "`python -m demo` to write demo data"
        )
    return demo_dir, scan, "demo"


# --------------------------------------------------------------------------------------
# Fingerprint and up-to-date check
# --------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    # sha256 over blake2b: 1.3 GB/s against 0.75 GB/s here (hashlib.file_digest, SHA-NI)
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _hash_or_why(path: Path) -> str:
    """The file's hash, or why it cannot be read: the reader then rejects that one file
    (the fingerprint must not stop the build over it)."""
    try:
        return _sha256_file(path)
    except OSError as error:
        return f"unreadable: {error.strerror or type(error).__name__}"


def _stamp(stat: os.stat_result) -> list[int]:
    """What the cached hash of a file is keyed on. Size and mtime alone miss a rewrite that
    keeps both (a copy with preserved times, os.utime): the inode and the change time
    (ctime: set by the kernel on every write, rename or utime) catch it."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]


def etl_code_version() -> str:
    """ETL_VERSION plus a hash of the ETL's own code and of the contract it writes to (a
    build's preparation adds its own: ``build_warehouse(prepare_version=...)``)."""
    digest = hashlib.sha256(ETL_VERSION.encode())
    code = sorted(_ETL_DIR.glob("*.py"))
    contract = sorted((_ETL_DIR.parent / "contract").glob("*"))  # schema, catalogue, settings
    for path in [*code, *contract]:
        if path.is_file():
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def input_fingerprint(
    root: Path,
    files: list[Path],
    config: Config,
    cache_file: Path | None = None,
    prepare_version: str = "",
) -> str:
    """sha256 over every input file's name and bytes, the config, the ETL code and the
    version of the build's preparation (the query layer's views: a changed view must not be
    served stale).

    File hashes are cached in ``cache_file`` by path, size, mtime, inode and ctime
    (``_stamp``), so checking a few GB of unchanged national files costs a stat each, not
    a full read, and any write to a file (even one that restores its size and mtime) makes
    it hashed again.
    """
    cache: dict[str, Any] = {}
    if cache_file is not None:
        with contextlib.suppress(OSError, ValueError):
            cache = json.loads(cache_file.read_text(encoding="utf-8"))
    fresh: dict[str, Any] = {}
    digest = hashlib.sha256()
    digest.update(etl_code_version().encode())
    digest.update(prepare_version.encode())
    digest.update(config.raw)
    for path in files:
        stat = path.stat()
        key = str(path.resolve())
        stamp = _stamp(stat)
        cached = cache.get(key)
        known = isinstance(cached, list) and cached[:-1] == stamp
        file_hash = cached[-1] if known else _hash_or_why(path)
        fresh[key] = [*stamp, file_hash]
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + file_hash.encode())
    if cache_file is not None and fresh != cache:
        with contextlib.suppress(OSError):
            temporary = cache_file.with_name(cache_file.name + ".tmp")
            temporary.write_text(json.dumps(fresh), encoding="utf-8")
            os.replace(temporary, cache_file)
    return digest.hexdigest()


def _live_report(warehouse: Path) -> dict[str, Any] | None:
    try:
        return json.loads((warehouse / REPORT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextlib.contextmanager
def _build_lock(builds_dir: Path, progress: Progress) -> Iterator[None]:
    """One build at a time per data folder (the app and the command line may race)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    builds_dir.mkdir(parents=True, exist_ok=True)
    with (builds_dir / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("Another build is running: waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------


def build_warehouse(
    raw_dir: Path | None = None,
    force: bool = False,
    progress: Progress | None = None,
    *,
    data_dir: Path | None = None,
    config: Config | Path | None = None,
    accept_shrink: bool = False,
    prepare: Prepare | None = None,
    prepare_version: str = "",
) -> BuildResult:
    """Build the warehouse from ``raw_dir`` (default <data>/raw) unless it is up to date.

    Raises BuildError (one-line message) when the input cannot make a warehouse, or when
    a source holds far less than in the live build (etl.shrink) unless ``accept_shrink``;
    the live warehouse is then untouched. ``prepare(build_dir, settings, progress)`` runs
    on the finished build before it goes live (the query layer's materialised views and
    reconciliation: queries.prepare); what it returns joins the build report, and
    ``prepare_version`` (its code's hash) the input fingerprint.
    """
    started = time.perf_counter()
    say: Progress = progress or (lambda _message: None)
    data_dir = Path(data_dir or default_data_dir())
    if config is None and (data_dir / "config.toml").is_file() and not os.environ.get(CONFIG_ENV):
        config = data_dir / "config.toml"  # a data folder carries its own council settings
    try:
        settings = config if isinstance(config, Config) else load_config(config)
    except ConfigError as error:
        raise BuildError(str(error)) from None
    raw_dir = Path(raw_dir) if raw_dir is not None else data_dir / "raw"
    builds_dir = data_dir / "builds"
    warehouse = warehouse_path(data_dir)
    if warehouse.exists() and not warehouse.is_symlink():
        raise BuildError(
            f"{warehouse} is a real folder, not a link to a build: move it away and build again"
        )

    with _build_lock(builds_dir, say):
        root, scan, mode = resolve_inputs(raw_dir)
        files = scan.files
        limit = settings.max_shrink_percent
        hashes = builds_dir / ".file_hashes.json"
        fingerprint = input_fingerprint(root, files, settings, hashes, prepare_version)
        live = _live_report(warehouse)
        if live and live.get("input_fingerprint") == fingerprint and not force:
            say(f"Warehouse up to date (build {live.get('build_id')}); use --force to rebuild")
            return BuildResult(
                "up_to_date",
                str(live.get("build_id")),
                warehouse.resolve(),
                warehouse,
                str(live.get("mode")),
                time.perf_counter() - started,
                live,
            )
        build_id = _new_build_id(builds_dir, fingerprint)
        build_dir = builds_dir / build_id
        build_dir.mkdir(parents=True)
        say(f"Building warehouse {build_id} from {root} ({mode} data, {len(files)} files)")
        if scan.unreadable:
            say(f"Warning: {_unreadable_message(root, scan.unreadable)}: skipped")
        try:
            from .pipeline import build_tables  # heavy imports only when building

            report = build_tables(
                build_dir, root, files, settings, say, notes=_folder_notes(root, scan)
            )
            report.update(mode=mode, sizes=shrink.build_sizes(build_dir, report))
            _guard_shrink(live, warehouse, mode, report, limit, accept_shrink, say)
            recorded = write_recorded(build_dir, settings)
            if prepare is not None:
                report.update(prepare(build_dir, recorded, say))
            report.update(build_id=build_id, mode=mode, input_fingerprint=fingerprint)
            report = _ordered_report(report)
            (build_dir / REPORT_NAME).write_text(
                json.dumps(report, indent=2) + "\n", encoding="utf-8"
            )
            _swap(warehouse, build_dir)
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise
        _prune(builds_dir, build_dir)
    seconds = time.perf_counter() - started
    say(f"Warehouse {build_id} is live ({seconds:.1f}s): {warehouse} -> {build_dir.name}")
    return BuildResult("built", build_id, build_dir, warehouse, mode, seconds, report)


def _guard_shrink(
    live: dict[str, Any] | None,
    warehouse: Path,
    mode: str,
    report: dict[str, Any],
    limit: float,
    accept: bool,
    say: Progress,
) -> None:
    """Stop before the swap when something fell beyond ``limit`` against the live build;
    with ``accept`` go ahead, saying so and recording it in the report."""
    found = shrink.check(live, warehouse, mode, report, limit)
    if not found:
        return
    line = shrink.message(found, live or {}, limit, mode)
    if not accept:
        raise BuildError(line)
    report["accepted_shrink"] = [s.describe() for s in found]
    say(f"Accepted with {shrink.ACCEPT_FLAG}: " + "; ".join(report["accepted_shrink"]))


def _folder_notes(root: Path, scan: RawScan) -> list[Any]:
    """A report entry and a warning per folder that could not be read."""
    import pandas as pd  # heavy imports only when building

    from .validate import FileResult, Issues

    notes = []
    for folder, why in scan.unreadable:
        name = _shown(folder, root)
        issues = Issues(name)
        issues.add(
            [None],
            None,
            None,
            "folder_unreadable",
            f"{name}: the folder cannot be read ({why}): any files in it are not in this build",
            "warning",
        )
        empty = pd.DataFrame()
        notes.append(
            FileResult(name, -1, None, None, "folder", 0, empty, empty, issues, label="folder")
        )
    return notes


def ensure_warehouse(
    progress: Progress | None = None,
    *,
    data_dir: Path | None = None,
    prepare: Prepare | None = None,
    prepare_version: str = "",
) -> Path:
    """The live warehouse path, building it first when there is none yet."""
    warehouse = warehouse_path(data_dir)
    if _live_report(warehouse) is None:
        build_warehouse(
            progress=progress, data_dir=data_dir, prepare=prepare, prepare_version=prepare_version
        )
    return warehouse


# --------------------------------------------------------------------------------------
# Swap and housekeeping
# --------------------------------------------------------------------------------------


def _new_build_id(builds_dir: Path, fingerprint: str) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    build_id = f"{stamp}-{fingerprint[:8]}"
    while (builds_dir / build_id).exists():  # same microsecond: practically never
        build_id += "x"
    return build_id


def _swap(warehouse: Path, build_dir: Path) -> None:
    """Point ``warehouse`` at ``build_dir`` atomically (new link renamed over the old)."""
    target = os.path.relpath(build_dir, warehouse.parent)
    temporary = warehouse.with_name(f".{warehouse.name}.{os.getpid()}.tmp")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    os.symlink(target, temporary, target_is_directory=True)
    os.replace(temporary, warehouse)


def _prune(builds_dir: Path, live: Path) -> None:
    """Keep the live build and the previous KEEP_PREVIOUS_BUILDS complete builds."""
    builds = sorted(p for p in builds_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    complete = [p for p in builds if (p / REPORT_NAME).is_file() and p != live]
    keep = set(complete[-KEEP_PREVIOUS_BUILDS:]) | {live}
    for path in builds:
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)


def _ordered_report(report: dict[str, Any]) -> dict[str, Any]:
    order = [
        "build_id",
        "started_at",
        "finished_at",
        "mode",
        "la",
        "input_fingerprint",
        "files",
        "tables",
        "reconciliation",
        "sizes",
    ]
    return {key: report[key] for key in order if key in report} | {
        k: v for k, v in report.items() if k not in order
    }
