"""Drawing a decision stream: easy calls and traps from a decision log, each with the reason for its optimum.

See :mod:`nogo.practice.stream` for the drill's vocabulary and its two kinds of cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
STREAM_KINDS: tuple[str, ...] = (
    "easy", "trap: overconfident stakes", "trap: trivial stakes", "trap: needless review",
    "trap: overcautious",
)  # fmt: skip
"""Item kinds, from what the naive rule does there: it is right (``easy``); it acts where the optimum holds
back (``overconfident stakes``); it holds back where acting or blocking is cheaper and a wrong action
costs no more than a review (``trivial stakes``); it escalates where acting or blocking is cheaper although
a wrong action costs more than a review (``needless review``: the chance settles it without a person); it
blocks, nobody being able to review, where acting is cheaper (``overcautious``)."""
CLEAR_MARGIN = 0.5
"""An item is drawn only where the second-cheapest allowed action costs at least this share more than the
cheapest (plus a cent): a call an informed learner can make from the card and the case file."""


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
    """Why the optimal action is cheapest in expectation, from the numbers: the calibrated chance beside
    the stated confidence, each action's expected cost (escalating includes the wrong actions the reviewer
    misses), and any hard rule that takes an action off the table."""
    p, score = float(row["p"]), float(row["score"])
    act, esc, blk = (float(row[f"expected_{c}_usd"]) for c in STREAM_CHOICES)
    said = f"the agent says {format_percent(score)}; "
    said += f"decisions like this are right {format_percent(p)} of the time; "
    risk = f"a wrong action costs {usd_text(row['false_action_usd'])} here; "
    risk += f"acting at {format_percent(p)} is {usd_text(act)} expected"
    miss, false_block = (float(row.get(f"reviewer_{c}_rate", 0.0)) for c in ("miss", "false_block"))
    slips = [f"misses {format_percent(miss)} of wrong actions"] * (miss > 0)
    slips += [f"blocks {format_percent(false_block)} of right ones"] * (false_block > 0)
    review = f"escalating is {usd_text(esc)} expected (a {usd_text(row['escalate_usd'])} review"
    review += f", and the reviewer {' and '.join(slips)})" if slips else ")"
    review = review if np.isfinite(esc) else "nobody can review it"
    block = f"blocking is {usd_text(blk)} expected in missed value"
    rule = str(row.get("rule", "") or "")
    tail = f"; the case's hard rule ({rule}) rules out {row['forbidden']} alone" if rule else ""
    return f"{said}{risk}; {review}; {block}; {row['optimal']} is cheapest{tail}"


def _fallback(available: np.ndarray, want: np.ndarray) -> np.ndarray:
    """``want`` where it is available, else escalate (a person decides), else block, else act (indices)."""
    rows = np.arange(available.shape[0])
    other = np.where(available[:, 1], 1, np.where(available[:, 2], 2, 0))
    return np.where(available[rows, want], want, other)


def draw_stream(
    log: pd.DataFrame,
    p: npt.ArrayLike,
    costs: DecisionCosts,
    *,
    n_items: int,
    seed: int,
    naive_confidence: float = 0.9,
    trap_share: float = 0.5,
    allowed: npt.ArrayLike | None = None,
    rules: npt.ArrayLike | None = None,
    context: Sequence[str] = (),
) -> pd.DataFrame:
    """Draw the items of a decision stream so that no constant answer and no confidence cut does well.

    An action is **available** on a decision unless a hard rule forbids it there (``allowed``) or it is
    unpriced (escalation where nobody can review, ``escalate_usd = inf``). The ``optimal`` action is the
    cheapest available one in expectation at the calibrated ``p``: an action a hard rule forbids is never
    the optimum. The ``naive`` rule acts when ``score >= naive_confidence``, else escalates; where its
    action is not available it escalates, else blocks (else acts).

    The draw:

    1. Only **clear** decisions are drawn: the second-cheapest available action costs at least
       :data:`CLEAR_MARGIN` more than the cheapest, plus a cent. A learner who reads the card and knows
       the case (its costs, its rules, how its stated confidence maps to a chance) can make the call.
       (A log with fewer clear decisions than ``n_items`` is drawn from whole.)
    2. The items are spread evenly over the optimal actions the clear decisions reach (12 items over act,
       escalate and block are 4, 4 and 4; a short action is filled from the others), so no constant
       answer is right more than about a third of the time.
    3. Within each optimal action, ``trap_share`` of its items (rounded half up) are traps: decisions
       where the naive rule is wrong (kinds in :data:`STREAM_KINDS`); the rest are easy. A short pool is
       filled from the other. Decisions are drawn uniformly within each pool; then the order is shuffled.
    4. First of all, where the clear decisions hold one, a **crossing pair**: a decision where acting is
       optimal and another where it is not although the agent states more confidence (the stakes, the
       context or the case's rules differ). No single cut on the stated confidence is right on both.

    Everything is a function of ``seed``. ``attrs["mix"]`` counts the drawn items by kind,
    ``attrs["optimal_mix"]`` by optimal action, and ``attrs["available"]`` the decisions it drew from by
    kind.

    Parameters
    ----------
    log
        A decision log (``score``, ``outcome``, ``value_usd``; ``decision_id``, ``action_type``,
        ``group`` and the ``context`` columns are carried along if present).
    p, costs
        Calibrated probability that acting is right, one per row of ``log``; per-decision costs.
    n_items, seed
        Items in the stream (1 to ``len(log)``); the seed of the draw.
    naive_confidence, trap_share
        The naive rule's cut-off on ``score``; the share of each optimal action's items that are traps.
    allowed
        ``(len(log), 3)`` bools in act, escalate, block order (:meth:`nogo.CaseData.allowed`): the actions
        no hard rule forbids. None: all.
    rules
        One string per row of ``log``: the hard rule that binds there ("" where none); shown on the card
        and in the reason.
    context
        Columns of ``log`` the card shows as context (segment, customer, intent...).

    Returns
    -------
    pandas.DataFrame
        One row per item, in stream order: ``item`` (1-based), ``row`` (position in ``log``),
        ``decision_id``, ``score``, ``p``, ``value_usd``, the context columns (and ``action_type``,
        ``group``), ``outcome``, ``false_action_usd``, ``missed_usd``, ``escalate_usd``,
        ``reviewer_miss_rate``, ``reviewer_false_block_rate`` (the cost model's inputs),
        ``{act,escalate,block}_allowed``, ``rule`` and ``forbidden`` (the action it forbids),
        ``expected_{act,escalate,block}_usd``,
        ``realised_{act,escalate,block}_usd``, ``optimal``, ``naive``, ``naive_regret_usd`` (the naive
        rule's expected regret), ``kind`` and ``reason``. ``attrs["context"]`` names the context columns.

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
       3    block escalate       trap: trivial stakes
    >>> for part in s.loc[s["row"] == 0, "reason"].item().split("; "):
    ...     print(part)
    the agent says 97%
    decisions like this are right 93% of the time
    a wrong action costs $48,000 here
    acting at 93% is $3,360 expected
    escalating is $25.00 expected (a $25.00 review)
    blocking is $8,928 expected in missed value
    escalate is cheapest
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
    ok = np.ones((n, 3), dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    if ok.shape != (n, 3):
        raise InputError(f"allowed: expected {n} rows of 3 bools (act, escalate, block), got {ok.shape}")
    why = np.full(n, "", dtype=object) if rules is None else np.asarray(rules, dtype=object).reshape(-1)
    if why.size != n:
        raise InputError(f"rules: expected one string per row of log ({n}), got {why.size}")
    context = [str(c) for c in context]
    for c in (c for c in context if c not in log.columns):
        raise InputError(f"context: the log has no column {c!r}")

    expected, realised = costs.expected(prob), costs.realised(y)
    available = ok & np.isfinite(expected)
    if not available.any(axis=1).all():
        i = int(np.flatnonzero(~available.any(axis=1))[0])
        raise InputError(f"allowed: no action is available on row {i} of log")
    priced = np.where(available, expected, np.inf)
    rows = np.arange(n)
    optimal = np.argmin(priced, axis=1)
    naive = _fallback(available, np.where(score >= t, 0, 1))
    regret = priced[rows, naive] - priced[rows, optimal]
    false_usd = np.broadcast_to(costs.array("false_action_usd"), n)
    review_usd = np.broadcast_to(costs.array("escalate_usd"), n)
    trivial = np.isfinite(review_usd) & (false_usd <= review_usd)
    kind = np.select([regret <= 0, naive == 0, trivial, naive == 1], [0, 1, 2, 3], 4)  # in STREAM_KINDS
    ordered = np.sort(priced, axis=1)
    clear = ordered[:, 1] - ordered[:, 0] >= CLEAR_MARGIN * ordered[:, 0] + 0.01

    drawable = clear if clear.sum() >= n_items else np.ones(n, dtype=bool)  # a small log: everything
    rng = np.random.default_rng(seed)
    pool_of = {a: np.flatnonzero(drawable & (optimal == a)) for a in range(3)}
    quota = _spread(n_items, {a: v.size for a, v in pool_of.items()})
    pair = _crossing_pair(rng, score, pool_of, quota)
    chosen = [pair]
    for a, k in quota.items():
        fixed = pair[optimal[pair] == a]  # the crossing pair's item, counted in this action's mix
        pool = np.setdiff1d(pool_of[a], fixed)
        traps, easy = pool[kind[pool] > 0], pool[kind[pool] == 0]
        fixed_traps = int((kind[fixed] > 0).sum())
        want = min(int(k * share + 0.5), traps.size + fixed_traps)
        want = max(want, k - easy.size - (fixed.size - fixed_traps))
        n_traps = min(max(want - fixed_traps, 0), traps.size)
        n_easy = min(k - fixed.size - n_traps, easy.size)
        n_traps = min(k - fixed.size - n_easy, traps.size)
        chosen += [traps[_weighted_sample(rng, np.ones(traps.size), n_traps)]]
        chosen += [easy[_weighted_sample(rng, np.ones(easy.size), n_easy)]]
    pick = rng.permutation(np.concatenate(chosen).astype(int))

    ids = log["decision_id"].to_numpy()[pick] if "decision_id" in log.columns else pick
    out = pd.DataFrame({"item": np.arange(1, n_items + 1), "row": pick, "decision_id": ids})
    out["score"], out["p"], out["value_usd"] = score[pick], prob[pick], value[pick]
    extra = list(dict.fromkeys([*context, *(c for c in ("action_type", "group") if c in log.columns)]))
    extra = [c for c in extra if c not in out.columns]
    out[extra] = log[extra].iloc[pick].to_numpy()
    out["outcome"] = y[pick]
    for c in ("false_action_usd", "missed_usd", "escalate_usd"):
        out[c] = np.broadcast_to(costs.array(c), n)[pick]
    out["reviewer_miss_rate"] = float(costs.reviewer_miss_rate)
    out["reviewer_false_block_rate"] = float(costs.reviewer_false_block_rate)
    names = np.asarray(STREAM_CHOICES)
    for j, c in enumerate(STREAM_CHOICES):
        out[f"{c}_allowed"] = ok[pick, j]
    out["rule"] = [str(r or "") for r in why[pick]]
    out["forbidden"] = [", ".join(names[~a]) for a in ok[pick]]
    for j, c in enumerate(STREAM_CHOICES):
        out[f"expected_{c}_usd"], out[f"realised_{c}_usd"] = expected[pick, j], realised[pick, j]
    out["optimal"], out["naive"] = names[optimal[pick]], names[naive[pick]]
    out["naive_regret_usd"] = regret[pick]
    out["kind"] = np.asarray(STREAM_KINDS)[kind[pick]]
    out["reason"] = [_reason(r) for r in out.to_dict("records")]  # at most n_items lines of text
    out.attrs.update(seed=seed, naive_confidence=t, context=context)
    out.attrs["mix"] = {k: int((out["kind"] == k).sum()) for k in STREAM_KINDS}
    out.attrs["optimal_mix"] = {c: int((out["optimal"] == c).sum()) for c in STREAM_CHOICES}
    out.attrs["available"] = {k: int((drawable & (kind == i)).sum()) for i, k in enumerate(STREAM_KINDS)}
    return out


def _crossing_pair(
    rng: np.random.Generator, score: np.ndarray, pool_of: Mapping[int, np.ndarray], quota: Mapping[int, int]
) -> np.ndarray:
    """Positions of a decision where acting is optimal and one, stated more confident, where it is not.

    Drawn from the pools (``pool_of``: positions by optimal action, 0 act, 1 escalate, 2 block) whose
    ``quota`` has room: the act item uniformly among those stated below the most confident non-act
    decision, then the other uniformly among the non-act decisions stated above it. Any single cut on
    the stated confidence gets one of the two wrong. Empty when there is no such pair.
    """
    none = np.empty(0, dtype=int)
    acts = pool_of.get(0, none) if quota.get(0, 0) > 0 else none
    others = np.concatenate([none, *(pool_of[a] for a in (1, 2) if quota.get(a, 0) > 0)])
    if not acts.size or not others.size:
        return none
    low = acts[score[acts] < score[others].max()]
    if not low.size:
        return none
    act = low[rng.integers(low.size)]
    above = others[score[others] > score[act]]
    return np.array([act, above[rng.integers(above.size)]])


def _spread(n_items: int, sizes: Mapping[int, int]) -> dict[int, int]:
    """``n_items`` spread as evenly as possible over the pools, none above its size (first pools first).

    Examples
    --------
    >>> _spread(12, {0: 100, 1: 100, 2: 100}), _spread(12, {0: 2, 1: 100, 2: 100}), _spread(5, {0: 9, 2: 9})
    ({0: 4, 1: 4, 2: 4}, {0: 2, 1: 5, 2: 5}, {0: 3, 2: 2})
    """
    quota = {a: 0 for a in sizes}
    left = n_items
    while left > 0:
        open_ = [a for a in sizes if quota[a] < sizes[a]]
        if not open_:
            break
        each, extra = divmod(left, len(open_))
        for i, a in enumerate(open_):
            add = min(each + (i < extra), sizes[a] - quota[a])
            quota[a] += add
            left -= add
    return quota
