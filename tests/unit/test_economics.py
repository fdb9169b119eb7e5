"""Unit economics: arithmetic by hand, seeded simulations, break-even against a grid scan, monotonicity.

Every price here is illustrative, not any vendor's.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nogo.errors import InputError
from nogo.models.economics import (
    ModelPrice,
    break_even_automation_share,
    cost_per_decision_usd,
    human_cost_per_decision_usd,
    unit_economics,
)

SMALL = ModelPrice("small", input_usd_per_mtok=0.2, output_usd_per_mtok=0.8, cached_input_usd_per_mtok=0.05)
LARGE = ModelPrice("large", input_usd_per_mtok=3.0, output_usd_per_mtok=15.0, cached_input_usd_per_mtok=0.3)


# --- arithmetic by hand ------------------------------------------------------------------------------------


def test_call_cost_by_hand():
    # 2,000 input tokens, half cached: 1,000 * $3/M + 1,000 * $0.30/M = $0.0033; 500 output * $15/M = $0.0075
    assert LARGE.call_cost_usd(2_000, 500, 0.5)[0] == pytest.approx(0.0033 + 0.0075, rel=1e-12)
    # no cached price given: cached tokens cost the full input price
    plain = ModelPrice("plain", 1.0, 2.0)
    assert plain.call_cost_usd(1_000_000, 0, 0.9)[0] == pytest.approx(1.0)
    assert plain.call_cost_usd(0, 1_000_000)[0] == pytest.approx(2.0)


def test_cost_per_decision_by_hand():
    got = cost_per_decision_usd(
        input_tokens=[1_000, 4_000],
        output_tokens=200,
        calls_per_decision=[2, 5],
        routing_share_small=[0.25, 1.0],
        small=SMALL,
        large=LARGE,
        cache_hit_rate=[0.0, 0.6],
    )
    small_1 = (1_000 * 0.2 + 200 * 0.8) / 1e6
    large_1 = (1_000 * 3.0 + 200 * 15.0) / 1e6
    small_2 = (4_000 * (0.4 * 0.2 + 0.6 * 0.05) + 200 * 0.8) / 1e6
    np.testing.assert_allclose(got, [2 * (0.25 * small_1 + 0.75 * large_1), 5 * small_2], rtol=1e-12)


def test_zero_calls_and_zero_tokens_cost_nothing():
    zero = cost_per_decision_usd(
        input_tokens=[0, 5_000], output_tokens=[0, 100], calls_per_decision=[3, 0],
        routing_share_small=0.5, small=SMALL, large=LARGE,
    )  # fmt: skip
    assert zero.tolist() == [0.0, 0.0]


def test_cost_per_decision_matches_a_seeded_simulation_of_calls_and_cached_tokens():
    """Simulate each call's routing and each input token's cache hit; the mean cost must match."""
    rng = np.random.default_rng(20261101)
    n_calls, tin, tout, share, hit = 200_000, 1_500, 300, 0.7, 0.4
    to_small = rng.random(n_calls) < share
    cached = rng.binomial(tin, hit, size=n_calls)
    in_price = np.where(to_small, SMALL.input_usd_per_mtok, LARGE.input_usd_per_mtok)
    cache_price = np.where(to_small, SMALL.cached_input_usd_per_mtok, LARGE.cached_input_usd_per_mtok)
    out_price = np.where(to_small, SMALL.output_usd_per_mtok, LARGE.output_usd_per_mtok)
    per_call = ((tin - cached) * in_price + cached * cache_price + tout * out_price) / 1e6
    calls = 4
    simulated, se = calls * per_call.mean(), calls * per_call.std(ddof=1) / np.sqrt(n_calls)
    model = cost_per_decision_usd(
        input_tokens=tin, output_tokens=tout, calls_per_decision=calls,
        routing_share_small=share, small=SMALL, large=LARGE, cache_hit_rate=hit,
    )[0]  # fmt: skip
    assert abs(model - simulated) < 4 * se


def test_human_cost_by_hand():
    np.testing.assert_allclose(human_cost_per_decision_usd([6, 30, 0], [40.0, 90.0, 50.0]), [4.0, 45.0, 0.0])


def test_unit_economics_by_hand():
    frame = unit_economics(
        0.05, 6.0, [0.0, 0.4, 1.0], error_rate=0.03, cost_per_error_usd=80.0, review_cost_usd=2.5,
        human_error_rate=0.01,
    )  # fmt: skip
    assert frame["policy"].tolist() == ["human only", "agent only", "blended", "blended", "blended"]
    human = 6.0 + 0.01 * 80
    agent = 0.05 + 0.03 * 80
    blend = [0.05 + a * 0.03 * 80 + (1 - a) * (2.5 + 0.01 * 80) for a in (0.0, 0.4, 1.0)]
    np.testing.assert_allclose(frame["cost_per_decision_usd"], [human, agent, *blend], rtol=1e-12)
    np.testing.assert_allclose(
        frame["saving_vs_human_usd"], human - frame["cost_per_decision_usd"], rtol=1e-12
    )
    parts = frame[["agent_usd", "people_usd", "errors_usd"]].sum(axis=1)
    np.testing.assert_allclose(parts, frame["cost_per_decision_usd"], rtol=1e-12)
    # at full automation the blend is the agent alone; the review cost defaults to the person's cost
    assert frame["cost_per_decision_usd"].iloc[-1] == pytest.approx(agent)
    default = unit_economics(0.05, 6.0, 0.0, error_rate=0.03, cost_per_error_usd=80.0)
    assert default["cost_per_decision_usd"].iloc[-1] == pytest.approx(0.05 + 6.0)


def test_unit_economics_matches_a_seeded_simulation_of_decisions():
    rng = np.random.default_rng(7)
    n, a, e, q, cost_err, review, agent = 400_000, 0.65, 0.04, 0.015, 120.0, 3.0, 0.08
    alone = rng.random(n) < a
    wrong = np.where(alone, rng.random(n) < e, rng.random(n) < q)
    per_decision = agent + np.where(alone, 0.0, review) + wrong * cost_err
    frame = unit_economics(agent, 5.0, a, error_rate=e, cost_per_error_usd=cost_err, review_cost_usd=review,
                           human_error_rate=q)  # fmt: skip
    model = frame.loc[frame["policy"] == "blended", "cost_per_decision_usd"].item()
    assert abs(model - per_decision.mean()) < 4 * per_decision.std(ddof=1) / np.sqrt(n)


# --- break-even ----------------------------------------------------------------------------------------------


def test_break_even_by_hand():
    # agent $0.04 per decision; a person $4; agent errs 2% at $50: each automated decision saves 4 - 1 = $3,
    # and the agent's $0.04 on every decision is repaid from a share of 0.04 / 3
    result = break_even_automation_share(0.04, 4.0, error_rate=0.02, cost_per_error_usd=50.0)
    assert result.status == "pays above"
    assert result.automation_share == pytest.approx(0.04 / 3)
    assert "1.3%" in result.explanation


@pytest.mark.parametrize(
    ("agent", "kwargs", "status"),
    [
        # errors cost more than a person: automating only adds cost
        (0.04, {"error_rate": 0.1, "cost_per_error_usd": 50.0}, "never pays"),
        # the saving per automated decision (4 - 3.99) cannot repay $0.04 on every decision
        (0.04, {"error_rate": 0.0798, "cost_per_error_usd": 50.0}, "never pays"),
        # the agent's draft makes review cheaper than doing the work: it pays at any share
        (0.04, {"error_rate": 0.01, "cost_per_error_usd": 50.0, "review_cost_usd": 3.0}, "always pays"),
        # review is cheap but the agent's errors are dear: pays only while it automates little
        (0.04, {"error_rate": 0.1, "cost_per_error_usd": 50.0, "review_cost_usd": 1.0}, "pays below"),
        # overhead 0.25 + 3.75 - 4 = 0 and saving 3.75 - 0.5 * 7.5 = 0 (exact in binary)
        (0.25, {"error_rate": 0.5, "cost_per_error_usd": 7.5, "review_cost_usd": 3.75}, "no difference"),
    ],
)
def test_break_even_statuses(agent, kwargs, status):
    result = break_even_automation_share(agent, 4.0, **kwargs)
    assert result.status == status
    grid = np.linspace(0, 1, 10_001)
    frame = unit_economics(agent, 4.0, grid, **kwargs)
    saving = frame.loc[frame["policy"] == "blended", "saving_vs_human_usd"].to_numpy()
    if status == "never pays":
        assert result.automation_share is None and (saving <= 1e-12).all()
    elif status == "always pays":
        assert result.automation_share is None and (saving >= -1e-12).all()
    elif status == "no difference":
        assert result.automation_share is None and np.allclose(saving, 0.0, atol=1e-12)
    else:  # pays below: cheaper up to the share, dearer after
        a = result.automation_share
        assert (saving[grid < a - 1e-4] > 0).all() and (saving[grid > a + 1e-4] < 0).all()


_money = st.floats(0.0, 50.0, allow_nan=False)
_rate = st.floats(0.0, 1.0, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(_money, st.floats(0.01, 50.0), _rate, st.floats(0.0, 500.0), st.one_of(st.none(), _money), _rate)
def test_break_even_agrees_with_a_grid_scan(agent, human, e, cost_err, review, q):
    kwargs = {
        "error_rate": e,
        "cost_per_error_usd": cost_err,
        "review_cost_usd": review,
        "human_error_rate": q,
    }
    result = break_even_automation_share(agent, human, **kwargs)
    grid = np.linspace(0, 1, 2_001)
    frame = unit_economics(agent, human, grid, **kwargs)
    saving = frame.loc[frame["policy"] == "blended", "saving_vs_human_usd"].to_numpy()
    tol = 1e-9 * (1 + agent + human + cost_err + (review or 0))
    if result.status == "always pays":
        assert (saving >= -tol).all()
    elif result.status == "never pays":
        assert (saving <= tol).all()
    elif result.status == "no difference":
        assert (np.abs(saving) <= tol).all()
    else:
        a = result.automation_share
        assert 0 <= a <= 1
        # the brute-force crossing: the blend costs what people cost within one grid step of a
        i = int(np.argmin(np.abs(grid - a)))
        step_change = np.max(np.abs(np.diff(saving))) if len(saving) > 1 else 0
        assert abs(saving[i]) <= step_change + tol
        cheaper = grid >= a if result.status == "pays above" else grid <= a
        assert (saving[cheaper] >= -tol).all() and (saving[~cheaper] <= tol).all()


# --- monotonicity ---------------------------------------------------------------------------------------------


@st.composite
def cheaper_pair(draw):
    """A small model no dearer than the large one on every price, each cached price below its input price."""
    price = st.floats(0.0, 100.0, allow_nan=False)
    large_in, large_out = draw(price), draw(price)
    small_in = draw(st.floats(0.0, large_in)) if large_in > 0 else 0.0
    small_out = draw(st.floats(0.0, large_out)) if large_out > 0 else 0.0
    large_cached = draw(st.floats(0.0, large_in)) if large_in > 0 else 0.0
    small_cached = (
        draw(st.floats(0.0, min(small_in, large_cached))) if min(small_in, large_cached) > 0 else 0.0
    )
    return (
        ModelPrice("small", small_in, small_out, small_cached),
        ModelPrice("large", large_in, large_out, large_cached),
    )


_tokens = st.floats(0.0, 1e6, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(cheaper_pair(), _tokens, _tokens, st.floats(0.0, 20.0), _rate, _rate, _rate)
def test_more_cache_hits_never_raise_the_cost(models, tin, tout, calls, share, h1, h2):
    small, large = models
    lo, hi = min(h1, h2), max(h1, h2)
    cost = cost_per_decision_usd(
        input_tokens=tin, output_tokens=tout, calls_per_decision=calls, routing_share_small=share,
        small=small, large=large, cache_hit_rate=[lo, hi],
    )  # fmt: skip
    assert cost[1] <= cost[0]


@settings(max_examples=300, deadline=None)
@given(cheaper_pair(), _tokens, _tokens, st.floats(0.0, 20.0), _rate, _rate, _rate)
def test_more_routing_to_the_cheaper_model_never_raises_the_cost(models, tin, tout, calls, hit, s1, s2):
    small, large = models
    lo, hi = min(s1, s2), max(s1, s2)
    cost = cost_per_decision_usd(
        input_tokens=tin, output_tokens=tout, calls_per_decision=calls, routing_share_small=[lo, hi],
        small=small, large=large, cache_hit_rate=hit,
    )  # fmt: skip
    assert cost[1] <= cost[0]


@settings(max_examples=100, deadline=None)
@given(_money, st.floats(0.01, 50.0), _rate, st.floats(0.0, 500.0), _rate, _rate)
def test_the_blend_is_linear_between_people_and_the_agent(agent, human, e, cost_err, a1, a2):
    """Blended cost is an average of its ends (a = 0 and a = 1), weighted by the automation share."""
    assume(abs(a1 - a2) > 1e-6)
    frame = unit_economics(agent, human, [0.0, 1.0, a1], error_rate=e, cost_per_error_usd=cost_err)
    end0, end1, mid = frame["cost_per_decision_usd"].iloc[2:].to_numpy()
    assert mid == pytest.approx((1 - a1) * end0 + a1 * end1, rel=1e-9, abs=1e-9)


# --- bad inputs -------------------------------------------------------------------------------------------


def _cost(**overrides):
    args = dict(input_tokens=1_000, output_tokens=100, calls_per_decision=2, routing_share_small=0.5,
                small=SMALL, large=LARGE, cache_hit_rate=0.3)  # fmt: skip
    return cost_per_decision_usd(**{**args, **overrides})


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: ModelPrice("m", -1.0, 2.0), r"model 'm': input_usd_per_mtok: expected values >= 0, found -1\.0 at row 0"),
        (lambda: ModelPrice("m", 1.0, np.nan), r"model 'm': output_usd_per_mtok: expected finite numbers, found nan"),
        (lambda: ModelPrice("m", 1.0, 2.0, 1.5), r"model 'm': cached_input_usd_per_mtok: expected at most the input price \(1\.0\), got 1\.5"),
        (lambda: ModelPrice("", 1.0, 2.0), r"name: expected a non-empty model name, got ''"),
        (lambda: ModelPrice("m", [1.0, 2.0], 2.0), r"model 'm': input_usd_per_mtok: expected a single value, got 2 values"),
        (lambda: _cost(input_tokens=[1_000, -5]), r"input_tokens: expected values >= 0, found -5\.0 at row 1"),
        (lambda: _cost(output_tokens=-1), r"output_tokens: expected values >= 0, found -1\.0 at row 0"),
        (lambda: _cost(calls_per_decision=[1, np.inf]), r"calls_per_decision: expected finite numbers, found inf at row 1"),
        (lambda: _cost(routing_share_small=[0.2, 1.2]), r"routing_share_small: expected probabilities in \[0, 1\], found 1\.2 at row 1"),
        (lambda: _cost(cache_hit_rate=-0.1), r"cache_hit_rate: expected probabilities in \[0, 1\], found -0\.1 at row 0"),
        (lambda: _cost(input_tokens=[1, 2], cache_hit_rate=[0.1, 0.2, 0.3]), r"cache_hit_rate: expected 2 values to match input_tokens, got 3"),
        (lambda: _cost(small={"input": 1}), r"small: expected a ModelPrice, got dict"),
        (lambda: human_cost_per_decision_usd(-3, 40), r"handle_minutes: expected values >= 0, found -3\.0 at row 0"),
        (lambda: human_cost_per_decision_usd([3, 4], [40, 50, 60]), r"loaded_hourly_usd: expected 2 values to match handle_minutes, got 3"),
        (lambda: unit_economics(0.1, 5, [0.5, 1.5], error_rate=0.1, cost_per_error_usd=10), r"automation_share: expected probabilities in \[0, 1\], found 1\.5 at row 1"),
        (lambda: unit_economics(0.1, 5, 0.5, error_rate=1.1, cost_per_error_usd=10), r"error_rate: expected probabilities in \[0, 1\], found 1\.1 at row 0"),
        (lambda: unit_economics(-0.1, 5, 0.5, error_rate=0.1, cost_per_error_usd=10), r"agent_cost_usd: expected values >= 0, found -0\.1 at row 0"),
        (lambda: unit_economics(0.1, 5, 0.5, error_rate=0.1, cost_per_error_usd=10, review_cost_usd=-2), r"review_cost_usd: expected values >= 0, found -2\.0 at row 0"),
        (lambda: unit_economics([0.1, 0.2], 5, 0.5, error_rate=0.1, cost_per_error_usd=10), r"agent_cost_usd: expected a single value, got 2 values"),
        (lambda: break_even_automation_share(0.1, 5, error_rate=0.1, cost_per_error_usd=-10), r"cost_per_error_usd: expected values >= 0, found -10\.0 at row 0"),
        (lambda: break_even_automation_share(0.1, 5, error_rate=0.1, cost_per_error_usd=10, human_error_rate=2), r"human_error_rate: expected probabilities in \[0, 1\], found 2\.0 at row 0"),
    ],
)  # fmt: skip
def test_bad_inputs_are_named(make, message):
    with pytest.raises(InputError, match=message):
        make()
