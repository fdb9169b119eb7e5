"""The signature drill as a widget: a control per lever of a case's :class:`~nogo.SignatureTask`, Submit,
then the learner's setting beside the best one, scored by the case's own simulation.

The task (``nogo.open_case(case).signature_task(data)``) does the work: :meth:`SignatureTask.score`
runs the learner's setting and every other one on the case's simulation and returns the regret in
dollars (never negative; a setting that breaks a hard rule is never correct). :class:`SignatureDrill`
is a thin shell over it. Before Submit it shows the question and the levers only; the best setting, the
outcomes and their stories appear only after the learner submits.

What the progress store gets. One attempt per submission: ``drill="signature"``, ``item`` the task's
question, ``choice`` the setting as text (``"cap: 2x reference; rate limit: 5%"``; the best setting's
text when the learner's is as cheap as the best and breaks no rule, so the store's ``correct`` is
:attr:`SignatureScore.correct`), ``cost_usd`` and ``optimal_cost_usd`` the two settings' costs on the
simulation (when the best cost is negative, a profit, the regret and 0, so that both stay >= 0 and
their difference is still the regret).

Examples
--------
>>> from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
>>> class Cap(SignatureTask):
...     question = "Where do you cap the price?"
...     levers = (Lever("cap", "price cap", (1.5, 2.0, 10.0), unit="x reference"),)
...     def evaluate(self, choices):
...         return SignatureOutcome(100 * choices["cap"] + 1000 / choices["cap"], story="the loop ran")
>>> drill = SignatureDrill(Cap(), case_id="toy-case")
>>> drill.status_text()
'Not submitted yet: 0 of 1 lever set.'
>>> drill.set(cap=10.0)
>>> drill.submit().regret_usd
400.0
>>> print(drill.summary_text().splitlines()[1])
Your setting: price cap: 10 x reference; cost $1,100 on the case's simulation.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping
from typing import Any

from nogo.cases.signature import Lever, SignatureOutcome, SignatureScore, SignatureTask
from nogo.errors import InputError
from nogo.formatting import format_count, format_number, format_usd, math_safe_html, math_safe_text
from nogo.practice.live import LiveDrill, card_html, chips, drill_view, status_html

__all__ = ["SignatureDrill", "choice_label", "setting_text"]


def choice_label(lever: Lever, value: Any) -> str:
    """How a lever's choice reads: a number in its unit (``"2 x reference"``), else the choice as text.

    Examples
    --------
    >>> choice_label(Lever("cap", "price cap", (1.5, 2.0), unit="x reference"), 2.0)
    '2 x reference'
    >>> choice_label(Lever("who", "who decides", ("agent", "person")), "person")
    'person'
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
    else:
        text = f"{value:,.0f}" if float(value).is_integer() else format_number(value, significant=6)
    return f"{text} {lever.unit}".strip() if lever.unit else text


def setting_text(task: SignatureTask, choices: Mapping[str, Any]) -> str:
    """A setting as one line, lever by lever (``"price cap: 2 x reference; kill switch: on"``)."""
    return "; ".join(f"{lever.label}: {choice_label(lever, choices[lever.name])}" for lever in task.levers)


def _metric(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:,.0f}" if float(value).is_integer() else format_number(value, significant=4)


class SignatureDrill(LiveDrill):
    """The case's own lever as a widget: a dropdown per lever, Submit, then the scored setting.

    Parameters
    ----------
    task
        The case's :class:`~nogo.SignatureTask` (``nogo.open_case(case).signature_task(data)``).
    case_id
        The case's id, for the progress store.
    store
        A :class:`~nogo.ProgressStore` (or anything with its ``record_attempt``); None records nothing.
    learner
        Who answers (``""``: ``"me"``).
    variant_seed
        The variant the task was built from.
    clock
        Seconds, for the time taken (from the widget's creation to the submission).

    :meth:`set` and :meth:`submit` do what the controls do, headless. One submission per widget (the
    reveal shows the best setting, so a second try would be copying it). State: :attr:`result` (the
    :class:`~nogo.SignatureScore`, None before), :attr:`submitted`, :attr:`attempt_id`, :attr:`error`;
    :attr:`view` is the widget, whose status line (:meth:`status_text`) counts the levers set.
    """

    drill_key = "signature"

    def __init__(
        self,
        task: SignatureTask,
        *,
        case_id: str,
        store: Any = None,
        learner: str = "",
        variant_seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        if not isinstance(task, SignatureTask):
            raise InputError(
                f"task: expected a nogo.SignatureTask (open_case(...).signature_task(data)), "
                f"got {type(task).__name__}"
            )
        if not task.levers:
            raise InputError(f"task: {type(task).__name__} declares no levers")
        if not isinstance(case_id, str) or not case_id.strip():
            raise InputError(f"case_id: expected a case id such as 'loan-steering', got {case_id!r}")
        if not isinstance(learner, str):
            raise InputError(f"learner: expected a name, got {learner!r}")
        if isinstance(variant_seed, bool) or not isinstance(variant_seed, int) or variant_seed < 0:
            raise InputError(f"variant_seed: expected a whole number >= 0, got {variant_seed!r}")
        self.task, self.case_id, self.store, self.clock = task, case_id, store, clock
        self.learner, self.variant_seed = learner.strip() or "me", variant_seed
        self.result: SignatureScore | None = None
        self.attempt_id: int | None = None
        self.error: str | None = None
        self.controls = {
            lever.name: w.Dropdown(
                options=[(math_safe_text(choice_label(lever, c)), i) for i, c in enumerate(lever.choices)],
                value=None,
                description=math_safe_text(lever.label),
                style={"description_width": "14em"},
            )
            for lever in task.levers
        }
        for control in self.controls.values():
            control.observe(lambda _change: self._show_status(), names="value")
        self.submit_button = w.Button(description="Submit", button_style="primary")
        self.submit_button.on_click(lambda _b: self._click())
        self.status_html, self.result_html = w.HTML(), w.HTML()
        self.view = drill_view([w.HTML(self._intro_html()), *self.controls.values(), self.submit_button,
                                self.status_html, self.result_html], self)  # fmt: skip
        self._started = float(clock())
        self._show_status()

    # ------------------------------------------------------------------------------------------ state
    @property
    def submitted(self) -> bool:
        """Whether a setting has been scored."""
        return self.result is not None

    @property
    def choices(self) -> dict[str, Any]:
        """The setting on screen: lever name to choice (levers not yet set are left out)."""
        out = {}
        for lever in self.task.levers:
            index = self.controls[lever.name].value
            if index is not None:
                out[lever.name] = lever.choices[index]
        return out

    def set(self, choices: Mapping[str, Any] | None = None, /, **by_name: Any) -> None:
        """Set some levers (a mapping, or keywords): each value must be one of the lever's choices."""
        given = {**(choices or {}), **by_name}
        levers = {lever.name: lever for lever in self.task.levers}
        for name, value in given.items():
            if name not in levers:
                raise InputError(f"{name}: not a lever of this drill; levers: {list(levers)}")
            matches = [i for i, c in enumerate(levers[name].choices) if c == value]
            if not matches:
                raise InputError(f"{name}: {value!r} is not one of {list(levers[name].choices)}")
            self.controls[name].value = matches[0]

    def submit(self) -> SignatureScore:
        """Score the setting on screen, record the attempt, reveal the best setting; return the score."""
        if self.submitted:
            raise InputError("setting: already submitted; build a new SignatureDrill to try again")
        missing = [lever.label for lever in self.task.levers if lever.name not in self.choices]
        if missing:
            raise InputError(f"setting: choose a value for {', '.join(missing)}")
        score = self.task.score(self.choices)
        taken = max(0.0, float(self.clock()) - self._started)
        if self.store is not None:
            self.attempt_id = self.store.record_attempt(**self._attempt(score, taken))
        self.result, self.error = score, None
        for control in (*self.controls.values(), self.submit_button):
            control.disabled = True
        self.result_html.value = self._reveal_html(score)
        self._show_status()
        return score

    def _attempt(self, score: SignatureScore, taken: float) -> dict[str, Any]:
        mine, best = float(score.outcome.cost_usd), float(score.best.cost_usd)
        if best < 0:  # a profit: store the regret against zero, both >= 0
            mine, best = score.regret_usd, 0.0
        best_text = setting_text(self.task, score.best_choices)
        return dict(
            learner=self.learner, case_id=self.case_id, variant_seed=self.variant_seed, drill="signature",
            item=self.task.question or type(self.task).__name__,
            choice=best_text if score.correct else setting_text(self.task, score.choices),
            optimal_choice=best_text, cost_usd=mine, optimal_cost_usd=best, time_taken_seconds=taken,
        )  # fmt: skip

    def _click(self) -> None:
        try:
            self.submit()
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.status_html.value = status_html(self.error, tone="error")

    def status_text(self) -> str:
        """The widget's live status line: how many levers are set, or the verdict once submitted."""
        if self.result is not None:
            return "Submitted: your setting beside the best one, on the case's own simulation, is below."
        n, k = len(self.task.levers), len(self.choices)
        set_ = f"{k} of {format_count(n, 'lever')} set"
        return f"Not submitted yet: {set_}." if k < n else f"Not submitted yet: {set_}; press Submit."

    def _show_status(self) -> None:
        self.status_html.value = status_html(self.status_text())

    # ------------------------------------------------------------------------------------------- text
    def _intro_html(self) -> str:
        e = html.escape
        levers = "".join(
            f"<li><b>{e(lever.label)}</b>{': ' + e(lever.help) if lever.help else ''}</li>"
            for lever in self.task.levers
        )
        question = self.task.question or "Set the levers."
        return math_safe_html(
            f"<p><b>{e(question)}</b></p><ul>{levers}</ul><p>Choose a value for each lever, then "
            f"Submit: the case's simulation runs your setting and every other one.</p>"
        )

    def _outcome_lines(self, outcome: SignatureOutcome) -> list[str]:
        lines = [f"{k}: {_metric(v)}" for k, v in outcome.metrics.items()]
        lines += [f"Breaks a hard rule: {r}" for r in outcome.broken_rules]
        return [*lines, *([outcome.story] if outcome.story else [])]

    def brief_text(self) -> str:
        """The question and the levers with their choices, as plain text; never the best setting."""
        levers = "; ".join(
            f"{lever.label} ({' / '.join(choice_label(lever, c) for c in lever.choices)})"
            for lever in self.task.levers
        )
        return (
            f"Signature drill on {self.case_id}: {self.task.question or 'set the levers.'} "
            f"Not submitted yet. Levers: {levers}."
        )

    def static_html(self) -> str:
        """The question and a row per lever with its choices, as a static card; never the best setting."""
        e = html.escape
        rows = "".join(
            f"<tr><th>{e(lever.label)}</th><td>{chips(choice_label(lever, c) for c in lever.choices)}</td>"
            "</tr>"
            for lever in self.task.levers
        )
        question = self.task.question or "Set the levers."
        return card_html(self.drill_key, e(question), f'<table class="nogo-levers">{rows}</table>',
                         case_id=self.case_id)  # fmt: skip

    def record_text(self) -> str:
        """The verdict and both settings once submitted, or that nothing is submitted yet."""
        return "no setting submitted yet." if self.result is None else self.summary_text()

    def summary_text(self) -> str:
        """Plain text: the question and levers before submitting; the verdict and both settings after."""
        if self.result is None:
            return self.brief_text()
        s = self.result
        verdict = "the best setting" if s.correct else f"regret {format_usd(s.regret_usd)}"
        lines = [
            f"Signature drill on {self.case_id}: {verdict}.",
            f"Your setting: {setting_text(self.task, s.choices)}; cost {format_usd(s.outcome.cost_usd)} on "
            f"the case's simulation.",
            *(f"  {line}" for line in self._outcome_lines(s.outcome)),
            f"Best setting: {setting_text(self.task, s.best_choices)}; cost {format_usd(s.best.cost_usd)}.",
            *(f"  {line}" for line in self._outcome_lines(s.best)),
        ]
        return "\n".join(lines)

    def _reveal_html(self, s: SignatureScore) -> str:
        e = html.escape
        verdict = (
            "<b>The best setting.</b>"
            if s.correct
            else f"<b>Regret {e(format_usd(s.regret_usd))}</b> against the best setting."
        )
        names = list(dict.fromkeys([*s.outcome.metrics, *s.best.metrics]))
        rows = "".join(
            f"<tr><td>{e(str(k))}</td><td>{e(_metric(s.outcome.metrics.get(k, '')))}</td>"
            f"<td>{e(_metric(s.best.metrics.get(k, '')))}</td></tr>"
            for k in names
        )
        settings = "".join(
            f"<tr><td>{e(lever.label)}</td><td>{e(choice_label(lever, s.choices[lever.name]))}</td>"
            f"<td>{e(choice_label(lever, s.best_choices[lever.name]))}</td></tr>"
            for lever in self.task.levers
        )
        cost = (
            f"<tr><td>cost on the simulation</td><td>{e(format_usd(s.outcome.cost_usd))}</td>"
            f"<td>{e(format_usd(s.best.cost_usd))}</td></tr>"
        )
        broken = "".join(
            f'<p style="color:#b00020">Breaks a hard rule: {e(r)}</p>' for r in s.outcome.broken_rules
        )
        stories = "".join(
            f"<p><b>{who}:</b> {e(o.story)}</p>"
            for who, o in (("Your setting", s.outcome), ("The best setting", s.best))
            if o.story and not (who == "The best setting" and s.correct and o.story == s.outcome.story)
        )
        table = f"<table><tr><th></th><th>yours</th><th>best</th></tr>{settings}{cost}{rows}</table>"
        return math_safe_html(f"<p>{verdict}</p>{broken}{table}{stories}")

    def __repr__(self) -> str:
        return self.summary_text()
