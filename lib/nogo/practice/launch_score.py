"""Scoring a launch call so that it cannot be gamed: the call, the guardrails, their ranking, the evidence.

The right call comes from the variant's numbers (:meth:`nogo.CaseFile.call_for`), with the debrief, key
guardrails and contract that defend it. A launch call scores points (:data:`POINTS`, 10 in all; 8 when
the case file lists no evidence):

``call`` (4)
    the right call.
``guardrails`` (3)
    with the right "ship with guardrails", the share of the key guardrails picked; with a right call
    that takes none ("ship", "no-go"), all 3 (there is nothing to name).
``ranking`` (1)
    the learner ranks the top three picks; with the right "ship with guardrails", the share of the
    first ``min(3, key guardrails)`` ranked places that hold a key guardrail (the order among key
    guardrails is not scored: the case file does not rank them). With a right call that takes none, 1.
``evidence`` (2)
    the share of the case's deciding facts picked (``drill.evidence``), less 1 per irrelevant fact
    picked, never below 0.

Penalties, whenever the learner's call is "ship with guardrails": 1 point per distractor picked (a
guardrail the case file says is not enough, ``drill.distractors``) and 1 per pick beyond the cap
(:func:`guardrail_cap`). With "ship" or "no-go" there is no launch to guard: every guardrail picked costs
1 point (hedging a no-go with the whole list is not a no-go). The total is never below 0.
:attr:`LaunchFeedback.correct` means every point: the right call, every
key guardrail, no distractor, within the cap, key guardrails in the ranked places, and exactly the
deciding facts. Extra guardrails that are neither key nor distractors, within the cap, cost nothing.

The written justification is optional and never graded automatically (the rubric is, by a person).

Examples
--------
>>> from nogo import Project
>>> case = Project.find().case("template")  # casebook/_template.yaml
>>> key = case.drill.key_guardrails
>>> deciding = [e.fact for e in case.drill.evidence if e.deciding]
>>> f = score_launch(case, "ship with guardrails", key, evidence=deciding)
>>> f.points, f.max_points, f.correct
(10.0, 10.0, True)
>>> score_launch(case, "ship with guardrails", key).points  # the same, naming no deciding fact
8.0
>>> everything = launch_options(case)  # tick every guardrail on the list
>>> g = score_launch(case, "ship with guardrails", everything)
>>> g.points, g.correct, len(g.distractors_picked), g.over_cap  # 8 - 2 distractors - 3 over the cap
(3.0, False, 2, 3)
>>> score_launch(case, "no-go", everything).hedged  # a no-go with every guardrail ticked: -1 each
6
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from nogo._validate import check_choice
from nogo.cases.casefile import LAUNCH_CALLS
from nogo.errors import InputError
from nogo.formatting import math_safe_html
from nogo.models.contract import AgentImpactContract
from nogo.practice.commit import CommitComparison, Commitment, compare_commitment

__all__ = [
    "POINTS", "RANKED", "LaunchFeedback", "check_justification", "evidence_options", "guardrail_cap",
    "launch_options", "score_launch",
]  # fmt: skip

POINTS: dict[str, float] = {"call": 4.0, "guardrails": 3.0, "ranking": 1.0, "evidence": 2.0}
"""The points of each part of a launch call; ``evidence`` counts only when the case file lists evidence."""
RANKED = 3
"""How many guardrails the learner ranks (fewer when fewer are picked)."""
SWG = "ship with guardrails"
_WHY_WRONG = {
    ("no-go", "ship"): "shipping puts the agent in front of the failure the case reconstructs, unguarded",
    ("no-go", SWG): "no guardrail on the list makes this launch safe enough",
    (SWG, "ship"): "shipping without guardrails leaves the failure the case is about uncovered",
    (SWG, "no-go"): "with the key guardrails the risk is bounded, so a no-go gives up the value for nothing",
    ("ship", SWG): "the risk is small enough that the guardrails cost more than they save",
    ("ship", "no-go"): "the risk the case measures is small; a no-go gives up the value for nothing",
}
"""Why a call differs from the case's, by (case's call, your call); the debrief gives the specifics."""


def launch_options(case: Any, seed: int | None = None) -> list[str]:
    """Every guardrail a learner may pick: the case's guardrails and its distractors, mixed.

    With ``seed``, in an order drawn from it (the same seed, the same order); without, in the case
    file's order, guardrails first. The widget shows the seeded order, so a guardrail's place says
    nothing about whether it is key or a distractor.
    """
    options = [*case.drill.guardrails, *(d.guardrail for d in case.drill.distractors)]
    return _mixed(options, seed)


def evidence_options(case: Any, seed: int | None = None) -> list[str]:
    """The facts a justification picks from (``drill.evidence``), mixed by ``seed`` like the guardrails."""
    return _mixed([e.fact for e in case.drill.evidence], seed)


def _mixed(items: list[str], seed: int | None) -> list[str]:
    if seed is None:
        return list(items)
    order = np.random.default_rng([seed, len(items)]).permutation(len(items))
    return [items[i] for i in order]


def guardrail_cap(case: Any) -> int:
    """How many guardrails a learner may pick before each further one costs a point.

    ``drill.max_guardrails``; when the case file leaves it out, the most key guardrails any of its calls
    names, and at least :data:`RANKED` (a sound answer must be able to name every key guardrail).
    """
    if case.drill.max_guardrails is not None:
        return int(case.drill.max_guardrails)
    named = [len(case.drill.key_guardrails), *(len(c.key_guardrails) for c in case.calls)]
    return max(RANKED, *named)


def check_justification(text: Any) -> str:
    """The written justification, trimmed; optional (empty is fine), but it must be text.

    Examples
    --------
    >>> check_justification("  A wrong refund costs $400 and nobody reviews it in time, so no-go.  ")
    'A wrong refund costs $400 and nobody reviews it in time, so no-go.'
    """
    if not isinstance(text, str):
        raise InputError(f"justification: expected text, got {type(text).__name__}")
    return text.strip()


@dataclass(frozen=True)
class LaunchFeedback:
    """A scored launch call: your answer beside the case's for this variant, the points, the debrief.

    ``guardrails`` are your picks in your rank order (``ranking`` the ranked ones); ``evidence`` the
    facts you picked. ``expected_call``, ``key_guardrails``, ``debrief`` and ``contract`` (built from
    ``contract_data`` when read) are the case's for the variant. ``distractors_picked`` maps each
    distractor you picked to why it is not enough; ``irrelevant_evidence`` each irrelevant fact to why;
    ``missed_evidence`` the deciding facts you left out; ``hedged`` the guardrails picked with a call that
    takes none (each -1). ``parts`` are the points of each part
    (:data:`POINTS`) before penalties; ``points`` out of ``max_points``; ``correct`` means every point.
    """

    case_id: str
    call: str
    guardrails: tuple[str, ...]
    ranking: tuple[str, ...]
    evidence: tuple[str, ...]
    justification: str
    expected_call: str
    key_guardrails: tuple[str, ...]
    right_call: bool
    missing_guardrails: tuple[str, ...]
    extra_guardrails: tuple[str, ...]
    ignored_guardrails: tuple[str, ...]
    distractors_picked: dict[str, str]
    over_cap: int
    cap: int
    ranked_not_key: tuple[str, ...]
    missed_evidence: dict[str, str]
    irrelevant_evidence: dict[str, str]
    parts: dict[str, float]
    points: float
    max_points: float
    correct: bool
    feedback: str
    debrief: str
    contract_data: dict[str, Any]
    commitment: CommitComparison | None = None
    hedged: int = 0

    @cached_property
    def contract(self) -> AgentImpactContract:
        """The Agent Impact Contract under the case's call for the variant, validated (built when read)."""
        return AgentImpactContract.from_dict(self.contract_data, source=f"casebook/{self.case_id}.yaml")

    @property
    def store_choice(self) -> str:
        """The ``choice`` the progress store gets: the call, with the points when short of full marks
        (so the store's ``correct``, choice equal to the case's call, is exactly :attr:`correct`)."""
        return self.call if self.correct else f"{self.call} ({self.points:g} of {self.max_points:g} points)"

    @property
    def stored_justification(self) -> str | None:
        """What the progress store keeps as the justification: the text written and the facts named."""
        named = f"Evidence named: {'; '.join(self.evidence)}." if self.evidence else ""
        return " ".join(t for t in (self.justification, named) if t) or None

    def to_text(self) -> str:
        """Your answer, the verdict, the points, how it compares with your commitment, and the debrief."""
        named = f" ({'; '.join(self.guardrails)})" if self.guardrails and not self.ignored_guardrails else ""
        verdict = "correct" if self.correct else "not the case's call" if not self.right_call else "short"
        evidence = f"\nEvidence you named: {'; '.join(self.evidence)}" if self.evidence else ""
        note = f"\nJustification: {self.justification}" if self.justification else ""
        commit = f"\n{self.commitment.to_text(self.call)}" if self.commitment is not None else ""
        return (
            f"Launch call on {self.case_id}: {self.call}{named}.{evidence}{note}\n"
            f"Verdict: {verdict}, {self.points:g} of {self.max_points:g} points. {self.feedback}{commit}\n"
            f"Debrief: {self.debrief}"
        )

    def _repr_html_(self) -> str:
        e = html.escape
        verdict = "correct" if self.correct else "not the case's call" if not self.right_call else "short"
        parts = "; ".join(f"{k} {v:g}/{POINTS[k]:g}" for k, v in self.parts.items())
        commit = f"<p>{e(self.commitment.to_text(self.call))}</p>" if self.commitment is not None else ""
        note = f"<p><i>Your justification:</i> {e(self.justification)}</p>" if self.justification else ""
        return math_safe_html(
            f"<p><b>Your call: {e(self.call)}</b> ({verdict}): {self.points:g} of {self.max_points:g} "
            f"points ({e(parts)}).</p><p>{e(self.feedback)}</p>{commit}{note}"
            f"<h4>Debrief</h4><p>{e(self.debrief)}</p>"
        )


def _checked_picks(name: str, picks: Any, allowed: Sequence[str]) -> list[str]:
    if isinstance(picks, str):
        raise InputError(f"{name}: expected a list, got the single string {picks!r}")
    chosen = list(dict.fromkeys(picks))
    for p in (p for p in chosen if p not in allowed):
        raise InputError(f"{name}: {p!r} is not one on the list: {'; '.join(allowed)}")
    return chosen


def _ranked(guardrails: list[str], ranking: Iterable[str] | None) -> list[str]:
    need = min(RANKED, len(guardrails))
    if ranking is None:
        return guardrails[:need]
    ranked = _checked_picks("ranking", ranking, guardrails)
    if len(ranked) != need:
        raise InputError(
            f"ranking: rank your top {need} of the guardrails you picked (1st, 2nd, 3rd), each once; "
            f"got {len(ranked)}"
        )
    return ranked


def score_launch(
    case: Any,
    call: str,
    guardrails: Iterable[str] = (),
    justification: str = "",
    *,
    ranking: Iterable[str] | None = None,
    evidence: Iterable[str] = (),
    parameters: Mapping[str, Any] | None = None,
    commitment: Commitment | None = None,
) -> LaunchFeedback:
    """Score a launch call against the case's call for a variant (see the module docstring for points).

    Parameters
    ----------
    case
        A :class:`nogo.CaseFile`.
    call
        One of :data:`nogo.LAUNCH_CALLS`.
    guardrails
        The guardrails picked, from :func:`launch_options`, in your rank order.
    justification
        Optional text, kept and shown, not graded automatically.
    ranking
        Your top three picks in order (fewer if you picked fewer); ``None``: the first of ``guardrails``.
    evidence
        The facts you name as deciding, from ``drill.evidence``.
    parameters
        The variant's parameters (the defaults fill in the rest): they pick the case's call.
    commitment
        The call and confidence committed before the analysis (:class:`nogo.CommitCall`), compared.
    """
    call = check_choice("call", call, LAUNCH_CALLS)
    picks = _checked_picks("guardrails", guardrails, launch_options(case))
    ranked = _ranked(picks, ranking)
    picks = [*ranked, *(g for g in picks if g not in ranked)]  # your order: the ranked first
    facts = _checked_picks("evidence", evidence, evidence_options(case))
    text = check_justification(justification)
    answer = case.call_for({} if parameters is None else parameters)
    expected, key = answer.call, tuple(answer.key_guardrails)
    right, scored = call == expected, call == SWG
    why_not = {d.guardrail: d.why for d in case.drill.distractors}
    distractors = {g: why_not[g] for g in picks if g in why_not} if scored else {}
    cap = guardrail_cap(case)
    over = max(0, len(picks) - cap) if scored else 0
    missing = tuple(g for g in key if g not in picks) if scored and right else ()
    extra = tuple(g for g in picks if g not in key and g not in why_not) if scored and right else ()
    places = ranked[: min(RANKED, len(key))]
    not_key = tuple(g for g in places if g not in key) if scored and right else ()
    if right and scored:
        share_named = 1 - len(missing) / len(key)
        share_ranked = (len(places) - len(not_key)) / min(RANKED, len(key))  # an empty place holds no key
    else:
        share_named = share_ranked = float(right)
    deciding = {e.fact: e.why for e in case.drill.evidence if e.deciding}
    irrelevant = {e.fact: e.why for e in case.drill.evidence if not e.deciding and e.fact in facts}
    missed = {f: why for f, why in deciding.items() if f not in facts}
    parts = {"call": POINTS["call"] * right, "guardrails": POINTS["guardrails"] * share_named,
             "ranking": POINTS["ranking"] * share_ranked}  # fmt: skip
    if case.drill.evidence:
        hit = 1 - len(missed) / len(deciding)
        parts["evidence"] = max(0.0, POINTS["evidence"] * hit - len(irrelevant))
    hedged = 0 if scored else len(picks)
    penalty = len(distractors) + over + hedged
    total = max(0.0, round(sum(parts.values()) - penalty, 6))
    most = sum(POINTS[k] for k in parts)
    comparison = compare_commitment(commitment, expected) if commitment is not None else None
    message = _feedback(
        call, expected, key, missing, distractors, over, cap, not_key, missed, irrelevant, hedged
    )
    return LaunchFeedback(
        case.id, call, tuple(picks), tuple(ranked), tuple(facts), text, expected, key, right, missing, extra,
        tuple(picks) if not scored else (), distractors, over, cap, not_key, missed, irrelevant,
        {k: round(v, 6) for k, v in parts.items()}, total, most, total == most, message, answer.debrief,
        dict(answer.contract or {}), comparison, hedged,
    )  # fmt: skip


def _feedback(
    call: str,
    expected: str,
    key: tuple[str, ...],
    missing: tuple[str, ...],
    distractors: dict[str, str],
    over: int,
    cap: int,
    not_key: tuple[str, ...],
    missed: dict[str, str],
    irrelevant: dict[str, str],
    hedged: int = 0,
) -> str:
    """What the learner did beside what the case needs, one sentence per finding."""
    lines = []
    if call != expected:
        keys = f" with {'; '.join(key)}" if expected == SWG else ""
        why = _WHY_WRONG[(expected, call)]
        lines.append(f"Not the case's call: it is {expected}{keys}. In short: {why}.")
    elif call == SWG:
        lines.append(f"Right call: {call}. The key guardrails: {'; '.join(key)}.")
        if missing:
            lines.append(f"Missing: {'; '.join(missing)}; without it the failure can happen again.")
        if not_key:
            lines.append(f"Ranked among your top places but not key: {'; '.join(not_key)}.")
    else:
        lines.append(f"Right call: {call}.")
    lines += [f"{g} is not enough (-1 point): {why}" for g, why in distractors.items()]
    if over:
        lines.append(f"You picked {over} more than the {cap} allowed (-{over}): each costs something to run.")
    if hedged:
        lines.append(f"A {call} launches nothing to guard, yet you picked {hedged} guardrails (-{hedged}).")
    lines += [f"Deciding, and you left it out: {f}. {why}" for f, why in missed.items()]
    lines += [f"Not what decides it (-1 point): {f}. {why}" for f, why in irrelevant.items()]
    return " ".join(lines)
