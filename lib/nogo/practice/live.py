"""What every drill shows besides its controls: one live status line, a record of the attempt, a static brief.

A drill is live in one place only, its widget: :func:`drill_view` builds it (an ``ipywidgets.VBox``)
with a status line (:func:`status_html`) that the drill rewrites whenever the learner acts (items
answered, levers set, submitted or not, the clock), and with styles that let long labels wrap instead of
being cut ("never raise the total cost of credit witho..."). Nothing is printed when a drill is built.

Three texts a drill gives besides the live widget (:class:`LiveDrill`):

- :meth:`~LiveDrill.brief_text` and :meth:`~LiveDrill.static_html`: what it asks and its options, never
  the answer, whatever the learner did. They are the widget's fallback in a saved notebook (its
  ``text/plain`` and ``text/html``), shown where no kernel draws the widget (GitHub, nbconvert, the
  static casebook's cards), whether the notebook displays the drill or its ``.view``; never a
  ``VBox(children=...)`` repr.
- :meth:`~LiveDrill.attempt_record`: for a later cell, a record of the attempt as that cell last ran it
  (:data:`RECORD_LEAD`, then "no answer yet" or the result), never a second live panel.

Examples
--------
>>> record_markdown("3 of 12 decisions answered.\\nCost $1,234.").splitlines()
["*Your attempt, as of this cell's last run:*  ", '3 of 12 decisions answered.  ', 'Cost $1,234.']
>>> card = card_html("premortem", "Rank them.", boxes(["a <loop>"]), case_id="demo")
>>> print(card.replace("><", ">\\n<"))
<section class="nogo-drill" data-drill="premortem" data-case="demo">
<p class="nogo-drill-name">
<span>Drill</span> Pre-mortem</p>
<p class="nogo-drill-asks">Rank them.</p>
<ul class="nogo-boxes">
<li>a &lt;loop&gt;</li>
</ul>
</section>
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from nogo.formatting import Prose, escape_markdown, math_safe_html, say

__all__ = [
    "DRILL_TEXT",
    "LIVE_CLASS",
    "RECORD_LEAD",
    "WIDGET_CSS",
    "LiveDrill",
    "boxes",
    "card_html",
    "chips",
    "drill_view",
    "record_markdown",
    "status_html",
]

RECORD_LEAD = "Your attempt, as of this cell's last run:"
"""How a record of the attempt starts: it is the state when its cell last ran, not a live panel."""

DRILL_TEXT: dict[str, tuple[str, str]] = {
    "commit": (
        "Make your call first",
        "Before any analysis: your launch call and how sure you are that it is right. The launch call at "
        "the end puts your call beside the one this case's numbers support.",
    ),
    "stream": (
        "Decision stream",
        "The agent's decisions, one at a time: let it act alone, escalate to a person, or block. After each "
        "answer the outcome and its cost are revealed, and your running cost is set beside the "
        "cost-optimal policy's and the naive confidence rule's.",
    ),
    "policy": (
        "Set the policy",
        "Move the two thresholds on the calibrated probability (decline below the lower one, act from the "
        "upper one, escalate in between), the value cap and the reviewer headcount: cost, queue, error "
        "rate and the fairness measure update live. Submit to see your regret against the optimum.",
    ),
    "signature": (
        "The case's own lever",
        "Set the lever this case's PM actually holds; your setting runs on the case's own simulation, and "
        "the best setting appears only after you submit.",
    ),
    "premortem": (
        "Pre-mortem",
        "It is a year after launch and the agent has failed. Rank these failure modes by expected harm "
        "(likelihood times severity), worst first; the case's own ranking appears after you submit.",
    ),
    "launch": (
        "Launch call",
        "Ship, ship with named guardrails, or no-go; rank the guardrails that matter, pick the facts that "
        "decide the call and say why. Only after you submit: the call this case's numbers support, its "
        "debrief, the Agent Impact Contract and the rubric.",
    ),
    "segments": (
        "Segment table",
        "For each segment of the work: may the agent act alone, escalate to a person, or decline?",
    ),
    "interview": (
        "Mock interview",
        "A case's interview questions, one at a time, each answer beside the weak and the strong pattern.",
    ),
    "rubric": ("Rubric", "Mark the launch call against the case's rubric."),
    "countdown": ("Countdown", "The session's clock."),
    "reveal": ("Coach's reveal", "The coach reveals the answer at the end of a session."),
    "report": ("Session report", "Writes the session's report."),
}
"""Each drill's name and what it asks, in general (key: the drill's :attr:`LiveDrill.drill_key`)."""

LIVE_CLASS = "nogo-live-drill"
"""The class of every drill's widget; :data:`WIDGET_CSS` applies inside it only."""

_D = f".{LIVE_CLASS}"
WIDGET_CSS = f"""
{_D} .widget-html-content {{ line-height: 1.45; }}
{_D} .widget-html-content p {{ margin: 0.3em 0; }}
{_D} .widget-checkbox {{ width: auto; height: auto; min-height: var(--jp-widgets-inline-height); }}
{_D} .widget-checkbox .widget-label-basic {{ display: flex; align-items: baseline; white-space: normal;
  overflow: visible; text-overflow: clip; line-height: 1.35; padding: 3px 0; }}
{_D} .widget-checkbox input[type='checkbox'] {{ flex: 0 0 auto; align-self: flex-start; margin-top: 2px; }}
{_D} .widget-inline-hbox {{ height: auto; min-height: var(--jp-widgets-inline-height); }}
{_D} .widget-inline-hbox > .widget-label {{ white-space: normal; overflow: visible; text-overflow: clip;
  height: auto; }}
{_D} .widget-dropdown {{ width: auto; max-width: 100%; }}
{_D} .widget-dropdown > select {{ flex: 0 1 auto; height: var(--jp-widgets-inline-height); }}
{_D} .widget-button, {_D} .widget-toggle-button {{ width: auto; min-width: 5em; max-width: 100%;
  height: auto; min-height: var(--jp-widgets-inline-height); white-space: normal; overflow: visible;
  text-overflow: clip; line-height: 1.3; padding-top: 4px; padding-bottom: 4px; }}
{_D} > .widget-button {{ align-self: flex-start; }}
{_D} .widget-toggle-buttons .widget-toggle-button {{ margin-bottom: 2px; }}
{_D} .widget-textarea {{ width: 100%; max-width: 48em; }}
{_D} .nogo-status {{ border-left: 3px solid #1d5c63; background: #f2f7f7; padding: 3px 10px;
  margin: 6px 0; color: #1f2a2c; }}
"""
"""Styles inside a drill's widget: long checkbox, label and button texts wrap (never cut with an
ellipsis), dropdowns and buttons are as wide as their text, prose in HTML reads at a normal line height."""


def status_html(text: str, *, tone: str = "") -> str:
    """A drill's live status line as HTML: ``text`` escaped, in the status style (``tone="error"``: red).

    Examples
    --------
    >>> status_html("2 of 5 levers set.")
    '<div class="mathjax_ignore tex2jax_ignore"><div class="nogo-status">2 of 5 levers set.</div></div>'
    """
    style = ' style="color:#b00020;border-left-color:#b00020"' if tone == "error" else ""
    body = html.escape(text).replace("\n", "<br>")
    return math_safe_html(f'<div class="nogo-status"{style}>{body}</div>')


def record_markdown(text: str) -> str:
    """The Markdown of a record of the attempt: :data:`RECORD_LEAD` in italics, then ``text`` escaped,
    each of its lines kept as a line."""
    lines = [escape_markdown(line) for line in str(text).strip().splitlines()]
    return "  \n".join([f"*{RECORD_LEAD}*", *lines])


def chips(options: Iterable[str], mark: str = "") -> str:
    """Options as inline chips (HTML, escaped): the choices a drill offers."""
    return "".join(f'<span class="nogo-chip">{mark}{html.escape(str(o))}</span>' for o in options)


def boxes(items: Iterable[str]) -> str:
    """Items as a list of empty boxes (HTML, escaped): the things a drill asks to tick or rank."""
    return '<ul class="nogo-boxes">' + "".join(f"<li>{html.escape(str(i))}</li>" for i in items) + "</ul>"


def card_html(key: str, asks: str, options: str = "", *, case_id: str | None = None) -> str:
    """A drill's static card: its name, what it asks (``asks``, HTML) and its options (HTML).

    The same card the static casebook shows in place of the widget (it adds how to practise it live);
    ``data-case`` names the case a coach would run. Never holds the answer: callers pass only the
    question and the options.
    """
    name = DRILL_TEXT[key][0] if key in DRILL_TEXT else "Interactive exercise"
    e = html.escape
    case = f' data-case="{e(case_id)}"' if case_id else ""
    return (
        f'<section class="nogo-drill" data-drill="{e(key)}"{case}>'
        f'<p class="nogo-drill-name"><span>Drill</span> {e(name)}</p>'
        f'<p class="nogo-drill-asks">{asks}</p>{options}</section>'
    )


@cache
def _view_class() -> type:
    import ipywidgets as w

    class DrillView(w.VBox):
        """A drill's widget: a VBox whose fallback in a saved notebook is the drill's brief, not a repr."""

        def __init__(self, children: Sequence[Any], owner: Any) -> None:
            super().__init__(children)
            self._owner = owner
            self.add_class(LIVE_CLASS)

        def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
            bundle = dict(super()._repr_mimebundle_(**kwargs) or {})
            bundle["text/plain"] = self._owner.brief_text()
            bundle["text/html"] = math_safe_html(self._owner.static_html())
            return bundle

    return DrillView


def drill_view(children: Sequence[Any], owner: Any) -> Any:
    """The widget of drill ``owner`` (a :class:`LiveDrill`): a VBox of ``children`` with the drills' styles
    (:data:`WIDGET_CSS`, in a hidden first child) and, in a saved notebook, the owner's brief as fallback.
    """
    import ipywidgets as w

    style = w.HTML(f"<style>{WIDGET_CSS}</style>", layout=w.Layout(display="none"))
    return _view_class()([style, *children], owner)


class LiveDrill:
    """What every drill shares: its display (the live widget, with its brief as fallback) and its record.

    A drill sets :attr:`drill_key` (a key of :data:`DRILL_TEXT`) and :attr:`view` (from :func:`drill_view`),
    and defines :meth:`brief_text`, :meth:`record_text` and, for a richer card, :meth:`static_html`.
    """

    drill_key = ""
    view: Any = None

    def brief_text(self) -> str:
        """What the drill asks and its options, as plain text; never the answer, whatever was done."""
        return DRILL_TEXT.get(self.drill_key, ("", ""))[1]

    def static_html(self) -> str:
        """What the drill asks and its options as an HTML card (:func:`card_html`); never the answer."""
        return card_html(self.drill_key, html.escape(self.brief_text()))

    def record_text(self) -> str:
        """Where the attempt stands, as plain text: "no answer yet", or the result."""
        raise NotImplementedError

    def attempt_record(self) -> Prose:
        """A record of the attempt as this cell runs it, as rendered prose (:data:`RECORD_LEAD`, then
        :meth:`record_text`): for a cell after the drill; re-run it to bring it up to date."""
        return say(record_markdown(self.record_text()))

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return self.view._repr_mimebundle_(**kwargs)
