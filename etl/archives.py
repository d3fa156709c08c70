"""Raw inputs as downloaded: EES zips opened in place, EES metadata told apart from data.

An EES "Download all data (zip)" holds ``data/<file>.csv`` with ``<file>.meta.csv`` beside
it, ``data-guidance.txt`` and sometimes ``supporting-files/``. A zip in the raw folder is
read where it is: its members are copied to a scratch folder inside the build being made
(never into the raw folder, removed once read) and reported as ``<name>.zip/<member>``.
A ONS shapefile zip (``.shp`` with its ``.shx``, ``.dbf``, ``.prj``) works the same way.

``*.meta.csv`` files (header ``col_name,col_type,label,indicator_grouping,...``) and
``data-guidance.txt`` describe the data: they are listed in the build report as
``metadata`` (no data rows, never rejected) and the meta files' column labels are kept
in the report's ``metadata`` block.
"""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pandas as pd

from .validate import FileResult, Issues, rejected_file

META_HEADER = ("col_name", "col_type", "label")
#: Files that travel with a shapefile (read by the .shp's reader, not on their own).
SHAPEFILE_SIDECARS = {".shx", ".dbf", ".prj", ".cpg", ".sbn", ".sbx", ".qix", ".fix", ".xml"}
_META_LABEL = "metadata"


@dataclass
class Inputs:
    """The files a build reads: raw files and zip members (copied to ``scratch``)."""

    files: list[Path]
    names: dict[Path, str]
    metadata: list[FileResult] = field(default_factory=list)
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    scratch: Path | None = None

    def name(self, path: Path) -> str:
        return self.names[path]

    def close(self) -> None:
        """Remove the scratch copies of zip members."""
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def _meta_header(head: bytes) -> bool:
    text = head.decode("utf-8-sig", errors="replace")
    first = next(csv.reader(io.StringIO(text.splitlines()[0] if text else "")), [])
    return tuple(cell.strip().lower() for cell in first[:3]) == META_HEADER


def metadata_kind(name: str, head: bytes) -> str | None:
    """'meta' (an EES .meta.csv), 'guidance' (data-guidance.txt) or None (not metadata)."""
    lower = PurePosixPath(name).name.lower()
    if lower.endswith(".meta.csv") or (lower.endswith(".csv") and _meta_header(head)):
        return "meta"
    if lower.endswith(".txt") and "data-guidance" in lower.replace("_", "-"):
        return "guidance"
    return None


def _metadata_result(name: str, fmt: str) -> FileResult:
    return FileResult(
        name, -1, None, "utf-8", fmt, 0, pd.DataFrame(), pd.DataFrame(), Issues(name),
        label=_META_LABEL,
    )  # fmt: skip


def _labels(data: bytes) -> dict[str, str]:
    """col_name -> label of an EES meta file."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig", errors="replace")))
    return {
        str(row.get("col_name", "")).strip(): str(row.get("label") or "").strip()
        for row in rows
        if str(row.get("col_name") or "").strip()
    }


def open_inputs(root: Path, files: list[Path], scratch: Path) -> Inputs:
    """Raw files to read, zip members unpacked into ``scratch``, metadata set aside."""
    inputs = Inputs([], {}, scratch=scratch)
    for path in files:
        name = path.relative_to(root).as_posix()
        if path.suffix.lower() == ".zip":
            _open_zip(path, name, scratch / f"{len(inputs.names)}", inputs)
            continue
        try:
            with path.open("rb") as handle:
                head = handle.read(4096)
        except OSError:
            head = b""  # unreadable (permission denied): the reader rejects this one file
        _add(inputs, path, name, head, lambda p=path: p.read_bytes())
    return inputs


def _add(inputs: Inputs, path: Path, name: str, head: bytes, data) -> None:
    kind = metadata_kind(name, head)
    if kind is not None:
        inputs.metadata.append(_metadata_result(name, "csv" if kind == "meta" else "txt"))
        if kind == "meta":
            inputs.labels[name] = _labels(data())
        return
    sidecar = path.suffix.lower() in SHAPEFILE_SIDECARS
    shp = path.with_name(path.name.removesuffix(path.suffix).removesuffix(".shp") + ".shp")
    if sidecar and shp.exists():
        return  # read with its .shp
    inputs.files.append(path)
    inputs.names[path] = name


def _open_zip(path: Path, name: str, folder: Path, inputs: Inputs) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        reason = f"file rejected: not a readable zip ({error})"
        inputs.metadata.append(rejected_file(name, -1, "zip", None, 0, "file_unreadable", reason))
        return
    with archive:
        members = [
            m
            for m in archive.infolist()
            if not m.is_dir()
            and not any(
                part.startswith((".", "__MACOSX")) for part in PurePosixPath(m.filename).parts
            )
        ]
        for member in members:
            relative = PurePosixPath(member.filename)
            if ".." in relative.parts or relative.is_absolute():
                continue  # never write outside the scratch folder
            target = folder.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink, 1 << 20)
        for member in members:
            relative = PurePosixPath(member.filename)
            if ".." in relative.parts or relative.is_absolute():
                continue
            target = folder.joinpath(*relative.parts)
            with target.open("rb") as handle:
                head = handle.read(4096)
            _add(inputs, target, f"{name}/{relative.as_posix()}", head, target.read_bytes)
