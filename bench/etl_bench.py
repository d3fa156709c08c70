"""ETL at scale: demo extracts for many LAs, the ETL's time and peak memory, and the floor
(DuckDB's own CSV -> Parquet copy of the same files, which validates nothing)."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from .common import PROJECT_DIR, PYTHON, ChildRun, run_child

CONFIG = PROJECT_DIR / "data" / "config.toml"

#: Child script: DuckDB copies every CSV to Parquet as text (typing the EES symbols such as
#: "z" and "c" is the ETL's job; DuckDB's sniffer would fail on them).
_BARE_COPY = """
import sys, duckdb
from pathlib import Path
raw, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
con = duckdb.connect()
for path in sorted(raw.glob("*.csv")):
    target = str(out / (path.stem + ".parquet")).replace("'", "''")
    source = str(path).replace("'", "''")
    try:
        con.execute(f"COPY (FROM read_csv('{source}', all_varchar = true)) TO '{target}' (FORMAT parquet)")
    except duckdb.Error:
        # cp1252 files (GIAS, top-ups): DuckDB reads UTF-8 only, so transcode them first
        utf8 = out / (path.stem + ".utf8.csv")
        utf8.write_text(path.read_bytes().decode("cp1252", "replace"), encoding="utf-8")
        source = str(utf8).replace("'", "''")
        con.execute(f"COPY (FROM read_csv('{source}', all_varchar = true)) TO '{target}' (FORMAT parquet)")
"""


@dataclass(frozen=True)
class EtlRun:
    scope: str
    run: ChildRun
    rows_read: int
    rows_loaded: int
    tables: dict[str, int]
    warehouse: Path

    @property
    def seconds_per_million(self) -> float:
        return self.run.seconds / max(self.rows_read, 1) * 1e6


#: The demo generator's package: a changed generator makes earlier extracts stale.
GENERATOR = PROJECT_DIR / "demo"


def generator_version() -> str:
    """Short hash of the demo generator's source (part of the extracts' cache key)."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generate(raw_dir: Path, n_other_las: int, years: int, say) -> tuple[Path, float]:
    """Demo raw files, reused when this generator version made them with these arguments
    before (generating 3 GB of extracts takes minutes): (folder, seconds)."""
    stamp = raw_dir / ".bench_size.json"
    size = {"n_other_las": n_other_las, "years": years, "generator": generator_version()}
    if stamp.is_file() and json.loads(stamp.read_text()) == size:
        say(f"Reusing demo extracts in {raw_dir} ({n_other_las} other LAs, {years} years)")
        return raw_dir, 0.0
    shutil.rmtree(raw_dir, ignore_errors=True)
    say(f"Generating demo extracts: {n_other_las} other LAs, {years} years -> {raw_dir}")
    code = (
        "import sys; from pathlib import Path; from demo import generate_demo; "
        "generate_demo(Path(sys.argv[1]), n_other_las=int(sys.argv[2]), "
        "first_year=2023 - int(sys.argv[3]) + 1, last_year=2023)"
    )
    run = run_child([PYTHON, "-c", code, str(raw_dir), str(n_other_las), str(years)])
    if run.returncode:
        raise RuntimeError(f"demo generation failed:\n{run.output}")
    stamp.write_text(json.dumps(size))
    return raw_dir, run.seconds


def config_text(scope: str) -> str:
    """The repository's council config with ``scope`` set (council or england)."""
    lines = CONFIG.read_text(encoding="utf-8").splitlines()
    out, in_council = [], False
    for line in lines:
        if line.strip().startswith("["):
            in_council = line.strip() == "[council]"
        if in_council and line.strip().startswith("scope"):
            continue
        out.append(line)
        if line.strip() == "[council]":
            out.append(f'scope = "{scope}"')
    return "\n".join(out) + "\n"


def run_etl(raw_dir: Path, data_dir: Path, scope: str, reuse: bool = False) -> EtlRun:
    """``python -m etl build`` in a child process on ``raw_dir`` with the given scope.

    ``reuse``: when this folder already holds a build of the same raw files, return the
    timings recorded then (for re-timing queries and pages after a query-layer change).
    """
    saved = data_dir / "bench_etl.json"
    if reuse and saved.is_file():
        record = json.loads(saved.read_text())
        if record.get("raw_dir") == str(raw_dir) and (data_dir / "warehouse").exists():
            run = ChildRun(record["seconds"], record["peak_mb"], 0, "")
            return _etl_run(scope, run, data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "config.toml").write_text(config_text(scope), encoding="utf-8")
    run = run_child(
        [
            PYTHON,
            "-m",
            "etl",
            "build",
            "--raw",
            str(raw_dir),
            "--data-dir",
            str(data_dir),
            "--force",
            "--accept-shrink",  # a bench builds whatever raw set it is given
            "--quiet",
        ]
    )
    if run.returncode:
        raise RuntimeError(f"ETL ({scope}) failed:\n{run.output}")
    saved.write_text(
        json.dumps({"raw_dir": str(raw_dir), "seconds": run.seconds, "peak_mb": run.peak_mb})
    )
    return _etl_run(scope, run, data_dir)


def _etl_run(scope: str, run: ChildRun, data_dir: Path) -> EtlRun:
    warehouse = (data_dir / "warehouse").resolve()
    report = json.loads((warehouse / "build_report.json").read_text(encoding="utf-8"))
    files = report.get("files", [])
    return EtlRun(
        scope=scope,
        run=run,
        rows_read=sum(int(f.get("rows_read", 0)) for f in files),
        rows_loaded=sum(int(f.get("rows_loaded", 0)) for f in files),
        tables=dict(report.get("tables", {})),
        warehouse=warehouse,
    )


def bare_copy(raw_dir: Path, out_dir: Path, reuse: bool = False) -> ChildRun:
    """The floor: DuckDB's CSV -> Parquet copy of the same CSV files, nothing checked."""
    saved = out_dir.with_suffix(".json")
    if reuse and saved.is_file():
        record = json.loads(saved.read_text())
        if record.get("raw_dir") == str(raw_dir):
            return ChildRun(record["seconds"], record["peak_mb"], 0, "")
    shutil.rmtree(out_dir, ignore_errors=True)
    run = run_child([PYTHON, "-c", _BARE_COPY, str(raw_dir), str(out_dir)])
    if run.returncode:
        raise RuntimeError(f"bare DuckDB copy failed:\n{run.output}")
    saved.write_text(
        json.dumps({"raw_dir": str(raw_dir), "seconds": run.seconds, "peak_mb": run.peak_mb})
    )
    return run
