"""A case as a product manager first sees it in JupyterLab, before running anything: reader mode.

The saved notebook shows its charts (``nogo lab`` trusts the casebook's own notebooks: an untrusted
notebook shows ``alt.LayerChart(...)`` text where each chart should be), and no code editor is visible
except the cells the reader is invited to change (tagged ``parameters`` or ``invite``). Every notebook a
learner opens is checked, and the template too: a case copied from it starts in reader mode."""

from __future__ import annotations

import json

import pytest

from nogo.casebook.reader import INVITED_TAGS
from tests.browser.helpers import OUTPUTS_JS, empty_charts
from tests.conftest import notebook_names

TEMPLATE = "_template"
NOTEBOOKS = [*notebook_names(), TEMPLATE]
"""start-here, coaching and every case's notebook (from the casebook, so a new case is picked up), and the
template, which JupyterLab keeps out of the file browser but opens at /lab/tree/_template.ipynb."""
VISIBLE_EDITORS_JS = """() => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell')]
  .filter(c => { const e = c.querySelector('.jp-InputArea-editor');
                 return e && e.offsetParent !== null && e.getBoundingClientRect().height > 0; }).length"""


def _visible_outputs(page) -> list[dict]:
    """The output records of the open notebook, each visible output scrolled into view so it renders
    (a collapsed solution's outputs stay collapsed: the reader opens them)."""
    areas = page.page.locator(".jp-OutputArea-output")
    for k in range(areas.count()):
        if areas.nth(k).is_visible():
            areas.nth(k).scroll_into_view_if_needed()
    page.page.wait_for_timeout(300)
    return page.page.evaluate(OUTPUTS_JS)


def _open(lab, page, name: str) -> None:
    pg = page.page
    pg.goto(f"{lab.url}/lab/tree/{name}.ipynb?reset&token={lab.token}")
    pg.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    pg.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=90_000)
    pg.wait_for_timeout(1500)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_a_saved_notebook_reads_as_a_page_before_it_runs(lab, page, name):
    saved = json.loads((lab.root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    invited = sum(bool(INVITED_TAGS & set(c["metadata"].get("tags", []))) for c in code)
    charts_saved = sum("image/svg+xml" in o.get("data", {}) for c in code for o in c.get("outputs", []))
    _open(lab, page, name)
    records = _visible_outputs(page)
    charts = [r for r in records if r["isChart"]]
    assert len(charts) == charts_saved, f"{name}: {len(charts)} of {charts_saved} saved charts shown unrun"
    assert empty_charts(records) == []
    texts = " ".join(r["text"] for r in records)
    assert "alt.LayerChart(" not in texts and "alt.Chart(" not in texts, f"{name}: a chart shows as text"
    editors = page.page.evaluate(VISIBLE_EDITORS_JS)
    assert editors == invited, f"{name}: {editors} code editors visible, {invited} cells invite the reader"
    assert page.blocked == []
    lab.delete_sessions()
