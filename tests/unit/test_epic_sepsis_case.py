"""The epic-sepsis-alerts case's own facts and mechanics, each against an independent calculation."""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from scipy.stats import norm

import nogo
from nogo.cases import epic_sepsis_alerts as epic
from nogo.cases.signature import SignatureTask
from tests.unit.test_chart_keys import unkeyed

PROJECT = nogo.Project.find()
CASE_FILE = PROJECT.case("epic-sepsis-alerts")
CASE = nogo.open_case(CASE_FILE, PROJECT.data)
RECORD = {f.name: f.value for f in CASE_FILE.published_figures}
PREVALENCE = RECORD["septic_hospitalisations"] / RECORD["hospitalisations"]


@pytest.fixture(scope="module")
def built():
    return CASE.build()


@pytest.fixture(scope="module")
def fit():
    return epic.fit_binormal(RECORD["auroc"], PREVALENCE, RECORD["share_alerted_at_score_6"])


def test_the_auroc_closed_form_matches_the_synthetic_cohort_by_brute_force(fit):
    assert norm.cdf(fit.separation / math.sqrt(2)) == pytest.approx(0.63, abs=1e-12)
    cohort = epic.synthetic_cohort(fit, 38455, 2552, seed=5)
    pos = cohort.loc[cohort["sepsis"] == 1, "score"].to_numpy()
    neg = cohort.loc[cohort["sepsis"] == 0, "score"].to_numpy()[:6000]
    brute = float((pos[:, None] > neg[None, :]).mean())  # every septic-nonseptic pair, 15 million
    assert brute == pytest.approx(0.63, abs=0.015)
    assert epic.empirical_auroc(cohort["score"], cohort["sepsis"]) == pytest.approx(0.63, abs=0.015)


def test_the_cut_alerts_18_percent_and_the_sensitivity_follows(fit):
    alerted = (1 - PREVALENCE) * norm.sf(fit.cut) + PREVALENCE * norm.sf(fit.cut - fit.separation)
    assert alerted == pytest.approx(0.18, abs=1e-9)
    rng = np.random.default_rng(11)
    septic_scores = rng.standard_normal(400_000) + fit.separation  # sensitivity by simulation
    assert float((septic_scores >= fit.cut).mean()) == pytest.approx(fit.sensitivity, abs=0.003)
    assert abs(fit.sensitivity - 0.33) / 0.33 <= CASE_FILE.figure("sensitivity_at_score_6").tolerance


def test_every_published_figure_is_within_tolerance_and_reproductions_are_marked(fit):
    cohort = epic.synthetic_cohort(fit, 38455, 2552, seed=CASE_FILE.defaults()["seed"])
    table = CASE_FILE.compare_figures(epic.reconstructed_figures(CASE_FILE, fit, cohort))
    assert table["within_tolerance"].all(), table
    kinds = dict(zip([f.name for f in CASE_FILE.published_figures], table["kind"], strict=True))
    assert kinds["sensitivity_at_score_6"] == "reproduced"
    assert kinds["auroc"] == kinds["share_alerted_at_score_6"] == "input"
    assert "(secondary source)" in table.set_index("kind").loc["input", "source"].tolist()[-4]


def test_the_derived_figures_are_their_arithmetic():
    assert 0.18 * 38455 == pytest.approx(RECORD["alerted_hospitalisations"], abs=1)
    assert 0.33 * 2552 == pytest.approx(RECORD["true_alerts_at_score_6"], abs=1)
    assert RECORD["true_alerts_at_score_6"] / RECORD["alerted_hospitalisations"] == pytest.approx(
        0.122, abs=0.001
    )


def test_the_signature_optimum_is_the_brute_force_minimum_and_never_breaks_the_rule(built):
    task = CASE.signature_task(built)
    assert isinstance(task, SignatureTask) and [lever.name for lever in task.levers] == [
        "share_alerted",
        "nurses",
    ]
    outcomes = {(s, n): task.evaluate({"share_alerted": s, "nurses": n})
                for s, n in product(epic.SHARE_CHOICES, epic.NURSE_CHOICES)}  # fmt: skip
    allowed = {k: o.cost_usd for k, o in outcomes.items() if not o.broken_rules}
    best, outcome = task.optimum()
    assert (best["share_alerted"], best["nurses"]) == min(allowed, key=allowed.get)
    assert not outcome.broken_rules
    assert outcomes[("18%", 0)].broken_rules == (epic.DESK_RULE,)
    assert outcomes[("30%", 1)].broken_rules == (epic.DESK_RULE,)


def test_the_desk_simulation_counts_what_it_prices():
    inputs = epic.DeskInputs(local_auroc=0.8)
    sim = epic.simulate_alert_desk(inputs, 0.10, 2)
    assert sim["alerts"] == pytest.approx(sim["true_alerts"] + sim["false_alerts"])
    assert sim["missed"] == pytest.approx(sim["septic"] * 0.2 - sim["caught_by_alert"])
    assert sim["total_usd"] == pytest.approx(
        sim["missed"] * 20000 + sim["false_alerts"] * 100 + 2 * 24 * 90 * 60
    )
    more = epic.simulate_alert_desk(inputs, 0.10, 8)
    assert more["nurse_catch_rate"] > sim["nurse_catch_rate"]  # fewer alerts per nurse, less fatigue


@pytest.mark.parametrize("seed", range(4))
def test_the_call_agrees_with_the_signature_optimum_on_variants(seed):
    values = CASE_FILE.variant(seed)
    for auroc in CASE_FILE.parameters["local_auroc"].choices:
        v = {**values, "local_auroc": auroc}
        best, _ = CASE.signature_task(CASE.build(v)).optimum()
        call = CASE_FILE.call_for(v).call
        assert (best["share_alerted"] == "no alerts") == (call == "no-go"), (v, best, call)


def test_no_constant_setting_is_best_across_variants():
    bests = set()
    for seed in range(12):
        bests.add(tuple(CASE.signature_task(CASE.build(CASE_FILE.variant(seed))).optimum()[0].values()))
    assert len({b[0] for b in bests}) >= 2 and len({b[1] for b in bests}) >= 2


def test_the_optimum_moves_with_the_missed_case_cost_and_the_volume():
    base = epic.DeskInputs(local_auroc=0.86)
    cheap = epic.AlertDeskTask(base.with_(missed_sepsis_usd=10000, hospitalisations_per_day=400)).optimum()[0]
    dear = epic.AlertDeskTask(base.with_(missed_sepsis_usd=20000, hospitalisations_per_day=1000)).optimum()[0]
    assert cheap != dear


def test_the_call_flips_within_the_varied_range():
    choices = CASE_FILE.parameters["local_auroc"].choices
    assert {CASE_FILE.call_for({"local_auroc": c}).call for c in choices} == {"ship with guardrails", "no-go"}
    assert CASE_FILE.call_for({}).call == CASE_FILE.drill.launch_call == "no-go"


def test_the_alarm_fires_on_a_surge_and_not_before():
    daily = epic.daily_alerts(108.0, 0.43, days_before=21, days_after=21, seed=3)
    day = epic.alert_rate_alarm(daily["alerts"].to_numpy(), baseline_days=21)
    assert day is not None and 21 <= day < 28
    flat = epic.daily_alerts(108.0, 0.0, days_before=21, days_after=21, seed=3)
    assert epic.alert_rate_alarm(flat["alerts"].to_numpy(), baseline_days=21) is None


def test_the_case_charts_are_keyed(fit):
    points = epic.operating_points(fit, [0.05, 0.1, 0.18, 0.3])
    assert unkeyed(epic.operating_chart(points, {"score 6": 0.18}).to_dict()) == []
    daily = epic.daily_alerts(108.0, 0.43, days_before=5, days_after=5, seed=1)
    assert unkeyed(epic.daily_alerts_chart(daily, alarm_day=1).to_dict()) == []
