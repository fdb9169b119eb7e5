"""The decision-stream drill as a widget: a thin shell over :mod:`~nogo.practice.stream.draw` and
:mod:`~nogo.practice.stream.score`."""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import check_whole_number
from nogo.cases.case import Case, CaseData, HardRule, open_case
from nogo.cases.casefile import CaseFile
from nogo.errors import InputError
from nogo.formatting import format_percent, math_safe_html, readable_label
from nogo.models.costs import DecisionCosts
from nogo.models.policy_inputs import PolicyAssumptions
from nogo.practice.live import DRILL_TEXT, LiveDrill, card_html, drill_view, status_html
from nogo.practice.stream.draw import MODEL_ACTION, STREAM_CHOICES, draw_stream, usd_text
from nogo.practice.stream.score import (
    ANSWER_COLUMNS,
    DISAGREEMENT_HEADERS,
    StreamFeedback,
    as_choice,
    reveal,
    stream_chart,
    stream_disagreements,
    stream_summary,
    stream_text,
    totals_lines,
)

__all__ = ["DecisionStream"]

_ASK = "For each of the agent's decisions: act alone, escalate to a person, or block."


def _svg(chart: alt.Chart) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict())


def _table(frame: pd.DataFrame, headers: Mapping[str, str]) -> str:
    """An HTML table of ``frame``'s ``headers`` columns; pandas escapes every cell; money formatted."""
    money = {c: usd_text for c in headers if c.endswith("_usd")}
    view = frame[list(headers)].rename(columns=headers)
    return view.to_html(index=False, escape=True, formatters={headers[c]: f for c, f in money.items()})


class DecisionStream(LiveDrill):
    """The decision-stream drill as a widget: one decision, three buttons, the cost revealed.

    Two ways to call it: ``DecisionStream(case, data, seed=...)`` with a :class:`~nogo.cases.case.CaseData`
    (from ``Case.build``: its hard rules, desk and, through the case's :meth:`~nogo.cases.case.Case.card`
    hook, the card's context), or ``DecisionStream(case, log, p, costs, seed=...)``, where the hard rules
    and desk are the ones the case (a :class:`~nogo.cases.case.Case` or its case file) declares for ``log``
    at its default parameters (none when it cannot say, e.g. for a stand-in log).

    The card shows what a PM sees in production: the proposed action, the value at stake, the agent's
    stated confidence, the context, the review desk and any hard rule; never the calibrated chance or the
    expected costs. An action a hard rule forbids, or escalation where nobody can review, is disabled and
    refused with the reason. Draws ``case.drill.stream_items`` items with :func:`draw_stream` (the
    case's naive confidence, ``seed``); clicking **Act**, **Escalate** or **Block** (or calling
    :meth:`answer`) reveals the calibrated chance, each action's expected cost and why, the outcome and
    its realised cost beside the optimum's and the naive rule's, records the attempt in
    ``store`` (immediately, before the next item shows), and moves on. At the end it shows the
    cumulative-cost chart (SVG) and the items where you and the optimum disagreed, with reasons.

    The attempt stored per item: ``drill="stream"``, ``item="decision <decision_id>"``, ``choice`` and
    ``optimal_choice`` in the drill's words (``block`` for the models' ``decline``), ``cost_usd`` and
    ``optimal_cost_usd`` REALISED (so the store's ``regret_usd`` includes luck and may be negative), and
    the seconds from the item being shown to the answer, by ``clock``. ``variant_seed`` defaults to
    ``seed``.

    State, for tests and scripts: :attr:`items` (the stream), :attr:`answers` (one row per answer),
    :attr:`done`, :attr:`current` (the item on screen, ``None`` when done), :attr:`attempt_ids`,
    :attr:`error` (the last message a click produced, or ``None``); :attr:`view` is the widget, whose
    status line (:meth:`status_text`) says how many decisions are answered.
    """

    drill_key = "stream"

    def __init__(
        self,
        case: Any,
        log: pd.DataFrame | CaseData,
        p: npt.ArrayLike | None = None,
        costs: DecisionCosts | None = None,
        *,
        seed: int,
        store: Any = None,
        learner: str = "me",
        variant_seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        if not isinstance(learner, str) or not learner.strip():
            raise InputError(f"learner: expected a non-empty name, got {learner!r}")
        file, data = _case_file(case), _case_data(case, log, p, costs)
        carded = _card(case, data)
        n = min(file.drill.stream_items, len(data.log)) if isinstance(data.log, pd.DataFrame) else 1
        rules = np.full(len(data.log), "", dtype=object) if isinstance(data.log, pd.DataFrame) else None
        for rule in data.hard_rules:  # the first rule that binds a decision is the one its card names
            rules[(rules == "") & rule.applies] = rule.rule
        self.items = draw_stream(
            carded, data.p, data.costs, n_items=n, seed=seed,
            naive_confidence=file.drill.naive_confidence, allowed=data.allowed() if data.hard_rules else None,
            rules=rules, context=carded.attrs.get("context", []) if isinstance(carded, pd.DataFrame) else [],
        )  # fmt: skip
        self.desk = data.desk
        self.labels: Mapping[str, str] = getattr(carded, "attrs", {}).get("labels", {})
        self.case, self.store, self.learner, self.clock = file, store, learner, clock
        self.variant_seed = check_whole_number(
            "variant_seed", seed if variant_seed is None else variant_seed, low=0
        )
        self.attempt_ids: list[int] = []
        self.error: str | None = None
        self._records: list[dict[str, Any]] = []
        self.header_html, self.item_html, self.feedback_html = w.HTML(), w.HTML(), w.HTML()
        self.status_html, self.score_html, self.end_html = w.HTML(), w.HTML(), w.HTML()
        self.buttons = {
            c: w.Button(description=c.capitalize(), tooltip=MODEL_ACTION[c]) for c in STREAM_CHOICES
        }
        for c, button in self.buttons.items():
            button.on_click(lambda _b, c=c: self._click(c))
        buttons = w.HBox(list(self.buttons.values()))
        top = [self.header_html, self.status_html, self.item_html, buttons]
        self.view = drill_view([*top, self.feedback_html, self.score_html, self.end_html], self)
        self._shown_at = float(clock())
        self._render()

    @property
    def answers(self) -> pd.DataFrame:
        """One row per answer: the fields of :class:`StreamFeedback`, ``correct``, ``time_taken_seconds``."""
        return pd.DataFrame(self._records, columns=list(ANSWER_COLUMNS))

    @property
    def done(self) -> bool:
        """Whether every item has been answered."""
        return len(self._records) >= len(self.items)

    @property
    def current(self) -> pd.Series | None:
        """The item waiting for an answer (a row of :attr:`items`), or ``None`` when done."""
        return None if self.done else self.items.iloc[len(self._records)]

    def answer(self, choice: str) -> StreamFeedback:
        """Answer the current item exactly as clicking its button does; return the feedback."""
        item = self.current
        if item is None:
            raise InputError("choice: the stream is finished; build a new DecisionStream to practise again")
        choice = as_choice(choice)
        if not np.isfinite(item[f"expected_{choice}_usd"]):
            raise InputError(f"choice: {choice!r} is not available for this decision (nobody can review it)")
        fb = reveal(item, choice)  # refuses an action the case's hard rule forbids here
        taken = max(0.0, float(self.clock()) - self._shown_at)
        if self.store is not None:
            attempt = dict(learner=self.learner, case_id=self.case.id, variant_seed=self.variant_seed)
            attempt |= dict(drill="stream", item=f"decision {fb.decision_id}", choice=fb.choice)
            attempt |= dict(cost_usd=fb.cost_usd, optimal_choice=fb.optimal)
            attempt |= dict(optimal_cost_usd=fb.optimal_cost_usd, time_taken_seconds=taken)
            self.attempt_ids.append(self.store.record_attempt(**attempt))
        self._records.append({**asdict(fb), "correct": fb.correct, "time_taken_seconds": taken})
        self._shown_at = float(self.clock())
        self.error = None
        self._render(fb)
        return fb

    def run_scripted(self, choices: Iterable[str]) -> list[StreamFeedback]:
        """Answer the next items with ``choices`` in order (the headless path); return the feedback."""
        return [self.answer(c) for c in choices]

    def _click(self, choice: str) -> None:
        try:
            self.answer(choice)
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.feedback_html.value = math_safe_html(
                f'<p style="color:#b00020">{html.escape(self.error)}</p>'
            )

    def summary_text(self) -> str:
        """Plain text of where the drill stands: totals, and the disagreements with their reasons (before
        any answer, the same as :meth:`brief_text`)."""
        if not self._records:
            return self.brief_text()
        text = stream_text(self.answers, len(self.items))
        if not self.done:
            text += " Answer with the buttons, or .answer('act' | 'escalate' | 'block')."
        return f"{self._who()} {text}"

    def _who(self) -> str:
        return f"{self.case.id}, learner {self.learner}, seed {self.items.attrs['seed']}."

    def brief_text(self) -> str:
        """What the drill asks, as plain text (the widget's fallback in a saved notebook): no answer."""
        n = len(self.items)
        return f"{self._who()} {stream_text(self.answers.iloc[:0], n)} {_ASK}"

    def static_html(self) -> str:
        """What the drill asks, as a static card: how many decisions, and what each answer reveals."""
        asks = f"{len(self.items)} of the agent's decisions" + DRILL_TEXT["stream"][1].removeprefix(
            "The agent's decisions"
        )
        return card_html(self.drill_key, html.escape(asks), case_id=self.case.id)

    def status_text(self) -> str:
        """The widget's live status line: how many decisions are answered, the one on screen."""
        n, k = len(self.items), len(self._records)
        right = int(self.answers["correct"].sum()) if k else 0
        made = f"the cost-optimal call on {right} of {k}"
        if self.done:
            return f"All {n} decisions answered: {made}. The totals and where you differed are below."
        if k == 0:
            return f"Decision 1 of {n}: 0 answered. Act, escalate or block."
        return f"Decision {k + 1} of {n}: {k} answered, {made}."

    def record_text(self) -> str:
        """The answers so far: totals and disagreements, or that none is given yet."""
        if not self._records:
            return f"no decision answered yet (0 of {len(self.items)})."
        return stream_text(self.answers, len(self.items))

    def chart(self) -> alt.Chart:
        """The cumulative-cost chart of the answers so far."""
        return stream_chart(stream_summary(self.answers))

    def _render(self, last: StreamFeedback | None = None) -> None:
        e, item = html.escape, self.current
        self.header_html.value = math_safe_html(
            f"<b>{e(self.case.title)}</b><br>Decision stream ({e(self.learner)})"
        )
        self.status_html.value = status_html(self.status_text())
        for c, button in self.buttons.items():
            button.disabled = item is None or not _available(item, c)
        self.item_html.value = (
            ""
            if item is None
            else math_safe_html(_item_html(item, self.desk, self.items.attrs["context"], self.labels))
        )
        if last is not None:
            self.feedback_html.value = math_safe_html(
                "<p>" + e(last.to_text()).replace("\n", "<br>") + "</p>"
            )
        a = self.answers
        if not a.empty:
            self.score_html.value = math_safe_html(
                "<p>" + "<br>".join(e(line) for line in totals_lines(a)) + "</p>"
            )
        if item is None:
            dis = stream_disagreements(a)
            table = (
                _table(dis, DISAGREEMENT_HEADERS) if len(dis) else "<p>The cost-optimal call every time.</p>"
            )
            title = "<h4>Where you and the optimum disagreed</h4>"
            self.end_html.value = math_safe_html(f"<div>{_svg(self.chart())}</div>{title}{table}")

    def __repr__(self) -> str:
        return self.summary_text()


def _available(item: pd.Series, choice: str) -> bool:
    """Whether ``choice`` can be taken on ``item``: priced (someone can review), no hard rule against it."""
    return bool(np.isfinite(item[f"expected_{choice}_usd"]) and item.get(f"{choice}_allowed", True))


def _desk_text(item: pd.Series, desk: PolicyAssumptions | None) -> str:
    """The review desk's state as production shows it: open or not, handling time, hours, SLA."""
    if not np.isfinite(item["escalate_usd"]):
        return "no reviewer: nobody can take an escalation"
    if desk is None:
        return "open: a person can review this decision"
    sla = f", answers within {desk.sla_minutes:g} minutes" if desk.sla_minutes else ""
    return (
        f"open {desk.hours_per_day:g} hours a day; a person takes about {desk.handle_minutes:g} minutes "
        f"per decision{sla}"
    )


def _item_html(
    item: pd.Series,
    desk: PolicyAssumptions | None = None,
    context: Iterable[str] = (),
    labels: Mapping[str, str] | None = None,
) -> str:
    """The card of one decision, as a PM sees it in production: what the agent proposes and its stated
    confidence, the value at stake, the context, the review desk and any hard rule. Not the calibrated
    chance, not the expected costs: those come in the reveal, after the answer. Values read in words: the
    case's ``labels`` (:attr:`~nogo.cases.case.Case.CARD_LABELS`), else an id's underscores as spaces."""
    e = html.escape
    word = lambda value: e(readable_label(value, labels))  # noqa: E731
    what = word(item["action_type"]) if "action_type" in item else "to act"
    shown = ("action_type", "decision_id", "score", "value_usd")
    context = [c for c in context if c not in shown]
    lines = [
        f"The agent proposes: <b>{what}</b>, decision {e(str(item['decision_id']))}",
        f"Value at stake: <b>{usd_text(item['value_usd'])}</b>",
        f"Agent's stated confidence: <b>{format_percent(item['score'])}</b>",
        *(f"{word(c)}: <b>{word(item[c])}</b>" for c in context if c in item),
        f"Review desk: {e(_desk_text(item, desk))}",
    ]
    if item.get("rule"):
        lines.append(
            f"Hard rule: {e(str(item['rule']))} (the agent may not {e(str(item['forbidden']))} alone)"
        )
    return "<p>" + "<br>".join(lines) + "</p>"


def _case_file(case: Any) -> Any:
    """The case file behind ``case``: a :class:`~nogo.cases.case.Case`'s file, or ``case`` itself."""
    return case.file if isinstance(case, Case) else case


def _case_data(case: Any, log: Any, p: Any, costs: Any) -> CaseData:
    """The stream's data: ``log`` itself when it is a CaseData (then ``p`` and ``costs`` must be None), else
    the log, p and costs given, with the hard rules the case declares for that log where it can say."""
    if isinstance(log, CaseData):
        if p is not None or costs is not None:
            raise InputError("p, costs: pass either a CaseData or a log with p and costs, not both")
        return log
    if p is None or costs is None:
        raise InputError("p, costs: a decision log needs its calibrated p and its costs (or pass a CaseData)")
    rules: tuple[HardRule, ...] = ()
    desk = None
    opened = _opened(case)
    if opened is not None and isinstance(log, pd.DataFrame):
        try:
            params = opened.parameters()
            rules, desk = tuple(opened.hard_rules(log, params)), opened.desk(params)
        except (InputError, KeyError, ValueError):  # a log the case's rules cannot read: no rules
            rules, desk = (), None
        if any(r.applies.size != len(log) for r in rules):
            rules = ()
    return CaseData(log, p, costs, None, 30.0, desk, rules)  # type: ignore[arg-type]


def _opened(case: Any) -> Case | None:
    """The :class:`~nogo.cases.case.Case` behind ``case`` (a Case or a CaseFile), or None."""
    if isinstance(case, Case):
        return case
    if isinstance(case, CaseFile):
        try:
            return open_case(case)
        except InputError:
            return None
    return None


def _card(case: Any, data: CaseData) -> pd.DataFrame:
    """The log with the card's context: the case's :meth:`~nogo.cases.case.Case.card` hook (its columns
    may be the log's or derived, one row per decision), else the default columns; ``attrs["context"]``
    names them and ``attrs["labels"]`` is the case's words for their ids (its ``CARD_LABELS``)."""
    log = data.log
    if not isinstance(log, pd.DataFrame):
        return log
    opened, default = _opened(case), log[[c for c in Case.CARD_COLUMNS if c in log.columns]]
    try:
        card = opened.card(data) if opened is not None else default
    except (InputError, KeyError):  # a log the case's card cannot read (a stand-in log): the default
        card = default
    if not isinstance(card, pd.DataFrame) or len(card) != len(log):
        raise InputError(
            f"{getattr(case, 'id', case)}: Case.card must return one row per decision of the log"
        )
    derived = [c for c in card.columns if c not in log.columns]
    out = log.assign(**{str(c): card[c].to_numpy() for c in derived}) if derived else log.copy(deep=False)
    labels = dict(opened.CARD_LABELS) if opened is not None else {}
    out.attrs = {**log.attrs, "context": [str(c) for c in card.columns], "labels": labels}
    return out
