"""Run the app as a council runs it on one machine: N Streamlit replicas behind nginx.

``scripts/serve --replicas 2 --port 8080`` (after the build) starts the replicas on the
ports after ``--port`` (8081, 8082, ... bound to 127.0.0.1 only), waits until each answers
its health check (``/_stcore/health``), then runs nginx listening on ``--port`` with sticky
sessions, websockets and the security headers (deploy/nginx.conf.template). Every replica
reads the same live warehouse (``data/warehouse``, a symlink the ETL swaps when a build is
ready), so ``python -m etl build`` runs as a separate job while users stay connected.

Stdlib only: it imports nothing of the app's, so it also runs in a container's entrypoint.
Ctrl-C (or SIGTERM) stops nginx and every replica.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.template"
HEALTH = "/_stcore/health"

#: Streamlit settings every replica runs with, beside .streamlit/config.toml: a public
#: service behind a proxy (README "Running it for your council").
REPLICA_FLAGS = (
    "--server.headless=true",
    "--server.address=127.0.0.1",  # only the proxy reaches a replica
    "--server.enableXsrfProtection=true",
    "--server.enableCORS=true",
    "--server.maxUploadSize=1",  # the app has no upload; 1 MB caps anything else
    "--server.maxMessageSize=50",  # MB per websocket message (a county data pack's PDF)
    "--server.fileWatcherType=none",
    "--runner.postScriptGC=false",  # .streamlit/config.toml says why
    "--browser.gatherUsageStats=false",
    "--client.toolbarMode=viewer",
)


def nginx_config(
    host: str, port: int, replica_ports: list[int], run_dir: Path, *, tls: bool
) -> str:
    """The proxy's configuration: listening on ``host:port``, one upstream per replica."""
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in replica_ports
    )
    hsts = (
        '        add_header Strict-Transport-Security "max-age=31536000" always;'
        if tls
        else "        # HSTS is added where TLS ends here (--tls); plain HTTP must not send it"
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    for key, value in {
        "{run_dir}": str(run_dir),
        "{upstream_servers}": servers,
        "{listen}": f"{host}:{port}",
        "{hsts}": hsts,
    }.items():
        text = text.replace(key, value)
    return text


def wait_healthy(
    port: int, timeout: float, process: subprocess.Popen, name: str | None = None
) -> None:
    """Until ``process`` (a replica, or the proxy in front of them) answers
    ``/_stcore/health`` on ``port`` with 200 ("ok"); RuntimeError if it stops or times out."""
    name = name or f"the replica on port {port}"
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}{HEALTH}"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (ours)
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{name} did not answer {HEALTH} in {timeout:.0f} s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/serve", description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8080, help="the proxy's port")
    parser.add_argument(
        "--host", default="127.0.0.1", help="the proxy's address (0.0.0.0: every interface)"
    )
    parser.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    parser.add_argument("--tls", action="store_true", help="TLS ends here: send HSTS")
    parser.add_argument("--startup-timeout", type=float, default=120.0)
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if not Path(args.nginx).exists():
        print(f"error: nginx not found ({args.nginx}): apt-get install nginx", file=sys.stderr)
        return 1
    run_dir = Path(tempfile.mkdtemp(prefix="locality-explorer-serve-"))
    run_dir.chmod(0o755)  # nginx's workers (another user when started as root) write here
    replica_ports = [args.port + 1 + i for i in range(args.replicas)]
    python = sys.executable
    children: list[subprocess.Popen] = []

    def stop(*_: object) -> None:
        for child in reversed(children):
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        shutil.rmtree(run_dir, ignore_errors=True)

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for port in replica_ports:
            children.append(
                subprocess.Popen(
                    [python, "-m", "streamlit", "run", "app.py", f"--server.port={port}",
                     *REPLICA_FLAGS],
                    cwd=PROJECT_DIR,
                    env={**os.environ, "PYTHONUNBUFFERED": "1"},
                    stdout=subprocess.DEVNULL,
                )
            )  # fmt: skip
        for port, child in zip(replica_ports, children, strict=True):
            wait_healthy(port, args.startup_timeout, child)
        config = run_dir / "nginx.conf"
        config.write_text(
            nginx_config(args.host, args.port, replica_ports, run_dir, tls=args.tls),
            encoding="utf-8",
        )
        error_log = str(run_dir / "nginx-error.log")
        nginx = subprocess.Popen(
            [args.nginx, "-c", str(config), "-p", str(run_dir), "-e", error_log]
        )
        children.append(nginx)
        print(
            f"Locality Explorer: http://{args.host}:{args.port}/ (nginx) -> "
            f"{args.replicas} replicas on {', '.join(map(str, replica_ports))}",
            flush=True,
        )
        while True:
            for child in children:
                if child.poll() is not None:
                    name = "nginx" if child is nginx else f"a replica (pid {child.pid})"
                    print(f"error: {name} stopped (exit {child.returncode})", file=sys.stderr)
                    return 1
            time.sleep(1)
    except KeyboardInterrupt:
        return 0
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        stop()


if __name__ == "__main__":
    raise SystemExit(main())
