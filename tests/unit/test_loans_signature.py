"""The loan case's signature drill (which offer types the agent may make alone) against a per-borrower
brute force written from the rules in prose, and its optimum against an exhaustive search by hand."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import nogo
import nogo.cases.loan_steering as ln

_ROOT = Path(__file__).resolve().parents[2]
TYPES = ["rate_cut", "income_driven", "forbearance_3m", "forbearance_12m", "term_extension"]


@pytest.fixture(scope="module")
def data():
    case = nogo.open_case(nogo.load_case(_ROOT / "casebook" / "loan-steering.yaml"), _ROOT / "data")
    return case.build({"seed": 5, "n_borrowers": 10_000})


@pytest.fixture(scope="module")
def task(data):
    return nogo.open_case(
        nogo.load_case(_ROOT / "casebook" / "loan-steering.yaml"), _ROOT / "data"
    ).signature_task(data)


def _by_hand(data, setting: dict) -> dict:
    """The calls, one borrower at a time, from the rules as the drill states them (no shared code)."""
    log = data.log
    kind = log["action_type"].tolist()
    save, change = log["monthly_saving_usd"].tolist(), log["total_cost_change_usd"].tolist()
    wrong_usd = (log["value_usd"] + 150 + 40).tolist()  # the case's base costs of a wrong offer
    relief = [0.5 * (max(a, 0.0) if c > 0.005 else v)
              for a, c, v in zip(log["annual_saving_usd"], change, log["value_usd"], strict=True)]  # fmt: skip
    right = log["outcome"].tolist()
    harm = officer = withheld = 0.0
    harmed = calls = 0
    for rows in log.groupby("borrower_id", sort=True).indices.values():
        rows = rows.tolist()
        best_possible = max([relief[i] for i in rows if right[i]], default=0.0)
        allowed = [i for i in rows if setting[kind[i]] != "never"]
        got = 0.0
        if allowed:
            # the agent's favourite: largest monthly saving, then lower total cost, then the log's order
            fav = min(allowed, key=lambda i: (-save[i], change[i], i))
            if setting[kind[fav]] == "alone":
                if right[fav]:
                    got = relief[fav]
                else:
                    harm += wrong_usd[fav]
                    harmed += 1
            else:
                calls += 1
                officer += 20 + (0 if right[fav] else 0.05 * wrong_usd[fav])
                got = max([relief[i] for i in allowed if right[i]], default=0.0)
        withheld += best_possible - got
    return {"cost": harm + officer + withheld, "harmed": harmed, "calls": calls, "withheld": withheld}


def test_the_case_declares_one_lever_per_offer_type_with_three_choices(task):
    assert isinstance(task, ln.OfferAutonomyTask)
    assert [lever.name for lever in task.levers] == TYPES
    assert all(lever.choices == ("alone", "officer", "never") for lever in task.levers)
    assert len(task.settings()) == 3**5
    assert set(task.raising_types) == {"income_driven", "forbearance_3m", "forbearance_12m", "term_extension"}


@pytest.mark.parametrize(
    "setting",
    [
        dict.fromkeys(TYPES, "alone"),  # the agent as scored: everything alone
        {**dict.fromkeys(TYPES, "officer"), "rate_cut": "alone"},  # every cost-raising offer disclosed
        {**dict.fromkeys(TYPES, "never"), "rate_cut": "alone"},  # only what cannot raise the cost
        {"rate_cut": "officer", "income_driven": "alone", "forbearance_3m": "never", "forbearance_12m": "officer",
         "term_extension": "alone"},
    ],
)  # fmt: skip
def test_a_setting_costs_what_the_calls_cost_one_borrower_at_a_time(data, task, setting):
    hand = _by_hand(data, setting)
    out = task.evaluate(setting)
    assert out.cost_usd == pytest.approx(hand["cost"], rel=1e-9)
    assert out.metrics["borrowers harmed (cost raised without consent)"] == hand["harmed"]
    assert out.metrics["disclosure calls"] == hand["calls"]
    assert out.metrics["officer hours"] == pytest.approx(hand["calls"] * 20 / 60)
    assert out.metrics["relief withheld (USD)"] == pytest.approx(hand["withheld"], rel=1e-9)


def test_the_optimum_is_the_cheapest_setting_that_makes_no_cost_raising_offer_alone(task):
    costs = {}
    for combo in itertools.product(("alone", "officer", "never"), repeat=5):
        setting = dict(zip(TYPES, combo, strict=True))
        costs[combo] = (task.evaluate(setting).cost_usd, any(setting[t] == "alone" for t in TYPES[1:]))
    lawful = {k: c for k, (c, breaks) in costs.items() if not breaks}
    best, outcome = task.optimum()
    assert outcome.cost_usd == pytest.approx(min(lawful.values()))
    assert tuple(best.values()) in lawful
    # the lesson: alone only for the offer that cannot raise the total cost; a person or nothing for the rest
    assert best["rate_cut"] == "alone" and all(best[t] != "alone" for t in TYPES[1:])
    assert (
        outcome.broken_rules == () and outcome.metrics["borrowers harmed (cost raised without consent)"] == 0
    )


def test_no_setting_that_breaks_the_rule_is_correct_and_the_agent_as_scored_is_far_worse(task):
    for setting in task.settings():
        score = task.score(setting)
        assert score.regret_usd >= 0
        if any(setting[t] == "alone" for t in task.raising_types):
            assert score.outcome.broken_rules == (ln.NO_HIDDEN_COST_RULE,) and not score.correct
    steering = task.score(dict.fromkeys(TYPES, "alone"))
    assert steering.outcome.metrics["borrowers harmed (cost raised without consent)"] > 5_000
    assert steering.regret_usd > 100 * task.optimum()[1].cost_usd


def test_every_lawful_setting_harms_nobody_and_disclosing_everything_beats_the_agent_as_scored(task):
    for setting in task.settings():
        out = task.evaluate(setting)
        if not out.broken_rules:
            assert out.metrics["borrowers harmed (cost raised without consent)"] == 0
    disclose_all = task.evaluate({**dict.fromkeys(TYPES, "officer"), "rate_cut": "alone"})
    assert disclose_all.cost_usd < task.evaluate(dict.fromkeys(TYPES, "alone")).cost_usd / 10


def test_a_setting_must_name_every_offer_type_with_one_of_its_choices(task):
    with pytest.raises(nogo.InputError, match="term_extension: no setting given"):
        task.evaluate(dict.fromkeys(TYPES[:-1], "alone"))
    with pytest.raises(nogo.InputError, match="rate_cut: 'sometimes' is not one of"):
        task.evaluate({**dict.fromkeys(TYPES, "never"), "rate_cut": "sometimes"})
