"""The decision stream on every case of the casebook (the template too): scripted learners.

Each learner answers the same seeded streams (20 seeds, the case's own stream length and naive cut);
its score is the expected regret (USD, luck removed) summed over a stream, averaged over the seeds:

* ``always-act``, ``always-escalate``, ``always-block``: that action wherever it is available; where a hard
  rule forbids it (the card says so and its button is disabled), escalate (a person decides), else block;
* ``naive``: act when the agent's stated confidence is at least the case's ``naive_confidence``, else
  escalate (the same fallback);
* ``informed``: uses only the card and the case file. From the case's decision log (history: the stated
  confidence, the outcome and the card's context columns; never the calibrated ``p``), it builds the
  reliability table the case's notebook teaches: for each combination of the card's context values, the
  share of decisions that were right in each 5-point band of stated confidence. An item's chance is its
  band's share in its context. It knows the case file's cost components at the item's value (the wrong
  action, the missed value, the review, the reviewer's miss and false-block rates) and the hard rules
  (shown on the card), and takes the cheapest available action at its chance.

* ``best cut``: not a learner but the bound on every one-number rule: the single cut on the stated
  confidence (act at or above it; below it escalate, or block, with the same fallback) with the least
  expected regret on that stream, chosen in hindsight knowing the optimum.

Asserted on every case, at the defaults and on two coaching variants: each of the first four learners has
at least twice the informed learner's expected regret, and the informed learner at most 15% of the naive
rule's. So has the best cut, on every case where the card carries more than the stated confidence: the
costs or the hard rules differ between decisions, or the calibrated chance is not a monotone function of
the stated confidence (:func:`only_the_score_matters`, computed from the case, never a list of ids). Where
none of these holds (resume-proxy-bias: one salary, one rule on every applicant, the chance a function of
the score), the optimum *is* a cut at the right place by construction; the drill there teaches where the
cut sits and who decides below it, and the best cut is printed, not asserted. Printed:
``pytest -s tests/unit/test_stream_casebook.py -k every_case``.
"""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pandas as pd
import pytest

import nogo
from nogo.formatting import readable_label
from nogo.practice.stream import STREAM_CHOICES, DecisionStream

N_SEEDS, BAND = 20, 0.05
CASES = sorted(p.stem for p in nogo.Project.find().casebook.glob("*.yaml"))


def _available(items: pd.DataFrame) -> np.ndarray:
    """What the card lets a learner click: allowed by the rules and priced (someone can review)."""
    priced = np.column_stack(
        [np.ones(len(items), bool), np.isfinite(items["escalate_usd"]), np.ones(len(items), bool)]
    )
    return items[[f"{c}_allowed" for c in STREAM_CHOICES]].to_numpy(dtype=bool) & priced


def _or_a_person(available: np.ndarray, want: int) -> np.ndarray:
    rows = np.arange(len(available))
    other = np.where(available[:, 1], 1, np.where(available[:, 2], 2, 0))
    return np.where(available[rows, want], want, other)


def informed_chance(history: pd.DataFrame, context: list[str], items: pd.DataFrame) -> np.ndarray:
    """The reliability table of the module docstring, read at each item's context and confidence band."""
    bands = np.linspace(0, 1, round(1 / BAND) + 1)[1:-1]
    key = [*context, "band"]
    past = history[context].astype(str).assign(band=np.searchsorted(bands, history["score"], side="right"))
    table = past.assign(right=history["outcome"].astype(float)).groupby(key)["right"].mean()
    now = items[context].astype(str).assign(band=np.searchsorted(bands, items["score"], side="right"))
    return now.join(table, on=key)["right"].to_numpy(dtype=float)


def learners(items: pd.DataFrame, history: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each scripted learner's answers to ``items`` (a stream's items), by name."""
    available, n = _available(items), len(items)
    names = np.asarray(STREAM_CHOICES)
    out = {f"always-{c}": names[_or_a_person(available, np.full(n, j))] for j, c in enumerate(STREAM_CHOICES)}
    out["naive"] = items["naive"].to_numpy()
    chance = informed_chance(history, list(items.attrs["context"]), items)
    case_file_costs = nogo.DecisionCosts(
        items["false_action_usd"], items["missed_usd"], items["escalate_usd"],
        reviewer_miss_rate=float(items["reviewer_miss_rate"].iloc[0]),
        reviewer_false_block_rate=float(items["reviewer_false_block_rate"].iloc[0]),
    )  # fmt: skip
    out["informed"] = names[np.argmin(np.where(available, case_file_costs.expected(chance), np.inf), axis=1)]
    return out


def expected_regret(items: pd.DataFrame, answers: np.ndarray) -> float:
    """Expected cost of the answers minus the optimum's, summed over the items (USD)."""
    e = items[[f"expected_{c}_usd" for c in STREAM_CHOICES]].to_numpy()
    pos = {c: j for j, c in enumerate(STREAM_CHOICES)}
    rows = np.arange(len(items))
    chosen = e[rows, [pos[a] for a in answers]]
    return float((chosen - e[rows, [pos[a] for a in items["optimal"]]]).sum())


@pytest.fixture(scope="module", params=CASES)
def streams(request):
    """The case at its defaults and the items of its 20 seeded streams, through the widget's own draw."""
    case = nogo.open_case(nogo.Project.find().case(request.param))
    data = case.build()
    assert not {"p", "outcome"} & set(case.card(data).columns)  # the card never shows the answer
    items = []
    for seed in range(N_SEEDS):
        with contextlib.redirect_stdout(io.StringIO()):
            items.append(DecisionStream(case, data, seed=seed).items)
    return case, data, items


def best_cut_in_hindsight(items: pd.DataFrame) -> float:
    """The least expected regret of any single cut on the stated confidence: act at or above it, below it
    escalate (or block), the same fallback where a rule forbids; the cut chosen knowing the optimum."""
    available, names = _available(items), np.asarray(STREAM_CHOICES)
    cuts = np.r_[np.unique(items["score"]), np.inf]
    return min(
        expected_regret(items, names[_or_a_person(available, np.where(items["score"] >= c, 0, below))])
        for c in cuts
        for below in (1, 2)
    )


def history(case: nogo.Case, data: nogo.CaseData) -> pd.DataFrame:
    """The log a learner studies: its stated confidence, outcome and the card's columns (derived ones too)."""
    card = case.card(data)
    return data.log.assign(**{c: card[c].to_numpy() for c in card.columns if c not in data.log.columns})


def scores(items: list[pd.DataFrame], history: pd.DataFrame) -> dict[str, float]:
    """Each scripted learner's expected regret per stream (USD), the mean over the streams; and the best
    single cut's (``best cut``)."""
    out: dict[str, float] = {}
    for s in items:
        for name, answers in learners(s, history).items():
            out[name] = out.get(name, 0.0) + expected_regret(s, answers) / len(items)
    out["best cut"] = float(np.mean([best_cut_in_hindsight(s) for s in items]))
    return out


def only_the_score_matters(
    score: np.ndarray, p: np.ndarray, costs: nogo.DecisionCosts, allowed: np.ndarray, tolerance: float = 0.01
) -> bool:
    """Whether the stated confidence is all a card adds: every decision has the same costs and the same
    allowed actions, and the calibrated chance is a monotone function of the score (root-mean-square
    distance from its isotonic fit on the score below ``tolerance``: out-of-fold calibration jitters)."""
    from sklearn.isotonic import IsotonicRegression

    n = len(score)
    names = ("false_action_usd", "missed_usd", "escalate_usd")
    same_costs = all(np.ptp(np.broadcast_to(costs.array(c), n)) == 0 for c in names)
    fitted = IsotonicRegression().fit(score, p).predict(score)
    monotone = float(np.sqrt(np.mean((p - fitted) ** 2))) < tolerance
    return same_costs and bool((allowed == allowed[0]).all()) and monotone


def _one_signal(data: nogo.CaseData) -> bool:
    return only_the_score_matters(data.log["score"].to_numpy(dtype=float), data.p, data.costs, data.allowed())


def test_the_ordering_holds_on_every_case(streams):
    case, data, items = streams
    scores_usd = scores(items, history(case, data))
    print(f"\n{case.id}: expected regret per stream of {len(items[0])} items (USD), mean of {N_SEEDS} seeds")
    for name, usd in scores_usd.items():
        print(f"  {name:16s} {usd:14,.2f}")
    _check(case.id, scores_usd, cut_can_be_optimal=_one_signal(data))


def test_only_the_score_matters_tells_a_one_signal_case_from_the_others():
    """The exemption above is earned: a card that adds nothing is detected, and a second signal (a cost
    that differs between decisions, a chance not monotone in the score, a rule on some rows) is not missed."""
    score = np.linspace(0.01, 0.99, 200)
    costs, allowed = nogo.DecisionCosts(100.0, 20.0, 5.0), np.ones((200, 3), dtype=bool)
    assert only_the_score_matters(score, score, costs, allowed)
    assert not only_the_score_matters(score, np.abs(score - 0.5), costs, allowed)
    stakes = nogo.DecisionCosts(np.r_[100.0, np.full(199, 200.0)], 20.0, 5.0)
    assert not only_the_score_matters(score, score, stakes, allowed)
    some_rule = allowed.copy()
    some_rule[:50, 2] = False
    assert not only_the_score_matters(score, score, costs, some_rule)


def _check(case_id: str, scores_usd: dict[str, float], cut_can_be_optimal: bool = False) -> None:
    scores = dict(scores_usd)
    if cut_can_be_optimal:
        scores.pop("best cut")
    informed = scores.pop("informed")
    for name, usd in scores.items():
        assert usd >= 2 * informed, (
            f"{case_id}: {name} ({usd:,.2f}) is not twice the informed ({informed:,.2f})"
        )
    assert informed <= 0.15 * scores["naive"], (
        f"{case_id}: informed {informed:,.2f}, naive {scores['naive']:,.2f}"
    )


@pytest.mark.parametrize("variant_seed", [1, 2])
def test_the_ordering_holds_on_coaching_variants(streams, variant_seed):
    case, _data, _items = streams
    data = case.build(case.file.variant(variant_seed))
    with contextlib.redirect_stdout(io.StringIO()):
        items = [DecisionStream(case, data, seed=seed).items for seed in range(10)]
    _check(f"{case.id}, variant {variant_seed}", scores(items, history(case, data)), _one_signal(data))


def test_the_optimum_never_takes_an_action_a_hard_rule_forbids(streams):
    _case, data, items = streams
    best = pd.Series(data.best_actions()).replace({"decline": "block"})
    for s in items:
        allowed = s[[f"{c}_allowed" for c in STREAM_CHOICES]].to_numpy()
        assert allowed[np.arange(len(s)), [STREAM_CHOICES.index(c) for c in s["optimal"]]].all()
        assert s["optimal"].tolist() == best.iloc[s["row"]].tolist()  # CaseData.best_actions, independently


def test_the_card_shows_production_and_hides_the_calibrated_chance(streams):
    case, data, _items = streams
    with contextlib.redirect_stdout(io.StringIO()):
        w = DecisionStream(case, data, seed=0)
    item, card = w.current, w.item_html.value
    assert nogo.format_percent(item["score"]) in card and "Review desk" in card
    for column in case.card(data).columns:  # each value in the case's words (ids read as words)
        assert readable_label(item[column], case.CARD_LABELS) in card.replace("&amp;", "&")
    assert "calibrated" not in card and "expected" not in card
    if nogo.format_percent(item["p"]) != nogo.format_percent(item["score"]):
        assert nogo.format_percent(item["p"]) not in card
    fb = w.answer(next(c for c in STREAM_CHOICES if not w.buttons[c].disabled))
    assert f"right {nogo.format_percent(item['p'])} of the time" in w.feedback_html.value
    assert "expected" in fb.reason


def test_the_old_signature_draws_the_same_stream_with_the_case_s_hard_rules(streams):
    case, data, items = streams
    with contextlib.redirect_stdout(io.StringIO()):
        old = DecisionStream(case.file, data.log, data.p, data.costs, seed=0)
    pd.testing.assert_frame_equal(old.items, items[0])


def test_a_forbidden_action_is_refused_and_following_the_rule_is_never_a_stored_miss(streams, tmp_path):
    case, data, _items = streams
    if not data.hard_rules:
        pytest.skip(f"{case.id} has no hard rule")
    store = nogo.ProgressStore(tmp_path / "p.sqlite3")
    with contextlib.redirect_stdout(io.StringIO()):
        w = DecisionStream(case, data, seed=1, store=store, learner="ana")
    refused = 0
    while not w.done:
        item = w.current
        for c in (c for c in STREAM_CHOICES if not item[f"{c}_allowed"]):
            assert w.buttons[c].disabled and item["rule"] in w.item_html.value.replace("&#x27;", "'")
            w.buttons[c].click()  # refused, named, nothing stored
            assert "hard rule" in w.error and item["rule"] in w.error and w.current["item"] == item["item"]
            refused += 1
        w.answer(item["optimal"])
    attempts = store.attempts()
    allowed = w.items[[f"{c}_allowed" for c in STREAM_CHOICES]].to_numpy()
    stored = [STREAM_CHOICES.index(c) for c in attempts["optimal_choice"]]  # in the stream's order
    assert allowed[np.arange(len(w.items)), stored].all()
    assert refused > 0 and len(attempts) == len(w.items) and attempts["correct"].all()


def test_a_trivial_stakes_label_means_a_wrong_action_costs_no_more_than_a_review(streams):
    _case, _data, items = streams
    s = pd.concat(items)
    trivial = s["kind"] == "trap: trivial stakes"
    assert (s.loc[trivial, "false_action_usd"] <= s.loc[trivial, "escalate_usd"]).all()
    assert (s.loc[trivial, "naive"] != "act").all()
    over = s["kind"] == "trap: overconfident stakes"
    assert ((s.loc[over, "naive"] == "act") & (s.loc[over, "optimal"] != "act")).all()
