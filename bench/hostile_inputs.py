"""``python -m bench.hostile_inputs``: the build's time and peak memory on hostile inputs.

Each case is the tests' small good raw set (tests/etl_raw_files.py) plus one hostile file,
built by ``python -m etl build`` in a child process (bench.common.run_child: wall time and
the child's own peak resident memory). Cases (issue 21, part 4):

- ``bad-lines-40k`` / ``bad-lines-1m``: the census header and then 40,000 / 1,000,000
  lines with the wrong number of fields (every one a ``row_shape`` reject);
- ``xlsx-bomb``: a top-ups workbook of a few MB that inflates to ``--bomb-rows`` rows.

Goal: each under a minute and 1 GB. ``--record`` writes bench/results/<date>-hostile-inputs.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from .common import DEFAULT_OUT, PROJECT_DIR, PYTHON, machine, markdown_table, run_child

sys.path.insert(0, str(PROJECT_DIR / "tests"))  # the tests' small raw set, written once
from etl_raw_files import (  # noqa: E402
    CENSUS_COLUMNS,
    CONFIG_TOML,
    EES_STANDARD,
    write_minimal_raw,
)

GOAL_SECONDS = 60.0
GOAL_MB = 1024.0
BAD_LINE = b"202021,Academic year,School,E92000001,England,misshapen\n"


def bad_lines(raw: Path, lines: int) -> Path:
    """The census header, then ``lines`` lines of 6 fields where the header has 16."""
    path = raw / "census_bad_lines.csv"
    with path.open("wb") as handle:
        handle.write((",".join(EES_STANDARD + CENSUS_COLUMNS) + "\n").encode())
        block = BAD_LINE * 10_000
        for _ in range(lines // 10_000):
            handle.write(block)
        handle.write(BAD_LINE * (lines % 10_000))
    return path


def xlsx_bomb(raw: Path, rows: int) -> Path:
    """A top-ups workbook whose one sheet holds ``rows`` rows (shared strings, so the
    file is small and its XML large), written straight as XML (openpyxl takes minutes)."""
    path = raw / "topups_bomb.xlsx"
    header = ["Financial year", "URN", "School name", "Band", "Pupils funded",
              "Top-up amount (£)"]  # fmt: skip
    strings = [*header, "2020-21", "Alpha Primary School", "Band A"]
    shared = "".join(f"<si><t>{s}</t></si>" for s in strings)
    head = "<row r=\"1\">" + "".join(
        f'<c r="{col}1" t="s"><v>{i}</v></c>' for i, col in enumerate("ABCDEF")
    ) + "</row>"  # fmt: skip

    def body():
        yield (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            f'<dimension ref="A1:F{rows + 1}"/><sheetData>{head}'
        )
        chunk = []
        for _ in range(rows):
            chunk.append(
                # no r= attributes (they are optional): identical rows deflate to nothing
                '<row><c t="s"><v>6</v></c><c><v>100001</v></c><c t="s"><v>7</v></c>'
                '<c t="s"><v>8</v></c><c><v>1</v></c><c><v>100</v></c></row>'
            )
            if len(chunk) == 10_000:
                yield "".join(chunk)
                chunk = []
        yield "".join(chunk) + "</sheetData></worksheet>"

    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(
            "[Content_Types].xml",
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{pkg}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" xmlns:r="{rel}">'
            '<sheets><sheet name="Top-ups" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{pkg}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/sharedStrings.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{ns}" count="{len(strings)}" '
            f'uniqueCount="{len(strings)}">{shared}</sst>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            for text in body():
                sheet.write(text.encode())
    return path


def run_case(name: str, write: Callable[[Path], Path], out: Path) -> dict:
    """Build the good raw set plus one hostile file; the run's numbers and the file's line."""
    data = out / name
    shutil.rmtree(data, ignore_errors=True)
    raw = write_minimal_raw(data / "raw")
    (data / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    hostile = write(raw)
    run = run_child(
        [
            PYTHON,
            "-m",
            "etl",
            "build",
            "--data-dir",
            str(data),
            "--config",
            str(data / "config.toml"),
            "--force",
        ],
        env={"LOCALITY_EXPLORER_ETL_THREADS": "2"},
    )
    line = next((ln.strip() for ln in run.output.splitlines() if hostile.name in ln), "")
    report = data / "warehouse" / "build_report.json"
    entry = {}
    if report.is_file():
        files = json.loads(report.read_text(encoding="utf-8"))["files"]
        entry = next((f for f in files if f["file"] == hostile.name), {})
    return {
        "case": name,
        "file_mb": hostile.stat().st_size / 1e6,
        "seconds": run.seconds,
        "peak_mb": run.peak_mb,
        "exit": run.returncode,
        "line": line or run.output.strip().splitlines()[-1:],
        "report": entry,
    }


CASES: dict[str, Callable[[argparse.Namespace], Callable[[Path], Path]]] = {
    "bad-lines-40k": lambda a: lambda raw: bad_lines(raw, 40_000),
    "bad-lines-1m": lambda a: lambda raw: bad_lines(raw, 1_000_000),
    "xlsx-bomb": lambda a: lambda raw: xlsx_bomb(raw, a.bomb_rows),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.hostile_inputs", description=__doc__)
    parser.add_argument("--cases", default=",".join(CASES), help="comma-separated cases")
    parser.add_argument("--bomb-rows", type=int, default=6_000_000)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT / "hostile")
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for name in args.cases.split(","):
        result = run_case(name, CASES[name](args), args.out)
        print(json.dumps(result, default=str), flush=True)
        ok = result["seconds"] < GOAL_SECONDS and result["peak_mb"] < GOAL_MB
        rows.append(
            [name, f"{result['file_mb']:.1f}", f"{result['seconds']:.1f}",
             f"{result['peak_mb']:,.0f}", "yes" if ok else "**NO**", result["line"]]
        )  # fmt: skip
    table = markdown_table(["case", "file MB", "seconds", "peak MB", "goal met", "line"], rows)
    print(table)
    if args.record:
        info = markdown_table(["", ""], list(machine().items()))
        stamp = dt.date.today().isoformat()
        text = (
            f"# Hostile inputs {stamp}\n\n`python -m bench.hostile_inputs`\n\n## Machine\n\n"
            f"{info}\n\n## Runs (goal: under {GOAL_SECONDS:.0f} s and {GOAL_MB:,.0f} MB)\n\n"
            f"{table}\n"
        )
        (PROJECT_DIR / "bench" / "results" / f"{stamp}-hostile-inputs.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
