"""What the judgement drills read from a case file: the launch call, its candidates, failure modes.

``drill``
    the stream size, the guardrails a launch call may name, the call the debrief defends at the
    defaults (``launch_call``) and its ``key_guardrails``; ``distractors``, plausible guardrails that
    are not enough (each with why), ``max_guardrails``, how many a learner may pick, and ``evidence``,
    the facts a launch call's justification picks from (:class:`Evidence`: the deciding ones among
    irrelevant ones, each with why).
``calls``
    every call the case can reach (:class:`Call`): the first whose ``when`` conditions hold for a
    variant's parameters is the right one; the last has no ``when`` (the default).
``failure_modes``
    what can go wrong (:class:`FailureMode`), each with a likelihood and a severity from 1 to 5; the
    pre-mortem ranks them by likelihood x severity.
``signature``
    the case's own lever (:class:`Signature`): its signature drill.

Examples
--------
>>> costly = Condition(parameter="cost_harm_usd", at_least=500)
>>> str(costly), costly.holds({"cost_harm_usd": 800.0}), costly.holds({"cost_harm_usd": 120.0})
('cost_harm_usd >= 500', True, False)
>>> no_go = Call(call="no-go", when=[costly], debrief="A wrong action costs more than review saves.")
>>> no_go.applies({"cost_harm_usd": 800.0}), no_go.applies({"cost_harm_usd": 120.0})
(True, False)
>>> FailureMode(name="stale prices", likelihood=4, severity=3, why="nobody watches").expected_harm
12
>>> facts = [Evidence(fact="what a wrong refund costs", deciding=True, why="it sets the cap"),
...          Evidence(fact="the agent's average reply time", deciding=False, why="speed is not harm")]
>>> [e.fact for e in facts if e.deciding]
['what a wrong refund costs']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, model_validator

from nogo.cases._casefile_parts import (
    LAUNCH_CALLS,
    NAME_PATTERN,
    Strict,
    Text,
    contract_problems,
    raise_all,
    repeated_values,
)

__all__ = [
    "Call",
    "Condition",
    "Distractor",
    "Drill",
    "Evidence",
    "FailureMode",
    "Signature",
    "call_problems",
    "failure_mode_problems",
]

_CallName = Literal["ship", "ship with guardrails", "no-go"]
assert get_args(_CallName) == LAUNCH_CALLS  # one list of calls


def _same(text: str) -> str:
    """How two guardrails compare: case and runs of spaces do not make a different guardrail."""
    return re.sub(r"\s+", " ", text).strip().casefold()


class Distractor(Strict):
    """A plausible guardrail that is not enough on its own, and ``why`` (shown after the learner picks)."""

    guardrail: Text
    why: Text


class Evidence(Strict):
    """A fact a launch call's justification may name: ``deciding`` whether it decides the call, and ``why``.

    The drill lists deciding facts among irrelevant ones; the learner picks the deciding ones.
    """

    fact: Text
    deciding: bool
    why: Text


class Drill(Strict):
    """What the practice widgets need beyond the decision log.

    ``launch_call`` is the call the debrief defends at the default parameters; with ``"ship with
    guardrails"``, ``key_guardrails`` lists the guardrails (from ``guardrails``) a sound answer must
    name. ``distractors`` are guardrails that sound right and are not enough: none may also be one of
    ``guardrails``. ``max_guardrails`` caps how many a learner may pick (at least the key ones).
    """

    stream_items: Annotated[int, Field(ge=4, le=60)] = 12
    guardrails: Annotated[list[Text], Field(min_length=2)]
    naive_confidence: Annotated[float, Field(gt=0, lt=1)] = 0.9
    launch_call: _CallName
    key_guardrails: list[Text] = Field(default_factory=list)
    distractors: list[Distractor] = Field(default_factory=list)
    max_guardrails: Annotated[int, Field(ge=1)] | None = None
    evidence: list[Evidence] = Field(default_factory=list)

    @model_validator(mode="after")
    def _guardrails_agree(self) -> Drill:
        found: list[tuple[tuple, str]] = []
        found += [
            (("key_guardrails",), f"{g!r} is not one of the drill's guardrails")
            for g in self.key_guardrails
            if g not in self.guardrails
        ]
        if self.launch_call == "ship with guardrails" and not self.key_guardrails:
            found.append((("key_guardrails",), "a 'ship with guardrails' call must name at least one"))
        listed = {_same(g) for g in [*self.guardrails, *self.key_guardrails]}
        for k, d in enumerate(self.distractors):
            if _same(d.guardrail) in listed:
                detail = f"{d.guardrail!r} is one of the drill's guardrails: a distractor is not enough"
                found.append((("distractors", k, "guardrail"), detail))
        repeated = repeated_values([_same(d.guardrail) for d in self.distractors])
        if repeated:
            found.append((("distractors",), f"repeated distractor(s) {', '.join(map(repr, repeated))}"))
        if self.max_guardrails is not None and self.max_guardrails < len(self.key_guardrails):
            detail = (
                f"{self.max_guardrails} is fewer than the {len(self.key_guardrails)} key guardrails: "
                "a sound answer could not name them all"
            )
            found.append((("max_guardrails",), detail))
        found += _evidence_problems(self.evidence)
        raise_all(found)
        return self


def _evidence_problems(evidence: list[Evidence]) -> list[tuple[tuple, str]]:
    """Problems of ``drill.evidence``: a pick needs deciding facts among irrelevant ones, none repeated."""
    if not evidence:
        return []
    found: list[tuple[tuple, str]] = []
    kinds = {e.deciding for e in evidence}
    if kinds != {True, False}:
        missing = "deciding: true" if True not in kinds else "deciding: false"
        detail = (
            f"no fact with {missing}: the learner picks the deciding facts from a list that also holds "
            "irrelevant ones, so give at least one of each"
        )
        found.append((("evidence",), detail))
    repeated = repeated_values([_same(e.fact) for e in evidence])
    if repeated:
        found.append((("evidence",), f"repeated fact(s) {', '.join(map(repr, repeated))}"))
    return found


class Condition(Strict):
    """``parameter >= at_least`` or ``parameter < below``: one test of a variant's numbers.

    ``parameter`` must be one of the case's numeric parameters (the case file checks it).
    """

    parameter: Annotated[str, Field(pattern=NAME_PATTERN)]
    at_least: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Condition:
        if (self.at_least is None) == (self.below is None):
            raise ValueError("give 'at_least' or 'below' (one of them): write a range as two conditions")
        return self

    def holds(self, values: Mapping[str, Any]) -> bool:
        """Whether the condition holds for a full parameter set (``values`` has every parameter)."""
        x = float(values[self.parameter])
        return x >= self.at_least if self.at_least is not None else x < self.below

    def __str__(self) -> str:
        return (
            f"{self.parameter} >= {self.at_least:g}"
            if self.at_least is not None
            else f"{self.parameter} < {self.below:g}"
        )


class Call(Strict):
    """One launch call the case can reach, with the debrief, key guardrails and contract that defend it.

    ``when`` lists conditions that must all hold (none: the default, the last call of a case file).
    ``contract`` is the Agent Impact Contract under this call, validated like the case's own; ``None``
    in a case file means the case's contract (:meth:`CaseFile.call_for` fills it in).
    """

    call: _CallName
    when: Annotated[list[Condition], Field(min_length=1)] | None = None
    debrief: Text
    key_guardrails: list[Text] = Field(default_factory=list)
    contract: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _defended(self) -> Call:
        found: list[tuple[tuple, str]] = []
        if self.call == "ship with guardrails" and not self.key_guardrails:
            found.append((("key_guardrails",), "a 'ship with guardrails' call must name at least one"))
        if self.contract is not None:
            found += [(("contract", *loc), detail) for loc, detail in contract_problems(self.contract)]
        raise_all(found)
        return self

    def applies(self, values: Mapping[str, Any]) -> bool:
        """Whether every condition in ``when`` holds for a full parameter set (always, without ``when``)."""
        return all(c.holds(values) for c in self.when or ())


class FailureMode(Strict):
    """Something that can go wrong, with its likelihood and severity (1 = rare or minor, 5 = likely or
    grave) and why; the pre-mortem ranks by :attr:`expected_harm`."""

    name: Text
    likelihood: Annotated[int, Field(ge=1, le=5)]
    severity: Annotated[int, Field(ge=1, le=5)]
    why: Text

    @property
    def expected_harm(self) -> int:
        """Likelihood times severity (1 to 25)."""
        return self.likelihood * self.severity


class Signature(Strict):
    """The case's own lever, practised in its signature drill, and the question that drill asks."""

    lever: Text
    question: Text


def call_problems(
    calls: list[Call], parameters: Mapping[str, Any] | None, drill: Drill | None
) -> list[tuple[tuple, str]]:
    """Problems of ``calls`` against the case's parameters and drill (either ``None`` when invalid)."""
    found: list[tuple[tuple, str]] = []
    last = len(calls) - 1
    for k, call in enumerate(calls):
        if call.when is None and k < last:
            detail = "only the last call may leave out 'when': the calls after it could never apply"
            found.append(((k,), detail))
        if call.when is not None and k == last:
            found.append(((k, "when"), "the last call is the default: leave out 'when'"))
        for j, cond in enumerate(call.when or ()):
            p = None if parameters is None else parameters.get(cond.parameter)
            where = (k, "when", j, "parameter")
            if parameters is not None and p is None:
                numeric = ", ".join(n for n, q in parameters.items() if q.numeric and n != "seed")
                found.append((where, f"{cond.parameter!r} names no parameter; numeric ones: {numeric}"))
            elif p is not None and not p.numeric:
                found.append((where, f"parameter {cond.parameter} is not a number (default {p.default!r})"))
        if drill is not None:
            found += [
                ((k, "key_guardrails"), f"{g!r} is not one of the drill's guardrails")
                for g in call.key_guardrails
                if g not in drill.guardrails
            ]
            if drill.max_guardrails is not None and len(call.key_guardrails) > drill.max_guardrails:
                most = drill.max_guardrails
                detail = f"{len(call.key_guardrails)} key guardrails, more than drill.max_guardrails ({most})"
                found.append(((k, "key_guardrails"), detail))
    if found or parameters is None or drill is None:
        return found
    defaults = {n: p.default for n, p in parameters.items()}
    picked = next(c for c in calls if c.applies(defaults))
    if picked.call != drill.launch_call:
        detail = (
            f"at the default parameters the calls pick {picked.call!r}, but drill.launch_call is "
            f"{drill.launch_call!r}: they must agree"
        )
        found.append(((), detail))
    return found


def failure_mode_problems(modes: list[FailureMode]) -> list[tuple[tuple, str]]:
    repeated = repeated_values([m.name for m in modes])
    return [((), f"repeated failure mode name(s) {', '.join(map(repr, repeated))}")] if repeated else []
