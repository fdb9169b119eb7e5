"""The static casebook from `nogo build`, opened from disk in Chromium with every off-machine request
blocked: every page draws its charts, shows no code until asked and no widget repr, names its own Show
code toggle (not JupyterLab's menu), says a case's brief once, shows each drill as a card, and leads to the
next page; the index lists start-here then the cases, and its search filters them.

Screenshots of what a reader sees go to ``build/browser-screenshots/`` (``site-index.png``,
``site-<page>.png`` at the top of each page and ``site-<page>-drill.png`` at its last drill).
"""

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
APP_ONLY = {"coaching"}  # served by `nogo coach`, no static page
PAGES = [n for n in notebook_names() if n not in APP_ONLY and not n.startswith("_")]
READING_ORDER = (["start-here"] if "start-here" in PAGES else []) + [c for c in case_ids() if c in PAGES]
REPR_TEXT = ("VBox(", "HBox(", "HTML(value=", "Button(", "ToggleButtons(")

PAGE_JS = """() => [...document.querySelectorAll('img')].filter(i => i.src.startsWith('data:image/svg+xml'))
  .map(i => {
    const comma = i.src.indexOf(',');
    const head = i.src.slice(0, comma), body = i.src.slice(comma + 1);
    const svg = head.endsWith(';base64') ? atob(body) : decodeURIComponent(body);
    return {loaded: i.complete && i.naturalWidth > 0, marks: (svg.match(/class="mark-/g) || []).length};
  })"""

# What a reader sees of the code: editors and input areas drawn on the page (a box with a size).
VISIBLE_CODE_JS = """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-editor, .jp-CodeCell .cm-editor')]
  .filter(e => e.getClientRects().length > 0 && e.offsetHeight > 0).length"""


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


def _shot(pg, name: str, **kwargs) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), **kwargs)


def test_index_lists_start_here_then_the_cases_and_opens_offline(site, page):
    pg = page.page
    pg.goto((site / "index.html").as_uri())
    pages = sorted(p.name for p in site.glob("*.html") if p.name != "index.html")
    assert pages == sorted(f"{name}.html" for name in PAGES)  # one page per notebook to read, no coaching
    links = pg.eval_on_selector_all("a[href$='.html']", "els => els.map(e => e.getAttribute('href'))")
    order = [f"{n}.html" for n in READING_ORDER]
    assert [h for h in dict.fromkeys(links) if h in order] == order  # start-here first, then casebook order
    assert sorted(set(links)) == pages and not any(h.startswith("coaching") for h in links)
    assert pg.is_visible("input#nogo-search")  # the inline script showed the search box
    _shot(pg, "site-index", full_page=True)
    assert page.blocked == []


def test_the_index_search_filters_the_cases_offline(site, page):
    pg = page.page
    pg.goto((site / "index.html").as_uri())
    cases = project().cases()
    visible = "() => [...document.querySelectorAll('.nogo-case')].filter(li => !li.hidden).length"
    assert pg.evaluate(visible) == len(cases)
    texts = pg.eval_on_selector_all(".nogo-case", "els => els.map(e => e.getAttribute('data-search'))")
    concept = cases[-1].concepts[-1].replace("-", " ")  # a PM concept the chips show
    pg.fill("input#nogo-search", concept.upper())  # case does not matter
    expected = sum(all(w in t for w in concept.split()) for t in texts)
    assert pg.evaluate(visible) == expected >= 1
    pg.fill("input#nogo-search", "no case has this zqxj")
    assert pg.evaluate(visible) == 0 and pg.is_visible("#nogo-no-match")
    pg.fill("input#nogo-search", "")
    assert pg.evaluate(visible) == len(cases)
    pg.click(".nogo-concepts button >> nth=0")  # a concept chip searches for that concept
    assert pg.input_value("input#nogo-search") and pg.evaluate(visible) >= 1
    assert page.blocked == []


@pytest.mark.parametrize("name", PAGES)
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
    _shot(pg, f"site-{name}")
    assert page.blocked == [], page.blocked[:3]


@pytest.mark.parametrize("name", PAGES)
def test_a_page_reads_without_code_and_shows_each_drill_as_a_card(site, page, name):
    pg = page.page
    pg.goto((site / f"{name}.html").as_uri())
    pg.wait_for_load_state("load")
    seen = pg.evaluate("() => document.body.innerText")  # what is rendered, not what is in the source
    assert not [r for r in REPR_TEXT if r in seen], f"{name}: widget repr text on the page"
    assert "Answer with the buttons" not in seen
    assert "Expand All Code" not in seen, f"{name}: JupyterLab's menu named where the page has Show code"
    if name in case_ids():  # the brief once: the heading is the title, the case file's copy is folded
        case = project().case(name)
        assert seen.count(" ".join(case.title.split())) == 1, f"{name}: the title said twice"
        assert " ".join(case.incident.decision.split()) in " ".join(seen.split())
    assert pg.evaluate(VISIBLE_CODE_JS) == 0, f"{name}: code shows before the reader asks for it"
    assert not re.search(r"\bIn\s*\[\s*\d*\s*\]:", seen), f"{name}: input prompts on the page"
    cards = pg.locator("section.nogo-drill")
    committed = json.loads((project().notebooks / f"{name}.ipynb").read_text(encoding="utf-8"))
    widgets = sum(
        "application/vnd.jupyter.widget-view+json" in out.get("data", {})
        for cell in committed["cells"]
        for out in cell.get("outputs", [])
    )
    assert cards.count() == widgets, f"{name}: {cards.count()} drill cards for {widgets} widgets"
    for k in range(cards.count()):
        card = cards.nth(k)
        assert card.is_visible() and "make lab" in card.inner_text() and "nogo coach" in card.inner_text()
    if widgets:
        cards.nth(widgets - 1).scroll_into_view_if_needed()
        pg.evaluate("() => window.scrollBy(0, -120)")  # the drill below the sticky bar, with its lead-in
        _shot(pg, f"site-{name}-drill")

    toggle = pg.locator("label[for='nogo-show-code']")
    assert toggle.inner_text().strip() == "Show code"
    pg.evaluate("() => window.scrollTo(0, 0)")
    toggle.click()
    assert toggle.inner_text().strip() == "Hide code"
    assert pg.evaluate(VISIBLE_CODE_JS) > 0, f"{name}: 'Show code' shows no code"
    toggle.click()
    assert pg.evaluate(VISIBLE_CODE_JS) == 0, f"{name}: 'Hide code' leaves code on the page"
    assert page.blocked == [], page.blocked[:3]


def test_next_and_previous_walk_the_casebook_in_reading_order(site, page):
    pg = page.page
    pg.goto((site / "index.html").as_uri())
    pg.click("a.nogo-start-card" if "start-here" in READING_ORDER else "ol.nogo-cases a >> nth=0")
    for k, name in enumerate(READING_ORDER):
        assert pg.url.endswith(f"/{name}.html"), (pg.url, name)
        if k + 1 < len(READING_ORDER):
            pg.click(".nogo-bar a[rel='next']")
    assert pg.locator(".nogo-bar a[rel='next']").count() == 0  # the last page has no next
    if len(READING_ORDER) > 1:
        pg.click(".nogo-pager a[rel='prev']")
        assert pg.url.endswith(f"/{READING_ORDER[-2]}.html")
    pg.click(".nogo-pager a.nogo-up")
    assert pg.url.endswith("/index.html")
    assert page.blocked == []
