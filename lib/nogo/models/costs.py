"""Cost of error: what each outcome of one agent decision costs, and who pays.

One decision has three actions (``act``, ``escalate``, ``decline``) and two states of the world (acting
would be right, or wrong). That gives the outcomes a cost model prices:

============== ============================================================
outcome        when it happens
============== ============================================================
act_right      the agent acts and acting was right (often 0)
false_action   the agent acts and acting was wrong: the cost of error
missed         the agent holds back when acting would have been right
hold_right     the agent holds back and holding back was right (often 0)
review         a person reviews an escalated decision (per escalation)
delay          the cost of waiting for that person (per escalation)
============== ============================================================

An escalated decision is settled by the reviewer, who has error rates of their own: with
``reviewer_miss_rate`` a wrong action slips through (costing ``false_action``), with
``reviewer_false_block_rate`` a right action is blocked (costing ``missed``).

Every component carries a category (financial, reputational, legal) and a low/base/high range, and may be
a fixed amount, a share of the value at stake, or both; either part may be one value per decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array, check_choice, check_rate, check_same_length
from nogo.errors import InputError

__all__ = [
    "ACT",
    "ACTIONS",
    "CATEGORIES",
    "DECLINE",
    "ESCALATE",
    "LEVELS",
    "OUTCOMES",
    "CostComponent",
    "CostModel",
    "DecisionCosts",
]

ACTIONS: tuple[str, ...] = ("act", "escalate", "decline")
"""The three actions, in the order used for tie-breaking (the first cheapest wins)."""
ACT, ESCALATE, DECLINE = 0, 1, 2
"""Column of each action in the ``(n, 3)`` cost arrays (:meth:`DecisionCosts.expected`, ``.realised``)."""
OUTCOMES: tuple[str, ...] = ("act_right", "false_action", "missed", "hold_right", "review", "delay")
CATEGORIES: tuple[str, ...] = ("financial", "reputational", "legal")
LEVELS: tuple[str, ...] = ("low", "base", "high")


@dataclass(frozen=True)
class DecisionCosts:
    """Per-decision costs in USD, each a scalar or one value per decision.

    This is what the threshold models consume; a :class:`CostModel` produces it, or build one directly.
    ``escalate_usd`` is the review plus delay cost of one escalation; ``numpy.inf`` means escalation is
    not available.

    Examples
    --------
    >>> c = DecisionCosts(false_action_usd=90.0, missed_usd=10.0)
    >>> c.expected(np.array([0.5, 0.95])).round(2).tolist()
    [[45.0, inf, 5.0], [4.5, inf, 9.5]]
    """

    false_action_usd: npt.ArrayLike
    missed_usd: npt.ArrayLike
    escalate_usd: npt.ArrayLike = np.inf
    act_right_usd: npt.ArrayLike = 0.0
    hold_right_usd: npt.ArrayLike = 0.0
    reviewer_miss_rate: float = 0.0
    reviewer_false_block_rate: float = 0.0
    _arrays: dict[str, np.ndarray] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        arrays = {}
        for name in ("false_action_usd", "missed_usd", "act_right_usd", "hold_right_usd"):
            arrays[name] = as_float_array(name, getattr(self, name), nonnegative=True)
        esc = as_float_array("escalate_usd", self.escalate_usd, finite=False)
        if np.isnan(esc).any() or (esc < 0).any():
            i = int(np.flatnonzero(np.isnan(esc) | (esc < 0))[0])
            raise InputError(
                f"escalate_usd: expected values >= 0 (or inf), found {esc[i].item()!r} at row {i}"
            )
        arrays["escalate_usd"] = esc
        check_same_length(arrays)
        check_rate("reviewer_miss_rate", self.reviewer_miss_rate)
        check_rate("reviewer_false_block_rate", self.reviewer_false_block_rate)
        object.__setattr__(self, "_arrays", arrays)

    def __len__(self) -> int:
        return max(len(a) for a in self._arrays.values())

    def array(self, name: str) -> np.ndarray:
        """One cost as a float array (length 1 when it is a scalar)."""
        return self._arrays[name]

    def _escalate_given(self, right: np.ndarray) -> np.ndarray:
        """Cost of escalating, given the probability (or indicator) that acting is right."""
        a = self._arrays
        m, b = self.reviewer_miss_rate, self.reviewer_false_block_rate
        settled = right * ((1 - b) * a["act_right_usd"] + b * a["missed_usd"]) + (1 - right) * (
            m * a["false_action_usd"] + (1 - m) * a["hold_right_usd"]
        )
        with np.errstate(invalid="ignore"):
            return a["escalate_usd"] + settled

    def _matrix(self, right: np.ndarray) -> np.ndarray:
        a = self._arrays
        act = right * a["act_right_usd"] + (1 - right) * a["false_action_usd"]
        decline = right * a["missed_usd"] + (1 - right) * a["hold_right_usd"]
        esc = self._escalate_given(right)
        n = max(len(act), len(esc), len(decline))
        return np.column_stack([np.broadcast_to(x, n) for x in (act, esc, decline)])

    def expected(self, p: npt.ArrayLike) -> np.ndarray:
        """Expected cost (USD) of each action, given the probability ``p`` that acting is right.

        Returns an array of shape (n, 3): columns ``act``, ``escalate``, ``decline``. ``p`` has one value
        per decision: as many as the per-decision costs, or any number when the costs are scalars (a
        single ``p`` is not spread over per-decision costs).
        """
        p_arr = as_float_array("p", p, unit_interval=True)
        check_same_length({"p": p_arr, **self._arrays}, broadcast=self._arrays)
        return self._matrix(p_arr)

    def by_state(self) -> tuple[np.ndarray, np.ndarray]:
        """Cost (USD) of each action when acting is right, and when it is wrong.

        Returns two arrays of shape (k, 3), columns ``act``, ``escalate``, ``decline``, where k is 1 for
        scalar costs and the number of decisions otherwise.
        """
        return self._matrix(np.ones(1)), self._matrix(np.zeros(1))

    def realised(self, outcome: npt.ArrayLike) -> np.ndarray:
        """Cost (USD) of each action for decisions whose outcome is known (1: acting was right).

        Escalation uses the reviewer's error rates as expectations, so the result is deterministic.
        Returns an array of shape (n, 3): columns ``act``, ``escalate``, ``decline``.
        """
        y = as_outcome_array("outcome", outcome)
        check_same_length({"outcome": y, **self._arrays}, broadcast=self._arrays)
        right, wrong = self.by_state()
        return np.where(y[:, None], right, wrong)


def _range(name: str, low, base, high) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    b = as_float_array(f"{name} (base)", base, nonnegative=True)
    lo = b if low is None else as_float_array(f"{name} (low)", low, nonnegative=True)
    hi = b if high is None else as_float_array(f"{name} (high)", high, nonnegative=True)
    check_same_length({f"{name} (low)": lo, f"{name} (base)": b, f"{name} (high)": hi})
    if (np.broadcast_to(lo, np.broadcast(lo, b).shape) > b).any() or (b > hi).any():
        raise InputError(f"{name}: expected low <= base <= high, got {low!r}, {base!r}, {high!r}")
    return lo, b, hi


@dataclass(frozen=True)
class CostComponent:
    """One priced consequence of one outcome, with its category and a low/base/high range.

    The amount for a decision is ``usd + value_share * value_usd`` at the chosen level.

    Parameters
    ----------
    name
        A short label (``"refund"``, ``"regulator fine"``).
    outcome
        Which outcome it prices: one of :data:`OUTCOMES`.
    category
        ``"financial"``, ``"reputational"`` or ``"legal"``.
    base_usd, low_usd, high_usd
        Fixed amount in USD: scalar or one value per decision. Low and high default to base.
    value_share, value_share_low, value_share_high
        Share of the decision's value at stake (0.3 = 30% of ``value_usd``).

    Examples
    --------
    >>> c = CostComponent("write-off", "false_action", value_share=0.3, value_share_high=0.5)
    >>> c.amount_usd("high", value_usd=[100.0, 2_000_000.0]).tolist()
    [50.0, 1000000.0]
    """

    name: str
    outcome: str
    category: str = "financial"
    base_usd: npt.ArrayLike = 0.0
    low_usd: npt.ArrayLike | None = None
    high_usd: npt.ArrayLike | None = None
    value_share: npt.ArrayLike = 0.0
    value_share_low: npt.ArrayLike | None = None
    value_share_high: npt.ArrayLike | None = None

    def __post_init__(self) -> None:
        check_choice(f"component {self.name!r}: outcome", self.outcome, OUTCOMES)
        check_choice(f"component {self.name!r}: category", self.category, CATEGORIES)
        label = f"component {self.name!r}"
        _range(f"{label}: usd", self.low_usd, self.base_usd, self.high_usd)
        _range(f"{label}: value_share", self.value_share_low, self.value_share, self.value_share_high)

    @property
    def uses_value(self) -> bool:
        """Whether the amount depends on the value at stake."""
        return bool(np.any(_range("", self.value_share_low, self.value_share, self.value_share_high)[2]))

    @property
    def has_range(self) -> bool:
        """Whether low and high differ anywhere (so the component matters for sensitivity)."""
        usd = _range("", self.low_usd, self.base_usd, self.high_usd)
        share = _range("", self.value_share_low, self.value_share, self.value_share_high)
        return bool(np.any(usd[0] != usd[2]) or np.any(share[0] != share[2]))

    def amount_usd(self, level: str = "base", value_usd: npt.ArrayLike | None = None) -> np.ndarray:
        """The cost at ``level`` (``"low"``, ``"base"``, ``"high"``), one value per decision."""
        check_choice("level", level, LEVELS)
        k = LEVELS.index(level)
        usd = _range(self.name, self.low_usd, self.base_usd, self.high_usd)[k]
        share = _range(self.name, self.value_share_low, self.value_share, self.value_share_high)[k]
        if not np.any(share):
            return usd
        if value_usd is None:
            raise InputError(
                f"component {self.name!r}: is a share of the value at stake, so value_usd is needed"
            )
        value = as_float_array("value_usd", value_usd, nonnegative=True)
        check_same_length({"value_usd": value, f"component {self.name!r}": share, "usd": usd})
        return usd + share * value


@dataclass(frozen=True)
class CostModel:
    """The priced outcomes of one kind of agent decision.

    Examples
    --------
    >>> model = CostModel([
    ...     CostComponent("wrong credit", "false_action", base_usd=40, low_usd=20, high_usd=80),
    ...     CostComponent("churned customer", "missed", "reputational", base_usd=15),
    ...     CostComponent("agent minutes", "review", base_usd=4),
    ... ], reviewer_miss_rate=0.05)
    >>> model.expected_costs([0.5]).round(2).to_dict("records")
    [{'act_usd': 20.0, 'escalate_usd': 5.0, 'decline_usd': 7.5, 'best_action': 'escalate'}]
    """

    components: Iterable[CostComponent]
    reviewer_miss_rate: float = 0.0
    reviewer_false_block_rate: float = 0.0

    def __post_init__(self) -> None:
        comps = tuple(self.components)
        for c in comps:
            if not isinstance(c, CostComponent):
                raise InputError(f"components: expected CostComponent objects, got {type(c).__name__}")
        names = [c.name for c in comps]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InputError(f"components: names must be unique, repeated: {', '.join(dupes)}")
        object.__setattr__(self, "components", comps)
        check_rate("reviewer_miss_rate", self.reviewer_miss_rate)
        check_rate("reviewer_false_block_rate", self.reviewer_false_block_rate)

    def component(self, name: str) -> CostComponent:
        """The component called ``name``."""
        for c in self.components:
            if c.name == name:
                return c
        names = ", ".join(c.name for c in self.components)
        raise InputError(f"component: no component named {name!r}; known: {names}")

    def decision_costs(
        self,
        value_usd: npt.ArrayLike | None = None,
        *,
        level: str = "base",
        levels: Mapping[str, str] | None = None,
    ) -> DecisionCosts:
        """Sum the components into per-decision costs.

        Parameters
        ----------
        value_usd
            Value at stake per decision; needed when a component is a share of it.
        level
            The level for every component.
        levels
            Per-component overrides, ``{"refund": "high"}``.
        """
        levels = dict(levels or {})
        for name in levels:
            self.component(name)
        totals: dict[str, np.ndarray] = {o: np.zeros(1) for o in OUTCOMES}
        for c in self.components:
            totals[c.outcome] = totals[c.outcome] + c.amount_usd(levels.get(c.name, level), value_usd)
        has_review = any(c.outcome in ("review", "delay") for c in self.components)
        escalate = totals["review"] + totals["delay"] if has_review else np.inf
        return DecisionCosts(
            false_action_usd=totals["false_action"],
            missed_usd=totals["missed"],
            escalate_usd=escalate,
            act_right_usd=totals["act_right"],
            hold_right_usd=totals["hold_right"],
            reviewer_miss_rate=self.reviewer_miss_rate,
            reviewer_false_block_rate=self.reviewer_false_block_rate,
        )

    def expected_costs(
        self, p: npt.ArrayLike, value_usd: npt.ArrayLike | None = None, *, level: str = "base"
    ) -> pd.DataFrame:
        """Expected cost of each action per decision, and the cheapest action.

        Returns a frame with ``act_usd``, ``escalate_usd``, ``decline_usd`` and ``best_action``.
        """
        m = self.decision_costs(value_usd, level=level).expected(p)
        out = pd.DataFrame(m, columns=[f"{a}_usd" for a in ACTIONS])
        out["best_action"] = np.asarray(ACTIONS)[np.argmin(m, axis=1)]
        return out

    def sensitivity(self, p: npt.ArrayLike, value_usd: npt.ArrayLike | None = None) -> pd.DataFrame:
        """Swing each component from low to high, others at base: how cost and policy move.

        For each component with a range, the total expected cost (USD, summed over decisions) of the
        cost-optimal policy with that component at its low and its high value, and the share of decisions
        whose optimal action changes from the all-base policy. Sorted by swing, largest first: the data of
        a tornado chart.

        Returns
        -------
        pandas.DataFrame
            Columns ``component``, ``category``, ``outcome``, ``cost_low_usd``, ``cost_high_usd``,
            ``swing_usd``, ``changed_low``, ``changed_high``; ``attrs["base_cost_usd"]`` holds the
            all-base total.
        """
        base = self.decision_costs(value_usd).expected(p)
        base_action = np.argmin(base, axis=1)
        rows = []
        for c in self.components:
            if not c.has_range:
                continue
            row = {"component": c.name, "category": c.category, "outcome": c.outcome}
            for level in ("low", "high"):
                m = self.decision_costs(value_usd, levels={c.name: level}).expected(p)
                action = np.argmin(m, axis=1)
                row[f"cost_{level}_usd"] = float(m[np.arange(len(m)), action].sum())
                row[f"changed_{level}"] = float(np.mean(action != base_action))
            rows.append(row)
        cols = ["component", "category", "outcome", "cost_low_usd", "cost_high_usd"]
        out = pd.DataFrame(rows, columns=[*cols, "changed_low", "changed_high"])
        out.insert(5, "swing_usd", (out["cost_high_usd"] - out["cost_low_usd"]).abs())
        out = out.sort_values("swing_usd", ascending=False, kind="stable").reset_index(drop=True)
        out.attrs["base_cost_usd"] = float(base[np.arange(len(base)), base_action].sum())
        return out
