"""The segment drill scored against brute force over every table, with scripted learners."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

import nogo
from nogo.cases.casefile import load_case
from nogo.models.costs import ACTIONS
from nogo.practice.segment_drill import SegmentDrill, score_segment_policy, segment_costs

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def data() -> nogo.CaseData:
    case = nogo.open_case(load_case(ROOT / "casebook" / "_template.yaml"), data_root=ROOT / "data")
    return case.build()


def _brute_cost(data, table: dict[str, str]) -> tuple[float, bool]:
    """Mean expected cost per decision of ``table``, row by row at p_true, and whether it keeps the rules."""
    p = data.log["p_true"].to_numpy()
    costs = data.costs.expected(p)
    allowed = data.allowed()
    k = np.array([ACTIONS.index(table[s]) for s in data.log["segment"]])
    rows = np.arange(len(k))
    return float(costs[rows, k].mean()), bool(allowed[rows, k].all())


def _tables(data):
    names = list(dict.fromkeys(data.log["segment"]))
    for combo in itertools.product(ACTIONS, repeat=len(names)):
        yield dict(zip(names, combo, strict=True))


def test_the_optimal_table_is_the_cheapest_that_keeps_the_rules_by_brute_force(data):
    scored = [(t, *_brute_cost(data, t)) for t in _tables(data)]
    best_table, best_cost, _ = min((s for s in scored if s[2]), key=lambda s: s[1])
    optimal = dict(zip(segment_costs(data)["segment"], segment_costs(data)["optimal"], strict=True))
    assert optimal == best_table
    result = score_segment_policy(data, optimal)
    assert result.regret_usd == 0 and result.correct and not result.broken_rules
    assert result.optimal_cost_per_decision_usd == pytest.approx(best_cost, rel=1e-12)
    # the cheapest table of all breaks the rule: the rule binds on this case
    _, cheapest_cost, keeps = min(scored, key=lambda s: s[1])
    assert not keeps and cheapest_cost < best_cost


def test_every_table_scores_its_brute_force_regret(data):
    optimum = min(c for _, c, keeps in ((t, *_brute_cost(data, t)) for t in _tables(data)) if keeps)
    for table in _tables(data):
        cost, keeps = _brute_cost(data, table)
        result = score_segment_policy(data, table)
        assert result.cost_per_decision_usd == pytest.approx(cost, rel=1e-9)
        assert result.regret_usd >= 0
        assert bool(result.broken_rules) == (not keeps)
        if keeps:
            assert result.regret_per_decision_usd == pytest.approx(cost - optimum, abs=1e-9)
            assert result.regret_usd == pytest.approx((cost - optimum) * len(data.log), rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("action", ACTIONS)
def test_every_constant_table_scores_worse_than_the_optimum(data, action):
    names = segment_costs(data)["segment"]
    result = score_segment_policy(data, dict.fromkeys(names, action))
    assert result.regret_usd > 0 and not result.correct
    if action == "act":
        assert result.broken_rules == ("account closure: a person confirms every account closure",)


def test_the_template_optimum_is_a_mixed_table(data):
    optimal = dict(zip(*segment_costs(data)[["segment", "optimal"]].to_numpy().T, strict=True))
    assert optimal == {
        "small refund": "act",
        "large refund": "escalate",
        "account closure": "escalate",
        "goodwill credit": "decline",
    }


def test_a_rule_breaking_choice_earns_no_credit(data):
    optimal = dict(zip(*segment_costs(data)[["segment", "optimal"]].to_numpy().T, strict=True))
    result = score_segment_policy(data, {**optimal, "account closure": "act"})
    row = result.table.set_index("segment").loc["account closure"]
    assert row["act_usd"] < row["escalate_usd"]  # acting alone would be cheaper: the rule says no
    assert row["regret_per_decision_usd"] == 0 and result.regret_usd == 0
    assert result.broken_rules and not result.correct


def test_bad_choices_are_named(data):
    names = list(segment_costs(data)["segment"])
    with pytest.raises(nogo.InputError, match=f"missing: {names[-1]}; unknown: none"):
        score_segment_policy(data, dict.fromkeys(names[:-1], "act"))
    with pytest.raises(nogo.InputError, match="unknown: refunds"):
        score_segment_policy(data, dict.fromkeys([*names, "refunds"], "act"))
    with pytest.raises(nogo.InputError, match=r"choices\['small refund'\]: expected act"):
        score_segment_policy(data, dict.fromkeys(names, "escalate") | {"small refund": "maybe"})
    assert score_segment_policy(data, dict.fromkeys(names, "block")).table["choice"].eq("decline").all()


def test_the_widget_hides_the_optimum_until_submitted(data):
    drill = SegmentDrill(data)
    before = drill.summary_text() + drill.card_html.value + drill.result_html.value
    assert "optimal" not in before and "regret" not in before and drill.result is None
    drill.set({"large refund": "act", "goodwill credit": "block"})
    assert drill.choices["goodwill credit"] == "decline" and drill.choices["small refund"] == "escalate"
    result = drill.submit()
    assert not result.correct and "optimal" in drill.result_html.value and "regret" in drill.summary_text()
    optimal = dict(zip(*segment_costs(data)[["segment", "optimal"]].to_numpy().T, strict=True))
    drill.set(optimal)
    assert drill.submit().correct


def test_tables_follow_the_case_files_order_whatever_the_seed():
    case = nogo.open_case(load_case(ROOT / "casebook" / "_template.yaml"), data_root=ROOT / "data")
    order = ["small refund", "large refund", "account closure", "goodwill credit"]
    for seed in (1, 2, 3):
        built = case.build({"seed": seed, "n_decisions": 3000})
        assert list(segment_costs(built)["segment"]) == order
        assert list(SegmentDrill(built).card["segment"]) == order


def test_the_segment_table_asks_the_case_files_question():
    """A case on the segment generator asks its own signature question (the case file's), not the generic one."""
    case_file = load_case(ROOT / "casebook" / "_template.yaml")
    case = nogo.open_case(case_file, data_root=ROOT / "data")
    task = case.signature_task(case.build())
    assert task.question == case_file.signature.question == "For each kind of request, act alone, escalate, or decline?"
    assert type(task).question != task.question  # the class keeps the generic one for files without it
