"""Load: many users at once on the one-machine layout (deploy/serve.py), 127.0.0.1 only.

``python -m bench.load [--users 1,10,25,50] [--replicas 1,2] [--record]``

Each simulated user is one browser tab's session, driven at the protocol level (Streamlit's
websocket and its protobuf messages, ``streamlit.proto``), so the bench's own process does
not spend the machine's cores drawing pages: it opens the session through nginx (with its
own sticky cookie), asks for the county overview, then the same page with another year in
its address (what a link or Back does), the Banbury locality page and the SEND board, one
after the other. For each page it times the arrival of the first chart (Vega-Lite element)
and of the run's end. All users of a round start at the same moment.

Rounds: every user count with every replica count; then a round of 25 users on the most
replicas while a new build is made and swapped in (``python -m etl build`` on the same
data folder): every page must still load, and the build must go live.

Not a test: it prints a table of p50/p95 times, errors and memory per replica, and with
``--record`` writes it to bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from deploy.serve import wait_healthy

from .common import PROJECT_DIR, PYTHON, machine, markdown_table

#: (page name as the app's navigation knows it, address query): one user's visit.
VISIT = (
    ("", ""),  # the county overview, served at the site root
    ("", "year=202223"),
    ("locality", "locality=Banbury"),
    ("send_board", ""),
)
PAGE_TIMEOUT_S = 120.0


@dataclass
class Load:
    page: str
    first_chart: float | None = None
    finished: float | None = None
    error: str | None = None


@dataclass
class Round:
    users: int
    replicas: int
    loads: list[Load] = field(default_factory=list)
    seconds: float = 0.0
    memory_mb: list[float] = field(default_factory=list)
    note: str = ""
    cpu_s: float = float("nan")  # the replicas' CPU seconds during the round

    def times(self) -> list[float]:
        return [x.first_chart for x in self.loads if x.first_chart is not None]

    def errors(self) -> list[str]:
        return [f"{x.page}: {x.error}" for x in self.loads if x.error]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


async def _page(ws, page: str, query: str) -> Load:
    load = Load(page or "county_overview")
    msg = BackMsg()
    msg.rerun_script.page_name = page
    msg.rerun_script.query_string = query
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    while True:
        data = await asyncio.wait_for(ws.recv(), PAGE_TIMEOUT_S)
        forward = ForwardMsg()
        forward.ParseFromString(data)
        kind = forward.WhichOneof("type")
        if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
            element = forward.delta.new_element.WhichOneof("type")
            if element == "vega_lite_chart" and load.first_chart is None:
                load.first_chart = time.perf_counter() - start
            elif element == "exception":
                load.error = "exception: " + forward.delta.new_element.exception.message[:200]
        elif kind == "page_not_found":
            load.error = "page not found"
        elif kind == "script_finished":
            load.finished = time.perf_counter() - start
            if load.first_chart is None and load.error is None:
                load.error = "no chart"
            return load


async def _user(base: str) -> list[Load]:
    url = base.replace("http://", "ws://") + "/_stcore/stream"
    cookie = f"le_replica={uuid.uuid4().hex}"  # what nginx would set on the first request
    loads: list[Load] = []
    try:
        async with websockets.connect(
            url,
            subprotocols=["streamlit"],
            origin=base,
            additional_headers={"Cookie": cookie},
            max_size=2**28,
            open_timeout=PAGE_TIMEOUT_S,
        ) as ws:
            for page, query in VISIT:
                loads.append(await _page(ws, page, query))
    except (TimeoutError, OSError, websockets.WebSocketException) as error:
        done = len(loads)
        loads += [
            Load(page or "county_overview", error=type(error).__name__ + f": {error}"[:200])
            for page, _ in VISIT[done:]
        ]
    return loads


async def _round(base: str, users: int) -> tuple[list[Load], float]:
    start = time.perf_counter()
    results = await asyncio.gather(*(_user(base) for _ in range(users)))
    return [load for loads in results for load in loads], time.perf_counter() - start


def _replica_procs(first_port: int, replicas: int) -> list[Path]:
    """Each replica's /proc folder (found by its --server.port), in port order."""
    found: dict[int, Path] = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        for port in range(first_port, first_port + replicas):
            if f"--server.port={port}".encode() in cmdline:
                found[port] = proc
    return [found[p] for p in sorted(found)]


def replica_memory_mb(first_port: int, replicas: int) -> list[float]:
    """Resident memory of each replica."""
    memory = []
    for proc in _replica_procs(first_port, replicas):
        status = (proc / "status").read_text()
        rss = next(line for line in status.splitlines() if line.startswith("VmRSS"))
        memory.append(int(rss.split()[1]) / 1024)
    return memory


def replica_cpu_s(first_port: int, replicas: int) -> float:
    """CPU seconds (user + system) the replicas have used since they started, together:
    the difference across a round is the server's work for it, which the machine's other
    load slows but does not change (unlike the times users wait)."""
    ticks = 0
    for proc in _replica_procs(first_port, replicas):
        # fields after the command name (which is in brackets and may hold spaces)
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


class Serve:
    """deploy.serve with N replicas on ``data``'s live warehouse."""

    def __init__(self, data: Path, replicas: int, port: int) -> None:
        self.port, self.replicas = port, replicas
        env = {**os.environ, "LOCALITY_EXPLORER_WAREHOUSE": str(data / "warehouse")}
        self.process = subprocess.Popen(
            [PYTHON, "-m", "deploy.serve", "--replicas", str(replicas), "--port", str(port)],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # the proxy answers the health check once every replica has (deploy.serve)
        wait_healthy(port, 180, self.process, name="deploy.serve")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def _data_folder(scratch: Path) -> Path:
    """A data folder of its own (the demo's raw files and the council config), built once,
    so the swap round's build does not touch the project's data/."""
    # a fresh checkout's raw folder gets the demo files first, as scripts/start does
    subprocess.run([PYTHON, "-m", "demo", "--if-no-data"], cwd=PROJECT_DIR, check=True)
    data = scratch / "data"
    shutil.copytree(PROJECT_DIR / "data" / "raw", data / "raw")
    shutil.copy(PROJECT_DIR / "data" / "config.toml", data / "config.toml")
    built = _build(data)
    if built.returncode:
        raise RuntimeError(f"the load bench's build failed: {built.stderr[-500:]}")
    return data


def _build(data: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PYTHON, "-m", "etl", "build", "--data-dir", str(data), "--force", "--quiet"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def _summary_row(r: Round) -> list[object]:
    times = r.times()
    return [
        r.replicas,
        r.users,
        len(r.loads),
        f"{statistics.median(times):.2f}" if times else "–",
        f"{percentile(times, 95):.2f}" if times else "–",
        f"{max(times):.2f}" if times else "–",
        len(r.errors()),
        f"{r.seconds:.1f}",
        f"{1000 * r.cpu_s / len(r.loads):.0f}" if r.loads and not math.isnan(r.cpu_s) else "–",
        ", ".join(f"{m:,.0f}" for m in r.memory_mb),
        r.note,
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--users", default="1,10,25,50")
    parser.add_argument("--replicas", default="1,2")
    parser.add_argument("--port", type=int, default=8720)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args(argv)
    user_counts = [int(u) for u in args.users.split(",")]
    replica_counts = [int(r) for r in args.replicas.split(",")]
    started = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="locality-explorer-load-"))
    rounds: list[Round] = []
    try:
        data = _data_folder(scratch)
        for replicas in replica_counts:
            serve = Serve(data, replicas, args.port)
            try:
                asyncio.run(_round(serve.base, 4 * replicas))  # warm every replica a little
                for users in user_counts:
                    cpu_before = replica_cpu_s(args.port + 1, replicas)
                    loads, seconds = asyncio.run(_round(serve.base, users))
                    cpu = replica_cpu_s(args.port + 1, replicas) - cpu_before
                    memory = replica_memory_mb(args.port + 1, replicas)
                    rounds.append(Round(users, replicas, loads, seconds, memory, cpu_s=cpu))
                    print(" | ".join(map(str, _summary_row(rounds[-1]))), file=sys.stderr,
                          flush=True)  # fmt: skip
                if replicas == max(replica_counts):
                    rounds.append(_swap_round(data, serve, args.port, replicas))
            finally:
                serve.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    report = _report(rounds, time.perf_counter() - started)
    print(report)
    if args.record:
        folder = PROJECT_DIR / "bench" / "results"
        target = folder / f"{dt.date.today().isoformat()}-load.md"
        run = 2
        while target.exists():
            target = folder / f"{dt.date.today().isoformat()}-load-{run}.md"
            run += 1
        target.write_text(report, encoding="utf-8")
        print(f"Recorded as {target.relative_to(PROJECT_DIR)}", file=sys.stderr)
    return 0


def _swap_round(data: Path, serve: Serve, port: int, replicas: int) -> Round:
    """25 users while a new build is made and swapped in."""
    before = (data / "warehouse").resolve().name

    async def both() -> tuple[list[Load], float, subprocess.CompletedProcess]:
        build = asyncio.create_task(asyncio.to_thread(_build, data))
        await asyncio.sleep(2.0)  # the build is under way when the users arrive
        loads, seconds = await _round(serve.base, 25)
        return loads, seconds, await build

    cpu_before = replica_cpu_s(port + 1, replicas)
    loads, seconds, build = asyncio.run(both())
    cpu = replica_cpu_s(port + 1, replicas) - cpu_before
    after = (data / "warehouse").resolve().name
    went_live = build.returncode == 0 and after != before
    note = (
        "build swapped in during the round" if went_live else f"build failed: {build.stderr[-200:]}"
    )
    memory = replica_memory_mb(port + 1, replicas)
    return Round(25, replicas, loads, seconds, memory, note, cpu_s=cpu)


def _report(rounds: list[Round], total: float) -> str:
    header = [
        "replicas", "users", "page loads", "first chart p50 (s)", "p95 (s)", "max (s)",
        "errors", "round (s)", "server CPU per page load (ms)", "memory per replica (MB)",
        "note",
    ]  # fmt: skip
    info = machine()
    lines = [
        f"# Load benchmark {dt.datetime.now():%Y-%m-%d %H:%M}",
        "",
        "`python -m bench.load` (bench/load.py): protocol-level sessions through nginx "
        "(deploy/serve.py) on 127.0.0.1, the demo warehouse (council scope); each user "
        "loads "
        + ", ".join(f"{p or 'county_overview'}?{q}".rstrip("?") for p, q in VISIT)
        + " in one session; all users of a round start together. Times are from a page's "
        "request to its first chart's arrival at the client (server time: the client "
        "draws nothing).",
        "",
        "## Machine",
        "",
        markdown_table(["", ""], list(info.items())),
        "",
        "## Rounds",
        "",
        markdown_table(header, [_summary_row(r) for r in rounds]),
        "",
        f"Whole run: {total:.0f} s.",
    ]
    errors = [e for r in rounds for e in r.errors()]
    if errors:
        lines += ["", "## Errors (first 20)", "", *[f"- {e}" for e in errors[:20]]]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
