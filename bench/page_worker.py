"""Child process: run every page with AppTest and print JSON timings on the last line.

``python -m bench.page_worker <warehouse> [url_path ...]``. The parent measures this process's peak
memory (wait4), which is the app's memory after opening the warehouse and drawing every page.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from .pages import APP, BARE_PAGE, app_pages, is_placeholder


def _run(at: AppTest) -> tuple[float, str]:
    tick = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - tick
    errors = [str(e.value)[:160] for e in at.exception]
    return seconds, "; ".join(errors)


def main(warehouse: str, only: list[str] | None = None) -> None:
    results: dict[str, object] = {"warehouse": warehouse, "pages": []}
    bare = AppTest.from_file(str(BARE_PAGE), default_timeout=120)
    results["bare_cold_s"], _ = _run(bare)
    results["bare_warm_s"], _ = _run(bare)
    # The first page pays for opening the warehouse (connect + materialised views).
    for index, page in enumerate(app_pages(only)):
        cold_at = AppTest.from_file(str(APP), default_timeout=300)
        cold_at.switch_page(page.file)
        cold, error = _run(cold_at)
        warm, _ = _run(cold_at)
        n_charts = len(cold_at.get("vega_lite_chart")) + len(cold_at.get("arrow_vega_lite_chart"))
        results["pages"].append(
            {
                "url_path": page.url_path,
                "page": page.file_name,
                "first": index == 0,
                "cold_s": cold,
                "warm_s": warm,
                "charts": n_charts,
                "placeholder": is_placeholder(page),
                "error": error,
            }
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main(str(Path(sys.argv[1]).resolve()), sys.argv[2:])
