"""The council's one-machine layout (deploy/serve.py): two replicas behind nginx.

HTTP first (cheap, many requests): the proxy answers the health check, spreads new
browsers over both replicas, keeps a browser on its replica by the cookie it set, and
sends the security headers. Then a real browser through the proxy: pages draw their
charts under the Content-Security-Policy (nothing blocked), a link click and Back work over
the proxied websocket, and a download is served by the browser's own replica.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_helpers import PROJECT_DIR, VIEWPORT, AppPage

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@pytest.fixture(scope="module")
def proxy(chromium, demo_warehouse: Path, tmp_path_factory) -> Iterator[str]:
    if not Path(NGINX).exists():
        message = "nginx is not installed (Debian: apt-get install nginx)"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {message}", pytrace=False)
        pytest.skip(message)
    port = _three_free_ports()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "deploy.serve", "--replicas", "2", "--port", str(port)],
            cwd=PROJECT_DIR,
            env={**os.environ, "LOCALITY_EXPLORER_WAREHOUSE": str(demo_warehouse)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text(errors="replace")
            try:
                if _get(f"{base}/_stcore/health")[0] == b"ok":
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _bindable(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _three_free_ports() -> int:
    """A port P with P, P+1 and P+2 free for the proxy and its two replicas, below the
    kernel's range for outgoing connections (32768 up), whose local ports come and go
    while other tests run: a replica once lost its port to one (CI, 2026-12-04)."""
    import random

    for _ in range(200):
        port = random.randrange(20_000, 32_000)
        if all(_bindable(p) for p in (port, port + 1, port + 2)):
            return port
    raise RuntimeError("no three free ports in 20000-32000")


def _get(url: str, cookie: str | None = None) -> tuple[bytes, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read(), dict(response.headers.items())


def test_new_browsers_spread_over_both_replicas_and_each_keeps_its_own(proxy: str) -> None:
    replicas = {_get(f"{proxy}/")[1]["X-Replica"] for _ in range(20)}
    assert len(replicas) == 2, replicas  # 20 random keys on one replica: 1 in 500,000
    _body, headers = _get(f"{proxy}/")
    cookie = headers["Set-Cookie"].split(";")[0]
    assert cookie.startswith("le_replica=")
    kept = {_get(f"{proxy}/", cookie)[1]["X-Replica"] for _ in range(10)}
    assert kept == {headers["X-Replica"]}


def test_the_proxy_sends_the_security_headers(proxy: str) -> None:
    _body, headers = _get(f"{proxy}/")
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-eval" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Server"] == "nginx"  # no version number
    assert "Strict-Transport-Security" not in headers  # plain HTTP here: no HSTS


def test_pages_work_through_the_proxy_under_the_content_security_policy(
    chromium, proxy: str, tmp_path: Path
) -> None:
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    try:
        page = context.new_page()
        blocked: list[str] = []
        page.on(
            "console",
            lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None,
        )
        app = AppPage(page, proxy)
        app.open("county_overview")
        assert app.chart_count() > 0
        # a table's CSV is written when its button is pressed (explorer.downloads)
        download = app.download(page.get_by_role("button", name="Download this table (CSV)").first)
        table = tmp_path / "table.csv"
        download.save_as(table)
        lines = table.read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) > 2 and "," in lines[0], lines[:3]
        app.wait_idle()
        app.navigate(lambda: page.get_by_role("link", name="SEND board").first.click())
        assert "SEND board" in page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert app.chart_count() > 0
        download = app.download(
            page.get_by_role("button", name="Download the board on one page (.html)")
        )
        saved = tmp_path / "board.html"
        download.save_as(saved)
        assert "<table" in saved.read_text(encoding="utf-8")
        app.navigate(page.go_back)
        assert "County overview" in page.locator('[data-testid="stMain"] h1').first.inner_text()
        assert app.problems() == []
        assert blocked == []
    finally:
        context.close()


def test_the_load_bench_client_loads_every_page_of_its_visit(proxy: str) -> None:
    """bench/load.py's protocol-level user, through the proxy: every page of its visit
    runs to the end with a chart and no error (so the load bench cannot time nothing)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from bench.load import VISIT, _user

    # its own thread: Playwright's sync API holds this thread's event loop
    with ThreadPoolExecutor(1) as pool:
        loads = pool.submit(asyncio.run, _user(proxy)).result()
    assert [(x.page, x.error) for x in loads] == [(p or "county_overview", None) for p, _ in VISIT]
    assert all(0 < x.first_chart <= x.finished for x in loads)
