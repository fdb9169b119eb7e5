"""Scripted learners on the pricing case (issue 14, closing note): no constant answer, no confidence cut, no
constant guardrail setting and no tick-everything launch call scores near a learner who reads the card and
the case file, at the defaults and on a variant of each call."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest

import nogo
from nogo.models.costs import ACTIONS
from nogo.practice.launch import LaunchCall
from tests.unit.scripted_learners import check_informed_premortem

_ROOT = Path(__file__).resolve().parents[2]
CASE = nogo.load_case(_ROOT / "casebook" / "pricing-feedback-loop.yaml")
# "Making of a Fly" reading of the case: what a wrong action of each type loses, as the generator plants it.
LOSS_SHARE = {t: share for t, (_, share) in nogo.PRICING_ACTIONS.items()}


@pytest.fixture(scope="module", params=[None, 1, 3])  # the defaults; variant 1 (no-go); variant 3 (ship)
def data(request):
    values = {} if request.param is None else CASE.variant(request.param)
    return nogo.open_case(CASE, _ROOT / "data").build(values)


def _regret_per_reprice(data, actions) -> float:
    """Expected regret per reprice against the cheapest action, by hand (no hard rule in this case)."""
    expected = data.expected_costs()
    rows = np.arange(len(data.log))
    return float((expected[rows, [ACTIONS.index(a) for a in actions]] - expected.min(axis=1)).mean())


def _informed(data) -> np.ndarray:
    """The card (action type, value at stake) and the case file (accuracy, review, miss rate, missed share)."""
    v, prm = data.log["value_usd"].to_numpy(), data.parameters
    wrong = data.log["action_type"].map(LOSS_SHARE).to_numpy() * v
    acc = prm["accuracy"]
    guess = np.column_stack([
        (1 - acc) * wrong,
        prm["review_usd"] + (1 - acc) * prm["reviewer_miss_rate"] * wrong,
        acc * prm["missed_share"] * v,
    ])  # fmt: skip
    return np.asarray(ACTIONS)[guess.argmin(axis=1)]


def test_every_reprice_no_constant_answer_or_confidence_cut_comes_near_the_informed_learner(data):
    n = len(data.log)
    informed = _regret_per_reprice(data, _informed(data))
    naive = _regret_per_reprice(
        data, np.where(data.log["score"] >= CASE.drill.naive_confidence, "act", "escalate")
    )
    for name, regret in {
        **{a: _regret_per_reprice(data, np.full(n, a)) for a in ACTIONS},
        "naive": naive,
    }.items():
        assert regret >= 2 * informed, (name, regret, informed)
    assert informed <= 0.15 * naive


def test_signature_only_the_informed_setting_is_correct(data):
    task = nogo.open_case(CASE, _ROOT / "data").signature_task(data)
    names = [lever.name for lever in task.levers]
    informed = dict(zip(names, ("1.5x the reference", "no limit", "one large move"), strict=True))
    assert task.score(informed).correct
    best = task.optimum()[1].cost_usd
    constant = [
        ("no cap", "no limit", "no kill switch"),
        ("no cap", "10% a day", "no kill switch"),  # the distractor alone
        ("1.5x the reference", "5% a day", "one large move"),  # tick everything, tight
        ("10x the reference", "no limit", "no kill switch"),
    ]
    for setting in constant:
        score = task.score(dict(zip(names, setting, strict=True)))
        assert not score.correct and score.regret_usd > 0.5 * best, setting


def test_premortem_the_informed_ranking_beats_the_files_order_and_its_reverse():
    check_informed_premortem(CASE)


@pytest.mark.parametrize("variant", [None, 1, 3])
def test_launch_ticking_everything_scores_below_the_informed_learner(variant):
    params = CASE.defaults() if variant is None else CASE.variant(variant)
    answer = CASE.call_for(params)
    everything = [*CASE.drill.guardrails, *(d.guardrail for d in CASE.drill.distractors)]

    def run(guardrails, evidence):
        with contextlib.redirect_stdout(io.StringIO()):
            return LaunchCall(CASE, params).run_scripted(
                answer.call, guardrails, "scripted", evidence=evidence
            )

    ticked = run(everything, [e.fact for e in CASE.drill.evidence])
    informed = run(answer.key_guardrails, [e.fact for e in CASE.drill.evidence if e.deciding])
    assert informed.points == informed.max_points
    if answer.call == "ship with guardrails":
        assert ticked.points <= 0.5 * informed.points
    else:  # a no-go guards nothing: each pick costs a point, as do the irrelevant facts
        assert ticked.points <= 0.5 * informed.points and ticked.hedged == len(everything)
