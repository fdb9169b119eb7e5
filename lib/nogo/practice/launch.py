"""The launch-call drill: ship, ship with named guardrails, or no-go; a justification; debrief and rubric.

:func:`score_launch` compares a call with the one the case's debrief defends (``case.drill.launch_call``)
and, for "ship with guardrails", with the guardrails a sound answer must name
(``case.drill.key_guardrails``). Extra guardrails are not wrong, only noted. The written justification
is required (at least :data:`MIN_JUSTIFICATION_CHARS` characters) but not graded automatically: the
rubric does that, marked by the learner or a coach on :data:`RUBRIC_SCALE` (0 missing, 1 weak,
2 adequate, 3 strong) for each of the four interview dimensions.

What the progress store gets. One attempt per submitted call: ``drill="launch"``,
``item="launch call"``, ``optimal_choice`` the case's call, ``choice`` the call (with
``" (missing: ...)"`` naming any key guardrail left out), so the store's ``correct`` is exactly
:attr:`LaunchFeedback.correct`. There is no dollar score for a launch call: ``cost_usd`` and
``optimal_cost_usd`` are stored as 0 and progress rests on ``correct``. The chosen guardrails and the
justification are in the :class:`LaunchFeedback` and the summary text, not in the attempts table, which
has no column for them. Rubric marks go to ``store.record_rubric`` with ``scale_max=3``, linked to the
attempt.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from nogo._validate import check_choice
from nogo.cases.casefile import LAUNCH_CALLS
from nogo.errors import InputError
from nogo.formatting import math_safe_html, math_safe_text
from nogo.practice.rubric import (
    RUBRIC_SCALE,
    RubricChecklist,
    error_html,
    learner_name,
    rubric_marks,
    rubric_text,
)

__all__ = [
    "MIN_JUSTIFICATION_CHARS", "RUBRIC_SCALE", "LaunchCall", "LaunchFeedback", "RubricChecklist",
    "check_justification", "rubric_marks", "rubric_text", "score_launch",
]  # fmt: skip

MIN_JUSTIFICATION_CHARS = 40
"""The shortest justification accepted (after trimming spaces): about one real sentence."""
_WHY_WRONG = {
    ("no-go", "ship"): "shipping puts the agent in front of the failure the case reconstructs, unguarded",
    ("no-go", "ship with guardrails"): "no guardrail on the list makes this launch safe enough",
    (
        "ship with guardrails",
        "ship",
    ): "shipping without guardrails leaves the failure the case is about uncovered",
    ("ship with guardrails", "no-go"): "with the key guardrails the risk is bounded, so a no-go gives up the "
    "value for nothing",
    ("ship", "ship with guardrails"): "the risk is small enough that the guardrails cost more than they save",
    ("ship", "no-go"): "the risk the case measures is small; a no-go gives up the value for nothing",
}
"""Why a call differs from the case's, by (case's call, your call); the debrief gives the specifics."""


def check_justification(text: Any) -> str:
    """The justification, trimmed; or :class:`InputError` saying what a justification needs.

    Examples
    --------
    >>> check_justification("  A wrong refund costs $400 and nobody reviews it in time, so no-go.  ")
    'A wrong refund costs $400 and nobody reviews it in time, so no-go.'
    """
    if not isinstance(text, str):
        raise InputError(f"justification: expected text, got {type(text).__name__}")
    trimmed = text.strip()
    if len(trimmed) < MIN_JUSTIFICATION_CHARS:
        got = "nothing" if not trimmed else f"{len(trimmed)} characters"
        raise InputError(
            f"justification: write at least {MIN_JUSTIFICATION_CHARS} characters saying why (what a wrong "
            f"action costs, who pays, what would change your mind); got {got}"
        )
    return trimmed


@dataclass(frozen=True)
class LaunchFeedback:
    """A scored launch call: your call beside the case's, the guardrails, the verdict, the debrief.

    ``correct`` means the right call and, for "ship with guardrails", every key guardrail named.
    ``extra_guardrails`` (chosen but not key) are noted, not penalised; ``ignored_guardrails`` were ticked
    with a call that takes none ("ship" or "no-go") and are not scored.
    """

    case_id: str
    call: str
    guardrails: tuple[str, ...]
    justification: str
    expected_call: str
    key_guardrails: tuple[str, ...]
    right_call: bool
    missing_guardrails: tuple[str, ...]
    extra_guardrails: tuple[str, ...]
    ignored_guardrails: tuple[str, ...]
    correct: bool
    feedback: str
    debrief: str
    contract: Any

    @property
    def store_choice(self) -> str:
        """The ``choice`` written to the progress store: the call, and any key guardrail missing."""
        missing = f" (missing: {'; '.join(self.missing_guardrails)})" if self.missing_guardrails else ""
        return self.call + missing

    def to_text(self) -> str:
        """The call, the verdict and the debrief as plain text."""
        named = f" ({'; '.join(self.guardrails)})" if self.guardrails and not self.ignored_guardrails else ""
        verdict = "correct" if self.correct else "not the case's call"
        return (
            f"Launch call on {self.case_id}: {self.call}{named}.\nJustification: {self.justification}\n"
            f"Verdict: {verdict}. {self.feedback}\n"
            f"Debrief: {self.debrief}"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        verdict = "correct" if self.correct else "not the case's call"
        return math_safe_html(
            f"<p><b>Your call: {e(self.call)}</b> ({verdict})</p>"
            f"<p>{e(self.feedback)}</p><p><i>Your justification:</i> {e(self.justification)}</p>"
            f"<h4>Debrief</h4><p>{e(self.debrief)}</p>"
        )


def score_launch(case: Any, call: str, guardrails: Iterable[str], justification: str) -> LaunchFeedback:
    """Score a launch call against the case's: the call, the key guardrails, a required justification.

    Parameters
    ----------
    case
        A :class:`nogo.CaseFile` (its ``drill``, ``debrief`` and contract are used).
    call
        One of :data:`nogo.LAUNCH_CALLS`: ``"ship"``, ``"ship with guardrails"``, ``"no-go"``.
    guardrails
        The guardrails chosen, each from ``case.drill.guardrails``; scored with "ship with guardrails".
    justification
        Why, in at least :data:`MIN_JUSTIFICATION_CHARS` characters.

    Examples
    --------
    >>> from nogo import Project
    >>> case = Project.find().case("template")  # casebook/_template.yaml
    >>> f = score_launch(case, "ship with guardrails", ["a person confirms every account closure"],
    ...                  "Closures need a person whatever the score; small refunds can run alone.")
    >>> f.right_call, f.correct, f.missing_guardrails
    (True, False, ("large refunds go to a person, whatever the agent's confidence",))
    """
    call = check_choice("call", call, LAUNCH_CALLS)
    if isinstance(guardrails, str):
        raise InputError(f"guardrails: expected a list of guardrails, got the single string {guardrails!r}")
    chosen = list(dict.fromkeys(guardrails))
    listed = case.drill.guardrails
    for g in (g for g in chosen if g not in listed):
        raise InputError(f"guardrails: {g!r} is not one of the case's guardrails: {'; '.join(listed)}")
    chosen = [g for g in listed if g in chosen]  # the case's order
    text = check_justification(justification)
    expected, key = case.drill.launch_call, tuple(case.drill.key_guardrails)
    scored = call == "ship with guardrails"
    missing = tuple(g for g in key if g not in chosen) if scored and expected == call else ()
    extra = tuple(g for g in chosen if g not in key) if scored and expected == call else ()
    right = call == expected
    if not right:
        why = _WHY_WRONG[(expected, call)]
        keys = f" with {'; '.join(key)}" if expected == "ship with guardrails" else ""
        message = (
            f"Not the case's call: it is {expected}{keys}. In short: {why}. The debrief gives the reasoning."
        )
    elif missing:
        message = (
            f"Right call, but the key guardrail(s) missing: {'; '.join(missing)}. The case ships only with "
            "them; without them the failure it reconstructs can happen again."
        )
    else:
        message = f"Right call: {call}" + (
            f", with the key guardrail(s) {'; '.join(key)}." if scored else "."
        )
    if extra:
        message += (
            f" You also chose {'; '.join(extra)}: not wrong, but each guardrail costs something to run, and "
            "the case does not need it to ship."
        )
    return LaunchFeedback(
        case.id, call, tuple(chosen), text, expected, key, right, missing, extra,
        tuple(chosen) if not scored else (), right and not missing, message, case.debrief,
        case.agent_impact_contract(),
    )  # fmt: skip


# --- the widget: a thin shell over the functions above ----------------------------------------------


class LaunchCall:
    """The launch-call drill as a widget: the call, the guardrails, a justification; then the debrief.

    **Submit** (or :meth:`submit`, or :meth:`run_scripted`) scores the call with :func:`score_launch`,
    records one attempt in ``store`` (see the module docstring for what is stored), and shows the
    feedback, the debrief, the case's Agent Impact Contract and a :class:`RubricChecklist`. One submission
    per widget; a bad submission (no call, a short justification) shows the message and can be fixed.
    ``variant_seed`` defaults to the case's ``seed`` parameter; time taken runs from the widget's creation
    to the submission, by ``clock``.

    State: :attr:`submitted`, :attr:`result` (the :class:`LaunchFeedback`), :attr:`attempt_id`,
    :attr:`rubric` (``None`` until submitted), :attr:`error`; :attr:`view` is the widget.
    """

    def __init__(
        self,
        case: Any,
        *,
        store: Any = None,
        learner: str = "me",
        variant_seed: int | None = None,
        marked_by: str = "self",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        self.case, self.store, self.clock = case, store, clock
        self.learner, self.marked_by = learner_name("learner", learner), learner_name("marked_by", marked_by)
        seed = case.parameters["seed"].default if variant_seed is None else variant_seed
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise InputError(f"variant_seed: expected a whole number >= 0, got {seed!r}")
        self.variant_seed = seed
        self.result: LaunchFeedback | None = None
        self.attempt_id: int | None = None
        self.rubric: RubricChecklist | None = None
        self.error: str | None = None
        e = html.escape
        self.call = w.ToggleButtons(options=list(LAUNCH_CALLS), value=None, description="Call")
        self.guardrails = {
            g: w.Checkbox(description=math_safe_text(g), value=False, indent=False)
            for g in case.drill.guardrails
        }
        self.justification = w.Textarea(placeholder=f"Why? At least {MIN_JUSTIFICATION_CHARS} characters.")
        self.submit_button, self.feedback_html = w.Button(description="Submit"), w.HTML()
        self.contract_html = w.HTML()
        self.submit_button.on_click(lambda _b: self._click())
        choose = "<p>Guardrails to choose from (they count with <i>ship with guardrails</i>):</p>"
        intro = w.HTML(math_safe_html(f"<b>{e(case.title)}</b><p>{e(case.incident.decision)}</p>{choose}"))
        parts = [intro, self.call, *self.guardrails.values(), self.justification, self.submit_button]
        self.view = w.VBox([*parts, self.feedback_html, self.contract_html])
        self._started = float(clock())
        print(self.summary_text())

    @property
    def submitted(self) -> bool:
        """Whether a call has been scored."""
        return self.result is not None

    def submit(self) -> LaunchFeedback:
        """Score what is on screen, record the attempt, show the debrief and rubric; return the feedback."""
        if self.submitted:
            raise InputError("call: already submitted; build a new LaunchCall to try again")
        if self.call.value is None:
            raise InputError(f"call: choose one of {', '.join(LAUNCH_CALLS)}")
        chosen = [g for g, box in self.guardrails.items() if box.value]
        result = score_launch(self.case, self.call.value, chosen, self.justification.value)
        taken = max(0.0, float(self.clock()) - self._started)
        if self.store is not None:
            self.attempt_id = self.store.record_attempt(
                learner=self.learner, case_id=self.case.id, variant_seed=self.variant_seed, drill="launch",
                item="launch call", choice=result.store_choice, cost_usd=0.0,
                optimal_choice=result.expected_call, optimal_cost_usd=0.0, time_taken_seconds=taken,
            )  # fmt: skip
        self.result, self.error = result, None
        for control in (self.call, *self.guardrails.values(), self.justification, self.submit_button):
            control.disabled = True
        self.feedback_html.value = result._repr_html_()
        self.contract_html.value = result.contract._repr_html_()
        self.rubric = RubricChecklist(
            self.case, store=self.store, learner=self.learner, variant_seed=self.variant_seed,
            marked_by=self.marked_by, attempt_id=self.attempt_id,
        )  # fmt: skip
        self.view.children = (*self.view.children, self.rubric.view)
        return result

    def run_scripted(
        self, call: str, guardrails: Iterable[str] = (), justification: str = ""
    ) -> LaunchFeedback:
        """Set the call, tick ``guardrails`` and type ``justification``, then submit (the headless path)."""
        for g in guardrails:
            if g not in self.guardrails:
                raise InputError(f"guardrails: {g!r} is not one of the case's guardrails")
        self.call.value = check_choice("call", call, LAUNCH_CALLS)
        for g, box in self.guardrails.items():
            box.value = g in set(guardrails)
        self.justification.value = justification
        return self.submit()

    def _click(self) -> None:
        try:
            self.submit()
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.feedback_html.value = error_html(self.error)

    def summary_text(self) -> str:
        """Plain text: the options before submitting; the call, verdict, debrief and marks after."""
        if self.result is None:
            return (
                f"Launch call on {self.case.id} ({self.learner}): not submitted yet. Calls: "
                f"{' / '.join(LAUNCH_CALLS)}. Guardrails: {'; '.join(self.guardrails)}."
            )
        marks = f"\n{self.rubric.summary_text()}" if self.rubric is not None else ""
        return self.result.to_text() + marks

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.view._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": self.summary_text()}

    def __repr__(self) -> str:
        return self.summary_text()
