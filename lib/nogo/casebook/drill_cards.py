"""Each drill on a static page: what it asks and how to practise it, in place of the live widget.

An executed notebook keeps a drill (an ipywidgets view) as an output of mime type
``application/vnd.jupyter.widget-view+json``, with a ``text/plain`` fallback. Without a kernel the view
cannot be drawn, and the fallback is either the widget's Python repr (``VBox(children=(HTML(value=...``)
or the drill's own plain-text summary. :func:`replace_widgets` swaps every such output for a card: the
drill's name, what it asks (its question, its options), and how to practise it live (JupyterLab, or
``nogo coach``).

A drill's widget carries its own card as its ``text/html`` fallback (``static_html()`` in
:mod:`nogo.practice.live`: its name, question and options, never the answer); the page uses it as it is,
adding how to practise it. A notebook saved before drills carried one has only plain text: the drill's
``summary_text()``, which states, before any attempt, what the drill asks and never the answer (the
practice layer's contract). Then a card reads that text from the widget's fallback, or from a print of it
in the same cell or in the cell after (the saved-notebook summary), and parses it per drill
(:data:`DRILLS`); the printed copy it used is dropped from the page, since the card holds it. A summary
that is not a drill's before-attempt text (after an attempt it can hold the answer) is never shown: the
card then names the drill and says what it asks in general. Lists whose items may themselves hold
``"; "`` (guardrails, facts, failure modes) are split on the case file's own items. A record of the
attempt in a later cell ("Your attempt, as of this cell's last run: ...") is dropped too: a static page
has no attempt.

Examples
--------
>>> text = ("Pre-mortem on demo (me): not submitted yet. Rank by expected harm, worst first: "
...         "a runaway loop; stale prices.")
>>> drill = read_drill(text, "")
>>> drill.spec.name, drill.fields["case"], split_items(drill.fields["items"], ())
('Pre-mortem', 'demo', ['a runaway loop', 'stale prices'])
>>> after = "Pre-mortem on demo (me): worst first: stale prices > a runaway loop."
>>> read_drill(after, "Premortem(case)").spec.name, read_drill(after, "Premortem(case)").fields
('Pre-mortem', {})
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import nbformat

from nogo.practice.live import DRILL_TEXT, RECORD_LEAD, boxes, chips

__all__ = [
    "DRILLS",
    "WIDGET_VIEW",
    "DrillSpec",
    "StaticDrill",
    "own_card",
    "read_drill",
    "replace_widgets",
    "split_items",
]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
"""The mime type of a widget's output in a saved notebook."""

_CASE = r"(?P<case>[a-z0-9_][a-z0-9-]*)"
_FLAGS = re.S


@dataclass(frozen=True)
class DrillSpec:
    """One kind of drill: its name, the classes that build it, what it asks, its summary before an attempt."""

    key: str
    name: str
    classes: tuple[str, ...]
    asks: str
    pattern: re.Pattern[str] | None = None


_BEFORE = {  # each drill's summary_text() before any attempt
    "commit": rf"Commit on {_CASE} \(.*?\): not committed yet\. (?P<asks>.+)",
    "stream": rf"{_CASE}, learner .*?, seed \d+\. Decision stream: 0 of (?P<items>\d+) items answered\..*",
    "policy": (
        rf"Set the policy \({_CASE}\): (?P<scale>[^\n]+)\n"
        r"Policy: (?P<policy>[^\n]+)(?P<rows>(?:\n  [^\n]+)*)\n?"
    ),
    "signature": (
        rf"Signature drill on {_CASE}: (?P<question>.+?) Not submitted yet\. Levers: (?P<levers>.+)\."
    ),
    "premortem": rf"Pre-mortem on {_CASE} \(.*?\): not submitted yet\. (?P<asks>[^:]+): (?P<items>.+)\.",
    "launch": (
        rf"Launch call on {_CASE} \(.*?\): not submitted yet\. Calls: (?P<calls>.+?)\. "
        r"Guardrails \((?P<pick>[^)]*)\): (?P<guardrails>.+?)\."
        r"(?: Facts \((?P<facts_pick>[^)]*)\): (?P<facts>.+)\.)?"
    ),
}


def _spec(key: str, classes: tuple[str, ...]) -> DrillSpec:
    pattern = re.compile(_BEFORE[key], _FLAGS) if key in _BEFORE else None
    name, asks = DRILL_TEXT[key]  # the practice layer's words: one source for the widget and the page
    return DrillSpec(key, name, classes, asks, pattern)


DRILLS: tuple[DrillSpec, ...] = (
    _spec("commit", ("CommitCall",)),
    _spec("stream", ("DecisionStream",)),
    _spec("policy", ("PolicyDrill",)),
    _spec("signature", ("SignatureDrill",)),
    _spec("premortem", ("Premortem",)),
    _spec("launch", ("LaunchCall",)),
    _spec("segments", ("SegmentDrill",)),
    _spec("interview", ("MockInterviewWidget", "MockInterview")),
    _spec("rubric", ("RubricChecklist",)),
    _spec("countdown", ("Countdown",)),
    _spec("reveal", ("Reveal",)),
    _spec("report", ("ReportButton",)),
)
"""Every drill a notebook may show, in the order a summary is tried against them."""

_GENERIC = DrillSpec(
    "widget", "Interactive exercise", (), "An interactive exercise that needs a live kernel."
)


@dataclass(frozen=True)
class StaticDrill:
    """A drill as a static page can show it: its kind, and what its before-attempt summary says.

    ``fields`` are the parts of the summary (empty when no summary could be used); ``summary`` is the
    text they came from, so the page can drop a printed copy of it.
    """

    spec: DrillSpec
    fields: dict[str, str] = field(default_factory=dict)
    summary: str | None = None


def read_drill(summary: str | None, source: str) -> StaticDrill:
    """The drill a widget output shows: from its before-attempt ``summary``, else from the cell's code.

    A summary is used only when it matches a drill's before-attempt text in full; anything else (an
    attempt's result, a repr) is ignored, and the drill is named from the class its cell builds.
    """
    text = (summary or "").strip()
    for spec in DRILLS:
        match = spec.pattern.fullmatch(text) if spec.pattern and text else None
        if match:
            return StaticDrill(spec, {k: v for k, v in match.groupdict().items() if v is not None}, text)
    found = [
        (m.start(), spec)
        for spec in DRILLS
        for cls in spec.classes
        if (m := re.search(rf"\b{cls}\s*(\(|\.for_)", source))
    ]
    return StaticDrill(min(found, key=lambda f: f[0])[1] if found else _GENERIC)


def split_items(text: str, known: Iterable[str]) -> list[str]:
    """A ``"; "``-joined list split back into its items, keeping an item that holds ``"; "`` whole.

    ``known`` are the items the list may hold (the case file's); pieces are joined until they make one of
    them. Pieces that make none are items of their own.

    Examples
    --------
    >>> split_items("rank only; a person decides; audit the label", ["rank only; a person decides"])
    ['rank only; a person decides', 'audit the label']
    """
    known = {" ".join(k.split()) for k in known}
    pieces, items, k = text.split("; "), [], 0
    while k < len(pieces):
        for end in range(len(pieces), k, -1):  # the longest run of pieces that is a known item
            joined = "; ".join(pieces[k:end])
            if " ".join(joined.split()) in known:
                items.append(joined)
                k = end
                break
        else:
            items.append(pieces[k])
            k += 1
    return [i.strip() for i in items if i.strip()]


def _levers(text: str) -> list[tuple[str, list[str]]]:
    """``label (a / b / c); label (x / y)`` as (label, choices) pairs; [] when it does not read so."""
    found = [
        (m.group("label"), m.group("choices").split(" / "))
        for m in re.finditer(r"(?:^|; )(?P<label>.+?) \((?P<choices>[^()]*? / [^()]*)\)(?=; |$)", text)
    ]
    return found if found and "; ".join(f"{lab} ({' / '.join(c)})" for lab, c in found) == text else []


def _known(case: Any, what: str) -> list[str]:
    """The case file's items a drill lists: launch guardrails, facts or failure-mode names."""
    if case is None:
        return []
    try:
        from nogo.practice.launch_score import evidence_options, launch_options

        if what == "guardrails":
            return launch_options(case)
        if what == "facts":
            return evidence_options(case)
        return [m.name for m in case.failure_modes]
    except Exception:  # a case file without that section: split on "; " alone
        return []


def _details(drill: StaticDrill, case: Any) -> tuple[str, str]:
    """(what it asks, the options) as HTML for a drill read from its summary."""
    f, e, key = drill.fields, html.escape, drill.spec.key
    if key == "commit":
        from nogo.cases.casefile import LAUNCH_CALLS
        from nogo.formatting import format_percent
        from nogo.practice.commit import CONFIDENCE_LEVELS

        levels = f"{format_percent(CONFIDENCE_LEVELS[0])} to {format_percent(CONFIDENCE_LEVELS[-1])}"
        return e(f["asks"]), (
            f'<p class="nogo-options"><b>Your call:</b> {chips(LAUNCH_CALLS)}</p>'
            f'<p class="nogo-options"><b>How sure:</b> {e(levels)}</p>'
        )
    if key == "stream":
        return e(
            f"{f['items']} of the agent's decisions" + drill.spec.asks.removeprefix("The agent's decisions")
        ), ""
    if key == "policy":
        rows = [line.strip().split(": ", 1) for line in f["rows"].strip("\n").splitlines()]
        table = "".join(f"<tr><th>{e(r[0])}</th><td>{e(r[1] if len(r) > 1 else '')}</td></tr>" for r in rows)
        return e(f"On {f['scale']}: " + drill.spec.asks[0].lower() + drill.spec.asks[1:]), (
            '<p class="nogo-options"><b>Where the panel starts</b> (the default policy, not an answer):</p>'
            f'<table class="nogo-start"><tr><th>policy</th><td>{e(f["policy"])}</td></tr>{table}</table>'
        )
    if key == "signature":
        levers = _levers(f["levers"])
        rows = "".join(f"<tr><th>{e(label)}</th><td>{chips(choices)}</td></tr>" for label, choices in levers)
        options = (
            f'<table class="nogo-levers">{rows}</table>' if levers else f"<p>Levers: {e(f['levers'])}</p>"
        )
        return e(f["question"]), options
    if key == "premortem":
        items = split_items(f["items"], _known(case, "modes"))
        return e(drill.spec.asks), f'<p class="nogo-options"><b>{e(f["asks"])}:</b></p>{boxes(items)}'
    if key == "launch":
        calls = f["calls"].split(" / ")
        out = f'<p class="nogo-options"><b>Your call:</b> {chips(calls)}</p>'
        out += f'<p class="nogo-options"><b>Guardrails</b> ({e(f["pick"])}):</p>'
        out += boxes(split_items(f["guardrails"], _known(case, "guardrails")))
        if f.get("facts"):
            out += f'<p class="nogo-options"><b>Facts</b> ({e(f["facts_pick"])}):</p>'
            out += boxes(split_items(f["facts"], _known(case, "facts")))
        return e(drill.spec.asks), out
    return e(drill.spec.asks), ""


def card_html(drill: StaticDrill, *, notebook: str, case_id: str | None, case: Any = None) -> str:
    """The card a static page shows in place of a drill's widget: its name, what it asks, how to practise.

    ``notebook`` names the page's notebook (``notebooks/<notebook>.ipynb``); ``case_id`` the case a coach
    runs (the drill's own, when its summary names one).
    """
    e = html.escape
    asks, options = _details(drill, case) if drill.fields else (e(drill.spec.asks), "")
    case_id = drill.fields.get("case", case_id)
    return (
        f'<section class="nogo-drill" data-drill="{e(drill.spec.key)}">'
        f'<p class="nogo-drill-name"><span>Drill</span> {e(drill.spec.name)}</p>'
        f'<p class="nogo-drill-asks">{asks}</p>{options}{_practise(notebook, case_id)}</section>'
    )


def _practise(notebook: str, case_id: str | None) -> str:
    """How to practise a drill live: JupyterLab, and with a coach (``nogo coach``) for a case's drill."""
    e = html.escape
    coach = (
        f"; with a coach, <code>nogo coach {e(case_id)} --learner NAME</code>"
        if case_id and not case_id.startswith("_")
        else ""
    )
    return (
        '<p class="nogo-drill-practise"><b>Practise it live:</b> in JupyterLab (<code>make lab</code>, or '
        f"<code>nogo lab</code>), open <code>notebooks/{e(notebook)}.ipynb</code> and run it{coach}. "
        "This page is a read-only copy.</p>"
    )


_OWN_CARD = re.compile(
    r'<section class="nogo-drill" data-drill="(?P<key>[a-z-]+)"(?: data-case="(?P<case>[^"]*)")?>'
    r".*</section>",
    re.S,
)


def own_card(output: Mapping[str, Any], *, notebook: str, case_id: str | None) -> str | None:
    """The card a drill's widget output carries itself (its ``text/html`` fallback, from the drill's
    ``static_html()``), with how to practise it added; None for an output without one.

    Examples
    --------
    >>> out = {"data": {WIDGET_VIEW: {}, "text/html": '<div><section class="nogo-drill" data-drill="stream" '
    ...        'data-case="demo"><p class="nogo-drill-asks">12 decisions</p></section></div>'}}
    >>> "nogo coach demo --learner NAME" in own_card(out, notebook="demo", case_id=None)
    True
    """
    text = (output.get("data") or {}).get("text/html") or ""
    found = _OWN_CARD.search("".join(text) if isinstance(text, list) else str(text))
    if found is None:
        return None
    case = html.unescape(found.group("case")) if found.group("case") else case_id
    card = found.group(0)
    return card[: -len("</section>")] + _practise(notebook, case) + "</section>"


def _text(output: Mapping[str, Any]) -> str:
    text = output.get("text") if output.get("output_type") == "stream" else None
    if text is None:
        text = (output.get("data") or {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else str(text)


def _is_widget(output: Mapping[str, Any]) -> bool:
    return WIDGET_VIEW in (output.get("data") or {})


def _tails(text: str) -> list[str]:
    """A printed text and each of its tails from a line start: a summary may follow other printed lines."""
    lines = text.strip().splitlines()
    return ["\n".join(lines[k:]) for k in range(len(lines))]


def _words(text: str) -> str:
    """Text compared word by word: line breaks, Markdown bullets and escapes do not make a difference.

    Examples
    --------
    >>> _words("Policy: t\\\\_lo=0\\n\\n- cost: $5") == _words("Policy: t_lo=0\\n  cost: $5")
    True
    """
    lines = (re.sub(r"^\s*[-*]\s+", "", line) for line in text.replace("\\", "").splitlines())
    return " ".join(" ".join(lines).split())


def _without(outputs: list, summaries: set[str]) -> list:
    """``outputs`` without the copies of ``summaries``: a displayed output whose plain text ends with one
    (a record of the attempt that has none yet: "Your attempt, as of this cell's last run: <summary>"), or
    a printed stream that is one (or ends with one, after other printed lines); and without any record
    of an attempt (:data:`~nogo.practice.live.RECORD_LEAD`): a static page has no attempt."""
    kept = []
    for out in outputs:
        kind = out.get("output_type")
        if kind in ("execute_result", "display_data") and not _is_widget(out):
            shown = _words(_text(out))
            if any(shown.endswith(_words(summary)) for summary in summaries):  # a copy, maybe with a lead-in
                continue
            if shown.replace("*", "").startswith(RECORD_LEAD):  # a record of the attempt, whatever it says
                continue
        elif kind == "stream":
            text = _text(out).rstrip()
            for summary in summaries:
                if text.endswith(summary) and (text == summary or text[: -len(summary)].endswith("\n")):
                    text = text[: -len(summary)].rstrip()
            if not text.strip():
                continue
            if text != _text(out).rstrip():
                out = nbformat.v4.new_output("stream", name=out.get("name", "stdout"), text=text + "\n")
        kept.append(out)
    return kept


def replace_widgets(
    nb: nbformat.NotebookNode,
    *,
    notebook: str,
    case_id: str | None,
    case_of: Callable[[str], Any] = lambda case_id: None,
) -> int:
    """Replace, in place, every widget output of ``nb`` with its drill's card; return how many.

    A widget's summary is read from its ``text/plain`` fallback, else from the last lines of an output
    (printed or displayed) in its cell or in the next code cell, and only when it is a summary of the drill
    the cell builds (when the cell names one). Where the notebook shows that summary again (in the
    widget's cell or in the next code cell), the copy is dropped: the card holds it. ``case_of`` gives
    the case file of a case id (for the items of a drill's lists), or None.
    """
    cells, replaced = nb.cells, 0
    for k, cell in enumerate(cells):
        if cell.cell_type != "code" or not any(_is_widget(o) for o in cell.get("outputs", [])):
            continue
        after = next((c for c in cells[k + 1 :] if c.cell_type == "code"), None)
        printed = [
            tail
            for o in [*cell.outputs, *(after.outputs if after is not None else [])]
            if not _is_widget(o) and o.get("output_type") != "error"
            for tail in _tails(_text(o))
        ]
        built = read_drill(None, cell.source).spec  # the drill the cell's code builds, if it names one
        used: set[str] = set()
        outputs = []
        for out in cell.outputs:
            if not _is_widget(out):
                outputs.append(out)
                continue
            own = own_card(out, notebook=notebook, case_id=case_id)
            if own is not None:  # the drill's own card: its brief is its plain text, printed copies go
                outputs.append(nbformat.v4.new_output("display_data", data={"text/html": own}))
                replaced += 1
                used.add(_text(out))
                continue
            readings = (read_drill(t, cell.source) for t in [_text(out), *printed])
            drill = next(
                (d for d in readings if d.summary and built in (_GENERIC, d.spec)), None
            ) or read_drill(None, cell.source)
            case = case_of(drill.fields["case"]) if "case" in drill.fields else None
            card = card_html(drill, notebook=notebook, case_id=case_id, case=case)
            outputs.append(nbformat.v4.new_output("display_data", data={"text/html": card}))
            replaced += 1
            if drill.summary is not None:
                used.add(drill.summary)
        cell.outputs = _without(outputs, used)
        if after is not None:
            after.outputs = _without(after.outputs, used)
    return replaced
