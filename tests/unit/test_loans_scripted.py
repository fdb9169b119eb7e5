"""Scripted learners on the loan case (issue 14, closing note): no constant answer, no confidence cut and
no setting that breaks the hard rule scores near a learner who reads the case file, at the defaults and on
variants that reach either call."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nogo
from nogo.models.costs import ACTIONS
from tests.unit.scripted_learners import check_informed_premortem

_ROOT = Path(__file__).resolve().parents[2]
CASE = nogo.load_case(_ROOT / "casebook" / "loan-steering.yaml")


def _regret_per_offer(data, actions) -> float:
    """Expected regret per offer against the cheapest action the hard rule allows, by hand."""
    expected = data.expected_costs()
    rows = np.arange(len(data.log))
    allowed = data.allowed()
    best = np.where(allowed, expected, np.inf).min(axis=1)
    return float((expected[rows, [ACTIONS.index(a) for a in actions]] - best).mean())


@pytest.fixture(scope="module", params=[None, 2, 3])  # the defaults; variant 2 (no-go); variant 3
def data(request):
    values = {} if request.param is None else CASE.variant(request.param)
    return nogo.open_case(CASE, _ROOT / "data").build(values)


def test_every_offer_no_constant_answer_or_confidence_cut_comes_near_the_informed_learner(data):
    log = data.log
    raises, hard = log["raises_total_cost"].to_numpy(), log["hardship"].to_numpy()
    relief = hard & (log["action_type"] != "term_extension").to_numpy()
    informed = _regret_per_offer(data, np.where(~raises, "act", np.where(relief, "escalate", "decline")))
    naive = _regret_per_offer(data, np.where(log["score"] >= CASE.drill.naive_confidence, "act", "escalate"))
    constant = {a: _regret_per_offer(data, np.full(len(log), a)) for a in ACTIONS}
    for name, regret in {**constant, "naive": naive}.items():
        assert regret >= 2 * informed, (name, regret, informed)
    assert informed <= 0.15 * naive
    assert constant["act"] > constant["decline"] > constant["escalate"] > 100 * informed


def test_signature_only_the_informed_setting_is_correct(data):
    task = nogo.open_case(CASE, _ROOT / "data").signature_task(data)
    types = [lever.name for lever in task.levers]
    informed = {
        t: "alone" if t not in task.raising_types else ("never" if t == "term_extension" else "officer")
        for t in types
    }
    assert task.score(informed).correct
    for choice in ("alone", "officer", "never"):
        score = task.score(dict.fromkeys(types, choice))
        assert not score.correct and score.regret_usd > 0.1 * task.optimum()[1].cost_usd
    assert task.score(dict.fromkeys(types, "alone")).outcome.broken_rules


def test_premortem_the_informed_ranking_beats_the_files_order_and_its_reverse():
    check_informed_premortem(CASE)
