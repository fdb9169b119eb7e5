"""Commit, then learn: the learner's launch call and confidence, stated before any analysis.

:class:`CommitCall` asks for a call (ship, ship with guardrails, no-go) and how sure the learner is that
it is right, right after the case's brief. It holds nothing of the answer: not the case's call, its
debrief or its key guardrails; its state, its repr and its saved fallback are the same whatever the
case's call. The comparison comes at the end, inside the :class:`~nogo.LaunchCall` after the learner
submits (:func:`compare_commitment`): the committed call beside the case's call for this variant, and
the confidence scored as a forecast (the Brier score, ``(confidence - right) ** 2``: 0 for a sure,
right call, 1 for a sure, wrong one, 0.25 for 50% whatever happens).

What the progress store gets. One attempt per commitment: ``drill="commit"``, ``item="launch call"``,
``choice`` the committed call, ``optimal_choice`` the case's call for the variant's parameters
(:meth:`nogo.CaseFile.call_for`, worked out when the learner commits and kept nowhere in the widget),
``cost_usd`` and ``optimal_cost_usd`` 0 (there is no dollar score), and ``confidence``, which the track
record's calibration reads.

Examples
--------
>>> c = Commitment("no-go", 0.8)
>>> r = compare_commitment(c, "ship with guardrails")
>>> r.right, round(r.brier, 2)
(False, 0.64)
>>> compare_commitment(Commitment("no-go", 0.8), "no-go").brier  # doctest: +ELLIPSIS
0.039999...
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from nogo._validate import check_choice
from nogo.cases.casefile import LAUNCH_CALLS
from nogo.errors import InputError
from nogo.formatting import format_percent, math_safe_html
from nogo.practice.live import DRILL_TEXT, LiveDrill, card_html, chips, drill_view, status_html

__all__ = ["CONFIDENCE_LEVELS", "CommitCall", "CommitComparison", "Commitment", "compare_commitment"]

CONFIDENCE_LEVELS: tuple[float, ...] = tuple(k / 10 for k in range(1, 11))
"""The confidences the widget offers, 10% to 100% (:meth:`CommitCall.commit` takes any from 0 to 1)."""


def check_confidence(value: Any) -> float:
    """A confidence as a number from 0 to 1, or :class:`InputError` saying what one is.

    Examples
    --------
    >>> check_confidence(0.7)
    0.7
    """
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InputError(
            f"confidence: expected your chance that the call is right, a number from 0 to 1 (0.7 for 70%), "
            f"got {value!r}"
        )
    return float(value)


@dataclass(frozen=True)
class Commitment:
    """A committed launch call and the learner's confidence (0 to 1) that it is right."""

    call: str
    confidence: float

    def __post_init__(self) -> None:
        check_choice("call", self.call, LAUNCH_CALLS)
        object.__setattr__(self, "confidence", check_confidence(self.confidence))

    def __str__(self) -> str:
        return f"{self.call}, {format_percent(self.confidence)} sure"


@dataclass(frozen=True)
class CommitComparison:
    """A commitment beside the case's call: whether it was right and the Brier score of its confidence."""

    commitment: Commitment
    expected_call: str
    right: bool
    brier: float

    def to_text(self, final_call: str | None = None) -> str:
        """What the learner committed to and how it compares; with ``final_call``, whether they changed."""
        verdict = "right" if self.right else "not the case's call"
        text = (
            f"Before the analysis you committed to {self.commitment}: {verdict} (the case's call for this "
            f"variant is {self.expected_call}). Brier score {self.brier:.2f} (0 is a sure, right call; 1 a "
            "sure, wrong one; 0.25 is what 50% scores whatever happens)."
        )
        if final_call is not None:
            text += (
                f" After the analysis you kept it ({final_call})."
                if final_call == self.commitment.call
                else f" After the analysis you changed it to {final_call}."
            )
        return text


def compare_commitment(commitment: Commitment, expected_call: str) -> CommitComparison:
    """Compare a commitment with the case's call: right or not, and the Brier score of the confidence."""
    expected = check_choice("expected_call", expected_call, LAUNCH_CALLS)
    right = commitment.call == expected
    return CommitComparison(commitment, expected, right, (commitment.confidence - float(right)) ** 2)


class CommitCall(LiveDrill):
    """Commit first: the learner's call and confidence, asked right after the brief, before any analysis.

    Parameters
    ----------
    case_file
        A :class:`nogo.CaseFile`; its title and the decision the PM owns are shown.
    parameters
        The variant's parameters (checked now; the defaults fill in the rest): they pick the case's call
        (:meth:`nogo.CaseFile.call_for`) when the commitment is stored.
    store
        A :class:`nogo.ProgressStore` (or anything with its ``record_attempt``); ``None`` records nothing.
    learner
        Whose commitment; ``""`` shows as "me".
    variant_seed
        The variant's seed, stored with the attempt.

    **Commit** (or :meth:`commit`) takes the call and the confidence, once. State: :attr:`committed`
    (a :class:`Commitment`, ``None`` before), :attr:`attempt_id`, :attr:`error`; :attr:`view` is the
    widget, whose status line follows the choices (:meth:`status_text`). Nothing of the case's call is
    kept.

    Examples
    --------
    >>> from nogo import Project
    >>> case = Project.find().case("template")
    >>> c = CommitCall(case, {})
    >>> c.status_text()
    'Not committed yet: choose your call and how sure you are, then Commit.'
    >>> c.commit("no-go", 0.6)
    Commitment(call='no-go', confidence=0.6)
    >>> print(c.summary_text())
    Commit on template (me): no-go, 60% sure. The launch call at the end compares it with the case's.
    """

    drill_key = "commit"

    def __init__(
        self,
        case_file: Any,
        parameters: Mapping[str, Any],
        *,
        store: Any = None,
        learner: str = "",
        variant_seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        if not isinstance(learner, str):
            raise InputError(f"learner: expected a name, got {learner!r}")
        if isinstance(variant_seed, bool) or not isinstance(variant_seed, int) or variant_seed < 0:
            raise InputError(f"variant_seed: expected a whole number >= 0, got {variant_seed!r}")
        if not isinstance(parameters, Mapping):
            kind = type(parameters).__name__
            raise InputError(f"parameters: expected a mapping of name to value, got {kind}")
        self.case_file, self.store, self.clock = case_file, store, clock
        self.parameters = case_file.check_parameters(dict(parameters))
        self.learner, self.variant_seed = learner.strip() or "me", variant_seed
        self.committed: Commitment | None = None
        self.attempt_id: int | None = None
        self.error: str | None = None
        self.call = w.ToggleButtons(
            options=list(LAUNCH_CALLS), value=None, description="Call", style={"button_width": "auto"}
        )
        levels = [("choose", None)] + [(format_percent(x), x) for x in CONFIDENCE_LEVELS]
        self.confidence = w.Dropdown(options=levels, value=None, description="How sure")
        self.commit_button, self.status_html = w.Button(description="Commit"), w.HTML()
        self.commit_button.on_click(lambda _b: self._click())
        for control in (self.call, self.confidence):
            control.observe(lambda _change: self._show_status(), names="value")
        e = html.escape
        intro = w.HTML(math_safe_html(
            f"<b>{e(case_file.title)}</b><p>{e(case_file.incident.decision)}</p>"
            "<p>Before any analysis: what is your call, and how sure are you that it is right? "
            "The launch call at the end compares.</p>"
        ))  # fmt: skip
        controls = [self.call, self.confidence, self.commit_button, self.status_html]
        self.view = drill_view([intro, *controls], self)
        self._started = float(clock())
        self._show_status()

    def commit(self, call: str, confidence: float) -> Commitment:
        """Commit to ``call`` with ``confidence`` (0 to 1), once; record it; return the commitment."""
        if self.committed is not None:
            raise InputError("call: already committed; the launch call at the end compares it")
        commitment = Commitment(check_choice("call", call, LAUNCH_CALLS), check_confidence(confidence))
        taken = max(0.0, float(self.clock()) - self._started)
        if self.store is not None:
            self.attempt_id = self.store.record_attempt(
                learner=self.learner, case_id=self.case_file.id, variant_seed=self.variant_seed,
                drill="commit", item="launch call", choice=commitment.call, cost_usd=0.0,
                optimal_choice=self.case_file.call_for(self.parameters).call, optimal_cost_usd=0.0,
                time_taken_seconds=taken, confidence=commitment.confidence,
            )  # fmt: skip
        self.committed, self.error = commitment, None
        self.call.value, self.confidence.value = commitment.call, _nearest_level(commitment.confidence)
        for control in (self.call, self.confidence, self.commit_button):
            control.disabled = True
        self._show_status()
        return commitment

    def _click(self) -> None:
        try:
            if self.call.value is None:
                raise InputError(f"call: choose one of {', '.join(LAUNCH_CALLS)}")
            if self.confidence.value is None:
                raise InputError("confidence: choose how sure you are that the call is right")
            self.commit(self.call.value, self.confidence.value)
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.status_html.value = status_html(self.error, tone="error")

    def status_text(self) -> str:
        """The widget's live status line: what is chosen so far, or the commitment once made."""
        if self.committed is not None:
            return f"Committed: {self.committed}. The launch call at the end compares it with the case's."
        call, level = self.call.value, self.confidence.value
        sure = None if level is None else f"{format_percent(level)} sure"
        if call and sure:
            return f"Not committed yet: {call}, {sure}. Press Commit to lock it in."
        if call:
            return f"Not committed yet: your call is {call}; choose how sure you are, then Commit."
        if sure:
            return f"Not committed yet: {sure}; choose your call, then Commit."
        return "Not committed yet: choose your call and how sure you are, then Commit."

    def _show_status(self) -> None:
        self.status_html.value = status_html(self.status_text())

    def brief_text(self) -> str:
        """Plain text of what is asked (the widget's fallback in a saved notebook): never the case's call."""
        return (
            f"Commit on {self.case_file.id} ({self.learner}): not committed yet. Before any analysis: your "
            f"call ({' / '.join(LAUNCH_CALLS)}) and how sure you are that it is right."
        )

    def static_html(self) -> str:
        """What is asked, as a static card: the calls and the confidence levels."""
        levels = f"{format_percent(CONFIDENCE_LEVELS[0])} to {format_percent(CONFIDENCE_LEVELS[-1])}"
        options = (
            f'<p class="nogo-options"><b>Your call:</b> {chips(LAUNCH_CALLS)}</p>'
            f'<p class="nogo-options"><b>How sure:</b> {html.escape(levels)}</p>'
        )
        asks = html.escape(DRILL_TEXT[self.drill_key][1])
        return card_html(self.drill_key, asks, options, case_id=self.case_file.id)

    def summary_text(self) -> str:
        """Plain text: what is asked before committing; the commitment after (never the case's call)."""
        if self.committed is None:
            return self.brief_text()
        head = f"Commit on {self.case_file.id} ({self.learner}):"
        return f"{head} {self.committed}. The launch call at the end compares it with the case's."

    def record_text(self) -> str:
        """The commitment, or that none is made yet (for :meth:`attempt_record`)."""
        if self.committed is None:
            return "no call committed yet."
        return self.summary_text()

    def __repr__(self) -> str:
        return self.summary_text()


def _nearest_level(confidence: float) -> float:
    """The widget's level closest to a confidence given in code (shown; the exact value is stored)."""
    return min(CONFIDENCE_LEVELS, key=lambda x: abs(x - confidence))
