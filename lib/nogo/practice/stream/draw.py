"""Drawing a decision stream: easy calls and traps from a decision log, each with the reason for its optimum.

See :mod:`nogo.practice.stream` for the drill's vocabulary and its two kinds of cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array, check_rate, check_whole_number
from nogo.errors import InputError
from nogo.formatting import format_percent, format_usd
from nogo.models.costs import DecisionCosts

__all__ = ["MODEL_ACTION", "STREAM_CHOICES", "STREAM_KINDS", "draw_stream", "usd_text"]

STREAM_CHOICES: tuple[str, ...] = ("act", "escalate", "block")
"""The learner's three choices, in the models' order (act, escalate, decline)."""
MODEL_ACTION: dict[str, str] = {"act": "act", "escalate": "escalate", "block": "decline"}
"""Drill word to :data:`nogo.ACTIONS` word: ``block`` is the models' ``decline``."""
STREAM_KINDS: tuple[str, ...] = ("easy", "trap: overconfident stakes", "trap: trivial stakes")
"""Item kinds: the naive rule is right; it acts where the optimum holds back; it escalates needlessly."""


def usd_text(x: float) -> str:
    """A cost as the drill shows it (:func:`nogo.formatting.format_usd`); infinite reads ``unavailable``.

    Examples
    --------
    >>> usd_text(48_000.0), usd_text(25.0), usd_text(float("inf"))
    ('$48,000', '$25.00', 'unavailable')
    """
    return "unavailable" if np.isinf(x) else format_usd(x)


def _weighted_sample(rng: np.random.Generator, weight: np.ndarray, k: int) -> np.ndarray:
    """Positions of ``k`` items drawn without replacement with probability in proportion to ``weight``.

    Efraimidis and Spirakis (2006): the ``k`` largest keys ``log(u) / weight``; vectorised, no loop.
    """
    keys = np.log(rng.uniform(size=weight.size)) / weight
    return np.argsort(-keys, kind="stable")[:k]


def _reason(row: Mapping[str, Any]) -> str:
    """One line, from the numbers, saying why the optimal action is cheapest in expectation."""
    p, score = float(row["p"]), float(row["score"])
    act, esc, blk = (float(row[f"expected_{c}_usd"]) for c in STREAM_CHOICES)
    said = f"the agent says {format_percent(score)} but is right {format_percent(p)} of the time; " * (
        format_percent(score) != format_percent(p)
    )
    risk = f"a wrong action costs {usd_text(row['false_action_usd'])} here; "
    risk += f"at {format_percent(p)} that is {usd_text(act)} expected"
    review = (
        f"a {usd_text(esc)} review"
        if np.isclose(esc, row["escalate_usd"])
        else f"escalating ({usd_text(esc)} expected)"
    )
    review = review if np.isfinite(esc) else "nobody can review it"
    block = f"blocking ({usd_text(blk)} expected in missed value)"
    if row["optimal"] == "act":
        return f"{said}{risk}, less than {review if esc <= blk else block}"
    if row["optimal"] == "escalate":
        return f"{said}{risk}, more than {review}" + (f", which also beats {block}" if blk < act else "")
    return f"{said}{risk}; {review}; {block} is cheapest"


def draw_stream(
    log: pd.DataFrame,
    p: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    n_items: int,
    seed: int,
    naive_confidence: float = 0.9,
    trap_share: float = 0.5,
) -> pd.DataFrame:
    """Draw the items of a decision stream from a decision log, mixing easy calls with traps.

    Each decision of the log is one of three kinds (:data:`STREAM_KINDS`), from its expected costs:

    * ``"trap: overconfident stakes"``: the naive rule acts (``score >= naive_confidence``) but the
      cost-optimal action escalates or blocks: the confidence is high, but the stakes times the chance
      of being wrong cost more than a review or holding back.
    * ``"trap: trivial stakes"``: the naive rule escalates (low score) but acting or blocking is cheaper
      in expectation than a review: the stakes are too small to be worth a person's time. (Where nobody
      can review, ``escalate_usd = inf``, the naive rule blocks instead, and this is where that is wrong.)
    * ``"easy"``: the naive rule's action costs no more in expectation than the optimum's.

    The mix: ``n_items * trap_share`` traps (rounded half up), half of each kind (the odd one
    overconfident), the rest easy. A kind the log lacks, or has too few of, is filled from the other
    trap kind, then from the easy calls, so the stream always has ``n_items`` items (``attrs["mix"]``
    says what was drawn and ``attrs["available"]`` what the log holds). Traps are drawn with
    probability in proportion to the naive rule's expected regret on them (so a drawn trap is one where
    the call matters), easy calls uniformly; then the order is shuffled. Everything is a function of
    ``seed``.

    Parameters
    ----------
    log
        A decision log (``score``, ``outcome``, ``value_usd``; ``decision_id``, ``action_type`` and
        ``group`` are carried along if present).
    p, costs
        Calibrated probability that acting is right, one per row of ``log``; per-decision costs.
    n_items, seed
        Items in the stream (1 to ``len(log)``); the seed of the draw.
    naive_confidence, trap_share
        The naive rule's cut-off on ``score``; the share of the items that are traps, in [0, 1].

    Returns
    -------
    pandas.DataFrame
        One row per item, in stream order: ``item`` (1-based), ``row`` (position in ``log``),
        ``decision_id``, ``score``, ``p``, ``value_usd``, [``action_type``, ``group``], ``outcome``,
        ``false_action_usd``, ``missed_usd``, ``escalate_usd`` (the cost model's per-decision inputs),
        ``expected_{act,escalate,block}_usd``, ``realised_{act,escalate,block}_usd``, ``optimal``
        (expected-cost argmin, ties to the first of act, escalate, block), ``naive``,
        ``naive_regret_usd`` (the naive rule's expected regret), ``kind`` and ``reason``.

    Examples
    --------
    >>> log = pd.DataFrame({"score": [0.97, 0.97, 0.6, 0.2], "outcome": [1, 0, 1, 0],
    ...                     "value_usd": [48_000.0, 20.0, 30.0, 10.0]})
    >>> costs = DecisionCosts(log["value_usd"], missed_usd=0.2 * log["value_usd"], escalate_usd=25.0)
    >>> s = draw_stream(log, log["score"] - [0.04, 0, 0, 0], costs, n_items=3, seed=1)
    >>> print(s.sort_values("row")[["row", "optimal", "naive", "kind"]].to_string(index=False))
     row  optimal    naive                       kind
       0 escalate      act trap: overconfident stakes
       1      act      act                       easy
       2    block escalate       trap: trivial stakes
    >>> for part in s.loc[s["row"] == 0, "reason"].item().split("; "):
    ...     print(part)
    the agent says 97% but is right 93% of the time
    a wrong action costs $48,000 here
    at 93% that is $3,360 expected, more than a $25.00 review
    """
    if not isinstance(log, pd.DataFrame):
        raise InputError(f"log: expected a pandas DataFrame, got {type(log).__name__}")
    for c in (c for c in ("score", "outcome", "value_usd") if c not in log.columns):
        raise InputError(f"log: missing column {c!r}; a decision log needs score, outcome and value_usd")
    if not isinstance(costs, DecisionCosts):
        raise InputError(f"costs: expected a nogo.DecisionCosts, got {type(costs).__name__}")
    n = len(log)
    score = as_float_array("log['score']", log["score"].to_numpy())
    y = as_outcome_array("log['outcome']", log["outcome"].to_numpy())
    value = as_float_array("log['value_usd']", log["value_usd"].to_numpy(), nonnegative=True)
    prob = as_float_array("p", p, unit_interval=True)
    if len(prob) != n:
        raise InputError(f"p: expected one probability per row of log ({n}), got {len(prob)}")
    if len(costs) not in (1, n):
        raise InputError(f"costs: expected scalar costs or one per row of log ({n}), got {len(costs)}")
    n_items = check_whole_number("n_items", n_items, low=1, high=n, high_label="the rows of log")
    seed = check_whole_number("seed", seed, low=0)
    t = check_rate("naive_confidence", naive_confidence)
    share = check_rate("trap_share", trap_share)

    expected, realised = costs.expected(prob), costs.realised(y)
    rows = np.arange(n)
    optimal = np.argmin(expected, axis=1)
    naive = np.where(score >= t, 0, np.where(np.isfinite(expected[:, 1]), 1, 2))
    regret = expected[rows, naive] - expected[rows, optimal]
    kind = np.where(regret > 0, np.where(naive == 0, 1, 2), 0)  # index into STREAM_KINDS

    n_trap = int(n_items * share + 0.5)  # half up
    quota = {1: n_trap - n_trap // 2, 2: n_trap // 2, 0: n_items - n_trap}
    pools = {k: np.flatnonzero(kind == k) for k in (1, 2, 0)}
    take = {k: min(quota[k], pools[k].size) for k in pools}
    for k in (1, 2, 0):  # fill a short kind from the other trap kind, then from the easy calls
        take[k] += min(n_items - sum(take.values()), pools[k].size - take[k])
    rng = np.random.default_rng(seed)
    chosen = [
        pools[k][_weighted_sample(rng, regret[pools[k]] if k else np.ones(pools[k].size), take[k])]
        for k in (1, 2, 0)
    ]
    pick = rng.permutation(np.concatenate(chosen))

    ids = log["decision_id"].to_numpy()[pick] if "decision_id" in log.columns else pick
    out = pd.DataFrame({"item": np.arange(1, n_items + 1), "row": pick, "decision_id": ids})
    out["score"], out["p"], out["value_usd"] = score[pick], prob[pick], value[pick]
    extra = [c for c in ("action_type", "group") if c in log.columns]
    out[extra] = log[extra].iloc[pick].to_numpy()
    out["outcome"] = y[pick]
    for c in ("false_action_usd", "missed_usd", "escalate_usd"):
        out[c] = np.broadcast_to(costs.array(c), n)[pick]
    for j, c in enumerate(STREAM_CHOICES):
        out[f"expected_{c}_usd"], out[f"realised_{c}_usd"] = expected[pick, j], realised[pick, j]
    names = np.asarray(STREAM_CHOICES)
    out["optimal"], out["naive"] = names[optimal[pick]], names[naive[pick]]
    out["naive_regret_usd"] = regret[pick]
    out["kind"] = np.asarray(STREAM_KINDS)[kind[pick]]
    out["reason"] = [_reason(r) for r in out.to_dict("records")]  # at most n_items lines of text
    mix = {STREAM_KINDS[k]: int(take[k]) for k in (0, 1, 2)}
    out.attrs.update(seed=seed, naive_confidence=t, mix=mix)
    out.attrs["available"] = {STREAM_KINDS[k]: int(pools[k].size) for k in (0, 1, 2)}
    return out
