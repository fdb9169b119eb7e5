"""The loan case's launch call follows the variant's numbers (issue 14, item 7): the markup in group C
is varied across the line where it costs each of its borrowers what Ally's paid on average, the line in
the case file is the one the simulation finds, and 20 variants reach both calls."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nogo
import nogo.cases.loan_steering as ln

_ROOT = Path(__file__).resolve().parents[2]
CASE = nogo.load_case(_ROOT / "casebook" / "loan-steering.yaml")
ALLY_USD = CASE.figure("extra_paid_per_victim_usd").value  # $250, the midpoint of L2's $200-$300


def _line_bps() -> float:
    (no_go, _) = CASE.calls
    (cond,) = no_go.when
    assert (no_go.call, cond.parameter) == ("no-go", "markup_group_c_bps")
    return cond.at_least


def _cost_by_hand(book, planted_bps: float, markup_bps: float) -> float:
    """Mean extra interest of group C's loans at a markup, from the level-payment formula written out."""
    c = book[book["group"] == "C"]
    n = c["remaining_term_months"].to_numpy(dtype=float)
    base = c["annual_rate"].to_numpy() - planted_bps / 1e4

    def paid(annual):
        r = annual / 12
        return n * c["balance_usd"].to_numpy() * r / (1 - (1 + r) ** -n)

    return float(np.mean(paid(base + markup_bps / 1e4) - paid(base)))


def test_markup_cost_is_the_level_payment_repriced_by_hand():
    book = ln.steering_book(3_000, seed=9, markup_group_c_bps=37.0)
    for m in (0.0, 12.5, 37.0, 80.0):
        assert ln.markup_cost_usd(book, m)[0] == pytest.approx(_cost_by_hand(book, 37.0, m), rel=1e-9)
    snapshot = book.copy()
    snapshot.attrs = {}  # a snapshot read from disk keeps no attrs: the planted markup must be given
    with pytest.raises(nogo.InputError, match="planted_bps"):
        ln.markup_cost_usd(snapshot, 10.0)
    assert ln.markup_cost_usd(snapshot, 10.0, planted_bps=37.0)[0] == pytest.approx(
        _cost_by_hand(book, 37, 10)
    )


def test_the_case_files_line_is_where_the_default_book_crosses_allys_average():
    defaults = CASE.defaults()
    book = nogo.load_dataset(CASE, "borrowers", defaults, root=_ROOT / "data")
    line = ln.markup_no_go_bps(book, per_borrower_usd=ALLY_USD, planted_bps=defaults["markup_group_c_bps"])
    assert line == _line_bps() == 42
    planted = defaults["markup_group_c_bps"]
    assert _cost_by_hand(book, planted, line - 1) < ALLY_USD <= _cost_by_hand(book, planted, line)
    # the default (Ally's ~30 bps, L4) is below it: the case's call at the defaults is unchanged
    assert _cost_by_hand(book, planted, planted) < ALLY_USD
    assert CASE.call_for({}).call == CASE.drill.launch_call == "ship with guardrails"
    assert CASE.call_for({"markup_group_c_bps": 45.0}).call == "no-go"
    p = CASE.parameters["markup_group_c_bps"]
    assert p.low < line < p.high  # the variants' range crosses the line


def test_twenty_variants_reach_both_calls_each_as_its_own_book_says():
    calls, off_default = [], 0
    for seed in range(1, 21):
        v = CASE.variant(seed)
        call = CASE.call_for(v).call
        calls.append(call)
        off_default += call != CASE.drill.launch_call
        # the variant's own book: does its markup cost each group-C borrower Ally's average?
        book = ln.steering_book(v["n_borrowers"], seed=v["seed"], markup_group_b_bps=v["markup_group_b_bps"],
                                markup_group_c_bps=v["markup_group_c_bps"])  # fmt: skip
        cost = _cost_by_hand(book, v["markup_group_c_bps"], v["markup_group_c_bps"])
        if abs(cost - ALLY_USD) > 15:  # away from the line, where a book's own draws cannot move it
            assert (call == "no-go") == (cost >= ALLY_USD), (seed, v["markup_group_c_bps"], cost)
    assert set(calls) == {"no-go", "ship with guardrails"}
    assert 2 <= off_default <= 18, off_default


def test_each_call_carries_its_own_debrief_guardrails_and_contract():
    no_go = CASE.call_for({"markup_group_c_bps": 50.0})
    ship = CASE.call_for({})
    assert no_go.call == "no-go" and "$250" in no_go.debrief and "L2" in no_go.debrief
    assert ship.key_guardrails == CASE.drill.key_guardrails and ship.debrief == CASE.debrief
    held_back = nogo.AgentImpactContract.from_dict(no_go.contract)
    assert held_back.autonomy_level == "draft"  # the agent drafts; a person decides, until the gap is gone
    gap = next(m for m in held_back.metrics if m.name == "rate gap between groups at equal risk")
    assert (gap.baseline, gap.target) == (_line_bps(), 2)
    assert ship.contract == CASE.contract  # the default call keeps the case's own contract
