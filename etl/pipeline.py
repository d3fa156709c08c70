"""The build's work: read and validate every raw file, then assemble the warehouse tables.

Files are processed one at a time in source order (GIAS, links, membership, then the rest)
so each is scoped and checked against what came before, and only the council's rows of
a national file are ever held in memory.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pandas as pd

from contract.settings import Boundaries, Config

from . import archives, downloads, geo
from .benchmarks import BENCHMARK_KEY, benchmark_rows, canonical_levels
from .boundary_files import read_boundary_file
from .breakdowns import breakdown_rows, sen_provision_benchmarks
from .errors import BuildError
from .exclusions_log import aggregate as aggregate_log
from .layouts_ks import adapt_layout, peek_layout
from .layouts_spc_sen import derive_tables, resolve_tables, table_rows
from .readers import SOURCE_ROW, ReadError, peek_source, read_raw
from .schools import (
    build_school_year,
    build_schools,
    current_locality,
    distinct_partnerships,
    membership_overlaps,
    successor_map,
)
from .shape import shape_results
from .sources import SOURCES, SOURCES_BY_NAME
from .tables import FACT_TABLES, SCHEMA, write_table
from .validate import (
    FileResult,
    Issues,
    empty_rejects,
    reject_duplicates,
    rejected_file,
    scope_prefilter,
    unread_columns,
    validate_file,
    warn_unknown_urns,
)

Progress = Callable[[str], None]
#: Sources read first: later files are scoped and checked against them.
_SOURCE_ORDER = {name: i for i, name in enumerate(["gias", "gias_links", "membership"])}
#: Files read and validated at once. The work is Arrow's C++ kernels, which release the
#: GIL, so threads use every core (a national build: two 1 GB breakdown files at a time,
#: 6.6 GB peak). LOCALITY_EXPLORER_ETL_THREADS=1 trades speed for a lower peak.
THREADS_ENV = "LOCALITY_EXPLORER_ETL_THREADS"
WORKERS = int(os.environ.get(THREADS_ENV) or 0) or max(1, min(4, os.cpu_count() or 1))


def _file_order(files: list[Path], name: Callable[[Path], str]) -> list[tuple[Path, str | None]]:
    """Files ordered so GIAS, links and membership come first; each source's files together."""
    peeked = [
        (path, peek_source(path) or peek_layout(path))
        for path in files
        if not geo.is_boundary_file(path)
    ]
    rank = {s.name: _SOURCE_ORDER.get(s.name, 10 + i) for i, s in enumerate(SOURCES)}
    return sorted(peeked, key=lambda item: (rank.get(item[1] or "", 99), name(item[0])))


def _read_and_validate(path: Path, name: str, order: int, config: Config) -> FileResult:
    try:
        raw = read_raw(
            path,
            scope_prefilter(config),
            mapped_only=True,
            unread=unread_columns,
            limits=config.limits,
        )
    except ReadError as error:
        fmt = path.suffix.lower().lstrip(".") or "unknown"
        return rejected_file(
            name, order, fmt, None, error.rows, "file_unreadable", f"file rejected: {error}"
        )
    raw, layout = adapt_layout(raw, config, name)
    result = validate_file(raw, order, config, file=name)
    result.layout = layout
    return result


def _timed_read_and_validate(
    path: Path, name: str, order: int, config: Config
) -> tuple[FileResult, float]:
    tick = time.perf_counter()
    result = _read_and_validate(path, name, order, config)
    return result, time.perf_counter() - tick


def _first_reason(result: FileResult) -> str | None:
    """The first problem recorded for a file (why a whole file was rejected), without the
    file name the reason may start with."""
    for frame in result.issues.frames:
        if not frame.empty:
            return str(frame["reason"].iloc[0]).removeprefix(f"{result.file}: ")
    return None


def _file_line(result: FileResult, seconds: float) -> str:
    source = result.source.name if result.source else "REJECTED"
    line = (
        f"  {result.file}: {source} - read {result.rows_read:,}, loaded {result.rows_loaded:,}, "
        f"benchmark {result.rows_benchmark:,}, out of scope {result.rows_out_of_scope:,}, "
        f"rejected {result.rows_rejected:,} ({seconds:.1f}s)"
    )
    reason = _first_reason(result) if result.file_rejected else None
    return f"{line}: {reason}" if reason else line


def _finish_source(
    results: list[FileResult],
    known_urns: set[int],
    la_label: str,
    register: pd.DataFrame | None = None,
) -> None:
    """Published layouts put in the warehouse's grain (etl.shape), then checks that span a
    source's files: duplicate keys, then unknown URNs. ``register``: the GIAS rows read."""
    source = results[0].source
    if source is None:
        return
    shape_results(results, register, source)
    reject_duplicates(results, source.key)
    derive_tables(results, source)  # one SPC/SEN file, two tables (etl.layouts_spc_sen)
    if source.kind == "ees":
        for result in results:
            result.bench = canonical_levels(result.bench)
        key = [*BENCHMARK_KEY, *(k for k in source.key if k not in ("time_period", "urn"))]
        widest = [b.numerator for b in source.benchmarks] if source.widest_file_first else []
        reject_duplicates(results, key, attr="bench", widest_first=widest)
    if source.kind in ("ees", "council", "membership"):
        for result in results:
            warn_unknown_urns(result, known_urns, la_label)


def _finish_files(
    ordered: list[tuple[int, Path, str | None]],
    pending: dict[int, Future[tuple[FileResult, float]]],
    results: list[FileResult],
    by_source: dict[str, list[FileResult]],
    known_urns: set[int],
    la_label: str,
    say: Progress,
) -> None:
    """Each source's validated files, in file order: links scoped to the LA's schools,
    duplicates and unknown URNs checked across the source's files, one line per file."""
    register: pd.DataFrame | None = None  # the GIAS rows, once GIAS is finished
    for _, group in itertools.groupby(ordered, key=lambda item: item[2]):
        group_results = [pending.pop(order).result() for order, _path, _peeked in group]
        downloads.keep_newest([result for result, _ in group_results])  # older copies
        for result, _ in group_results:
            if result.source is not None and result.source.name == "gias_links":
                _scope_links(result, known_urns)
        by_name: dict[str, list[FileResult]] = {}
        for result, _ in group_results:
            if result.source is not None:
                by_name.setdefault(result.source.name, []).append(result)
        for name, same in by_name.items():
            _finish_source(same, known_urns, la_label, register if name != "gias" else None)
            by_source.setdefault(name, []).extend(same)
            if name == "gias":
                known_urns.update(int(u) for r in same for u in r.rows["urn"].dropna())
                register = _concat_rows(by_source["gias"])
        for result, seconds in group_results:
            results.append(result)
            say(_file_line(result, seconds))


def _concat_rows(results: list[FileResult]) -> pd.DataFrame:
    frames = [
        r.rows.assign(source_file=r.file) for r in results if not r.file_rejected and len(r.rows)
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def build_tables(
    build_dir: Path,
    root: Path,
    files: list[Path],
    config: Config,
    say: Progress,
    notes: Sequence[FileResult] = (),
) -> dict[str, Any]:
    """Write every contract table into ``build_dir``; returns the report's body. ``notes``:
    report entries with no data rows (folders that could not be read), listed and warned."""
    started_at = dt.datetime.now(dt.UTC)
    council = config.council
    la_label = f"{council.name} ({council.old_la_code})"
    results: list[FileResult] = []
    by_source: dict[str, list[FileResult]] = {}
    known_urns: set[int] = set()
    # Zip members are read from copies inside the build (removed below); metadata apart.
    inputs = archives.open_inputs(root, files, build_dir / ".zip-members")
    files = inputs.files
    ordered = [
        (order, path, peeked)
        for order, (path, peeked) in enumerate(_file_order(files, inputs.name))
    ]
    boundary_files = [p for p in files if geo.is_boundary_file(p)]

    # Every file is read and validated on its own (in parallel); then, in file order
    # (GIAS first), each source's files are finished together: checks across files.
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="etl-file")
    try:
        pending: dict[int, Future[tuple[FileResult, float]]] = {
            order: pool.submit(_timed_read_and_validate, path, inputs.name(path), order, config)
            for order, path, _peeked in ordered
        }
        _finish_files(ordered, pending, results, by_source, known_urns, la_label, say)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    # Stop rules: without GIAS and membership there is nothing to hang the facts on.
    gias = downloads.complete_register(_concat_rows(by_source.get("gias", [])))
    if "gias" not in by_source:
        raise BuildError(
            _missing_source_message("gias", "GIAS establishments (edubasealldata*.csv)", results)
        )
    if gias.empty:
        raise BuildError(
            f"GIAS has no schools for LA {council.old_la_code} ({council.name}): check old_la_code in the config"
        )
    if "membership" not in by_source or _concat_rows(by_source["membership"]).empty:
        raise BuildError(
            _missing_source_message("membership", "partnership membership (xlsx/csv)", results)
        )
    # files that hold schools (not the LA-only breakdowns: reasons, characteristics)
    ees_files = [
        r
        for r in results
        if r.source is not None and r.source.kind == "ees" and r.source.breakdown is None
    ]
    ees_rows = sum(r.rows_loaded for r in ees_files)
    if ees_files and ees_rows == 0:
        raise BuildError(
            f"no School rows for LA {council.old_la_code}/{council.new_la_code} in any DfE file: "
            "check old_la_code and new_la_code in the config"
        )

    links = _concat_rows(by_source.get("gias_links", []))
    links = (
        links
        if not links.empty
        else pd.DataFrame(columns=["urn", "link_urn", "link_type", "link_date"])
    )
    successors = successor_map(links)
    schools = build_schools(gias, successors)
    membership = _concat_rows(by_source["membership"])
    membership, split = distinct_partnerships(membership)
    for _, name in split.iterrows():
        owner = next(r for r in results if r.file == name["source_file"])
        owner.issues.add(
            [name[SOURCE_ROW]],
            owner.raw_names.get("partnership", "partnership"),
            [name["partnership"]],
            "partnership_clash",
            f"{name['source_file']} row {name[SOURCE_ROW]}: partnership '{name['partnership']}'"
            f" has schools in {len(name['localities'])} localities at once"
            f" ({', '.join(name['localities'])}): kept apart as"
            f" {', '.join(repr(r) for r in name['renamed'])}; if it is one partnership, give"
            " its schools one locality",
            "warning",
        )
    for _, spell in membership_overlaps(membership).iterrows():
        _issues_of(results, spell["source_file"]).add(
            [spell[SOURCE_ROW]],
            "URN",
            [str(spell["urn"])],
            "membership_overlap",
            f"{spell['source_file']} row {spell[SOURCE_ROW]}: URN {spell['urn']} is in two partnerships "
            "at once (this spell starts before the previous one ends); the later-starting one is used",
            "warning",
        )

    resolve_tables(results)  # a table fed by two sources: one row per key
    facts = {table: table_rows(results, table) for table in FACT_TABLES}
    _add_exclusions_log(facts, by_source.get("exclusions_log", []), schools, say)
    say("Linking school-years to partnerships as at census day")
    school_year, orphans = build_school_year(facts, schools, membership, successors)
    if config.council.scope != "council":
        school_year, orphans = _other_las_as_localities(school_year, orphans, schools, config)
    for file, group in orphans.groupby("source_file", sort=True):
        rows = group[SOURCE_ROW].to_numpy()
        reasons = [
            f"{file} row {r}: URN {u} is in no partnership on census day {tp // 100 + 1}-01-15 "
            f"({tp // 100}/{tp % 100:02d}); its partnership and locality are left blank"
            for r, u, tp in zip(rows, group["urn"], group["time_period"], strict=True)
        ]
        _issues_of(results, file).add(
            rows, "urn", group["urn"].astype(str).tolist(), "no_partnership", reasons, "warning"
        )

    benchmarks = _area_rows(by_source, benchmark_rows, lambda s: bool(s.benchmarks))
    breakdowns = _area_rows(by_source, breakdown_rows, lambda s: s.breakdown is not None)
    # the board's suspensions of SEND learners: measures on the SEN provision breakdown
    area_parts = [f for f in (benchmarks, sen_provision_benchmarks(breakdowns)) if len(f)]
    benchmarks = pd.concat(area_parts, ignore_index=True) if area_parts else benchmarks

    say("Locality boundaries")
    boundaries, boundary_reports = _boundaries(
        inputs.name, boundary_files, schools, membership, successors, say, config.boundaries
    )
    inputs.close()
    boundary_reports += [*inputs.metadata, *notes]  # listed with the files, no data rows

    rejects_frames = [r.issues.frame() for r in results] + [
        b.issues.frame() for b in boundary_reports
    ]
    rejects_frames = [f for f in rejects_frames if len(f)]
    rejects = pd.concat(rejects_frames, ignore_index=True) if rejects_frames else empty_rejects()

    tables: dict[str, pd.DataFrame] = {
        "schools": schools,
        "school_links": links,
        "membership": membership,
        "school_year": school_year,
        **facts,
        "benchmarks": benchmarks,
        "benchmark_breakdowns": breakdowns,
        "locality_boundaries": boundaries,
        "rejects": rejects,
    }
    say("Writing Parquet")
    with ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="etl-write") as writers:
        written = {
            name: writers.submit(write_table, build_dir, name, frame)
            for name, frame in tables.items()
        }
        counts = {name: future.result() for name, future in written.items()}
    assert set(counts) == set(SCHEMA), "every contract table is written"

    file_reports = [r.report() for r in results] + [b.report() for b in boundary_reports]
    broken = [r for r in [*results, *boundary_reports] if not r.reconciles()]
    if broken:
        detail = "; ".join(
            f"{r.file}: read {r.rows_read} != {r.rows_loaded} + {r.rows_benchmark} + "
            f"{r.rows_out_of_scope} + {r.rows_rejected}"
            for r in broken
        )
        raise BuildError(
            f"reconciliation failed (an ETL bug, the warehouse was not replaced): {detail}"
        )
    # every problem, listed or only counted (etl.validate.Issues lists a capped number)
    every = [r.issues for r in [*results, *boundary_reports]]
    n_rejects = sum(issues.count("reject") for issues in every)
    n_warnings = sum(issues.count("warning") for issues in every)
    say(
        f"{sum(counts.values()):,} rows in {len(counts)} tables; {n_rejects:,} rejects, {n_warnings:,} warnings"
    )
    return {
        "started_at": started_at.isoformat(timespec="seconds"),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "la": config.la_summary(),
        "files": file_reports,
        "tables": counts,
        **({"metadata": inputs.labels} if inputs.labels else {}),  # EES meta.csv labels
    }


def _area_rows(
    by_source: dict[str, list[FileResult]],
    rows: Callable[[Any, pd.DataFrame], pd.DataFrame],
    wanted: Callable[[Any], bool],
) -> pd.DataFrame:
    """One table from the benchmark rows of every ``wanted`` source (its measures, or its
    breakdowns), each source's files' rows together."""
    parts = [
        rows(
            SOURCES_BY_NAME[name],
            pd.concat([r.bench for r in group if len(r.bench)], ignore_index=True),
        )
        for name, group in by_source.items()
        if wanted(SOURCES_BY_NAME[name]) and any(len(r.bench) for r in group)
    ]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _add_exclusions_log(
    facts: dict[str, pd.DataFrame],
    results: list[FileResult],
    schools: pd.DataFrame,
    say: Progress,
) -> None:
    """The council's exclusions log, counted per school, year and reason / pupil group,
    added to the reason and characteristic tables (etl.exclusions_log). Only the schools
    of the LAs the log covers get rows: another LA's schools have no log, not zeros."""
    log = _concat_rows(results)
    if log.empty:
        return
    say("Counting the council's exclusions log by reason and pupil group")
    la_of = schools.set_index("urn")["la_code"]
    covered = set(log["urn"].map(la_of).dropna())
    exclusions = facts["exclusions"]
    if not exclusions.empty:
        exclusions = exclusions[exclusions["urn"].map(la_of).isin(covered).to_numpy(dtype=bool)]
    reasons, characteristics = aggregate_log(
        log, exclusions, facts["pupils"], facts["sen"], facts["pupils_year_group"]
    )
    facts["exclusions_reason"] = pd.concat(
        [f for f in (facts["exclusions_reason"], reasons) if len(f)], ignore_index=True
    )
    facts["exclusions_characteristic"] = pd.concat(
        [f for f in (facts["exclusions_characteristic"], characteristics) if len(f)],
        ignore_index=True,
    )


def _la_locality(schools: pd.DataFrame) -> pd.Series:
    """Each school's LA name, the locality of schools outside the council's membership."""
    return schools["la_name"].where(schools["la_name"].notna(), schools["la_code"].astype("str"))


def _other_las_as_localities(
    school_year: pd.DataFrame, orphans: pd.DataFrame, schools: pd.DataFrame, config: Config
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A wider scope than the council ("england" or a list of LAs): other LAs' schools in
    no partnership get their LA as their locality (and no partnership), and are not
    warned about; the council's own schools keep the membership rules and warnings."""
    by_urn = schools.set_index("urn")
    la_code = pd.to_numeric(school_year["urn"].map(by_urn["la_code"]), errors="coerce")
    other = (la_code.notna() & la_code.ne(config.council.old_la_code)).to_numpy(dtype=bool)
    la_name = school_year["urn"].map(_la_locality(schools).set_axis(schools["urn"]))
    fill = other & school_year["locality"].isna().to_numpy(dtype=bool)
    school_year.loc[fill, "locality"] = la_name[fill]
    orphan_la = pd.to_numeric(orphans["urn"].map(by_urn["la_code"]), errors="coerce")
    mine = ~(orphan_la.notna() & orphan_la.ne(config.council.old_la_code)).to_numpy(dtype=bool)
    return school_year, orphans[mine].reset_index(drop=True)


def _issues_of(results: list[FileResult], file: str) -> Issues:
    return next(r.issues for r in results if r.file == file)


def _missing_source_message(source: str, label: str, results: list[FileResult]) -> str:
    """Why a required source is absent: the file that nearly was it, else none found."""
    near = [r for r in results if r.near == source]
    if near:
        return f"no usable {label} file: {near[0].issues.frames[0]['reason'].iloc[0]}"
    # A file that could not be read at all might have been it: name it and say why.
    unreadable = [r for r in results if r.file_rejected and r.source is None and r.near is None]
    if unreadable:
        named = "; ".join(f"{r.file}: {_first_reason(r) or 'unreadable'}" for r in unreadable)
        return f"no {label} file found among the raw files (unreadable files: {named})"
    return f"no {label} file found among the raw files"


def _scope_links(result: FileResult, known_urns: set[int]) -> None:
    """GIAS links cover England: keep links that touch one of the LA's schools."""
    if result.file_rejected or result.rows.empty:
        return
    mine = result.rows["urn"].isin(known_urns) | result.rows["link_urn"].isin(known_urns)
    result.rows_out_of_scope += int((~mine).sum())
    result.rows = result.rows[mine.to_numpy(dtype=bool)].reset_index(drop=True)


def _boundaries(
    file_name: Callable[[Path], str],
    boundary_files: list[Path],
    schools: pd.DataFrame,
    membership: pd.DataFrame,
    successors: pd.Series,
    say: Progress,
    settings: Boundaries | None = None,
) -> tuple[pd.DataFrame, list[FileResult]]:
    """Council GeoJSON boundaries when given (and usable), else derived from school points."""
    reports: list[FileResult] = []
    frames = []
    for path in boundary_files:
        name = file_name(path)
        frame, result = read_boundary_file(path, name, settings or Boundaries())
        reports.append(result)
        if frame is not None:
            frames.append(frame)
            say(f"  {name}: locality_boundaries - {len(frame)} localities")
    if frames:
        merged = pd.concat(frames, ignore_index=True).drop_duplicates("locality", keep="first")
        return merged.reset_index(drop=True), reports
    locality = current_locality(schools, membership, successors)
    if "la_name" in schools and schools["la_code"].nunique() > 1:  # a multi-LA scope
        locality = locality.fillna(_la_locality(schools))
    points = schools[["easting", "northing"]].assign(locality=locality)
    derived = geo.derive_boundaries(points)
    say(f"  derived {len(derived)} locality boundaries from school locations")
    return derived, reports
