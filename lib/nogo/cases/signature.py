"""A case's signature drill: the lever its PM actually controls, scored by the case's own simulation.

Each case declares one (:meth:`nogo.Case.signature_task`): the pricing loop's cap, rate limit and kill
switch; which loan offers the agent may make alone; how much of a shortlist a screener may decide; for a
case on the segment generator, the per-segment table. A :class:`SignatureTask` names its levers (each a
short list of choices, so the optimum is an exhaustive search and never a guess), evaluates any setting
on the case's own simulation (:meth:`SignatureTask.evaluate`) and scores a learner's setting against the
best one (:meth:`SignatureTask.score`): regret in dollars, never negative, and a setting that breaks one
of the case's hard rules is never the optimum and never correct.

The practice layer's widget (``nogo.SignatureDrill``) is a thin shell over these functions.

Examples
--------
A toy task: one lever, a price cap; the cost is the loss above the cap plus a fee for a low cap.

>>> class Toy(SignatureTask):
...     question = "Where do you cap the price?"
...     levers = (Lever("cap", "price cap", (1.5, 2.0, 10.0), unit="x reference"),)
...     def evaluate(self, choices):
...         cap = choices["cap"]
...         return SignatureOutcome(cost_usd=100 * cap + 1000 / cap, metrics={"cap": cap})
>>> toy = Toy()
>>> toy.optimum()[0]
{'cap': 2.0}
>>> s = toy.score({"cap": 10.0})
>>> s.regret_usd, s.correct
(400.0, False)
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from nogo.errors import InputError

__all__ = ["Lever", "SignatureOutcome", "SignatureScore", "SignatureTask"]


@dataclass(frozen=True)
class Lever:
    """One control of a signature drill.

    Parameters
    ----------
    name
        The key in a setting (``{"cap": 2.0}``).
    label
        What the learner reads next to the control.
    choices
        The settings the learner can pick, in the order shown (numbers or labels; a numeric range is
        offered as a few round values, so the optimum is found by trying every setting).
    unit
        The unit of numeric choices (``"x reference price"``, ``"% of traffic"``), for display.
    help
        One sentence on what the lever does.
    """

    name: str
    label: str
    choices: tuple[Any, ...]
    unit: str = ""
    help: str = ""

    def __post_init__(self) -> None:
        if not self.choices:
            raise InputError(f"lever {self.name!r}: needs at least one choice")
        if len(set(map(repr, self.choices))) != len(self.choices):
            raise InputError(f"lever {self.name!r}: choices repeat: {self.choices!r}")


@dataclass(frozen=True)
class SignatureOutcome:
    """What one setting does on the case's simulation.

    Attributes
    ----------
    cost_usd
        The total cost of the setting on the simulation, USD (lower is better; harm, review and missed
        value included, as the case prices them).
    metrics
        Readable numbers for the reveal (peak price, borrowers harmed, women shortlisted...).
    broken_rules
        The case's hard rules this setting breaks (empty when it breaks none).
    story
        One or two sentences: what happened under this setting.
    """

    cost_usd: float
    metrics: Mapping[str, Any] = field(default_factory=dict)
    broken_rules: tuple[str, ...] = ()
    story: str = ""


@dataclass(frozen=True)
class SignatureScore:
    """A learner's setting against the best one (see :meth:`SignatureTask.score`)."""

    choices: Mapping[str, Any]
    outcome: SignatureOutcome
    best_choices: Mapping[str, Any]
    best: SignatureOutcome
    regret_usd: float

    @property
    def correct(self) -> bool:
        """No hard rule broken and no regret beyond rounding."""
        return not self.outcome.broken_rules and self.regret_usd <= 1e-9 * max(1.0, abs(self.best.cost_usd))


class SignatureTask:
    """The case's own lever: subclasses set :attr:`question` and :attr:`levers` and implement
    :meth:`evaluate`; :meth:`optimum` tries every setting (override it when a case knows a faster way)."""

    question: ClassVar[str] = ""
    levers: tuple[Lever, ...] = ()

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting ``choices`` (one value per lever) on the case's simulation."""
        raise NotImplementedError(f"{type(self).__name__} must implement evaluate")

    def settings(self) -> list[dict[str, Any]]:
        """Every setting the levers allow, in the order the levers list their choices."""
        names = [lever.name for lever in self.levers]
        combos = itertools.product(*(lever.choices for lever in self.levers))
        return [dict(zip(names, combo, strict=True)) for combo in combos]

    def check(self, choices: Mapping[str, Any]) -> dict[str, Any]:
        """``choices`` with every lever set to one of its choices, else an InputError naming the lever."""
        out = {}
        for lever in self.levers:
            if lever.name not in choices:
                raise InputError(f"{lever.name}: no setting given; choose one of {list(lever.choices)}")
            value = choices[lever.name]
            if value not in lever.choices:
                raise InputError(f"{lever.name}: {value!r} is not one of {list(lever.choices)}")
            out[lever.name] = value
        unknown = sorted(set(choices) - set(out))
        if unknown:
            levers = [lever.name for lever in self.levers]
            raise InputError(f"{', '.join(unknown)}: not a lever of this drill; levers: {levers}")
        return out

    def optimum(self) -> tuple[dict[str, Any], SignatureOutcome]:
        """The cheapest setting that breaks no hard rule (ties: the first in :meth:`settings` order).

        Every setting is evaluated once per task: the result is remembered (a task's levers and inputs
        are fixed when it is built), and each call returns its own copy of the setting.
        """
        found = self.__dict__.get("_optimum")
        if found is None:
            found = self.__dict__["_optimum"] = self._search()
        return dict(found[0]), found[1]

    def _search(self) -> tuple[dict[str, Any], SignatureOutcome]:
        best: tuple[dict[str, Any], SignatureOutcome] | None = None
        for setting in self.settings():
            outcome = self.evaluate(setting)
            if outcome.broken_rules:
                continue
            if best is None or outcome.cost_usd < best[1].cost_usd:
                best = (setting, outcome)
        if best is None:
            raise InputError(f"{type(self).__name__}: every setting breaks a hard rule; no optimum")
        return best

    def score(self, choices: Mapping[str, Any]) -> SignatureScore:
        """The learner's setting, its outcome, the best setting and the regret (USD, never negative)."""
        setting = self.check(choices)
        outcome = self.evaluate(setting)
        best_choices, best = self.optimum()
        regret = max(0.0, float(outcome.cost_usd) - float(best.cost_usd))
        return SignatureScore(setting, outcome, best_choices, best, regret)
