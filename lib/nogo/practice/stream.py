"""The decision-stream drill: one agent decision at a time; act, escalate or block; the cost revealed.

Vocabulary. The drill speaks the interview's words, **act**, **escalate**, **block**; the cost models
speak :data:`nogo.ACTIONS`, where ``block`` is called ``decline`` (:data:`MODEL_ACTION`). Every column,
answer and stored attempt here uses the drill's words; ``"decline"`` is accepted as ``"block"``.

Two kinds of cost, never mixed up. **Expected** cost (USD), from the calibrated probability ``p`` that
acting is right (:meth:`nogo.DecisionCosts.expected`), picks the cost-optimal action (the argmin: what a
policy can know before the outcome) and measures ``regret_usd``: judgement with luck removed, never
negative. **Realised** cost (USD), once the outcome is known (:meth:`nogo.DecisionCosts.realised`), is
what happened: the running score and the stored attempts use it, so a lucky wrong call can cost less
than the optimal one on a single item (``realised_regret_usd < 0``).

The naive rule is the one in :func:`nogo.naive_policy`: act when the agent's own ``score`` is at least
``naive_confidence``, else escalate (hold back where escalation is unavailable, ``escalate_usd = inf``).
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import altair as alt
import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array, check_choice, check_rate
from nogo.errors import InputError
from nogo.formatting import math_safe_html
from nogo.models.costs import DecisionCosts

__all__ = [
    "MODEL_ACTION", "STREAM_CHOICES", "STREAM_KINDS", "DecisionStream", "StreamFeedback", "draw_stream",
    "reveal", "stream_chart", "stream_disagreements", "stream_summary", "stream_text",
]  # fmt: skip

STREAM_CHOICES: tuple[str, ...] = ("act", "escalate", "block")
"""The learner's three choices, in the models' order (act, escalate, decline)."""
MODEL_ACTION: dict[str, str] = {"act": "act", "escalate": "escalate", "block": "decline"}
"""Drill word to :data:`nogo.ACTIONS` word: ``block`` is the models' ``decline``."""
STREAM_KINDS: tuple[str, ...] = ("easy", "trap: overconfident stakes", "trap: trivial stakes")
"""Item kinds: the naive rule is right; it acts where the optimum holds back; it escalates needlessly."""
POLICIES: tuple[str, ...] = ("you", "cost-optimal", "naive")
_COLOURS = ("#e9c46a", "#264653", "#e76f51")  # you; cost-optimal (charts._OPTIMAL); naive (charts._HIGHLIGHT)


# --- pure functions -------------------------------------------------------------------------------


def _usd(x: float) -> str:
    if not np.isfinite(x):
        return "unavailable"
    return f"${x:,.0f}" if abs(x) >= 100 else f"${x:,.2f}"


def _pct(p: float) -> str:
    """A percentage with enough decimals that 0.996 does not print as 100%."""
    for d in range(4):
        text = f"{p:.{d}%}"
        if (p >= 1 or float(text[:-1]) < 100) and (p <= 0 or float(text[:-1]) > 0):
            return text
    return f"{p:.4%}"


def _int(name: str, value: Any, low: int, high: int | None = None) -> int:
    whole = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not whole or value < low or (high is not None and value > high):
        upper = f" and <= {high}" if high is not None else ""
        raise InputError(f"{name}: expected a whole number >= {low}{upper}, got {value!r}")
    return int(value)


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
    said = f"the agent says {_pct(score)} but is right {_pct(p)} of the time; " * (_pct(score) != _pct(p))
    risk = f"a wrong action costs {_usd(row['false_action_usd'])} here; at {_pct(p)} that is {_usd(act)}"
    risk += " expected"
    review = (
        f"a {_usd(esc)} review"
        if np.isclose(esc, row["escalate_usd"])
        else f"escalating ({_usd(esc)} expected)"
    )
    review = review if np.isfinite(esc) else "nobody can review it"
    block = f"blocking ({_usd(blk)} expected in missed value)"
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
    n_items = _int("n_items", n_items, 1, n)
    seed = _int("seed", seed, 0)
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


@dataclass(frozen=True)
class StreamFeedback:
    """What one answer revealed. ``*_cost_usd`` are realised (what happened); ``*_expected_*`` expected.

    ``regret_usd`` is the expected regret of the choice (its expected cost minus the optimum's, >= 0):
    the judgement. ``realised_regret_usd`` is ``cost_usd - optimal_cost_usd``: judgement plus luck.
    """

    item: int
    decision_id: int
    kind: str
    choice: str
    optimal: str
    naive: str
    outcome: bool
    cost_usd: float
    optimal_cost_usd: float
    naive_cost_usd: float
    expected_cost_usd: float
    optimal_expected_cost_usd: float
    naive_expected_cost_usd: float
    regret_usd: float
    realised_regret_usd: float
    reason: str

    @property
    def correct(self) -> bool:
        """Whether the choice was the cost-optimal one."""
        return self.choice == self.optimal

    def to_text(self) -> str:
        """Two lines of plain text: what happened and why the optimum is what it is."""
        happened = "acting was right" if self.outcome else "acting was wrong"
        verdict = "the cost-optimal call" if self.correct else f"the cost-optimal call was {self.optimal}"
        return (
            f"Item {self.item}: you chose {self.choice} ({verdict}); {happened}. Your cost "
            f"{_usd(self.cost_usd)}, optimal {_usd(self.optimal_cost_usd)}, naive "
            f"{_usd(self.naive_cost_usd)}; expected regret {_usd(self.regret_usd)}.\nWhy: {self.reason}"
        )


_ITEM_COLUMNS = (
    "item", "decision_id", "kind", "outcome", "optimal", "naive", "reason",
    *(f"{w}_{c}_usd" for w in ("expected", "realised") for c in STREAM_CHOICES),
)  # fmt: skip


def _choice(choice: Any) -> str:
    if choice == "decline":
        return "block"
    return check_choice("choice", choice, STREAM_CHOICES)


def reveal(item: Mapping[str, Any] | pd.Series, choice: str) -> StreamFeedback:
    """Score one answer: the realised outcome and costs, and the expected regret of the choice.

    Parameters
    ----------
    item
        One row of :func:`draw_stream`.
    choice
        ``"act"``, ``"escalate"`` or ``"block"`` (``"decline"`` is accepted and recorded as ``"block"``).

    Examples
    --------
    >>> item = {"item": 1, "decision_id": 7, "kind": "easy", "outcome": False, "optimal": "escalate",
    ...         "naive": "act", "reason": "...", "expected_act_usd": 300.0, "expected_escalate_usd": 25.0,
    ...         "expected_block_usd": 40.0, "realised_act_usd": 3000.0, "realised_escalate_usd": 25.0,
    ...         "realised_block_usd": 0.0}
    >>> f = reveal(item, "block")
    >>> f.cost_usd, f.optimal_cost_usd, f.naive_cost_usd, f.regret_usd, f.realised_regret_usd
    (0.0, 25.0, 3000.0, 15.0, -25.0)
    """
    choice = _choice(choice)
    gone = [c for c in _ITEM_COLUMNS if c not in item]
    if gone:
        raise InputError(f"item: missing {gone[0]!r}; expected a row of draw_stream")
    exp = {c: float(item[f"expected_{c}_usd"]) for c in STREAM_CHOICES}
    real = {c: float(item[f"realised_{c}_usd"]) for c in STREAM_CHOICES}
    who = {"": choice, "optimal_": str(item["optimal"]), "naive_": str(item["naive"])}
    priced = {f"{k}cost_usd": real[a] for k, a in who.items()}
    priced |= {f"{k}expected_cost_usd": exp[a] for k, a in who.items()}
    opt = who["optimal_"]
    return StreamFeedback(
        int(item["item"]), int(item["decision_id"]), str(item["kind"]), choice, opt, who["naive_"],
        bool(item["outcome"]), **priced, regret_usd=exp[choice] - exp[opt],
        realised_regret_usd=real[choice] - real[opt], reason=str(item["reason"]),
    )  # fmt: skip


ANSWER_COLUMNS: tuple[str, ...] = (*(f.name for f in fields(StreamFeedback)), "correct", "time_taken_seconds")


_PRICED = ("cost_usd", "expected_cost_usd")
_DISAGREEMENT_HEADERS = {
    "item": "item", "decision_id": "decision", "kind": "kind", "choice": "you", "optimal": "optimum",
    "cost_usd": "your cost", "optimal_cost_usd": "optimal cost", "regret_usd": "expected regret",
    "reason": "why",
}  # fmt: skip


def _answers(answers: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    if not isinstance(answers, pd.DataFrame):
        raise InputError(f"answers: expected a pandas DataFrame, got {type(answers).__name__}")
    for c in (c for c in columns if c not in answers.columns):
        raise InputError(f"answers: missing column {c!r}; expected the frame of DecisionStream.answers")
    return answers


def stream_summary(answers: pd.DataFrame) -> pd.DataFrame:
    """Running totals for you, the cost-optimal policy and the naive rule, over the answered items.

    Parameters
    ----------
    answers
        One row per answer with the fields of :class:`StreamFeedback` (``DecisionStream.answers``).

    Returns
    -------
    pandas.DataFrame
        Long format, three rows per item: ``item``, ``policy`` (``you``, ``cost-optimal``, ``naive``),
        ``cost_usd`` (realised), ``cumulative_cost_usd``, ``expected_cost_usd``,
        ``cumulative_expected_cost_usd``.

    Examples
    --------
    >>> a = pd.DataFrame({"item": [1, 2], "cost_usd": [0.0, 10.0], "optimal_cost_usd": [0.0, 0.0],
    ...     "naive_cost_usd": [5.0, 5.0], "expected_cost_usd": 1.0, "optimal_expected_cost_usd": 1.0,
    ...     "naive_expected_cost_usd": 5.0})
    >>> s = stream_summary(a)
    >>> s[s["item"] == 2].set_index("policy")["cumulative_cost_usd"].to_dict()
    {'you': 10.0, 'cost-optimal': 0.0, 'naive': 10.0}
    """
    a = _answers(answers, ["item", *(f"{w}{c}" for w in ("", "optimal_", "naive_") for c in _PRICED)])
    n, k = len(a), len(POLICIES)
    out = pd.DataFrame({"item": np.repeat(a["item"].to_numpy(), k), "policy": np.tile(POLICIES, n)})
    for c in _PRICED:  # (n, 3) matrices, one column per policy, flattened row by row
        m = np.column_stack([a[f"{w}{c}"].to_numpy(dtype=float) for w in ("", "optimal_", "naive_")])
        out[c], out[f"cumulative_{c}"] = m.ravel(), np.cumsum(m, axis=0).ravel()
    return out


def stream_chart(summary: pd.DataFrame, *, title: str = "Cumulative realised cost") -> alt.Chart:
    """Cumulative realised cost of you, the cost-optimal policy and the naive rule, item by item.

    Parameters
    ----------
    summary
        The frame of :func:`stream_summary`.

    Examples
    --------
    >>> s = pd.DataFrame({"item": [1, 1, 1], "policy": ["you", "cost-optimal", "naive"],
    ...     "cumulative_cost_usd": [0.0, 5.0, 0.0], "cumulative_expected_cost_usd": [1.0, 1.0, 4.0]})
    >>> stream_chart(s).to_dict()["layer"][0]["mark"]["type"]
    'line'
    """
    need = ["item", "policy", "cumulative_cost_usd", "cumulative_expected_cost_usd"]
    if not isinstance(summary, pd.DataFrame) or any(c not in summary.columns for c in need):
        raise InputError(f"summary: expected the frame of stream_summary with columns {', '.join(need)}")
    colour = alt.Color("policy:N", scale=alt.Scale(domain=list(POLICIES), range=list(_COLOURS)))
    tips = [alt.Tooltip(f"{c}:Q", format=",.2f", title=f"{c[11:-4]} (USD)") for c in need[2:]]
    base = alt.Chart(summary[need]).encode(
        x=alt.X("item:Q", title="item", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("cumulative_cost_usd:Q", title="cumulative realised cost (USD)"),
        color=colour,
        tooltip=["policy:N", "item:Q", *tips],
    )
    layers = alt.layer(base.mark_line(strokeWidth=2.5), base.mark_point(filled=True, size=50))
    return layers.properties(title=title)


def stream_disagreements(answers: pd.DataFrame) -> pd.DataFrame:
    """The items where your choice was not the cost-optimal one, costliest judgement first.

    Returns columns ``item``, ``decision_id``, ``kind``, ``choice``, ``optimal``, ``cost_usd``,
    ``optimal_cost_usd`` (realised), ``regret_usd`` (expected) and ``reason``.

    Examples
    --------
    >>> a = pd.DataFrame({"item": [1, 2], "decision_id": [4, 9], "kind": "easy", "choice": ["act", "act"],
    ...     "optimal": ["act", "block"], "cost_usd": [0.0, 0.0], "optimal_cost_usd": [0.0, 3.0],
    ...     "regret_usd": [0.0, 2.5], "reason": ["", "blocking is cheapest"]})
    >>> stream_disagreements(a)["item"].tolist()
    [2]
    """
    a = _answers(answers, _DISAGREEMENT_HEADERS)
    out = a.loc[a["choice"] != a["optimal"], list(_DISAGREEMENT_HEADERS)]
    out = out.sort_values(["regret_usd", "item"], ascending=[False, True], kind="stable")
    return out.reset_index(drop=True)


def _totals(a: pd.DataFrame) -> list[str]:
    """Two lines: realised and expected totals of you, the cost-optimal policy and the naive rule."""
    t = {c: _usd(float(a[c].sum())) for c in a.columns if c.endswith("cost_usd")}
    return [
        f"Realised cost (what happened): you {t['cost_usd']}, cost-optimal {t['optimal_cost_usd']}, "
        f"naive rule {t['naive_cost_usd']}.",
        f"Expected cost (the judgement, luck removed): you {t['expected_cost_usd']}, cost-optimal "
        f"{t['optimal_expected_cost_usd']}, naive rule {t['naive_expected_cost_usd']}.",
    ]


def stream_text(answers: pd.DataFrame, n_items: int | None = None) -> str:
    """A plain-text summary of the answers: totals beside the optimum and the naive rule, disagreements.

    Examples
    --------
    >>> print(stream_text(pd.DataFrame(columns=list(ANSWER_COLUMNS)), n_items=12))
    Decision stream: 0 of 12 items answered.
    """
    a = _answers(answers, ANSWER_COLUMNS[:-2])
    head = f"Decision stream: {len(a)} of {n_items if n_items is not None else len(a)} items answered."
    if a.empty:
        return head
    match = int((a["choice"] == a["optimal"]).sum())
    lines = [head, *_totals(a), f"You made the cost-optimal call on {match} of {len(a)}."]
    dis = stream_disagreements(a)
    if not dis.empty:
        lines.append("Where you and the optimum disagreed:")
        lines += [
            f"- item {r.item} (decision {r.decision_id}, {r.kind}): you chose {r.choice}, the optimum "
            f"{r.optimal} (expected regret {_usd(r.regret_usd)}). {r.reason}"
            for r in dis.itertuples()
        ]
    return "\n".join(lines)


# --- the widget: a thin shell over the functions above --------------------------------------------


def _svg(chart: alt.Chart) -> str:
    import vl_convert

    return vl_convert.vegalite_to_svg(chart.to_dict())


def _table(frame: pd.DataFrame, headers: Mapping[str, str]) -> str:
    """An HTML table of ``frame``'s ``headers`` columns; pandas escapes every cell; money formatted."""
    money = {c: _usd for c in headers if c.endswith("_usd")}
    view = frame[list(headers)].rename(columns=headers)
    return view.to_html(index=False, escape=True, formatters={headers[c]: f for c, f in money.items()})


class DecisionStream:
    """The decision-stream drill as a widget: one decision, three buttons, the cost revealed.

    Draws ``case.drill.stream_items`` items with :func:`draw_stream` (the case's naive confidence,
    ``seed``); clicking **Act**, **Escalate** or **Block** (or calling :meth:`answer`) reveals the
    outcome and its realised cost beside the optimum's and the naive rule's, records the attempt in
    ``store`` (immediately, before the next item shows), and moves on. At the end it shows the
    cumulative-cost chart (SVG) and the items where you and the optimum disagreed, with reasons.

    The attempt stored per item: ``drill="stream"``, ``item="decision <decision_id>"``, ``choice`` and
    ``optimal_choice`` in the drill's words (``block`` for the models' ``decline``), ``cost_usd`` and
    ``optimal_cost_usd`` REALISED (so the store's ``regret_usd`` includes luck and may be negative), and
    the seconds from the item being shown to the answer, by ``clock``. ``variant_seed`` defaults to
    ``seed``.

    State, for tests and scripts: :attr:`items` (the stream), :attr:`answers` (one row per answer),
    :attr:`done`, :attr:`current` (the item on screen, ``None`` when done), :attr:`attempt_ids`,
    :attr:`error` (the last message a click produced, or ``None``); :attr:`view` is the widget.
    """

    def __init__(
        self,
        case: Any,
        log: pd.DataFrame,
        p: npt.ArrayLike,
        costs: DecisionCosts,
        *,
        seed: int,
        store: Any = None,
        learner: str = "me",
        variant_seed: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        if not isinstance(learner, str) or not learner.strip():
            raise InputError(f"learner: expected a non-empty name, got {learner!r}")
        n = min(case.drill.stream_items, len(log)) if isinstance(log, pd.DataFrame) else 1
        self.items = draw_stream(
            log, p, costs, n_items=n, seed=seed, naive_confidence=case.drill.naive_confidence
        )
        self.case, self.store, self.learner, self.clock = case, store, learner, clock
        self.variant_seed = _int("variant_seed", seed if variant_seed is None else variant_seed, 0)
        self.attempt_ids: list[int] = []
        self.error: str | None = None
        self._records: list[dict[str, Any]] = []
        self.header_html, self.item_html, self.feedback_html = w.HTML(), w.HTML(), w.HTML()
        self.score_html, self.end_html = w.HTML(), w.HTML()
        self.buttons = {
            c: w.Button(description=c.capitalize(), tooltip=MODEL_ACTION[c]) for c in STREAM_CHOICES
        }
        for c, button in self.buttons.items():
            button.on_click(lambda _b, c=c: self._click(c))
        buttons = w.HBox(list(self.buttons.values()))
        top = [self.header_html, self.item_html, buttons]
        self.view = w.VBox([*top, self.feedback_html, self.score_html, self.end_html])
        self._shown_at = float(clock())
        self._render()
        print(self.summary_text())

    @property
    def answers(self) -> pd.DataFrame:
        """One row per answer: the fields of :class:`StreamFeedback`, ``correct``, ``time_taken_seconds``."""
        return pd.DataFrame(self._records, columns=list(ANSWER_COLUMNS))

    @property
    def done(self) -> bool:
        """Whether every item has been answered."""
        return len(self._records) >= len(self.items)

    @property
    def current(self) -> pd.Series | None:
        """The item waiting for an answer (a row of :attr:`items`), or ``None`` when done."""
        return None if self.done else self.items.iloc[len(self._records)]

    def answer(self, choice: str) -> StreamFeedback:
        """Answer the current item exactly as clicking its button does; return the feedback."""
        item = self.current
        if item is None:
            raise InputError("choice: the stream is finished; build a new DecisionStream to practise again")
        choice = _choice(choice)
        if not np.isfinite(item[f"expected_{choice}_usd"]):
            raise InputError(f"choice: {choice!r} is not available for this decision (nobody can review it)")
        fb = reveal(item, choice)
        taken = max(0.0, float(self.clock()) - self._shown_at)
        if self.store is not None:
            attempt = dict(learner=self.learner, case_id=self.case.id, variant_seed=self.variant_seed)
            attempt |= dict(drill="stream", item=f"decision {fb.decision_id}", choice=fb.choice)
            attempt |= dict(cost_usd=fb.cost_usd, optimal_choice=fb.optimal)
            attempt |= dict(optimal_cost_usd=fb.optimal_cost_usd, time_taken_seconds=taken)
            self.attempt_ids.append(self.store.record_attempt(**attempt))
        self._records.append({**asdict(fb), "correct": fb.correct, "time_taken_seconds": taken})
        self._shown_at = float(self.clock())
        self.error = None
        self._render(fb)
        return fb

    def run_scripted(self, choices: Iterable[str]) -> list[StreamFeedback]:
        """Answer the next items with ``choices`` in order (the headless path); return the feedback."""
        return [self.answer(c) for c in choices]

    def _click(self, choice: str) -> None:
        try:
            self.answer(choice)
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.feedback_html.value = math_safe_html(
                f'<p style="color:#b00020">{html.escape(self.error)}</p>'
            )

    def summary_text(self) -> str:
        """Plain text of where the drill stands: totals, and the disagreements with their reasons."""
        text = stream_text(self.answers, len(self.items))
        if not self.done:
            text += " Answer with the buttons, or .answer('act' | 'escalate' | 'block')."
        return f"{self.case.id}, learner {self.learner}, seed {self.items.attrs['seed']}. {text}"

    def chart(self) -> alt.Chart:
        """The cumulative-cost chart of the answers so far."""
        return stream_chart(stream_summary(self.answers))

    def _render(self, last: StreamFeedback | None = None) -> None:
        e, item = html.escape, self.current
        where = "finished" if item is None else f"item {len(self._records) + 1} of {len(self.items)}"
        self.header_html.value = math_safe_html(
            f"<b>{e(self.case.title)}</b><br>Decision stream ({e(self.learner)}): {where}"
        )
        for c, button in self.buttons.items():
            button.disabled = item is None or not np.isfinite(item[f"expected_{c}_usd"])
        self.item_html.value = "" if item is None else math_safe_html(_item_html(item))
        if last is not None:
            self.feedback_html.value = math_safe_html(
                "<p>" + e(last.to_text()).replace("\n", "<br>") + "</p>"
            )
        a = self.answers
        if not a.empty:
            self.score_html.value = math_safe_html(
                "<p>" + "<br>".join(e(line) for line in _totals(a)) + "</p>"
            )
        if item is None:
            dis = stream_disagreements(a)
            table = (
                _table(dis, _DISAGREEMENT_HEADERS) if len(dis) else "<p>The cost-optimal call every time.</p>"
            )
            title = "<h4>Where you and the optimum disagreed</h4>"
            self.end_html.value = math_safe_html(f"<div>{_svg(self.chart())}</div>{title}{table}")

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.view._repr_mimebundle_(**kwargs) or {}
        return {**bundle, "text/plain": self.summary_text()}

    def __repr__(self) -> str:
        return self.summary_text()


def _item_html(item: pd.Series) -> str:
    """The card of one decision: what the agent proposes, the stakes, its confidence, the prices."""
    e = html.escape
    what = e(str(item["action_type"])) if "action_type" in item else "to act"
    who = f" (group {e(str(item['group']))})" if "group" in item else ""
    return (
        f"<p>The agent proposes: <b>{what}</b>{who}, decision {e(str(item['decision_id']))}<br>"
        f"Value at stake: <b>{_usd(item['value_usd'])}</b><br>"
        f"Agent's confidence: <b>{_pct(item['score'])}</b>; calibrated chance it is right: "
        f"<b>{_pct(item['p'])}</b><br>A wrong action here costs "
        f"{_usd(item['false_action_usd'])}; an escalation {_usd(item['escalate_usd'])}; blocking a right "
        f"action {_usd(item['missed_usd'])}.</p>"
    )
