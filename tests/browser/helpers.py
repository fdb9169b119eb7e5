"""What the browser tests look for on a page (errors, charts with marks, widgets), how they drive the drills,
and how they start and stop a served app."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

# One record per output area: its mime type and, for a chart, whether the drawn SVG has marks.
OUTPUTS_JS = """() => [...document.querySelectorAll('.jp-OutputArea-output, .jp-RenderedImage, .jp-RenderedSVG')]
  .filter(e => e.classList.contains('jp-OutputArea-output'))
  .map(e => {
    const mime = e.getAttribute('data-mime-type') || '';
    const img = e.querySelector('img');
    let svgText = '';
    if (img && img.src.startsWith('data:image/svg+xml')) {
      const comma = img.src.indexOf(',');
      const head = img.src.slice(0, comma);
      const body = img.src.slice(comma + 1);
      svgText = head.endsWith(';base64') ? atob(body) : decodeURIComponent(body);
    }
    const inline = e.querySelector('svg');
    return {
      mime: mime,
      text: (e.innerText || '').slice(0, 400),
      imgLoaded: img ? (img.complete && img.naturalWidth > 0) : null,
      svgMarks: (svgText.match(/class="mark-/g) || []).length
                + (inline ? inline.querySelectorAll('[class^="mark-"]').length : 0),
      isChart: mime === 'image/svg+xml' || !!e.querySelector('.vega-embed'),
      widgets: e.querySelectorAll('.jupyter-widgets, .widget-box, .widget-button, .widget-slider').length,
      widgetError: (e.innerText || '').includes('Error displaying widget'),
    };
  })"""


def open_and_run_all(lab, page, name: str, timeout_s: float = 180) -> None:
    """Open notebooks/<name>.ipynb in JupyterLab, run all cells, wait until every cell has run."""
    pg = page.page
    pg.goto(f"{lab.url}/lab/tree/{name}.ipynb?reset&token={lab.token}")
    pg.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell", timeout=60_000)
    pg.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=90_000)
    pg.click("#jp-menu-panel >> text=Run", timeout=10_000)
    pg.click("li[data-command='runmenu:run-all']", timeout=10_000)
    deadline = time.monotonic() + timeout_s
    time.sleep(1.0)
    while time.monotonic() < deadline:
        busy = pg.locator(".jp-InputPrompt:has-text('[*]')").count()
        idle = pg.locator("#jp-main-statusbar >> text=Idle").count()
        if busy == 0 and idle:
            break
        time.sleep(0.5)
    else:
        raise AssertionError(f"{name}: cells still running after {timeout_s} s")
    time.sleep(1.5)  # let the last outputs and widget views render


def outputs(page) -> list[dict]:
    """The output areas of the open notebook (scrolling each into view so it renders)."""
    pg = page.page
    areas = pg.locator(".jp-OutputArea-output")
    for k in range(areas.count()):
        areas.nth(k).scroll_into_view_if_needed()
    time.sleep(0.3)
    return pg.evaluate(OUTPUTS_JS)


def error_outputs(records: list[dict]) -> list[str]:
    """Tracebacks and error outputs."""
    return [
        r["text"]
        for r in records
        if r["mime"] == "application/vnd.jupyter.stderr"
        and ("Traceback" in r["text"] or "Error" in r["text"].split("\n")[0])
    ]


def empty_charts(records: list[dict]) -> list[dict]:
    """Charts that did not draw: an image that failed to load, or an SVG without marks."""
    return [r for r in records if r["isChart"] and (r["imgLoaded"] is False or r["svgMarks"] == 0)]


# The typeset maths in one cell (MathJax 3's <mjx-container>, MathJax 2's .MathJax): whether it is in
# the Markdown or an output area, its first MathML token and its text.
CELL_MATHS_JS = """cell => [...cell.querySelectorAll('mjx-container, .MathJax')].map(m => {
    const mml = m.querySelector('mjx-assistive-mml math, math');
    const first = mml ? mml.querySelector('mn, mi, mo, mtext, ms') : null;
    return {
      where: m.closest('.jp-OutputArea') ? 'output' : (m.closest('.jp-MarkdownOutput') ? 'markdown' : 'other'),
      first: first ? first.tagName.toLowerCase() : '',
      text: (mml ? mml.textContent : m.textContent || '').slice(0, 80),
    };
  })"""


def typeset_maths(page) -> list[dict]:
    """Every piece of typeset maths in the open notebook, each with its cell's index (see CELL_MATHS_JS).

    Every cell is scrolled into view first, so JupyterLab has rendered (and typeset) it."""
    pg = page.page
    cells = pg.locator(".jp-NotebookPanel:visible .jp-Notebook .jp-Cell")
    for k in range(cells.count()):
        cells.nth(k).scroll_into_view_if_needed()
    time.sleep(1.0)
    found = []
    for k in range(cells.count()):
        cells.nth(k).scroll_into_view_if_needed()
        found += [{"cell": k, **r} for r in cells.nth(k).evaluate(CELL_MATHS_JS)]
    return found


def money_as_maths(records: list[dict]) -> list[dict]:
    """Prose or tables typeset as maths: anything in an output area (tables, widgets, HTML are never
    maths here), and maths in Markdown that starts with a number (a dollar amount: "$200-$300" typesets
    "200-"). Formulas written on purpose ($L$, $r$) start with a symbol and are left alone."""
    return [
        r for r in records
        if r["where"] != "markdown" or r["first"] == "mn" or r["text"].lstrip()[:1].isdigit()
    ]  # fmt: skip


# Labels, buttons, slider readouts and dropdowns in output areas (notebook outputs, Voila's cells) whose
# text is cut: an element that clips its own text (scrollWidth > clientWidth, or a wrapped text taller
# than a box that hides overflow), a <select> narrower than its longest option (a select never scrolls:
# its text is measured in the select's own font), or any of them sticking out of an ancestor box that
# hides or scrolls its overflow (a slider's value behind the edge of a squeezed column). Hidden elements
# are skipped; containers that legitimately scroll (HTML content, wide tables, the output area) are
# never candidates themselves.
CUT_TEXT_JS = r"""() => {
  const selectors = ['.widget-label', '.widget-label-basic', '.widget-button', '.widget-toggle-button',
                     '.jupyter-button', '.widget-readout', '.widget-dropdown select'];
  const canvas = document.createElement('canvas').getContext('2d');
  const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const name = e => (e.value !== undefined && e.tagName === 'SELECT' ? '' : (e.textContent || e.getAttribute('title') || ''))
    .trim().replace(/\s+/g, ' ').slice(0, 80);
  const kind = e => e.tagName === 'SELECT' ? 'select'
    : (String(e.className).split(' ').find(c => c.startsWith('widget-')) || e.tagName.toLowerCase());
  const clipper = e => {  // the nearest ancestor box that hides or scrolls what sticks out of it
    const r = e.getBoundingClientRect();
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX === 'visible') continue;
      const b = a.getBoundingClientRect();
      if (r.right > b.right + 1 || r.left < b.left - 1) return String(a.className).slice(0, 60) || a.tagName;
    }
    return null;
  };
  const cut = [];
  for (const e of document.querySelectorAll(selectors.join(','))) {
    if (!e.closest('.jp-OutputArea-output') || !shown(e)) continue;
    const text = e.tagName === 'SELECT' ? [...e.options].map(o => o.text).join(' | ').slice(0, 80) : name(e);
    if (!text) continue;
    let why = null;
    if (e.tagName === 'SELECT') {
      const cs = getComputedStyle(e);
      canvas.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      const room = e.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
      const widest = Math.max(0, ...[...e.options].map(o => canvas.measureText(o.text).width));
      if (widest > room + 1) why = `longest option ${Math.ceil(widest)}px in ${Math.floor(room)}px`;
    } else if (e.scrollWidth > e.clientWidth + 1) {
      why = `text ${e.scrollWidth}px in ${e.clientWidth}px`;
    } else if (e.scrollHeight > e.clientHeight + 2 && getComputedStyle(e).overflowY !== 'visible') {
      why = `text ${e.scrollHeight}px high in ${e.clientHeight}px`;
    }
    const box = why ? null : clipper(e);
    if (box) why = `sticks out of ${box}`;
    if (why) cut.push({kind: kind(e), text: text, why: why});
  }
  return cut;
}"""


def cut_texts(page) -> list[dict]:
    """Every label, button or dropdown option in the page's outputs whose text is cut (see CUT_TEXT_JS),
    after scrolling each output area into view so it is laid out."""
    pg = getattr(page, "page", page)
    areas = pg.locator(".jp-OutputArea-output")
    for k in range(areas.count()):
        areas.nth(k).scroll_into_view_if_needed()
    time.sleep(0.3)
    return pg.evaluate(CUT_TEXT_JS)


def drive_commit(page, call: str):
    """Commit to ``call`` at 70% in the commit drill (the output that asks "Before any analysis"); the
    commitment must show in it. Returns its output."""
    box = page.locator(
        ".jp-OutputArea-output:has(.widget-toggle-button):has-text('Before any analysis')"
    ).first
    box.scroll_into_view_if_needed()
    box.locator(f".widget-toggle-button:text-is('{call}')").first.click()
    box.locator(".widget-dropdown select").first.select_option(index=7)  # 70%
    box.locator("button:text-is('Commit')").first.click()
    time.sleep(1.0)
    assert "70% sure" in box.inner_text(), box.inner_text()
    return box


def drive_signature_drill(page):
    """Set every lever of the case's signature drill to its first choice and submit; the best setting
    must be absent before and shown after (the case's simulation may take seconds). Returns its output."""
    box = page.locator(".jp-OutputArea-output:has-text('Choose a value for each lever')").first
    box.scroll_into_view_if_needed()
    assert "best" not in box.inner_text().lower()
    for select in box.locator(".widget-dropdown select").all():
        select.select_option(index=0)
    box.locator("button:text-is('Submit')").first.click()
    deadline = time.monotonic() + 90  # the case's simulation runs every setting (seconds on some cases)
    while "best" not in box.inner_text().lower() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "best" in box.inner_text().lower(), box.inner_text()[:400]
    return box


def drive_premortem(box, case) -> None:
    """Rank the case's failure modes worst first in the pre-mortem output ``box`` and submit; the case's
    ranking, with why, must follow."""
    from nogo.formatting import math_safe_text

    box.scroll_into_view_if_needed()
    selects = box.locator(".widget-dropdown select").all()
    for select, mode in zip(selects, case.ranked_failure_modes, strict=True):
        select.select_option(label=math_safe_text(mode.name))
    box.locator("button:text-is('Submit ranking')").first.click()
    time.sleep(1.5)
    assert case.ranked_failure_modes[0].why[:30] in " ".join(box.inner_text().split())


def start_app(cmd: list[str], *, cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Run a served app's command in its own process group (so :func:`stop_app` ends all it started),
    its output to ``log``."""
    with open(log, "w") as out:
        return subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip


def wait_until_served(proc: subprocess.Popen, log: Path, ready: Callable[[], object], what: str,
                      timeout_s: float = 180) -> None:  # fmt: skip
    """Wait until ``ready()`` stops raising OSError; stop the app and fail with its log if it exits first
    or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            ready()
            return
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_app(proc)
                raise RuntimeError(f"{what} did not serve; log:\n{log.read_text()}") from None
            time.sleep(0.3)


def stop_app(proc: subprocess.Popen) -> None:
    """Stop an app started by :func:`start_app`: its whole process group, killed if it will not end."""
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
