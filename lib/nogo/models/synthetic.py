"""A generic synthetic decision log with planted truth, for the start-here notebook and the drills.

This is not a reconstruction of any incident: every number here is an illustrative parameter. Case
reconstructions live in their domain modules and are calibrated to published figures.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo._validate import as_float_array
from nogo.errors import InputError

__all__ = ["example_log"]

_ACTION_TYPES = ("small credit", "refund", "plan change", "account closure")
_ACTION_SHARES = (0.55, 0.3, 0.12, 0.03)
_VALUE_MEDIAN_USD = (15.0, 60.0, 400.0, 3000.0)


def example_log(
    n_decisions: int = 5000,
    *,
    seed: int,
    overconfidence: float = 0.0,
    days: int = 30,
    group_gap: float = 0.0,
) -> pd.DataFrame:
    """A support agent's decision log: what it wanted to do, how sure it was, and whether it was right.

    Planted truth: each decision has a true probability ``p_true`` that acting is right (Beta(6, 1.6),
    mean about 0.79); ``outcome`` is drawn from it. The agent reports ``score = p_true ** (1 -
    overconfidence)``, so ``overconfidence = 0`` is calibrated and larger values report more confidence
    than the truth supports. ``group_gap`` lowers ``p_true`` for group "B" by that amount (a planted
    disparity). Value at stake is lognormal around a median per action type.

    Columns: ``decision_id``, ``day``, ``action_type``, ``group``, ``value_usd``, ``p_true``, ``score``,
    ``outcome``.

    Examples
    --------
    >>> log = example_log(1000, seed=1)
    >>> log.columns.tolist()
    ['decision_id', 'day', 'action_type', 'group', 'value_usd', 'p_true', 'score', 'outcome']
    >>> bool(abs(log["outcome"].mean() - log["p_true"].mean()) < 0.05)
    True
    """
    if not isinstance(n_decisions, int | np.integer) or n_decisions < 1:
        raise InputError(f"n_decisions: expected a positive whole number, got {n_decisions!r}")
    if not isinstance(days, int | np.integer) or days < 1:
        raise InputError(f"days: expected a positive whole number, got {days!r}")
    if not isinstance(seed, int | np.integer):
        raise InputError(f"seed: expected a whole number, got {seed!r}")
    over = float(as_float_array("overconfidence", overconfidence, nonnegative=True)[0])
    if over >= 1:
        raise InputError(f"overconfidence: expected a value in [0, 1), got {overconfidence!r}")
    gap = float(as_float_array("group_gap", group_gap, unit_interval=True)[0])
    rng = np.random.default_rng(seed)
    n = int(n_decisions)
    kind = rng.choice(len(_ACTION_TYPES), size=n, p=_ACTION_SHARES)
    group = np.where(rng.uniform(size=n) < 0.5, "A", "B")
    value = np.asarray(_VALUE_MEDIAN_USD)[kind] * np.exp(rng.normal(0.0, 0.6, size=n))
    p_true = rng.beta(6.0, 1.6, size=n)
    p_true = np.clip(p_true - np.where(group == "B", gap, 0.0), 0.0, 1.0)
    outcome = rng.uniform(size=n) < p_true
    score = p_true ** (1.0 - over)
    return pd.DataFrame(
        {
            "decision_id": np.arange(n),
            "day": np.sort(rng.integers(0, int(days), size=n)),
            "action_type": np.asarray(_ACTION_TYPES)[kind],
            "group": group,
            "value_usd": np.round(value, 2),
            "p_true": p_true,
            "score": score,
            "outcome": outcome,
        }
    )
