"""The static casebook's reading order, its index page and the bar and pager around every page.

A reader starts at start-here, then reads the cases in the casebook's order (the README's case table),
so the pages are ordered so, each with a previous, a next and an index link. The coaching notebook is
a timed session served as an app (``nogo coach``), not a page to read: it gets no page, only a note on
the index saying how to run a session. Templates (``_*``) are never pages.

The index lists start-here, then each case with its title, the decision its PM owns (the case file's
``incident.decision``), its domain, when it happened and the PM concepts it trains, with a search box
that filters the cases as you type (a small inline script: no network; without JavaScript the box stays
hidden and every case shows).

Examples
--------
>>> first_paragraph("# Start here\\n\\nNo-Go is a **casebook** of `agent` failures.\\n\\nMore.")
('Start here', 'No-Go is a casebook of agent failures.')
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "APP_NOTEBOOKS",
    "START",
    "SitePage",
    "first_paragraph",
    "index_html",
    "page_chrome",
    "page_position",
    "reading_order",
]

START = "start-here"
"""The notebook a reader opens first."""
APP_NOTEBOOKS: frozenset[str] = frozenset({"coaching"})
"""Notebooks that run as an app (``nogo coach``) and get no static page."""


@dataclass(frozen=True)
class SitePage:
    """One page of the static casebook: its file stem, title, one-line summary and what it is."""

    name: str
    title: str
    summary: str
    kind: str  # "start", "case" or "notebook"
    case: Any = None  # the CaseFile of a case page

    @property
    def href(self) -> str:
        return f"{self.name}.html"


def first_paragraph(markdown: str) -> tuple[str, str]:
    """The first heading of a Markdown cell and its first paragraph, as plain text."""
    title, paragraph = "", ""
    for block in re.split(r"\n\s*\n", markdown.strip()):
        block = block.strip()
        if not title and block.startswith("#"):
            title = block.splitlines()[0].lstrip("#").strip()
        elif block and not paragraph and not block.startswith(("#", "-", "*", "|", "<")):
            paragraph = " ".join(block.split())
        if title and paragraph:
            break
    plain = lambda s: re.sub(r"\*\*|__|`|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)", "", s).replace("\\$", "$")  # noqa: E731
    return plain(title), plain(paragraph)


def _case_page(case: Any) -> SitePage:
    return SitePage(case.id, case.title, " ".join(case.incident.decision.split()), "case", case)


def reading_order(
    cases: Iterable[Any], names: Iterable[str], headings: dict[str, tuple[str, str]]
) -> list[SitePage]:
    """The pages in the order a reader takes them: start-here, the cases (casebook order), other notebooks.

    ``cases`` are the case files in the casebook's order; ``names`` the executed notebooks; ``headings``
    each notebook's (title, first paragraph), for the pages that are not cases. The coaching notebook and
    templates get no page.
    """
    names = {n for n in names if not n.startswith("_") and n not in APP_NOTEBOOKS}
    pages: list[SitePage] = []
    if START in names:
        title, summary = headings.get(START, ("Start here", ""))
        pages.append(SitePage(START, title or "Start here", summary, "start"))
    for case in cases:
        if case.id in names:
            pages.append(
                SitePage(case.id, case.title, " ".join(case.incident.decision.split()), "case", case)
            )
    done = {p.name for p in pages}
    for name in sorted(names - done):
        title, summary = headings.get(name, (name, ""))
        pages.append(SitePage(name, title or name, summary, "notebook"))
    return pages


STYLE = """
:root { --nogo-ink: #1f2933; --nogo-muted: #52606d; --nogo-accent: #1d5c63; --nogo-line: #d9e2ec;
  --nogo-soft: #f3f7f8; --nogo-font: "DejaVu Sans", "Helvetica Neue", Helvetica, Arial, sans-serif; }
.nogo-visually-hidden { position: absolute; width: 1px; height: 1px; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
body.nogo-page { padding: 0; margin: 0; }
.nogo-bar { position: sticky; top: 0; z-index: 10; display: flex; flex-wrap: wrap; align-items: center;
  gap: 0.4rem 1.2rem; padding: 0.55rem 1.2rem; background: #fff; border-bottom: 1px solid var(--nogo-line);
  font: 0.95rem/1.4 var(--nogo-font); }
.nogo-bar a { color: var(--nogo-accent); text-decoration: none; }
.nogo-bar a:hover { text-decoration: underline; }
.nogo-bar .nogo-home { font-weight: 700; color: var(--nogo-ink); }
.nogo-bar .nogo-steps { display: flex; gap: 1rem; flex: 1; }
.nogo-bar .nogo-where { color: var(--nogo-muted); }
.nogo-code-toggle { cursor: pointer; border: 1px solid var(--nogo-accent); color: var(--nogo-accent);
  border-radius: 999px; padding: 0.15rem 0.8rem; font-size: 0.88rem; white-space: nowrap; }
#nogo-show-code:focus-visible ~ .nogo-bar .nogo-code-toggle { outline: 2px solid var(--nogo-accent);
  outline-offset: 2px; }
#nogo-show-code:checked ~ .nogo-bar .nogo-code-toggle { background: var(--nogo-accent); color: #fff; }
#nogo-show-code:checked ~ .nogo-bar .nogo-when-hidden,
#nogo-show-code:not(:checked) ~ .nogo-bar .nogo-when-shown { display: none; }
#nogo-show-code:not(:checked) ~ main .jp-CodeCell > .jp-Cell-inputWrapper,
#nogo-show-code:not(:checked) ~ main .jp-CodeCell.jp-mod-noOutputs,
#nogo-show-code:not(:checked) ~ main details.nogo-empty { display: none; }
body.nogo-page main { max-width: 62rem; margin: 0 auto; padding: 1rem 1.2rem 0; }
.jp-OutputArea-output pre { word-break: normal; overflow-wrap: anywhere; }
.nogo-pager { max-width: 62rem; margin: 2.5rem auto 2rem; display: flex; gap: 1rem; padding: 0 1.2rem;
  font: 0.95rem/1.4 var(--nogo-font); }
.nogo-pager a { flex: 1; border: 1px solid var(--nogo-line); border-radius: 8px; padding: 0.7rem 0.9rem;
  color: var(--nogo-ink); text-decoration: none; }
.nogo-pager a:hover { border-color: var(--nogo-accent); }
.nogo-pager a span { display: block; color: var(--nogo-muted); font-size: 0.8rem; }
.nogo-pager a[rel=next] { text-align: right; }
.nogo-pager a.nogo-up { flex: 0 0 auto; align-self: center; color: var(--nogo-accent); }
details.nogo-reveal { border: 1px solid var(--nogo-line); border-radius: 6px; padding: 0.3rem 0.7rem;
  margin: 0.6rem 0; }
details.nogo-reveal > summary { cursor: pointer; color: var(--nogo-accent); font-weight: 600; }
.nogo-drill { border: 1px solid var(--nogo-line); border-left: 4px solid var(--nogo-accent);
  border-radius: 6px; background: var(--nogo-soft); padding: 0.8rem 1rem; margin: 0.4rem 0;
  font: 0.95rem/1.5 var(--nogo-font); color: var(--nogo-ink); }
.jp-RenderedHTMLCommon .nogo-drill p { margin: 0.35rem 0; }
.nogo-drill-name { font-weight: 700; font-size: 1.05rem; }
.nogo-drill-name span { font-weight: 600; font-size: 0.72rem; text-transform: uppercase;
  letter-spacing: 0.06em; color: #fff; background: var(--nogo-accent); border-radius: 4px;
  padding: 0.1rem 0.4rem; margin-right: 0.4rem; vertical-align: 0.1rem; }
.nogo-chip { display: inline-block; border: 1px solid var(--nogo-line); background: #fff;
  border-radius: 999px; padding: 0.05rem 0.6rem; margin: 0.1rem 0.25rem 0.1rem 0; font-size: 0.88rem; }
.jp-RenderedHTMLCommon .nogo-boxes { list-style: none; padding-left: 0; margin: 0.2rem 0 0.5rem; }
.jp-RenderedHTMLCommon .nogo-boxes li { padding-left: 1.5rem; text-indent: -1.5rem; margin: 0.15rem 0; }
.nogo-boxes li::before { content: "\\2610"; display: inline-block; width: 1.5rem; text-indent: 0;
  color: var(--nogo-muted); }
.jp-RenderedHTMLCommon .nogo-drill table { margin: 0.3rem 0 0.5rem; table-layout: auto;
  font-size: 0.92rem; }
.jp-RenderedHTMLCommon .nogo-drill tbody tr, .jp-RenderedHTMLCommon .nogo-drill tbody tr:hover {
  background: transparent; }
.jp-RenderedHTMLCommon .nogo-drill th, .jp-RenderedHTMLCommon .nogo-drill td { text-align: left;
  vertical-align: top; padding: 0.25rem 1rem 0.25rem 0; border-bottom: 1px solid var(--nogo-line); }
.jp-RenderedHTMLCommon .nogo-drill th { font-weight: 600; color: var(--nogo-muted); white-space: nowrap; }
.nogo-drill-practise { color: var(--nogo-muted); font-size: 0.88rem; border-top: 1px solid var(--nogo-line);
  padding-top: 0.45rem; }
.nogo-drill-practise code { white-space: nowrap; }
"""

_INDEX_STYLE = """
body { font: 1rem/1.5 var(--nogo-font); color: var(--nogo-ink); margin: 0; background: #fff; }
.nogo-wrap { max-width: 58rem; margin: 0 auto; padding: 2rem 1.2rem 3rem; }
h1 { font-size: 2rem; margin: 0 0 0.3rem; }
.lede { color: var(--nogo-muted); margin: 0 0 1.6rem; font-size: 1.08rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.6rem; }
a { color: var(--nogo-accent); }
.nogo-start-card { display: block; border: 1px solid var(--nogo-accent); border-radius: 10px;
  padding: 1rem 1.2rem; text-decoration: none; color: var(--nogo-ink); background: var(--nogo-soft); }
.nogo-start-card:hover { box-shadow: 0 1px 6px rgba(29, 92, 99, 0.25); }
.nogo-eyebrow { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.08em; font-weight: 700;
  color: var(--nogo-accent); }
.nogo-start-card strong { display: block; font-size: 1.2rem; margin: 0.2rem 0 0.3rem;
  color: var(--nogo-accent); }
.nogo-start-card p { margin: 0; color: var(--nogo-muted); }
.nogo-search { margin: 0.4rem 0 1rem; }
.nogo-search input { width: 100%; box-sizing: border-box; font: inherit; padding: 0.55rem 0.8rem;
  border: 1px solid var(--nogo-line); border-radius: 8px; }
.nogo-search input:focus { outline: 2px solid var(--nogo-accent); border-color: var(--nogo-accent); }
ol.nogo-cases { list-style: none; padding: 0; margin: 0; counter-reset: case; }
.nogo-case { border-top: 1px solid var(--nogo-line); padding: 1rem 0 1.1rem 2.6rem; position: relative;
  counter-increment: case; }
.nogo-case[hidden] { display: none; }
.nogo-case::before { content: counter(case); position: absolute; left: 0; top: 1rem; width: 1.8rem;
  height: 1.8rem; border-radius: 50%; background: var(--nogo-accent); color: #fff; text-align: center;
  line-height: 1.8rem; font-weight: 700; font-size: 0.9rem; }
.nogo-case h3 { margin: 0 0 0.2rem; font-size: 1.12rem; }
.nogo-case h3 a { text-decoration: none; }
.nogo-case h3 a:hover { text-decoration: underline; }
.nogo-meta { color: var(--nogo-muted); font-size: 0.9rem; margin: 0 0 0.4rem; }
.nogo-decision { margin: 0 0 0.5rem; }
.nogo-concepts button { font: 0.82rem/1.3 var(--nogo-font); cursor: pointer; color: var(--nogo-accent);
  border: 1px solid var(--nogo-line); background: #fff; border-radius: 999px; padding: 0.1rem 0.6rem;
  margin: 0.15rem 0.25rem 0 0; }
.nogo-concepts button:hover { border-color: var(--nogo-accent); }
.nogo-draft { font-size: 0.75rem; border: 1px solid #b7791f; color: #8a5a12; border-radius: 4px;
  padding: 0 0.35rem; margin-left: 0.4rem; vertical-align: 0.15rem; }
.nogo-note { border-left: 4px solid var(--nogo-line); padding: 0.2rem 0 0.2rem 1rem; }
.nogo-note code, .nogo-practise code { background: var(--nogo-soft); padding: 0 0.25rem; border-radius: 3px; }
footer { color: var(--nogo-muted); font-size: 0.88rem; margin-top: 2.5rem; padding-top: 0.8rem;
  border-top: 1px solid var(--nogo-line); }
"""

_SEARCH_SCRIPT = """
(function () {
  var box = document.getElementById("nogo-search"), none = document.getElementById("nogo-no-match");
  if (!box) { return; }
  box.parentNode.hidden = false;
  var cases = Array.prototype.slice.call(document.querySelectorAll(".nogo-case"));
  function filter() {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean), shown = 0;
    cases.forEach(function (li) {
      var text = li.getAttribute("data-search");
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      li.hidden = !hit;
      if (hit) { shown += 1; }
    });
    none.hidden = shown > 0;
  }
  box.addEventListener("input", filter);
  document.querySelectorAll(".nogo-concepts button").forEach(function (b) {
    b.addEventListener("click", function () {
      box.value = b.getAttribute("data-concept");
      filter();
      box.focus();
    });
  });
})();
"""


def _concept(model: str) -> str:
    return model.replace("-", " ")


def _case_item(page: SitePage, built: bool) -> str:
    e, c = html.escape, page.case
    title = f'<a href="{e(page.href)}">{e(page.title)}</a>' if built else e(page.title)
    draft = '<span class="nogo-draft">draft</span>' if getattr(c, "status", "") == "draft" else ""
    trains = list(getattr(c, "concepts", None) or c.models)  # PM concepts; else the models
    concepts = "".join(
        f'<button type="button" data-concept="{e(_concept(m))}">{e(_concept(m))}</button>' for m in trains
    )
    search = " ".join([page.title, page.summary, c.domain, c.incident.when, c.id, *map(_concept, trains),
                       *map(_concept, c.models)])  # fmt: skip
    return (
        f'<li class="nogo-case" data-search="{e(search.lower())}"><h3>{title}{draft}</h3>'
        f'<p class="nogo-meta">{e(c.domain)} · {e(c.incident.when)}</p>'
        f'<p class="nogo-decision"><b>The call you own.</b> {e(page.summary)}</p>'
        f'<p class="nogo-concepts" aria-label="PM concepts">{concepts}</p></li>'
    )


def index_html(pages: list[SitePage], cases: Iterable[Any], *, coaching: bool = True) -> str:
    """The index: start-here, the cases in reading order with a search box, a note on coaching sessions.

    ``pages`` are the pages written (:func:`reading_order`); ``cases`` every case file, so a case whose
    notebook has no page is still listed (without a link).
    """
    e, cases = html.escape, list(cases)
    written = {p.name: p for p in pages}
    start = written.get(START)
    start_html = (
        f'<a class="nogo-start-card" href="{e(start.href)}"><span class="nogo-eyebrow">Start here</span>'
        f"<strong>{e(start.title)}</strong><p>{e(start.summary)}</p></a>"
        if start
        else ""
    )
    items = [_case_item(written.get(c.id) or _case_page(c), c.id in written) for c in cases]
    others = [p for p in pages if p.kind == "notebook"]
    more = (
        "<h2>More notebooks</h2><ul>"
        + "".join(f'<li><a href="{e(p.href)}">{e(p.title)}</a> {e(p.summary)}</li>' for p in others)
        + "</ul>"
        if others
        else ""
    )
    coach = (
        '<p class="nogo-note"><b>Coaching a session.</b> A coach runs a timed session on a fresh variant '
        "of a case, served as an app on this machine: the candidate commits to a call, works the drills "
        "against a countdown, and the coach reveals the answer and marks the rubric. It runs live, so it "
        "has no page here: <code>nogo coach CASE --learner NAME</code> (for example <code>nogo coach "
        f"{e(cases[0].id if cases else 'CASE')} --learner Ana</code>).</p>"
        if coaching
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>No-Go casebook</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}{_INDEX_STYLE}</style></head>
<body><div class="nogo-wrap">
<h1>No-Go casebook</h1>
<p class="lede">Real AI-agent failures, reconstructed from public figures: when should the agent act,
when should it hand the decision to a person, and when should it not be built at all?</p>
{start_html}
<h2>The cases</h2>
<div class="nogo-search" hidden><label class="nogo-visually-hidden" for="nogo-search">Search the cases</label>
<input type="search" id="nogo-search" autocomplete="off"
 placeholder="Search the cases by title, domain or concept (thresholds, fairness ...)"></div>
<ol class="nogo-cases">
{chr(10).join(items) or "<li>No cases yet.</li>"}
</ol>
<p id="nogo-no-match" hidden>No case matches your search.</p>
{more}
<h2>Practise live</h2>
<p class="nogo-practise">These pages are a read-only copy: each drill shows what it asks. To practise,
open the casebook in JupyterLab (<code>make lab</code>, or <code>nogo lab</code>), run a case and answer its
drills; set the <code>learner</code> parameter to keep your attempts, and
<code>nogo progress --learner NAME</code> shows your track record.</p>
{coach}
<footer>Every reconstruction is synthetic data calibrated to the published figures its case cites. Written by
<code>nogo build</code>; it opens from disk and needs no network.</footer>
</div>
<script>{_SEARCH_SCRIPT}</script>
</body></html>
"""


def page_position(page: SitePage, pages: list[SitePage]) -> str:
    """Where a page sits for a reader: "Start here", "Case 2 of 3", or nothing."""
    cases = [p.name for p in pages if p.kind == "case"]
    if page.kind == "start":
        return "Start here"
    return f"Case {cases.index(page.name) + 1} of {len(cases)}" if page.kind == "case" else ""


def page_chrome(prev: SitePage | None, nxt: SitePage | None, where: str = "") -> tuple[str, str]:
    """(the bar above a page, the pager below it): index, where the page is, previous and next links, the
    code toggle.

    The toggle is a checkbox before the bar and the page, so the stylesheet shows code only when it is
    ticked (no script needed).
    """
    e = html.escape
    steps = "".join(
        f'<a rel="{rel}" href="{e(p.href)}" title="{e(p.title)}">{label}</a>'
        for rel, p, label in (("prev", prev, "← Previous"), ("next", nxt, "Next →"))
        if p is not None
    )
    bar = (
        '<input type="checkbox" id="nogo-show-code" class="nogo-visually-hidden">'
        '<header class="nogo-bar"><a class="nogo-home" href="index.html">No-Go casebook</a>'
        + (f'<span class="nogo-where">{e(where)}</span>' if where else "")
        + f'<nav class="nogo-steps" aria-label="Pages">{steps}</nav>'
        '<label for="nogo-show-code" class="nogo-code-toggle"><span class="nogo-when-hidden">Show code</span>'
        '<span class="nogo-when-shown">Hide code</span></label></header>'
    )
    links = []
    if prev is not None:
        links.append(f'<a rel="prev" href="{e(prev.href)}"><span>← Previous</span>{e(prev.title)}</a>')
    links.append('<a class="nogo-up" href="index.html">All cases</a>')
    if nxt is not None:
        links.append(f'<a rel="next" href="{e(nxt.href)}"><span>Next →</span>{e(nxt.title)}</a>')
    return bar, f'<nav class="nogo-pager" aria-label="Previous and next">{"".join(links)}</nav>'
