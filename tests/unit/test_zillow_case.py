"""Zillow Offers: the winner's curse, the 2021 book, the signature drill and the call the variants reach.

Independent checks: the winner's-curse closed form against homes drawn one by one (nogo.binding_offers);
the write-down's closed form against the same homes; the fit against the case file's reproduced figures;
the signature drill's vectorised grid against its week-by-week model, its week-by-week model against homes
drawn one by one, and its optimum against a brute-force search over every setting; the call against the
drill's optimum at every combination of the choices a variant draws.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import nogo
from nogo.cases import zillow_offers as zillow
from nogo.cases.signature import SignatureTask
from nogo.models.dynamics import OfferMarket, binding_offers
from tests.unit.test_chart_keys import unkeyed

CASE_ID = "zillow-offers"
PROJECT = nogo.Project.find()


@pytest.fixture(scope="module")
def case_file() -> nogo.CaseFile:
    return PROJECT.case(CASE_ID)


@pytest.fixture(scope="module")
def case(case_file) -> nogo.Case:
    return nogo.open_case(case_file, PROJECT.data)


@pytest.fixture(scope="module")
def task(case) -> zillow.MarginCapTask:
    return case.signature_task(case.build({"n_decisions": 3000}))


def _task(case_file, seed: int = 1, **values) -> zillow.MarginCapTask:
    params = {**case_file.defaults(), **values}
    return zillow.MarginCapTask(zillow.offer_year(params), seed=seed, n_paths=150)


# ------------------------------------------------------------------------------------ the winner's curse
@pytest.mark.parametrize("median_error", [0.02, 0.05, 0.12])
def test_the_closed_form_matches_homes_drawn_one_by_one(median_error):
    margins = [0.0, 0.04, 0.10]
    sd = zillow.error_sd_from_median(median_error)
    closed = zillow.winners_curse(margins, sd, seller_sd=0.07)
    drawn = zillow.simulate_offers(margins, sd, seller_sd=0.07, n_homes=200_000, seed=11)
    for col, tol in [("acceptance_rate", 0.005), ("overpayment_share", 0.002), ("markdown_share", 0.002),
                     ("share_above_value", 0.01)]:  # fmt: skip
        np.testing.assert_allclose(closed[col], drawn[col], atol=tol, err_msg=col)


def test_an_unbiased_model_overpays_on_accepted_homes_and_a_margin_shrinks_it():
    w = zillow.winners_curse([0.0, 0.02, 0.04, 0.08], zillow.error_sd_from_median(0.05), seller_sd=0.07)
    assert w["overpayment_share"].iloc[0] > 0.03  # unbiased in the log, yet the accepted homes cost more
    assert (np.diff(w["overpayment_share"]) < 0).all() and (np.diff(w["acceptance_rate"]) < 0).all()
    more_error = zillow.winners_curse([0.0], zillow.error_sd_from_median(0.10), seller_sd=0.07)
    assert more_error["overpayment_share"].iloc[0] > w["overpayment_share"].iloc[0]  # the curse grows


def test_the_median_error_converts_to_a_log_sd_as_a_normal_median_absolute_value():
    z = np.random.default_rng(0).standard_normal(400_000) * zillow.error_sd_from_median(0.05)
    assert np.median(np.abs(z)) == pytest.approx(0.05, rel=0.01)


# ------------------------------------------------------------------------------------------ the 2021 book
def test_the_writedown_closed_form_matches_the_homes_drawn():
    sd = 0.077
    book = zillow.book_2021(sd, seller_sd=0.07, selling_cost_share=0.03, median_value_usd=400_000.0,
                            n_offers=400_000, seed=5)  # fmt: skip
    drawn = book["writedown_usd"].mean() / book["price_usd"].mean()
    assert zillow.writedown_share(sd, seller_sd=0.07, selling_cost_share=0.03) == pytest.approx(
        drawn, rel=0.01
    )
    w = zillow.winners_curse([0.0], sd, seller_sd=0.07).iloc[0]
    assert book["underwater"].mean() == pytest.approx(w["share_above_value"], abs=0.005)
    assert book["markdown_share"].mean() == pytest.approx(w["markdown_share"], abs=0.001)


def test_the_fit_reproduces_the_case_file_s_figures_within_their_tolerance(case_file):
    fig, prm = case_file.figure, case_file.defaults()
    price = fig("portfolio_usd").value / fig("portfolio_homes").value
    per_home = fig("q3_writedown_usd").value / fig("homes_in_inventory").value
    assert price == 400_000 and per_home == pytest.approx(fig("writedown_per_home_usd").value, abs=1)
    fit = zillow.BookFit.fit(per_home / price, seller_sd=prm["seller_spread_share"],
                             selling_cost_share=prm["selling_cost_share"])  # fmt: skip
    assert fit.writedown_share * price == pytest.approx(per_home, rel=1e-5)  # the fitted one: an input
    for name, kind, got in [
        ("share_underwater", "reproduced", fit.share_underwater),
        ("listing_discount_share", "reproduced", fit.markdown_share),
        # the fitted write-down per home times the homes agreed: arithmetic on two inputs, not a reproduction
        ("q4_expected_losses_usd", "consistency", fit.writedown_share * price * fig("homes_agreed").value),
    ]:
        f = fig(name)
        assert f.kind == kind, name
        assert abs(got / f.value - 1) <= f.tolerance, (name, got)
    assert prm["model_error_share"] == pytest.approx(
        fit.median_error_share, abs=0.005
    )  # the default is the fit
    lo, hi = fig("zestimate_error_today").value, fig("zestimate_error_early").value
    choices = case_file.parameters["model_error_share"].choices
    assert min(choices) == lo and max(choices) == hi


def test_secondary_figures_are_labelled_and_only_the_fitted_figure_is_derived(case_file):
    for f in case_file.published_figures:
        assert (f.status == "SEEN-2nd") == (f.source in {"Z6", "Z9"}), f.name
        assert f.status != "SEEN-2nd" or f.note
    assert [f.name for f in case_file.published_figures if f.status == "DERIVED"] == [
        "writedown_per_home_usd"
    ]


# ---------------------------------------------------------------------------------- the signature drill
def test_the_grid_matches_the_week_by_week_model_for_every_setting(task):
    grid = task.grid()
    for setting in task.settings():
        run = task.weeks(setting)
        at = task.index_of(setting)
        np.testing.assert_allclose(
            grid["profit_usd"][at], run["profit_usd"].sum(axis=0), rtol=1e-9, atol=1e-3
        )
        np.testing.assert_allclose(grid["homes"][at], run["bought"].sum(axis=0))


def test_the_optimum_is_the_brute_force_search_and_keeps_the_rules(task):
    best, outcome = task.optimum()
    brute, brute_outcome = SignatureTask.optimum(task)  # every setting through evaluate
    assert best == brute and outcome.cost_usd == pytest.approx(brute_outcome.cost_usd)
    costs = {tuple(s.values()): task.evaluate(s) for s in task.settings()}
    allowed = {k: o.cost_usd for k, o in costs.items() if not o.broken_rules}
    assert outcome.cost_usd == pytest.approx(min(allowed.values()))
    assert not outcome.broken_rules and task.score(best).correct


def test_a_week_of_offers_matches_homes_drawn_one_by_one(case_file):
    """The drill's expected profit and realised margin per home, at a flat market and no impact, against
    homes drawn by nogo.binding_offers reselling at value * (1 + resale margin) * noise."""
    prm = case_file.defaults()
    year = zillow.OfferYear(0.05, 0.03, 0.0, 600, seller_sd=prm["seller_spread_share"],
                            resale_impact_per_100_homes=0.0, price_per_home_usd=400_000.0)  # fmt: skip
    task = zillow.MarginCapTask(year, seed=3, n_paths=5)
    market = OfferMarket(median_value_usd=1.0, value_sd=0.0, reservation_sd=year.seller_sd, holding_days=0.0,
                         resale_sd=year.resale_sd)  # fmt: skip
    for margin in (0, 6, 12):
        homes = binding_offers(300_000, estimate_sd=year.error_sd, margin_of_safety=margin / 100, market=market,
                               seed=8)  # fmt: skip
        acc = homes[homes["accepted"]]
        resale = acc["resale_usd"] * (1 + year.resale_margin_share)
        accept, pov, mean_y, _ = task.moments(margin)
        assert accept == pytest.approx(homes["accepted"].mean(), abs=0.005)
        margin_drawn = (resale / acc["offer_usd"] - 1).mean()
        assert (1 + year.resale_margin_share) * np.exp(year.resale_sd**2 / 2) * mean_y - 1 == pytest.approx(
            margin_drawn, abs=0.002)  # fmt: skip
        profit_per_value = (resale - acc["offer_usd"]).mean()  # values are 1: profit per dollar of value
        formula = (1 + year.resale_margin_share) * np.exp(year.resale_sd**2 / 2) - pov
        assert formula == pytest.approx(profit_per_value, abs=0.002)


def test_the_rules_bind_only_where_the_case_says(case_file):
    noisy = _task(case_file, model_error_share=0.05)
    sharp = _task(case_file, model_error_share=0.02)
    at_estimate = {"margin_pct": 0, "cap": "250 a week", "stop": "stop below 0%"}
    assert noisy.evaluate(at_estimate).broken_rules == (zillow.MARGIN_RULE,)
    assert sharp.evaluate(at_estimate).broken_rules == ()  # a 2% error is within the 3% resale margin
    no_stop = {"margin_pct": 8, "cap": "no cap", "stop": zillow.NO_STOP}
    assert noisy.evaluate(no_stop).broken_rules == (zillow.STOP_RULE,)
    nothing = {"margin_pct": 0, "cap": "buy nothing", "stop": zillow.NO_STOP}
    assert noisy.evaluate(nothing).broken_rules == () and noisy.evaluate(nothing).cost_usd == 0
    for t in (noisy, sharp):
        for s in t.settings():
            if t.evaluate(s).broken_rules:
                assert not t.score(s).correct


def test_the_optimum_moves_with_the_model_s_error_and_the_market(case_file):
    by_error = {e: _task(case_file, model_error_share=e).optimum()[0] for e in (0.02, 0.04, 0.05, 0.12)}
    margins = [by_error[e]["margin_pct"] for e in (0.02, 0.04, 0.05)]
    assert margins == sorted(margins) and margins[0] < margins[-1]  # more error, a wider margin
    assert by_error[0.12]["cap"] == "buy nothing"  # too rough for any margin: do not launch
    by_market = {d: _task(case_file, market_drift_per_year=d, offers_per_week=1000).optimum()[0]
                 for d in (-0.10, 0.08)}  # fmt: skip
    assert by_market[-0.10] != by_market[0.08]


def test_no_constant_setting_is_right_on_every_variant(case_file, case):
    variants = [case_file.variant(s) for s in range(12)]
    tasks = [case.signature_task(case.build({**v, "n_decisions": 3000})) for v in variants]
    optima = {tuple(t.optimum()[0].values()) for t in tasks}
    assert len(optima) >= 3, optima
    for setting in tasks[0].settings():
        regrets = [t.score(setting).regret_usd for t in tasks]
        assert max(regrets) > 0 or any(t.evaluate(setting).broken_rules for t in tasks), setting


# ------------------------------------------------------------------------------------------- the call
def test_the_call_flips_where_the_drill_stops_buying(case_file):
    """At every combination of the choices a variant draws for the drill's three varied parameters (and two
    seeds), the call is no-go exactly when the signature drill's optimum buys nothing."""
    choices = {n: case_file.parameters[n].choices for n in ("model_error_share", "market_drift_per_year",
                                                             "offers_per_week")}  # fmt: skip
    for combo in itertools.product(*choices.values()):
        for seed in (20211102, 7):
            values = {**case_file.defaults(), **dict(zip(choices, combo, strict=True)), "seed": seed}
            best = zillow.MarginCapTask(zillow.offer_year(values), seed=seed).optimum()[0]
            call = case_file.call_for(values).call
            assert (call == "no-go") == (best["cap"] == "buy nothing"), (combo, seed, best, call)


def test_twenty_variants_reach_both_calls(case_file):
    calls = {case_file.call_for(case_file.variant(s)).call for s in range(20)}
    assert calls == {"no-go", "ship with guardrails"}


# ----------------------------------------------------------------------------------- the case, the chart
def test_the_case_is_the_segment_case_with_its_own_signature_task(case, task):
    assert isinstance(case, zillow.ZillowOffersCase) and isinstance(case, nogo.cases.segments.SegmentCase)
    assert isinstance(task, zillow.MarginCapTask) and task.question == case.file.signature.question
    assert [lever.name for lever in task.levers] == ["margin_pct", "cap", "stop"]


def test_the_replay_realises_each_week_s_loss_a_holding_period_later(task):
    replay = zillow.replay_year(task, {"margin_pct": 0, "cap": "no cap", "stop": "stop below 0%"}, path=0)
    h = task.year.holding_weeks
    np.testing.assert_allclose(replay["realised_loss_usd"].iloc[h:], replay["loss_usd"].iloc[:-h])
    assert (replay["margin_shortfall"].iloc[:h] == -1).all()
    out = nogo.evaluate_kill_switches(replay, [nogo.SignalCap("margin_shortfall", 0.0)])
    assert out["fired_at_index"].isna().all() or int(out["fired_at_index"].iloc[0]) >= h


def test_the_curse_chart_is_keyed():
    frame = zillow.curse_frame(seller_sd=0.07, simulated_errors_share=(0.06,), n_homes=2_000, seed=1)
    assert unkeyed(zillow.curse_chart(frame).to_dict()) == []
