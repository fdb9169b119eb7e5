"""The static casebook from `nogo build` opens from disk with no network, and every page's charts draw."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import case_ids, notebook_names, project

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "build" / "browser-screenshots"

PAGE_JS = """() => [...document.querySelectorAll('img')].filter(i => i.src.startsWith('data:image/svg+xml'))
  .map(i => {
    const comma = i.src.indexOf(',');
    const head = i.src.slice(0, comma), body = i.src.slice(comma + 1);
    const svg = head.endsWith(';base64') ? atob(body) : decodeURIComponent(body);
    return {loaded: i.complete && i.naturalWidth > 0, marks: (svg.match(/class="mark-/g) || []).length};
  })"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """`nogo build` on its own copy of the casebook (other tests add notebooks to the lab's copy)."""
    from tests.browser.conftest import _copy_project, _isolated_env

    tmp = tmp_path_factory.mktemp("site-build")
    project = tmp / "project"
    project.mkdir()
    _copy_project(project)
    out = tmp / "site"
    result = subprocess.run(
        [sys.executable, "-m", "nogo.app.cli", "build", "--out", str(out), "--jobs", "1"],
        cwd=project, env=_isolated_env(tmp), capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_index_lists_every_page_and_opens_offline(site, page):
    pg = page.page
    pg.goto((site / "index.html").as_uri())
    links = pg.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
    pages = sorted(p.name for p in site.glob("*.html") if p.name != "index.html")
    assert pages == sorted(f"{name}.html" for name in notebook_names())  # one page per notebook
    assert sorted(set(links)) == pages
    assert {f"{case_id}.html" for case_id in case_ids()} <= set(links)  # every case in the index
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "site-index.png"), full_page=True)
    assert page.blocked == []


@pytest.mark.parametrize("name", notebook_names())
def test_every_page_draws_its_charts_offline(site, page, name):
    pg = page.page
    html = site / f"{name}.html"
    assert html.is_file(), f"nogo build wrote no page for notebooks/{name}.ipynb"
    text = html.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link)[^>]+(src|href)=[\"']https?://", text), html.name
    pg.goto(html.as_uri())
    pg.wait_for_load_state("load")
    charts = pg.evaluate(PAGE_JS)
    committed = json.loads((project().notebooks / f"{name}.ipynb").read_text(encoding="utf-8"))
    expected = sum(
        "image/svg+xml" in out.get("data", {})
        for cell in committed["cells"]
        for out in cell.get("outputs", [])
    )
    assert len(charts) == expected, f"{html.name}: {len(charts)} charts, {expected} in the notebook"
    assert all(c["loaded"] and c["marks"] > 0 for c in charts), f"{html.name}: {charts}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"site-{name}.png"))
    assert page.blocked == [], page.blocked[:3]
