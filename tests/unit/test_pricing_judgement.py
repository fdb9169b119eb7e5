"""Pricing: the judgement drills' content. The signature drill's loop against nogo.repricing_loop, the
kill switches against fly_guardrails and closed forms, its optimum against a brute-force search over every
setting and every variant; the case file's calls against the contract's promotion gate (computed with
scipy) and against a simulated pilot on the catalogue."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import nogo
from nogo.cases.pricing_feedback_loop import (
    KILL_SWITCHES,
    LoopGuardrailTask,
    fly_guardrails,
    loop_month,
)
from nogo.cases.pricing_feedback_loop.loop_drill import CAPS, NO_SWITCH, RATE_LIMITS
from nogo.errors import InputError
from nogo.models.dynamics import repricing_loop

# "The Making of a Fly" (shared/incidents.md section 1): profnath 0.9983 x bordeebook (F2), bordeebook
# 1.270589 x profnath (F2, F4).
FLY_A, FLY_B = 0.9983, 1.270589
FLY_GAIN = FLY_A * FLY_B

_ROOT = Path(__file__).resolve().parents[2]


def _case_file():
    return nogo.Project(_ROOT).case("pricing-feedback-loop")


def _jitter(sd, days, paths, seed):
    """The jitter nogo.repricing_loop draws: exp(sd * Z), Z of shape (days + 1, 2, paths)."""
    return np.exp(sd * np.random.default_rng(seed).standard_normal((days + 1, 2, paths)))


def _month(kill=NO_SWITCH, cap=None, rate=None, days=12, sd=0.0, paths=1, seed=0, ref=100.0, **kw):
    return loop_month(reference_usd=ref, cap_multiple=cap, max_daily_change=rate, kill_switch=kill,
                      jitter=_jitter(sd, days, paths, seed), **kw)  # fmt: skip


def _task(values, n_paths=100):
    return LoopGuardrailTask(
        reference_usd=values["reference_price_usd"],
        noise_sd=values["noise_sd"],
        review_usd=values["review_usd"],
        missed_share=values["missed_share"],
        reviewer_miss_rate=values["reviewer_miss_rate"],
        seed=values["seed"],
        n_paths=n_paths,
    )


# -- the loop: the case's own replay of the two Fly rules ----------------------------------------------------


@pytest.mark.parametrize("cap", [None, 1.5, 10.0])
def test_loop_month_without_a_kill_switch_is_repricing_loop_with_your_price_capped(cap):
    ref, days, paths, seed, sd = 80.0, 25, 7, 3, 0.07
    month = _month(cap=cap, days=days, sd=sd, paths=paths, seed=seed, ref=ref)
    cap_pair = None if cap is None else (cap * ref, None)  # your price (seller A) bounded, theirs not
    f = repricing_loop(ref, FLY_A, FLY_B, days, cap_usd=cap_pair, noise_sd=sd, n_paths=paths, seed=seed)
    expected = f.pivot(index="day", columns="path", values="price_a_usd").to_numpy()
    np.testing.assert_allclose(month["price"], expected, rtol=1e-12)
    assert month["pages"].sum() == 0 and not month["blocked"].any()


@pytest.mark.parametrize("rate", [0.05, 0.10, 0.25])
def test_a_rate_limit_alone_slows_the_loop_but_never_bounds_it(rate):
    days = 60
    price = _month(rate=rate, days=days)["price"][:, 0]
    step = min(FLY_GAIN, 1 + rate)  # closed form: the limit binds every day when it is below the gain
    np.testing.assert_allclose(price, 100.0 * step ** np.arange(days + 1), rtol=1e-9)
    assert price[-1] > 10 * 100.0  # still growing geometrically: no bound


def test_run_of_large_moves_fires_on_the_day_fly_guardrails_finds():
    fly = fly_guardrails(reference_usd=1e6).set_index("switch")
    month = _month(kill="a run of large moves")
    fired_on = int(np.flatnonzero(np.diff(month["price"][:, 0]) < 0)[0])  # the day before it falls back
    assert fired_on == fly.loc["anomaly kill switch", "fired_day"] == 3
    assert month["pages"][0] == 1
    after = month["price"][fired_on + 1 :, 0]
    assert (after == 100.0).all()  # the analyst stops the loop: the reference price from the next day


@pytest.mark.parametrize(
    ("kill", "day"),
    [
        ("one large move", 1),  # the gain, 26.8%, is a move of 20% or more
        ("price far above reference", math.ceil(math.log(2.0) / math.log(FLY_GAIN))),
        ("a run of large moves", 3),
    ],
)
def test_each_kill_switch_fires_once_and_the_price_returns_to_reference(kill, day):
    price = _month(kill=kill)["price"][:, 0]
    np.testing.assert_allclose(price[: day + 1], 100.0 * FLY_GAIN ** np.arange(day + 1), rtol=1e-9)
    assert (price[day + 1 :] == 100.0).all()


def test_a_rate_limit_hides_the_loop_from_a_switch_that_watches_for_large_moves():
    for kill in ("one large move", "a run of large moves"):
        month = _month(kill=kill, rate=0.05, days=40)
        assert month["pages"][0] == 0
        assert month["price"][-1, 0] == pytest.approx(100.0 * 1.05**40)


def test_a_misjudged_page_mutes_the_switch_and_the_loop_runs_on():
    days = 20
    missed = np.ones((days + 1, 1), dtype=bool)
    price = _month(kill="one large move", days=days, missed=missed)["price"][:, 0]
    assert price[-1] == pytest.approx(100.0 * FLY_GAIN**days)  # frozen for no day: it just ran on
    capped = _month(kill="one large move", cap=3.0, days=days, missed=missed)["price"][:, 0]
    assert capped.max() == pytest.approx(300.0)  # only the cap bounds it


def test_the_ordinary_month_counts_blocked_repricings_against_the_right_price():
    days = 6
    target = 100.0 * np.array([1.0, 1.3, 1.3, 0.91, 0.91, 1.6, 1.6])[:, None]
    month = _month(cap=1.5, rate=0.25, days=days, target=target)
    # By hand: +30% clipped to +25% (125); then 130; -30% clipped to 97.5; 91; +76% clipped to 113.75;
    # then 142.19 (below the cap of 150 but short of 160).
    hand = np.array([100.0, 125.0, 130.0, 97.5, 91.0, 113.75, 142.1875])
    np.testing.assert_allclose(month["price"][:, 0], hand)
    assert month["blocked"][:, 0].tolist() == [False, True, False, True, False, True, True]


# -- the task: costs, optimum, and the case's lesson ----------------------------------------------------------


def test_a_setting_costs_the_sum_of_its_parts_each_priced_as_documented():
    task = LoopGuardrailTask(reference_usd=100.0, noise_sd=0.0, review_usd=70.0, missed_share=0.02, seed=5,
                             n_paths=3)  # fmt: skip
    out = task.evaluate({"cap_multiple": "no cap", "max_daily_change": "10% a day", "kill_switch": NO_SWITCH})
    m = out.metrics
    # Without noise the loop grows 10% a day for 30 days; absurd (above 2x) from day 8 (1.1**8 = 2.14).
    assert m["peak price (x reference)"] == pytest.approx(1.1**30)
    assert m["days at an absurd price"] == sum(1.1**d > 2 for d in range(31)) == 23
    assert m["days the loop held your price up"] == 30
    day_usd = 0.02 * 50 * 100.0  # missed_share x the stock (50 copies at the reference price)
    expected = (
        100.0 * (1.1**30 - 1)
        + 23 * 5 * day_usd
        + 30 * day_usd
        + m["legitimate repricings blocked"] * day_usd
        + m["pages"] * 70.0
    )
    assert out.cost_usd == pytest.approx(expected)
    assert "only slowed it" in out.story


def test_the_optimum_is_the_cheapest_of_every_setting_tried_by_hand():
    values = _case_file().defaults()
    task = _task(values)
    levers = [lever.choices for lever in task.levers]
    costs = {c: task.evaluate(dict(zip(("cap_multiple", "max_daily_change", "kill_switch"), c, strict=True)))
             for c in itertools.product(*levers)}  # fmt: skip
    best = min(costs, key=lambda c: costs[c].cost_usd)
    choices, outcome = task.optimum()
    assert tuple(choices.values()) == best and outcome.cost_usd == costs[best].cost_usd
    assert len(costs) == 4 * 4 * len(KILL_SWITCHES)


@pytest.mark.parametrize("variant_seed", range(20))
def test_the_lesson_holds_on_every_variant(variant_seed):
    """Bound it and arm a kill switch; a rate limit alone never comes close, and adding one costs money."""
    values = _case_file().variant(variant_seed)
    task = _task(values)
    choices, best = task.optimum()
    assert CAPS[choices["cap_multiple"]] is not None and choices["kill_switch"] != NO_SWITCH
    assert RATE_LIMITS[choices["max_daily_change"]] is None
    rate_only = [
        s for s in task.settings() if CAPS[s["cap_multiple"]] is None and s["kill_switch"] == NO_SWITCH
    ]
    assert min(task.score(s).regret_usd for s in rate_only) > 4 * best.cost_usd
    for rate in ("5% a day", "10% a day", "25% a day"):  # the distractor is never free
        assert task.score({**choices, "max_daily_change": rate}).regret_usd > 0


def test_a_score_names_the_regret_and_the_best_setting():
    task = _task(_case_file().defaults())
    s = task.score({"cap_multiple": "no cap", "max_daily_change": "5% a day", "kill_switch": NO_SWITCH})
    assert not s.correct and s.regret_usd == pytest.approx(s.outcome.cost_usd - s.best.cost_usd)
    assert task.score(s.best_choices).correct
    with pytest.raises(InputError, match="kill_switch: 'always' is not one of"):
        task.score({"cap_multiple": "no cap", "max_daily_change": "no limit", "kill_switch": "always"})


def test_the_case_declares_its_signature_task_at_the_parameter_set():
    case = nogo.open_case(_case_file(), _ROOT / "data")
    values = _case_file().variant(4)
    data = case.build(values)
    task = case.signature_task(data)
    assert isinstance(task, LoopGuardrailTask)
    assert task.reference_usd == values["reference_price_usd"] and task.review_usd == values["review_usd"]
    assert task.reviewer_miss_rate == values["reviewer_miss_rate"]
    assert task.question == _case_file().signature.question


# -- the launch call: which call the variant's numbers pick -----------------------------------------------------


def _gate_passes_on_the_expected_pilot(accuracy, budget, n):
    """Clopper-Pearson one-sided upper bound (scipy's beta quantile) at the expected number of errors."""
    errors = (1 - accuracy) * n
    return stats.beta.ppf(0.95, errors + 1, n - errors) <= budget


def test_the_no_go_boundary_is_where_the_expected_pilot_stops_passing_the_contracts_gate():
    cf = _case_file()
    gate = cf.contract["promotion_gate"]
    budget, n = gate["error_budget"], gate["min_decisions"]
    (cond,) = cf.calls[0].when
    assert cf.calls[0].call == "no-go" and cond.parameter == "accuracy"
    grid = np.round(np.arange(0.85, 0.99, 0.001), 3)
    passing = [a for a in grid if _gate_passes_on_the_expected_pilot(a, budget, n)]
    assert cond.below == min(passing) == 0.916  # every accuracy from here up passes, none below
    assert all(a in passing for a in grid if a >= cond.below)
    p = cf.parameters["accuracy"]
    assert p.low < cond.below < p.high  # the variant range crosses it
    assert cf.call_for({"accuracy": 0.915}).call == "no-go"
    assert cf.call_for({"accuracy": 0.916}).call == "ship with guardrails"


def test_twenty_variants_reach_both_calls():
    cf = _case_file()
    calls = Counter(cf.call_for(cf.variant(seed)).call for seed in range(20))
    assert set(calls) == {"no-go", "ship with guardrails"}
    assert min(calls.values()) >= 3


@pytest.mark.parametrize(("accuracy", "passed"), [(0.89, False), (0.95, True)])
def test_a_simulated_pilot_on_the_catalogue_agrees_with_the_call(accuracy, passed):
    """1,000 audited reprices drawn from the variant's catalogue: the contract's gate on them."""
    cf = _case_file()
    case = nogo.open_case(cf, _ROOT / "data")
    data = case.build({"accuracy": accuracy, "n_skus": 16000})
    pilot = np.random.default_rng(1).choice(len(data.log), 1000, replace=False)
    errors = int((data.log["outcome"].to_numpy()[pilot] == 0).sum())
    gate = nogo.check_promotion_gate(errors, 1000, error_budget=0.10, min_decisions=1000)
    assert bool(gate["passed"].iloc[0]) is passed
    assert (cf.call_for({"accuracy": accuracy}).call == "ship with guardrails") is passed


def test_the_case_file_holds_the_judgement_content():
    cf = _case_file()
    assert cf.call_for({}).debrief == cf.debrief and cf.call_for({}).call == cf.drill.launch_call
    assert cf.call_for({}).key_guardrails == cf.drill.key_guardrails
    rate = [d for d in cf.drill.distractors if "rate-of-change" in d.guardrail]
    assert len(rate) == 1 and "never bounds" in rate[0].why
    assert not any("rate-of-change" in g for g in cf.drill.guardrails)
    assert cf.drill.max_guardrails == len(cf.drill.key_guardrails)
    assert cf.ranked_failure_modes[0].name == "a feedback loop with another repricing bot"
    assert "daily change limit is not a bound" in cf.debrief
    no_go = cf.call_for({"accuracy": 0.9})
    assert no_go.key_guardrails == [] and no_go.contract["autonomy_level"] == "approval"
