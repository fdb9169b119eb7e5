"""The static casebook, read as HTML: a reveal is a closed <details> and nothing it holds shows outside one;
code is hidden until asked for; every drill is a card (never a widget's repr); the index reads in the
order a reader starts; every link resolves; nothing is fetched from the network.

The pages are parsed (BeautifulSoup, which nbconvert already depends on), not matched with regexes, except
for the CSS rules and the reveal test that predates the parser.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from nogo.casebook.drill_cards import WIDGET_VIEW, read_drill, replace_widgets, split_items
from nogo.casebook.site import build_site, is_reveal, notebook_html
from nogo.casebook.site_pages import APP_NOTEBOOKS, START
from nogo.casebook.site_text import brief_once
from nogo.cases.project import Project
from tests.unit.test_no_answer_before_reveal import CALL_AS_ANSWER, GUARDRAILS_AS_ANSWER, _answer_sentences

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Project(ROOT)
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_DETAILS = re.compile(r"<details\b[^>]*>.*?</details>", re.S)
REPR_TEXT = ("VBox(", "HBox(", "HTML(value=", "Button(", "ToggleButtons(")


def _flat(text: str) -> str:
    """Text as a page shows it: Markdown's emphasis and code marks gone, runs of space made one."""
    return " ".join(re.sub(r"\*\*|__|`", "", text).split())


def _output_lines(cell) -> list[str]:
    """The distinctive lines of a cell's outputs as a page renders them (HTML as its text, else plain)."""
    lines = []
    for out in cell.get("outputs", []):
        data = out.get("data") or {}
        if "text/html" in data:
            markup = data["text/html"]
            text = _soup("".join(markup) if isinstance(markup, list) else markup).get_text("\n")
        else:
            text = out.get("text") or data.get("text/markdown") or data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else str(text)
        lines += [_flat(line) for line in text.splitlines() if len(line.strip()) >= 25]
    return lines


def _toy() -> nbformat.NotebookNode:
    v4 = nbformat.v4
    hidden = {"tags": ["hide-input"], "jupyter": {"source_hidden": True, "outputs_hidden": True}}
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("## Exercise: what does the cap save?"),
            v4.new_code_cell(
                "print(1)", outputs=[v4.new_output("stream", text="the question's own output\n")]
            ),
            v4.new_code_cell(
                "print(2)", metadata=hidden, outputs=[v4.new_output("stream", text="SOLUTION 1,234\n")]
            ),
            v4.new_code_cell("x = 3", metadata={"tags": ["reveal"]}, outputs=[]),
        ]
    )


def _soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def _widget(text: str) -> dict:
    return nbformat.v4.new_output(
        "execute_result", data={WIDGET_VIEW: {"model_id": "", "version_major": 2}, "text/plain": text}
    )


def test_a_reveal_cell_is_a_closed_details_and_its_output_is_only_inside():
    page = notebook_html(_toy(), "toy")
    blocks = _DETAILS.findall(page)
    assert len(blocks) == 2  # the solution, and the tagged reveal
    assert all(not re.search(r"<details\b[^>]*\bopen\b", b.split(">", 1)[0] + ">") for b in blocks)
    assert "SOLUTION 1,234" in blocks[0] and "Show the solution" in blocks[0]
    assert "Show the answer" in blocks[1]
    outside = _DETAILS.sub("", page)
    assert "SOLUTION 1,234" not in outside
    assert "own output" in outside  # an ordinary cell's output stays visible


def test_is_reveal_reads_the_cell_metadata():
    cells = _toy().cells
    assert [is_reveal(c) for c in cells] == [False, False, True, True]


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if any(is_reveal(c) for c in nbformat.read(p, 4).cells)],
                         ids=lambda p: p.stem)  # fmt: skip
def test_every_saved_notebooks_reveals_are_closed_in_the_static_book(path):
    nb = nbformat.read(path, as_version=4)
    soup = _soup(notebook_html(path))
    outside = _flat(_outside_reveals(soup))
    inside = _flat(" ".join(d.get_text(" ") for d in soup.select("details")))
    revealed = [line for c in nb.cells if is_reveal(c) for line in _output_lines(c)]
    shown = [line for c in nb.cells if not is_reveal(c) for line in _output_lines(c)]
    assert revealed, f"{path.name}: reveal cells with no text output to check"
    for line in revealed:
        if line in shown:  # printed by an open cell too: not the reveal's own text
            continue
        assert line not in outside, f"{path.name}: {line!r} is visible outside a closed <details>"
        assert line in inside
    assert not soup.select("details[open]")


def test_build_site_writes_the_pages_with_their_reveals_closed(tmp_path):
    executed = tmp_path / "executed"
    executed.mkdir()
    nbformat.write(_toy(), executed / "toy.ipynb")
    index = build_site(Project.find(ROOT), executed, tmp_path / "site")
    page = (tmp_path / "site" / "toy.html").read_text(encoding="utf-8")
    assert index.exists() and '<details class="nogo-reveal">' in page
    assert "SOLUTION 1,234" not in _DETAILS.sub("", page)


# -- drills: a card in place of each widget ---------------------------------------------------------------


def test_a_widget_becomes_a_card_and_its_printed_summary_is_not_repeated():
    summary = (
        "Pre-mortem on demo (me): not submitted yet. Rank by expected harm, worst first: "
        "a runaway loop; stale prices; a cap; set too high."
    )
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell("p = Premortem(case)\np.view", outputs=[_widget("VBox(children=(HTML(…")]),
            v4.new_code_cell("print(p.summary_text())", outputs=[v4.new_output("stream", text=summary)]),
        ]
    )
    assert replace_widgets(nb, notebook="demo", case_id="demo") == 1
    card = _soup(nb.cells[0].outputs[0].data["text/html"])
    assert card.select_one(".nogo-drill-name").get_text(" ", strip=True) == "Drill Pre-mortem"
    items = [li.get_text() for li in card.select("ul.nogo-boxes li")]
    assert items == ["a runaway loop", "stale prices", "a cap", "set too high"]  # no case file: split on "; "
    practise = card.select_one(".nogo-drill-practise").get_text(" ", strip=True)
    assert "make lab" in practise and "notebooks/demo.ipynb" in practise and "nogo coach demo" in practise
    assert nb.cells[1].outputs == []  # the card holds the summary: the printed copy goes


def test_a_summary_shown_as_prose_in_the_next_cell_is_not_repeated_either():
    summary = "Set the policy (demo): 100 decisions over 30 days\nPolicy: t_lo=0\n  expected cost: $5"

    def prose(plain: str) -> dict:  # nogo.say's output: HTML, with a Markdown copy as its plain text
        return nbformat.v4.new_output("execute_result", data={"text/html": "<p>…</p>", "text/plain": plain})

    same = prose(
        "Set the policy (demo): 100 decisions over 30 days\n\nPolicy: t\\_lo=0\n\n- expected cost: $5"
    )
    record = prose("*Your attempt, as of this cell's last run:*  \n" + summary)
    other = prose("Submitted: t_lo=0.2. Regret $3.")
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell("policy = PolicyDrill(case)\npolicy", outputs=[_widget(summary)]),
            v4.new_code_cell("say(policy.summary_text())", outputs=[same, record, other]),
        ]
    )
    replace_widgets(nb, notebook="demo", case_id="demo")
    card = _soup(nb.cells[0].outputs[0].data["text/html"])
    assert card.select_one("table th").get_text() == "policy"  # read from the widget's own fallback
    assert nb.cells[1].outputs == [other]  # the same words go (after a lead-in too); other words stay


def test_a_summary_after_an_attempt_is_never_shown_only_the_drill_named():
    after = (
        "Launch call on demo (me): ship. The call the debrief defends: no-go. Key guardrails: a cap.\n"
        "Debrief: THE ANSWER."
    )
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[v4.new_code_cell("launch = LaunchCall(case)\nlaunch", outputs=[_widget(after)])]
    )
    replace_widgets(nb, notebook="demo", case_id="demo")
    card = _soup(nb.cells[0].outputs[0].data["text/html"])
    assert card.select_one(".nogo-drill-name").get_text(" ", strip=True) == "Drill Launch call"
    text = card.get_text()
    assert "THE ANSWER" not in text and "defends" not in text and "Key guardrails" not in text


def test_a_summary_is_read_only_for_the_drill_the_cell_builds():
    stream = "demo, learner me, seed 1. Decision stream: 0 of 12 items answered. Answer with the buttons."
    assert read_drill(stream, "commit = CommitCall(case)").summary == stream  # a summary, read alone
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell("commit = CommitCall(case)\ncommit.view", outputs=[_widget("VBox(children=(…")]),
            v4.new_code_cell("stream = DecisionStream(case)", outputs=[v4.new_output("stream", text=stream)]),
        ]
    )
    replace_widgets(nb, notebook="demo", case_id="demo")
    card = _soup(nb.cells[0].outputs[0].data["text/html"])
    assert card.select_one(".nogo-drill-name").get_text(" ", strip=True) == "Drill Make your call first"
    assert nb.cells[1].outputs[0]["text"] == stream  # the next drill's summary stays with it


@pytest.mark.parametrize("view", [False, True], ids=["drill", "drill.view"])
def test_a_drill_carries_its_own_card_and_a_record_of_no_attempt_leaves_the_page(view):
    """A drill displayed (itself or its ``.view``) keeps its card as its saved fallback: the page shows that
    card (with how to practise it), never a repr; a later record of the attempt goes, whatever it says."""
    from nogo.practice.premortem import Premortem

    case = PROJECT.case("loan-steering")
    drill = Premortem(case)
    bundle = (drill.view if view else drill)._repr_mimebundle_()
    assert "VBox(" not in bundle["text/plain"] and bundle["text/plain"] == drill.brief_text()
    record = drill.attempt_record()
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_code_cell("premortem = Premortem(case)\npremortem", outputs=[
                v4.new_output("execute_result", data={k: v for k, v in bundle.items()})]),
            v4.new_code_cell("premortem.attempt_record()", outputs=[v4.new_output(
                "execute_result", data={"text/html": record._repr_html_(), "text/plain": repr(record)})]),
        ]
    )  # fmt: skip
    assert replace_widgets(nb, notebook="loan-steering", case_id=None) == 1
    card = _soup(nb.cells[0].outputs[0].data["text/html"])
    assert card.select_one("section.nogo-drill")["data-drill"] == "premortem"
    assert card.select_one(".nogo-drill-name").get_text(" ", strip=True) == "Drill Pre-mortem"
    items = [li.get_text() for li in card.select("ul.nogo-boxes li")]
    assert sorted(items) == sorted(m.name for m in case.failure_modes)
    practise = card.select_one(".nogo-drill-practise").get_text(" ", strip=True)
    assert "notebooks/loan-steering.ipynb" in practise and "nogo coach loan-steering --learner NAME" in practise
    assert nb.cells[1].outputs == []  # the record of an attempt not made: a static page has no attempt
    for mode in case.failure_modes:  # the card never holds the answer
        assert mode.why not in card.get_text()


def test_split_items_keeps_an_item_that_holds_the_separator_whole():
    text = "rank only; a person decides; audit the label; a cap"
    assert split_items(text, ["rank only; a person decides", "a cap"]) == [
        "rank only; a person decides",
        "audit the label",
        "a cap",
    ]


# -- the built casebook -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The static casebook of the committed (executed) notebooks."""
    out = tmp_path_factory.mktemp("site")
    build_site(PROJECT, PROJECT.notebooks, out)
    return out


def _pages(site: Path) -> dict[str, BeautifulSoup]:
    return {p.stem: _soup(p.read_text(encoding="utf-8")) for p in sorted(site.glob("*.html"))}


def _reading_order() -> list[str]:
    names = {p.stem for p in NOTEBOOKS}
    return ([START] if START in names else []) + [c.id for c in PROJECT.cases() if c.id in names]


def test_one_page_per_notebook_to_read_and_none_for_coaching_or_templates(site):
    written = sorted(p.stem for p in site.glob("*.html"))
    assert written == sorted(["index", *_reading_order()])
    assert not (set(written) & APP_NOTEBOOKS) and not any(n.startswith("_") for n in written)


def test_no_page_shows_a_widgets_repr_or_its_raw_output(site):
    for name, soup in _pages(site).items():
        text = soup.get_text(" ")
        found = [r for r in REPR_TEXT if r in text]
        assert not found, f"{name}.html shows widget repr text {found}"
        assert not soup.select(f'script[type="{WIDGET_VIEW}"]'), name
        assert not soup.select(".jupyter-widgets"), name


def test_every_drill_is_a_card_saying_what_it_asks_and_how_to_practise(site):
    pages = _pages(site)
    for name in _reading_order():
        nb = nbformat.read(PROJECT.notebooks / f"{name}.ipynb", as_version=4)
        widgets = sum(WIDGET_VIEW in (o.get("data") or {}) for c in nb.cells for o in c.get("outputs", []))
        cards = pages[name].select("section.nogo-drill")
        assert len(cards) == widgets, f"{name}: {len(cards)} cards for {widgets} widgets"
        for card in cards:
            asks = card.select_one(".nogo-drill-asks").get_text(strip=True)
            practise = card.select_one(".nogo-drill-practise").get_text(" ", strip=True)
            assert len(asks) > 20, f"{name}: a card that asks nothing: {card}"
            assert "make lab" in practise and f"notebooks/{name}.ipynb" in practise
            assert "nogo coach" in practise and "--learner NAME" in practise


@pytest.mark.parametrize("case", PROJECT.cases(), ids=lambda c: c.id)
def test_a_case_pages_cards_list_the_drills_own_options(site, case):
    from nogo.practice.launch_score import evidence_options, launch_options

    soup = _pages(site)[case.id]
    cards = {c["data-drill"]: c for c in soup.select("section.nogo-drill")}
    assert {"commit", "stream", "policy", "signature", "premortem", "launch"} <= set(cards), sorted(cards)
    lists = [[li.get_text() for li in ul.select("li")] for ul in cards["launch"].select("ul.nogo-boxes")]
    assert sorted(lists[0]) == sorted(launch_options(case))  # every guardrail, each whole
    if case.drill.evidence:
        assert sorted(lists[1]) == sorted(evidence_options(case))
    modes = [li.get_text() for li in cards["premortem"].select("ul.nogo-boxes li")]
    assert sorted(modes) == sorted(m.name for m in case.failure_modes)
    assert cards["signature"].select("table tr"), "the signature drill's levers"
    calls = [c.get_text() for c in cards["commit"].select(".nogo-chip")]
    assert calls == ["ship", "ship with guardrails", "no-go"]


def test_code_is_hidden_until_the_reader_ticks_show_code(site):
    for name, soup in _pages(site).items():
        if name == "index":
            continue
        toggle = soup.select_one("input#nogo-show-code")
        assert toggle is not None and toggle.get("type") == "checkbox" and not toggle.has_attr("checked")
        label = soup.select_one('label[for="nogo-show-code"]').get_text(" ", strip=True)
        assert label.startswith("Show code")
        main = soup.select_one("main")
        assert toggle.find_next_sibling("main") is main  # the stylesheet's `~ main` reaches every cell
        css = " ".join(s.get_text() for s in soup.select("style"))
        assert "#nogo-show-code:not(:checked) ~ main .jp-CodeCell > .jp-Cell-inputWrapper" in css
        assert soup.select("main .jp-CodeCell > .jp-Cell-inputWrapper"), name  # the code is there to show
        assert not re.search(r"In\s*\[\s*\d*\s*\]:", main.get_text(" ")), f"{name}: input prompts"


def test_the_index_starts_here_then_lists_the_cases_in_casebook_order(site):
    soup = _soup((site / "index.html").read_text(encoding="utf-8"))
    links = [a["href"] for a in soup.select("a[href]") if not a["href"].startswith(("http:", "https:"))]
    order = [f"{n}.html" for n in _reading_order()]
    assert [h for h in links if h in order] == order  # start-here first, then each case in casebook order
    assert soup.select_one("a.nogo-start-card")["href"] == f"{START}.html"
    items = soup.select("ol.nogo-cases > li.nogo-case")
    assert [li.select_one("h3 a")["href"] for li in items] == [f"{c.id}.html" for c in PROJECT.cases()]
    for li, case in zip(items, PROJECT.cases(), strict=True):
        assert li.select_one("h3").get_text(" ", strip=True).startswith(case.title)
        assert " ".join(case.incident.decision.split()) in li.select_one(".nogo-decision").get_text(" ")
        concepts = [b["data-concept"] for b in li.select(".nogo-concepts button")]
        assert concepts == [m.replace("-", " ") for m in case.concepts]
        assert case.domain.lower() in li["data-search"] and all(c in li["data-search"] for c in concepts)
    listed = " ".join(li.get_text(" ") for li in items).lower()
    assert "coaching" not in [h.removesuffix(".html") for h in links]  # coaching is no page
    assert "template" not in listed and "placeholder" not in listed
    note = soup.select_one(".nogo-note").get_text(" ", strip=True)
    assert "nogo coach" in note and "--learner" in note  # how to run a coaching session, once
    search = soup.select_one("input#nogo-search")
    assert search.find_parent(class_="nogo-search").has_attr("hidden")  # the script shows it: no dead box


def test_every_page_leads_to_the_previous_the_next_and_the_index(site):
    order = _reading_order()
    pages = _pages(site)
    for k, name in enumerate(order):
        soup = pages[name]
        prev = {a["href"] for a in soup.select('a[rel="prev"]')}
        nxt = {a["href"] for a in soup.select('a[rel="next"]')}
        assert prev == ({f"{order[k - 1]}.html"} if k else set()), name
        assert nxt == ({f"{order[k + 1]}.html"} if k + 1 < len(order) else set()), name
        assert soup.select_one("a.nogo-home")["href"] == "index.html"
        assert soup.select_one(".nogo-pager a.nogo-up")["href"] == "index.html"


def test_every_local_link_resolves_to_a_file_of_the_site(site):
    for name, soup in _pages(site).items():
        for a in soup.select("a[href]"):
            href = a["href"]
            if href.startswith(("http://", "https://", "#", "mailto:")):
                continue
            target = href.split("#", 1)[0]
            assert (site / target).is_file(), f"{name}.html links to {href}, which is not in the site"


_URL = re.compile(r"https?://", re.I)


def test_no_page_loads_anything_from_the_network(site):
    """Only a citation's <a href> may name an http(s) address; nothing that loads does (no CDN)."""
    loading = ("src", "srcset", "data", "poster", "action", "formaction", "background")
    for name, soup in _pages(site).items():
        for tag in soup.find_all(True):
            for attr, value in tag.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                if attr in loading or (attr == "href" and tag.name != "a") or attr == "style":
                    assert not _URL.search(value), f"{name}.html: <{tag.name} {attr}={value[:80]!r}>"
        for block in soup.select("style"):
            found = re.search(r"@import|url\(\s*['\"]?https?:", block.get_text(), re.I)
            assert not found, f"{name}.html: CSS from the network"
        for script in soup.select("script"):
            assert not script.has_attr("src"), f"{name}.html: an external script"
            assert not _URL.search(script.get_text()), f"{name}.html: a script naming an address"


def _outside_reveals(soup: BeautifulSoup) -> str:
    soup = _soup(str(soup))
    for tag in soup.select("details, style, script"):
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def test_no_page_shows_an_answer_outside_a_closed_reveal(site):
    sentences = sorted({s for c in PROJECT.cases() for s in _answer_sentences(c)})
    for name, soup in _pages(site).items():
        assert not soup.select("details[open]"), f"{name}.html: an open <details>"
        text = _outside_reveals(soup)
        problems = [f"the debrief's words {s[:60]!r}" for s in sentences if s in text]
        problems += [f"the call {m.group(0)!r}" for m in CALL_AS_ANSWER.finditer(text)]
        problems += [f"key guardrails {m.group(0)!r}" for m in GUARDRAILS_AS_ANSWER.finditer(text)]
        assert not problems, f"{name}.html shows an answer outside a reveal: {problems[:5]}"


# -- what a static page says differently: the brief once, its own code toggle -----------------------------


def _opening(name: str) -> str:
    nb = nbformat.read(PROJECT.notebooks / f"{name}.ipynb", as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "markdown")


def _read(main) -> str:
    """What a reader reads of a page's main part as it opens: no closed reveal, no code until Show code."""
    main = _soup(str(main))
    for tag in main.select("details, style, script, .jp-CodeCell > .jp-Cell-inputWrapper"):
        tag.decompose()
    return " ".join(main.get_text(" ").split())


def test_a_toy_case_says_its_brief_once():
    from types import SimpleNamespace

    from nogo.formatting import say

    case = SimpleNamespace(title="How a bot sold a car for $1", incident=SimpleNamespace(
        summary="A dealer's chatbot agreed to sell a car for $1 (S1).", decision="May it quote prices alone?"))  # fmt: skip
    brief = say(
        f"**{case.title}**", case.incident.summary, f"**The decision you own:** {case.incident.decision}"
    )
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell(f"# {case.title}\n\n**What happened.** A bot sold a car.\n\n"
                             "**The decision you own.** In the case file's words, below."),
        v4.new_code_cell("brief", outputs=[v4.new_output("execute_result", data={
            "text/html": brief._repr_html_(), "text/plain": str(brief)})]),
    ])  # fmt: skip
    assert brief_once(nb, case)
    main = _soup(notebook_html(nb, "toy")).select_one("main")
    shown = _read(main)
    assert shown.count(case.title) == 1 and shown.count(case.incident.decision) == 1
    assert case.incident.summary not in shown and "In the case file's words, below" not in shown
    assert shown.count("The decision you own") == 1
    folded = main.select("details.nogo-reveal")
    assert len(folded) == 1 and case.incident.summary in folded[0].get_text(" ")


@pytest.mark.parametrize("case", PROJECT.cases(), ids=lambda c: c.id)
def test_a_case_page_says_its_brief_once(site, case):
    """The page's heading is the title; the decision is said once; where the opening tells what happened,
    the case file's summary is folded (its figures one click away), not a second brief in a row."""
    if not (site / f"{case.id}.html").exists():
        pytest.skip(f"{case.id} has no notebook yet")
    main = _pages(site)[case.id].select_one("main")
    shown = _read(main)
    assert shown.count(_flat(case.title)) == 1, f"{case.id}: the title said more than once"
    decision = _flat(case.incident.decision)
    assert shown.count(decision) <= 1, f"{case.id}: the decision said twice"
    assert shown.count("The decision you own") <= 1, f"{case.id}: 'The decision you own' twice"
    summary = _flat(case.incident.summary)
    if re.search(r"^\*\*What happened\b", _opening(case.id), re.M):
        assert summary not in shown, f"{case.id}: the case file's summary open after the opening's"
    nb = nbformat.read(PROJECT.notebooks / f"{case.id}.ipynb", as_version=4)
    if any(summary in line for c in nb.cells for line in _output_lines(c)):  # the notebook shows it
        folded = " ".join(" ".join(d.get_text(" ").split()) for d in main.select("details"))
        assert summary in folded or summary in shown, f"{case.id}: the case file's summary is gone"


def test_a_page_names_its_own_code_toggle_not_jupyterlabs_menu(site):
    named = 0
    for name, soup in _pages(site).items():
        if name == "index":
            continue
        text = " ".join(soup.select_one("main").get_text(" ").split())
        assert "Expand All Code" not in text, f"{name}.html names JupyterLab's menu"
        if "Expand All Code" in " ".join(_opening(name).split()):
            assert "Show code at the top of the page shows it" in text, f"{name}.html: no word on its toggle"
            named += 1
    assert named >= 1  # the casebook's notebooks do name JupyterLab's menu: the rule was exercised
