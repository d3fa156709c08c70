"""Shared helpers: timing statistics, child processes with their own peak memory, machine info."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_OUT = PROJECT_DIR / "bench" / "out"


@dataclass(frozen=True)
class ChildRun:
    """A finished child process: wall seconds, peak resident memory (MB), exit code, output."""

    seconds: float
    peak_mb: float
    returncode: int
    output: str


def run_child(
    args: Sequence[str], env: dict[str, str] | None = None, cwd: Path = PROJECT_DIR
) -> ChildRun:
    """Run a command and measure it alone, with its own peak resident memory.

    The peak is the child's VmHWM, sampled while it runs (it only grows). wait4()'s
    ru_maxrss is the fallback only: Linux carries the forking parent's high-water mark
    over exec, so a child of a large bench process would report the parent's size."""
    started = time.perf_counter()
    with open(os.devnull, "rb") as stdin:
        process = subprocess.Popen(
            list(args),
            cwd=cwd,
            env={**os.environ, **(env or {})},
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        peak = [0.0]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(0.1):
                try:
                    status_text = Path(f"/proc/{process.pid}/status").read_text()
                except OSError:
                    return
                for line in status_text.splitlines():
                    if line.startswith("VmHWM:"):
                        peak[0] = max(peak[0], int(line.split()[1]) / 1024)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        assert process.stdout is not None
        output = process.stdout.read().decode("utf-8", "replace")
        _pid, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(
        time.perf_counter() - started,
        peak[0] or usage.ru_maxrss / 1024,
        process.returncode,
        output,
    )


def timed(function: Callable[[], object], repeats: int, warmup: int = 1) -> list[float]:
    """Milliseconds per call, after ``warmup`` untimed calls."""
    for _ in range(warmup):
        function()
    samples = []
    for _ in range(repeats):
        tick = time.perf_counter()
        function()
        samples.append((time.perf_counter() - tick) * 1000)
    return samples


def median_p95(samples_ms: Sequence[float]) -> tuple[float, float]:
    values = np.asarray(samples_ms, dtype=float)
    return float(np.median(values)), float(np.percentile(values, 95))


def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    import duckdb
    import pandas as pd
    import pyarrow as pa
    import streamlit as st

    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kb / 1024 / 1024:.1f} GB"
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return {
        "cpus (nproc)": str(os.cpu_count()),
        "cpu": cpu,
        "memory": memory,
        "load average (1/5/15 min) at start": " / ".join(f"{x:.1f}" for x in load),
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
        "streamlit": st.__version__,
    }


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:,.2f}"
        return str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
