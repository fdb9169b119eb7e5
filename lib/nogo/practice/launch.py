"""The launch-call drill: ship, ship with named guardrails, or no-go; ranked guardrails; the deciding
evidence; then, only after submitting, the debrief, the call it defends and the key guardrails.

The scoring is :func:`score_launch` (in :mod:`nogo.practice.launch_score`, re-exported here): the right
call comes from the variant's numbers (:meth:`nogo.CaseFile.call_for`); distractors and picks beyond the
cap cost points; the learner ranks the top three guardrails and picks the deciding facts from a list
that includes irrelevant ones. The written justification is optional and graded by the rubric
(:data:`RUBRIC_SCALE`, 0 missing to 3 strong, on each of the four interview dimensions), marked by the
learner or a coach.

Before the learner submits, the widget holds nothing of the answer: its controls, its repr and its
fallback in a saved notebook are the same whatever the case's call, debrief and key guardrails (the
guardrails and facts are shown in an order drawn from the variant seed). After submitting it shows the
points, what each pick was worth, the commitment made before the analysis (a :class:`nogo.CommitCall`)
beside the case's call, the debrief and the Agent Impact Contract for the variant's call, and the
rubric.

What the progress store gets. One attempt per submitted call: ``drill="launch"``,
``item="launch call"``, ``optimal_choice`` the case's call for the variant, ``choice``
:attr:`LaunchFeedback.store_choice` (the call, with the points when short of full marks), so the store's
``correct`` is exactly :attr:`LaunchFeedback.correct`. ``cost_usd`` and ``optimal_cost_usd`` are 0 (there
is no dollar score); ``score`` is the share of full marks (points / max points, 0 to 1);
``justification`` what the learner wrote and the facts named (:attr:`LaunchFeedback.stored_justification`,
``None`` when both are empty). Rubric marks go to ``store.record_rubric`` with ``scale_max=3``, linked to the
attempt.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from nogo._validate import check_choice
from nogo.cases.casefile import LAUNCH_CALLS
from nogo.errors import InputError
from nogo.formatting import format_count, math_safe_html, math_safe_text
from nogo.practice.commit import CommitCall, Commitment
from nogo.practice.launch_score import (
    POINTS,
    RANKED,
    LaunchFeedback,
    check_justification,
    evidence_options,
    guardrail_cap,
    launch_options,
    score_launch,
)
from nogo.practice.live import DRILL_TEXT, LiveDrill, boxes, card_html, chips, drill_view, status_html
from nogo.practice.rubric import (
    RUBRIC_SCALE,
    RubricChecklist,
    learner_name,
    rubric_marks,
    rubric_text,
)

__all__ = [
    "POINTS", "RUBRIC_SCALE", "LaunchCall", "LaunchFeedback", "RubricChecklist", "check_justification",
    "evidence_options", "guardrail_cap", "launch_options", "rubric_marks", "rubric_text", "score_launch",
]  # fmt: skip

_PLACES = ("1st", "2nd", "3rd")
assert len(_PLACES) == RANKED


# --- the widget: a thin shell over score_launch ---------------------------------------------------


class LaunchCall(LiveDrill):
    """The launch call as a widget: the call, ranked guardrails, the deciding evidence; then the debrief.

    Parameters
    ----------
    case
        A :class:`nogo.CaseFile`.
    parameters
        The variant's parameters (the defaults fill in the rest; ``None``: the commitment's, else the
        defaults): they pick the case's call when the learner submits.
    commit
        The :class:`nogo.CommitCall` (or a :class:`nogo.Commitment`) made before the analysis: after
        submitting, the widget compares the committed call and confidence with the case's call.
    store, learner, variant_seed, marked_by, clock
        Where attempts and rubric marks go (``None``: nowhere), whose they are, the variant's seed
        (default: the case's ``seed`` parameter), who marks the rubric, and the clock that times the
        answer (from the widget's creation to the submission).

    **Submit** (or :meth:`submit`, or :meth:`run_scripted`) scores with :func:`score_launch`, records
    one attempt (see the module docstring), and shows the feedback, the debrief, the variant's Agent
    Impact Contract and a :class:`RubricChecklist`. One submission per widget; a bad submission (no call,
    an unranked pick) shows the message and can be fixed. Picking a guardrail in a rank ticks it.

    State: :attr:`submitted`, :attr:`result` (the :class:`LaunchFeedback`, ``None`` before),
    :attr:`attempt_id`, :attr:`rubric`, :attr:`error`; :attr:`view` is the widget, whose status line
    (:meth:`status_text`) follows the picks. Nothing of the case's answer is kept before the learner
    submits.
    """

    drill_key = "launch"

    def __init__(
        self,
        case: Any,
        parameters: Mapping[str, Any] | None = None,
        *,
        commit: CommitCall | Commitment | None = None,
        store: Any = None,
        learner: str = "me",
        variant_seed: int | None = None,
        marked_by: str = "self",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        self.case, self.store, self.clock, self.commit = case, store, clock, commit
        self.learner, self.marked_by = learner_name("learner", learner), learner_name("marked_by", marked_by)
        seed = case.parameters["seed"].default if variant_seed is None else variant_seed
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise InputError(f"variant_seed: expected a whole number >= 0, got {seed!r}")
        if commit is not None and not isinstance(commit, CommitCall | Commitment):
            raise InputError(f"commit: expected a CommitCall or a Commitment, got {type(commit).__name__}")
        if isinstance(commit, CommitCall) and commit.case_file.id != case.id:
            raise InputError(f"commit: a commitment on {commit.case_file.id}, not on {case.id}")
        if parameters is None:
            parameters = commit.parameters if isinstance(commit, CommitCall) else {}
        if not isinstance(parameters, Mapping):
            kind = type(parameters).__name__
            raise InputError(f"parameters: expected a mapping of name to value, got {kind}")
        self.parameters = case.check_parameters(dict(parameters))
        self.variant_seed = seed
        self.result: LaunchFeedback | None = None
        self.attempt_id: int | None = None
        self.rubric: RubricChecklist | None = None
        self.error: str | None = None
        self.cap = guardrail_cap(case)
        self.call = w.ToggleButtons(
            options=list(LAUNCH_CALLS), value=None, description="Call", style={"button_width": "auto"}
        )
        self.guardrails = {
            g: w.Checkbox(description=math_safe_text(g), value=False, indent=False)
            for g in launch_options(case, seed)
        }
        places = [("-", None)] + [(g, g) for g in self.guardrails]  # a <select> is not typeset: plain text
        self.ranks = [w.Dropdown(options=places, value=None, description=p) for p in _PLACES]
        for rank in self.ranks:
            rank.observe(self._tick_ranked, names="value")
        self.evidence = {
            f: w.Checkbox(description=math_safe_text(f), value=False, indent=False)
            for f in evidence_options(case, seed)
        }
        self.justification = w.Textarea(
            placeholder="Why, in your words (optional): what a wrong action costs, who pays, what would "
            "change your mind.",
            rows=3,
        )
        self.submit_button, self.feedback_html = w.Button(description="Submit"), w.HTML()
        self.status_html, self.contract_html = w.HTML(), w.HTML()
        self.submit_button.on_click(lambda _b: self._click())
        for control in (self.call, *self.guardrails.values(), *self.ranks, *self.evidence.values()):
            control.observe(lambda _change: self._show_status(), names="value")
        e = html.escape
        ask_guardrails = (
            f"<p>Guardrails (only <i>ship with guardrails</i> takes any; with <i>ship</i> or <i>no-go</i> "
            f"each pick costs a point): pick at most {self.cap}; some on the list are not enough, and each "
            f"costs a point. Then rank your top {RANKED}.</p>"
        )
        parts = [
            w.HTML(math_safe_html(f"<b>{e(case.title)}</b><p>{e(case.incident.decision)}</p>")),
            self.call,
            w.HTML(math_safe_html(ask_guardrails)),
            *self.guardrails.values(),
            *self.ranks,
        ]
        if self.evidence:
            ask = "<p>Which facts decide the call? Pick them; some here do not, and each costs a point.</p>"
            parts += [w.HTML(math_safe_html(ask)), *self.evidence.values()]
        parts += [self.justification, self.submit_button, self.status_html]
        self.view = drill_view([*parts, self.feedback_html, self.contract_html], self)
        self._started = float(clock())
        self._show_status()

    @property
    def submitted(self) -> bool:
        """Whether a call has been scored."""
        return self.result is not None

    def _tick_ranked(self, change: dict) -> None:
        if change["new"] is not None:
            self.guardrails[change["new"]].value = True

    def _commitment(self) -> Commitment | None:
        return self.commit.committed if isinstance(self.commit, CommitCall) else self.commit

    def submit(self) -> LaunchFeedback:
        """Score what is on screen, record the attempt, show the debrief and rubric; return the feedback."""
        if self.submitted:
            raise InputError("call: already submitted; build a new LaunchCall to try again")
        if self.call.value is None:
            raise InputError(f"call: choose one of {', '.join(LAUNCH_CALLS)}")
        picked = [g for g, box in self.guardrails.items() if box.value]
        ranking = [r.value for r in self.ranks if r.value is not None]
        if self.call.value != "ship with guardrails":
            ranking = picked[:RANKED]  # without guardrails each pick costs a point: no ranking asked
        for g in (g for g in ranking if g not in picked):
            raise InputError(f"ranking: {g!r} is ranked but not ticked")
        facts = [f for f, box in self.evidence.items() if box.value]
        result = score_launch(
            self.case, self.call.value, [*ranking, *picked], self.justification.value, ranking=ranking,
            evidence=facts, parameters=self.parameters, commitment=self._commitment(),
        )  # fmt: skip
        taken = max(0.0, float(self.clock()) - self._started)
        if self.store is not None:
            self.attempt_id = self.store.record_attempt(
                learner=self.learner, case_id=self.case.id, variant_seed=self.variant_seed, drill="launch",
                item="launch call", choice=result.store_choice, cost_usd=0.0,
                optimal_choice=result.expected_call, optimal_cost_usd=0.0, time_taken_seconds=taken,
                score=result.points / result.max_points, justification=result.stored_justification,
            )  # fmt: skip
        self.result, self.error = result, None
        controls = (self.call, *self.guardrails.values(), *self.ranks, *self.evidence.values())
        for control in (*controls, self.justification, self.submit_button):
            control.disabled = True
        unmade = isinstance(self.commit, CommitCall) and self.commit.committed is None
        note = "<p>You made no call before the analysis: there is nothing to compare.</p>" if unmade else ""
        self.feedback_html.value = result._repr_html_() + (math_safe_html(note) if note else "")
        self.contract_html.value = result.contract._repr_html_()
        self.rubric = RubricChecklist(
            self.case, store=self.store, learner=self.learner, variant_seed=self.variant_seed,
            marked_by=self.marked_by, attempt_id=self.attempt_id,
        )  # fmt: skip
        self.view.children = (*self.view.children, self.rubric.view)
        self._show_status()
        return result

    def run_scripted(
        self,
        call: str,
        guardrails: Iterable[str] = (),
        justification: str = "",
        *,
        evidence: Iterable[str] = (),
    ) -> LaunchFeedback:
        """Set the call, tick ``guardrails`` (ranking the first three, in order), tick ``evidence``, type
        ``justification``, then submit (the headless path)."""
        guardrails, evidence = list(guardrails), list(evidence)
        lists = (("guardrails", guardrails, self.guardrails), ("evidence", evidence, self.evidence))
        for name, given, ticks in lists:
            for g in (g for g in given if g not in ticks):
                raise InputError(f"{name}: {g!r} is not one on the list")
        self.call.value = check_choice("call", call, LAUNCH_CALLS)
        for g, box in self.guardrails.items():
            box.value = g in guardrails
        ranked = list(dict.fromkeys(guardrails))[:RANKED]
        for k, rank in enumerate(self.ranks):
            rank.value = ranked[k] if k < len(ranked) else None
        for f, box in self.evidence.items():
            box.value = f in evidence
        self.justification.value = justification
        return self.submit()

    def _click(self) -> None:
        try:
            self.submit()
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.status_html.value = status_html(self.error, tone="error")

    def status_text(self) -> str:
        """The widget's live status line: the call and how many guardrails and facts are picked, or the
        points once submitted (never the case's call before)."""
        if self.result is not None:
            return "Submitted: your points, the debrief, the Agent Impact Contract and the rubric are below."
        picked = sum(box.value for box in self.guardrails.values())
        ranked = sum(rank.value is not None for rank in self.ranks)
        parts = [f"call {self.call.value}" if self.call.value else "no call chosen"]
        parts.append(f"{format_count(picked, 'guardrail')} ticked (at most {self.cap}), {ranked} ranked")
        if self.evidence:
            parts.append(f"{format_count(sum(b.value for b in self.evidence.values()), 'fact')} picked")
        over = ""
        if picked > self.cap:
            over = f" That is more than {self.cap} guardrails: each extra costs a point."
        return f"Not submitted yet: {'; '.join(parts)}.{over}"

    def _show_status(self) -> None:
        self.status_html.value = status_html(self.status_text())

    def brief_text(self) -> str:
        """The calls, guardrails and facts on offer, as plain text; nothing of the answer."""
        facts = f" Facts (pick the deciding ones): {'; '.join(self.evidence)}." if self.evidence else ""
        return (
            f"Launch call on {self.case.id} ({self.learner}): not submitted yet. Calls: "
            f"{' / '.join(LAUNCH_CALLS)}. Guardrails (pick at most {self.cap}, rank your top {RANKED}): "
            f"{'; '.join(self.guardrails)}.{facts}"
        )

    def static_html(self) -> str:
        """The calls, guardrails and facts on offer, as a static card; nothing of the answer."""
        e = html.escape
        out = f'<p class="nogo-options"><b>Your call:</b> {chips(LAUNCH_CALLS)}</p>'
        pick = f"pick at most {self.cap}, rank your top {RANKED}"
        out += f'<p class="nogo-options"><b>Guardrails</b> ({pick}):</p>{boxes(self.guardrails)}'
        if self.evidence:
            out += f'<p class="nogo-options"><b>Facts</b> (pick the deciding ones):</p>{boxes(self.evidence)}'
        return card_html(self.drill_key, e(DRILL_TEXT[self.drill_key][1]), out, case_id=self.case.id)

    def summary_text(self) -> str:
        """Plain text: the options before submitting (nothing of the answer); the call, points, debrief
        and marks after."""
        if self.result is None:
            return self.brief_text()
        marks = f"\n{self.rubric.summary_text()}" if self.rubric is not None else ""
        return self.result.to_text() + marks

    def record_text(self) -> str:
        """The call, points, debrief and marks once submitted, or that nothing is submitted yet."""
        return "no launch call submitted yet." if self.result is None else self.summary_text()

    def __repr__(self) -> str:
        return self.summary_text()
