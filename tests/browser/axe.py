"""axe-core for the browser tests: fetched once from the npm registry (`npm pack`), kept in
tests/browser/.axe/ (not committed), injected into a page, run against WCAG 2.2 AA."""

from __future__ import annotations

import subprocess
import tarfile
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

from explorer.accessibility import AXE_CORE_VERSION, AXE_TAGS, STREAMLIT_KNOWN_ISSUES

CACHE = Path(__file__).resolve().parent / ".axe"
BLOCKING_IMPACTS = {"serious", "critical"}

# Each violation's elements, with which known Streamlit issue (by index) each lies inside.
_RUN_JS = """
async ([tags, knownWithin]) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => {
      const el = document.querySelector(n.target[0]);
      return {
        target: n.target.join(' '), html: n.html.slice(0, 160),
        within: knownWithin.map((sel) => !!(el && el.closest(sel))),
      };
    }),
  }));
}
"""


def axe_script() -> Path:
    """Path of axe.min.js, fetching the pinned version with npm the first time."""
    target = CACHE / f"axe-core-{AXE_CORE_VERSION}" / "axe.min.js"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        ["npm", "pack", f"axe-core@{AXE_CORE_VERSION}", "--pack-destination", str(CACHE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    tarball = CACHE / packed.stdout.strip().splitlines()[-1]
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(member.read())
    tarball.unlink()
    return target


def run_axe(page: Page, script: Path) -> list[dict[str, Any]]:
    """Every WCAG 2.2 A/AA violation on the page, each node marked with the known
    Streamlit issues it lies inside."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(script))
    known = [issue.within for issue in STREAMLIT_KNOWN_ISSUES]
    return page.evaluate(_RUN_JS, [list(AXE_TAGS), known])


def split_violations(
    violations: list[dict[str, Any]],
) -> tuple[list[str], set[int]]:
    """(blocking violations of the app's own content, as lines; indexes of the known
    Streamlit issues seen). A serious or critical violation is the app's unless every
    element it names lies inside the part of the page its allow-list entry names."""
    ours: list[str] = []
    seen: set[int] = set()
    for violation in violations:
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        for node in violation["nodes"]:
            matches = [
                i
                for i, issue in enumerate(STREAMLIT_KNOWN_ISSUES)
                if issue.rule == violation["id"] and node["within"][i]
            ]
            if matches:
                seen.update(matches)
            else:
                ours.append(
                    f"{violation['impact']} {violation['id']} ({violation['help']}): "
                    f"{node['target']} {node['html']}"
                )
    return ours, seen
