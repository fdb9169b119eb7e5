"""Hiring: the planted truth recovered, brute-force recounts, seeded simulations and a no-bias control."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.special import expit
from scipy.stats import norm, pearsonr

import nogo
import nogo.cases.resume_proxy_bias as hr
from nogo.errors import InputError

N = 30_000


@pytest.fixture(scope="module")
def pool() -> pd.DataFrame:
    return hr.applicant_pool(N, seed=11)


@pytest.fixture(scope="module")
def control() -> pd.DataFrame:
    # larger, so that a ratio of 0.9 sits about 4 standard errors below parity even at 5 stars
    return hr.applicant_pool(50_000, seed=11, label_bias=0.0)


@pytest.fixture(scope="module")
def screener(pool) -> hr.Screener:
    return hr.train_screener(pool, features=pool.attrs["planted"].features, seed=0)


@pytest.fixture(scope="module")
def comparison(pool) -> pd.DataFrame:
    return hr.compare_feature_sets(pool, seed=0)


def _min_ratio(table: pd.DataFrame) -> pd.Series:
    """The lowest group's impact ratio per (feature set, cut)."""
    return table.groupby(["feature_set", "min_stars"])["impact_ratio"].min()


def _within(observed: float, expected: float, se: float, k: float = 4.0) -> bool:
    return abs(observed - expected) <= k * se


# -- the generator plants what it says ---------------------------------------------------------------------


def test_pool_rates_match_the_planted_parameters(pool):
    p = pool.attrs["planted"]
    women = pool["gender"].eq("woman").to_numpy()
    n_w, n_m = women.sum(), (~women).sum()

    def check(col, mask, rate):
        n = mask.sum()
        observed = pool[col].to_numpy()[mask].mean()
        assert _within(observed, rate, np.sqrt(rate * (1 - rate) / n) + 1e-12), (col, observed, rate)

    assert _within(women.mean(), p.share_women, np.sqrt(p.share_women * (1 - p.share_women) / N))
    check("mentions_womens", women, p.womens_term_rate_women)
    check("mentions_womens", ~women, p.womens_term_rate_men)
    for college in hr.WOMENS_COLLEGES:  # two all-women's colleges, as reported: no men, one each at most
        check(college, women, p.womens_college_rate_women)
        assert not pool.loc[~women, college].any()
    assert not (pool["womens_college_a"] & pool["womens_college_b"]).any()
    for verb in ("verb_executed", "verb_captured"):
        check(verb, women, p.verb_rate_women)
        check(verb, ~women, p.verb_rate_men)
    for j, term in enumerate(p.terms):
        check(term, women, p.term_rates[1][j])
        check(term, ~women, p.term_rates[0][j])
    # the term rates are logit(base) -/+ logodds / 2, even terms more common among men
    men, women_rate = p.term_rates
    logit_gap = np.log(men / (1 - men)) - np.log(women_rate / (1 - women_rate))
    assert (men + women_rate) / 2 == pytest.approx(p.term_base_rate, abs=0.02)  # centred on the base rate
    assert logit_gap == pytest.approx(np.where(np.arange(p.n_terms) % 2 == 0, 1, -1) * p.term_gender_logodds)
    assert n_w > 0 and n_m > 0


def test_qualification_is_independent_of_gender_and_skills_measure_it(pool):
    p = pool.attrs["planted"]
    q = pool["qualification"].to_numpy()
    women = pool["gender"].eq("woman").to_numpy()
    assert p.qualified_cut_z == pytest.approx(norm.ppf(1 - p.share_qualified))
    assert (pool["qualified"].to_numpy() == (q >= p.qualified_cut_z)).all()
    for mask in (women, ~women):  # the same share qualified in each group, the planted share
        n = mask.sum()
        rate = p.share_qualified
        assert _within(pool["qualified"].to_numpy()[mask].mean(), rate, np.sqrt(rate * (1 - rate) / n))
    # skill j correlates l_j with qualification (Fisher z standard error 1/sqrt(n-3))
    for name, load in zip(hr.SKILLS, p.skill_loadings, strict=True):
        r = pearsonr(pool[name], q).statistic
        assert _within(np.arctanh(r), np.arctanh(load), 1 / np.sqrt(N - 3))
    # proxies and other terms carry no information about qualification
    for col in (*hr.EXPLICIT_TERMS, *hr.KNOWN_PROXIES, *p.terms):
        r = pearsonr(pool[col].astype(float), q).statistic
        assert abs(np.arctanh(r)) <= 4.5 / np.sqrt(N - 3), col


def test_historical_hire_rates_match_the_integral_of_the_planted_model(pool, control):
    # P(hired | group) = integral of expit(a + w q - b [woman]) phi(q) dq, by scipy quadrature.
    for frame in (pool, control):
        p = frame.attrs["planted"]
        for gender, shift in (("woman", p.label_bias), ("man", 0.0)):
            expected = quad(
                lambda q, s=shift, pp=p: expit(pp.hire_intercept + pp.hire_weight * q - s) * norm.pdf(q),
                -12,
                12,
            )[0]
            mask = frame["gender"].eq(gender).to_numpy()
            rate = frame["hired_before"].to_numpy()[mask].mean()
            assert _within(rate, expected, np.sqrt(expected * (1 - expected) / mask.sum())), gender
    p = pool.attrs["planted"]  # the docstring's figures: 20.3% of men and 5.9% of women
    men = quad(lambda q: expit(p.hire_intercept + p.hire_weight * q) * norm.pdf(q), -12, 12)[0]
    women = quad(lambda q: expit(p.hire_intercept + p.hire_weight * q - 2.0) * norm.pdf(q), -12, 12)[0]
    assert (round(men, 3), round(women, 3), round(women / men, 2)) == (0.203, 0.059, 0.29)


def test_the_planted_label_model_is_recovered_by_the_screener(pool):
    # The label is logit-linear in (qualification, woman) by construction, so a logistic fit on those
    # two columns is correctly specified and must recover (a, w, -b) within its standard errors.
    p = pool.attrs["planted"]
    frame = pool.assign(is_woman=pool["gender"].eq("woman"))
    s = hr.train_screener(frame, features=["qualification", "is_woman"], seed=0, C=1e6)
    c = s.coefficients.set_index("feature")
    assert _within(c.loc["qualification", "coefficient"], p.hire_weight, c.loc["qualification", "std_error"])
    assert _within(c.loc["is_woman", "coefficient"], -p.label_bias, c.loc["is_woman", "std_error"])
    assert abs(s.intercept - p.hire_intercept) < 0.1
    assert set(c["kind"]) == {"other"}


def test_the_gendered_term_is_penalised_under_a_biased_label_and_not_in_the_control(screener, control):
    c = screener.coefficients.set_index("feature")
    assert c.loc["mentions_womens", "ci_high"] < 0 and c.loc["mentions_womens", "z"] < -5
    assert c.loc["mentions_womens", "kind"] == "explicit gendered term"
    # the two all-women's colleges, downgraded (each a term the model reads; neither says "woman")
    assert (c.loc[list(hr.WOMENS_COLLEGES), "ci_high"] < 0).all()
    assert (c.loc[["verb_executed", "verb_captured"], "ci_low"] > 0).all()  # favoured verbs
    assert (c.loc[list(hr.SKILLS), "z"] > 10).all()
    terms = c[c["kind"] == "other term"]
    assert (terms["coefficient"].to_numpy()[0::2] > 0).mean() >= 0.8  # men's terms rewarded
    assert (terms["coefficient"].to_numpy()[1::2] < 0).mean() >= 0.8  # women's terms penalised
    # control: the same pool process without label bias gives no gender signal anywhere
    s0 = hr.train_screener(control, features=control.attrs["planted"].features, seed=0)
    c0 = s0.coefficients.set_index("feature")
    gendered = c0[c0["kind"] != "skill"]
    assert (gendered["z"].abs() < 4).all(), gendered
    assert abs(c0.loc["mentions_womens", "z"]) < 3
    assert (c0.loc[list(hr.SKILLS), "coefficient"] > 0).all()


def test_standard_errors_match_the_spread_over_independent_pools():
    # Seeded simulation: refit on 60 independent pools (penalty made negligible, C=1e4); the SD of the
    # estimates should match the mean Wald standard error. 60 draws resolve an SD to about 9%, so allow
    # 25% (beyond 2.5 of those standard errors).
    feats = ["skill_coding", "mentions_womens", "verb_executed"]
    fits = [
        hr.train_screener(hr.applicant_pool(3_000, seed=s), features=feats, seed=0, C=1e4) for s in range(60)
    ]
    coefs = np.array([f.coefficients["coefficient"].to_numpy() for f in fits])
    ses = np.array([f.coefficients["std_error"].to_numpy() for f in fits])
    ratio = coefs.std(axis=0, ddof=1) / ses.mean(axis=0)
    assert ((ratio > 0.75) & (ratio < 1.25)).all(), ratio


# -- stars --------------------------------------------------------------------------------------------------


def test_star_ratings_are_quintiles_of_the_training_pool(pool, screener):
    scores = screener.score(pool)
    assert screener.star_cuts == pytest.approx(np.quantile(scores, [0.2, 0.4, 0.6, 0.8]))
    stars = screener.stars(pool)
    assert (stars == hr.star_ratings(scores)).all()
    counts = np.bincount(stars, minlength=6)[1:]
    assert np.abs(counts / N - 0.2).max() <= 2 / N  # a fifth of the training pool in each star
    brute = 1 + sum((scores >= c).astype(int) for c in screener.star_cuts)
    assert (stars == brute).all()
    # new applicants are rated against the training pool's cut-offs, not their own
    fresh = hr.applicant_pool(2_000, seed=99)
    assert (screener.stars(fresh) == hr.star_ratings(screener.score(fresh), reference=scores)).all()


def test_star_ratings_edges():
    ref = np.arange(101) / 100  # quantiles exactly 0.2, 0.4, 0.6, 0.8
    assert np.quantile(ref, hr.STAR_QUANTILES).tolist() == pytest.approx([0.2, 0.4, 0.6, 0.8])
    scores, expected = [0.0, 0.2, 0.19999, 0.8, 1.0, 5.0, -3.0], [1, 2, 1, 5, 5, 5, 1]
    assert hr.star_ratings(scores, reference=ref).tolist() == expected  # a cut-off itself: the higher star
    assert hr.star_ratings([0.5]).tolist() == [5]  # a single score is every quantile: top star
    custom = hr.star_ratings(np.arange(100), quantiles=(0.5, 0.6, 0.7, 0.99))
    assert np.bincount(custom, minlength=6)[1:].tolist() == [50, 10, 10, 29, 1]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=40),
    st.lists(st.floats(-10, 10, allow_nan=False), min_size=1, max_size=40),
)
def test_star_ratings_property_against_brute_force(scores, reference):
    stars = hr.star_ratings(scores, reference=reference)
    cuts = np.quantile(reference, [0.2, 0.4, 0.6, 0.8])
    assert [1 + sum(s >= c for c in cuts) for s in scores] == stars.tolist()
    assert ((stars >= 1) & (stars <= 5)).all()
    order = np.argsort(scores, kind="stable")
    assert (np.diff(stars[order]) >= 0).all()  # never fewer stars for a higher score


# -- the screen report --------------------------------------------------------------------------------------


def test_screen_report_matches_a_brute_force_count(pool, screener):
    stars = screener.stars(pool)
    rep = hr.screen_report(pool, stars)
    assert rep["min_stars"].tolist() == [2, 2, 3, 3, 4, 4, 5, 5]
    assert rep["group"].tolist() == ["man", "woman"] * 4
    gender = pool["gender"].to_numpy()
    qualified = pool["qualified"].to_numpy()
    for m in (2, 3, 4, 5):
        rates, tprs = {}, {}
        for g in ("man", "woman"):
            rows = [i for i in range(N) if gender[i] == g]  # plain Python recount
            sel = [stars[i] >= m for i in rows]
            qual = [bool(qualified[i]) for i in rows]
            rates[g] = sum(sel) / len(rows)
            tprs[g] = sum(s and q for s, q in zip(sel, qual, strict=True)) / sum(qual)
            row = rep[(rep["min_stars"] == m) & (rep["group"] == g)].iloc[0]
            assert row["n"] == len(rows) and row["n_selected"] == sum(sel)
            assert row["n_qualified"] == sum(qual)
            assert row["selection_rate"] == pytest.approx(rates[g])
            assert row["tpr"] == pytest.approx(tprs[g])
        for g in ("man", "woman"):
            row = rep[(rep["min_stars"] == m) & (rep["group"] == g)].iloc[0]
            assert row["impact_ratio"] == pytest.approx(rates[g] / max(rates.values()))
            assert row["passes_four_fifths"] == (rates[g] / max(rates.values()) >= 0.8)
            assert row["tpr_gap"] == pytest.approx(max(tprs.values()) - tprs[g])
    # a column name works as well as an array
    named = hr.screen_report(pool.assign(stars=stars), "stars", min_stars=[4])
    pd.testing.assert_frame_equal(named, rep[rep["min_stars"] == 4].reset_index(drop=True))


def test_biased_screener_fails_four_fifths_where_shortlists_are_cut(pool, screener):
    rep = hr.screen_report(pool, screener.stars(pool)).set_index(["min_stars", "group"])
    women = rep.xs("woman", level="group")
    assert (women.loc[[3, 4, 5], "impact_ratio"] < 0.8).all()
    assert women["impact_ratio"].is_monotonic_decreasing  # the stricter the cut, the wider the gap
    assert (women["tpr_gap"] > 0).all()  # equally qualified women are shortlisted less often


# -- removing the word does not remove the bias -------------------------------------------------------------


def test_dropping_the_explicit_term_leaves_the_proxies(pool, comparison):
    r = _min_ratio(comparison)
    assert r["all terms", 4] < 0.8 and r["all terms", 5] < 0.8
    assert r["explicit term dropped", 4] < 0.8 and r["explicit term dropped", 5] < 0.8
    for m in (3, 4, 5):  # each edit narrows the gap ...
        assert r["all terms", m] < r["explicit term dropped", m] < r["known proxies dropped too", m]
    assert r["known proxies dropped too", 5] < 0.8  # ... but the terms nobody listed still carry it
    for m in (2, 3, 4, 5):  # only gender-free features or an unbiased label close it
        assert r["skills only", m] > 0.9 and r["true label", m] > 0.9
    # the proxies absorb the penalty the explicit term carried
    every = pool.attrs["planted"].features
    full = hr.train_screener(pool, features=every, seed=0).coefficients.set_index("feature")
    edited = hr.train_screener(pool, features=hr.drop_explicit_terms(every), seed=0)
    edited_c = edited.coefficients.set_index("feature")
    assert "mentions_womens" not in edited_c.index
    colleges = list(hr.WOMENS_COLLEGES)
    assert (edited_c.loc[colleges, "coefficient"] < full.loc[colleges, "coefficient"]).all()
    assert (edited_c.loc[colleges, "ci_high"] < 0).all()
    assert edited_c.loc["verb_executed", "coefficient"] > full.loc["verb_executed", "coefficient"]
    sets = comparison.attrs["feature_sets"]
    names = ["all terms", "explicit term dropped", "known proxies dropped too", "skills only", "true label"]
    assert list(sets) == names
    assert sets["explicit term dropped"][0] == tuple(hr.drop_explicit_terms(every))
    assert set(sets["known proxies dropped too"][0]) == set(hr.SKILLS) | set(pool.attrs["planted"].terms)
    labels = comparison.drop_duplicates("feature_set").set_index("feature_set")
    assert labels.loc["true label", "label"] == "qualified"
    assert labels.loc["skills only", "n_features"] == len(hr.SKILLS)


def test_no_bias_control_keeps_every_ratio_near_one(control):
    r = _min_ratio(hr.compare_feature_sets(control, seed=0))
    assert (r > 0.9).all(), r


# -- decision log, costs, autonomy ---------------------------------------------------------------------------


def test_decision_log_follows_the_conventions(pool, screener):
    log = hr.decision_log(pool, screener, min_stars=4, salary_usd=120_000)
    assert list(log.columns[:2]) == ["decision_id", "applicant_id"]
    assert log["decision_id"].tolist() == list(range(N))
    assert log["score"].between(0, 1).all()
    direct = screener.model.predict_proba(pool[list(screener.features)].to_numpy(float))[:, 1]
    assert log["score"].to_numpy() == pytest.approx(direct, rel=1e-12)
    assert (log["outcome"] == pool["qualified"]).all() and log["outcome"].dtype == bool
    assert (log["group"] == pool["gender"]).all()
    assert (log["value_usd"] == 120_000).all()
    assert ((log["stars"] >= 4) == (log["action_type"] == "shortlist")).all()
    assert set(log["action_type"]) == {"shortlist", "reject"}


def test_cost_model_prices_each_outcome_by_hand():
    m = hr.screening_cost_model()
    salary, p = 150_000.0, 0.3
    fp = 0.30 * salary  # bad hire
    fn = 0.15 * salary + 500  # missed candidate + legal exposure
    review, miss, block = 30.0, 0.10, 0.10
    expected = {
        "act_usd": (1 - p) * fp,
        "escalate_usd": review + p * block * fn + (1 - p) * miss * fp,
        "decline_usd": p * fn,
    }
    got = m.expected_costs([p], value_usd=[salary]).iloc[0]
    for k, v in expected.items():
        assert got[k] == pytest.approx(v)
    high = m.decision_costs([salary], level="high")
    assert high.array("false_action_usd")[0] == pytest.approx(1.0 * salary)
    assert high.array("missed_usd")[0] == pytest.approx(0.30 * salary + 5_000)
    cats = {c.name: c.category for c in m.components}
    assert cats["legal exposure (illustrative)"] == "legal"
    assert all("illustrative" in name for name in cats)
    assert len(m.sensitivity([p], value_usd=[salary])) == 4


def test_autonomy_cap_against_a_brute_force_count(pool, screener):
    log = hr.decision_log(pool, screener)
    rep = hr.autonomy_report(log, top_share=0.10).set_index(["policy", "group"])
    score = log["score"].to_numpy()
    assert len(np.unique(score)) == N  # distinct scores: the top 10% is exactly floor(0.1 N) rows
    top = np.zeros(N, dtype=bool)
    top[np.argsort(-score)[: N // 10]] = True
    shortlist = log["action_type"].to_numpy() == "shortlist"
    assert (top <= shortlist).all()  # the top 10% are all 4-5 star shortlists
    rates = {}
    for g in ("man", "woman"):
        mask = log["group"].to_numpy() == g
        row = rep.loc[("capped", g)]
        assert row["n_shortlisted_alone"] == (top & mask).sum()
        assert row["n_rejected_alone"] == 0  # never reject alone
        assert row["n_to_humans"] == (~top & mask).sum()
        rates[g] = (top & mask).sum() / mask.sum()
        alone = rep.loc[("screener alone", g)]
        assert alone["n_shortlisted_alone"] == (shortlist & mask).sum()
        assert alone["n_rejected_alone"] == (~shortlist & mask).sum() and alone["n_to_humans"] == 0
    assert rep.loc[("capped", "woman"), "impact_ratio"] == pytest.approx(rates["woman"] / rates["man"])
    assert rep.xs("capped")["n_to_humans"].sum() == N - N // 10  # 90% go to a person
    # the cap bounds what runs alone; it does not make the autonomous shortlist fair
    assert rep.loc[("capped", "woman"), "impact_ratio"] < 0.8
    assert rep.loc[("capped", "woman"), "impact_ratio"] < rep.loc[("screener alone", "woman"), "impact_ratio"]


def test_autonomy_report_costs_by_hand():
    log = pd.DataFrame(
        {
            "score": [0.9, 0.8, 0.4, 0.3],
            "outcome": [True, False, True, False],
            "value_usd": [100_000.0] * 4,
            "group": ["m", "w", "m", "w"],
            "action_type": ["shortlist", "shortlist", "reject", "reject"],
        }
    )
    rep = hr.autonomy_report(log, top_share=0.25, cost_model=hr.screening_cost_model())
    fp, fn = 30_000.0, 15_500.0
    esc_right, esc_wrong = 30 + 0.1 * fn, 30 + 0.1 * fp
    # alone: m right shortlist (0) + m wrongly rejected (fn); w bad shortlist (fp) + w right reject (0)
    assert rep["cost_usd"].tolist() == pytest.approx([fn, fp, 0 + esc_right, esc_wrong + esc_wrong])


# -- reproducibility ---------------------------------------------------------------------------------------


def test_same_seed_same_pool_and_a_deterministic_fit(pool, screener):
    again = hr.applicant_pool(N, seed=11)
    pd.testing.assert_frame_equal(pool, again)
    assert again.attrs["planted"] == pool.attrs["planted"]
    assert not hr.applicant_pool(N, seed=12)["hired_before"].equals(pool["hired_before"])
    g1 = hr.applicant_pool(500, seed=np.random.default_rng(5))
    g2 = hr.applicant_pool(500, seed=np.random.default_rng(5))
    pd.testing.assert_frame_equal(g1, g2)
    assert g1.attrs["planted"].seed is None
    refit = hr.train_screener(pool, features=screener.features, seed=0)
    pd.testing.assert_frame_equal(refit.coefficients, screener.coefficients)
    assert (refit.score(pool) == screener.score(pool)).all()


def test_small_pools_and_no_other_terms():
    small = hr.applicant_pool(1, seed=0, n_terms=0)
    assert len(small) == 1 and not any(c.startswith("term_") for c in small.columns)
    assert small.attrs["planted"].features == hr.SKILLS + hr.EXPLICIT_TERMS + hr.KNOWN_PROXIES
    everyone = hr.applicant_pool(200, seed=0, share_women=1.0)
    assert set(everyone["gender"]) == {"woman"}


# -- bad inputs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, r"n: expected a positive whole number, got 0"),
        ({"n": 10.5}, r"n: expected a positive whole number, got 10.5"),
        ({"share_women": 1.5}, r"share_women: expected a number >= 0 and <= 1, got 1.5"),
        ({"share_qualified": 0.0}, r"share_qualified: expected a number > 0 and < 1, got 0.0"),
        ({"verb_rate_men": float("nan")}, r"verb_rate_men: expected finite numbers, found nan at row 0"),
        ({"n_terms": -1}, r"n_terms: expected a whole number >= 0, got -1"),
        ({"skill_loadings": (0.5, 1.0, 0.2, 0.1)}, r"skill_loadings: expected 4 correlations in \[0, 1\)"),
        ({"skill_loadings": (0.5,)}, r"skill_loadings: expected 4 correlations"),
        ({"label_bias": float("inf")}, r"label_bias: expected finite numbers, found inf at row 0"),
        (
            {"womens_college_rate_women": 0.6},
            r"womens_college_rate_women: expected at most 0.5 per college \(two\), got 0.6",
        ),
        ({"seed": "x"}, r"seed: expected a whole number or a numpy Generator, got 'x'"),
    ],
)
def test_applicant_pool_rejects_bad_parameters(kwargs, message):
    args = {"n": 100, "seed": 0, **kwargs}
    with pytest.raises(InputError, match=message):
        hr.applicant_pool(args.pop("n"), **args)


def test_train_screener_rejects_bad_inputs(pool):
    small = pool.head(500)
    with pytest.raises(InputError, match=r"features: column 'salary' not in the pool"):
        hr.train_screener(small, features=["skill_coding", "salary"], seed=0)
    with pytest.raises(
        InputError, match=r"features: column 'gender' is (object|str), expected numbers or booleans"
    ):
        hr.train_screener(small, features=["gender"], seed=0)
    with pytest.raises(InputError, match=r"features: expected at least one column name, got none"):
        hr.train_screener(small, features=[], seed=0)
    with pytest.raises(InputError, match=r"features: 'skill_coding' is listed twice"):
        hr.train_screener(small, features=["skill_coding", "skill_coding"], seed=0)
    holed = small.copy()
    holed.loc[7, "skill_coding"] = np.nan
    with pytest.raises(
        InputError, match=r"column 'skill_coding': expected finite numbers, found nan at row 7"
    ):
        hr.train_screener(holed, features=["skill_coding"], seed=0)
    with pytest.raises(InputError, match=r"label: column 'hired' not in the pool"):
        hr.train_screener(small, features=["skill_coding"], label="hired", seed=0)
    with pytest.raises(
        InputError,
        match=r"label: column 'gender': expected 0/1 or True/False outcomes, found '(wo)?man' at row 0",
    ):
        hr.train_screener(small, features=["skill_coding"], label="gender", seed=0)
    one_class = small.assign(hired_before=False)
    with pytest.raises(InputError, match=r"label: column 'hired_before' has only one class"):
        hr.train_screener(one_class, features=["skill_coding"], seed=0)
    with pytest.raises(InputError, match=r"C: expected a positive number, got 0"):
        hr.train_screener(small, features=["skill_coding"], seed=0, C=0)
    with pytest.raises(InputError, match=r"pool: expected a pandas DataFrame of applicants, got list"):
        hr.train_screener([1, 2], features=["skill_coding"], seed=0)
    with pytest.raises(InputError, match=r"pool: expected at least one applicant, got an empty frame"):
        hr.train_screener(small.head(0), features=["skill_coding"], seed=0)


def test_stars_and_reports_reject_bad_inputs(pool, screener):
    with pytest.raises(InputError, match=r"scores: expected finite numbers, found nan at row 1"):
        hr.star_ratings([0.1, np.nan])
    with pytest.raises(InputError, match=r"quantiles: expected 4 increasing quantiles"):
        hr.star_ratings([0.1, 0.2], quantiles=(0.2, 0.4, 0.4, 0.8))
    with pytest.raises(
        InputError, match=r"quantiles: expected probabilities in \[0, 1\], found 1.2 at row 3"
    ):
        hr.star_ratings([0.1, 0.2], quantiles=(0.2, 0.4, 0.6, 1.2))
    with pytest.raises(InputError, match=r"reference: expected at least one value, got an empty array"):
        hr.star_ratings([0.1], reference=[])
    small = pool.head(100)
    with pytest.raises(InputError, match=r"stars: expected 100 values \(one per applicant\), got 3"):
        hr.screen_report(small, [1, 2, 3])
    with pytest.raises(InputError, match=r"min_stars: expected whole stars 1-5, found 6"):
        hr.screen_report(small, np.ones(100), min_stars=[4, 6])
    with pytest.raises(InputError, match=r"group: column 'sex' not in the pool"):
        hr.screen_report(small, np.ones(100), group="sex")
    with pytest.raises(InputError, match=r"stars: column 'stars' not in the pool"):
        hr.screen_report(small, "stars")
    with pytest.raises(
        InputError, match=r"pool: expected a pool from applicant_pool \(attrs\['planted'\] is missing\)"
    ):
        hr.compare_feature_sets(pd.DataFrame(small), seed=0)
    with pytest.raises(
        InputError, match=r"feature_sets: 'odd' should be \(features, label\), got 'skill_coding'"
    ):
        hr.compare_feature_sets(small, seed=0, feature_sets={"odd": "skill_coding"})
    with pytest.raises(InputError, match=r"feature_sets: expected at least one"):
        hr.compare_feature_sets(small, seed=0, feature_sets={})
    with pytest.raises(InputError, match=r"min_stars: expected a whole number of stars 1-5, got 4.5"):
        hr.decision_log(small, screener, min_stars=4.5)
    with pytest.raises(InputError, match=r"min_stars: expected a whole number of stars 1-5, got 0"):
        hr.decision_log(small, screener, min_stars=0)
    with pytest.raises(InputError, match=r"salary_usd: expected a salary >= 0, got -1"):
        hr.decision_log(small, screener, salary_usd=-1)
    with pytest.raises(InputError, match=r"screener: expected a Screener from train_screener, got dict"):
        hr.decision_log(small, {}, min_stars=4)


def test_costs_and_surface_reject_bad_inputs(pool, screener):
    with pytest.raises(InputError, match=r"bad_hire_share: expected \(low, base, high\), got \(0.3,\)"):
        hr.screening_cost_model(bad_hire_share=(0.3,))
    with pytest.raises(InputError, match=r"legal_usd: expected values >= 0, found -1.0 at row 0"):
        hr.screening_cost_model(legal_usd=(-1, 0, 1))
    with pytest.raises(InputError, match=r"expected low <= base <= high"):
        hr.screening_cost_model(review_usd=(50, 30, 60))
    with pytest.raises(InputError, match=r"share: expected probabilities in \[0, 1\], found 1.5 at row 0"):
        hr.screening_surface(1.5)
    log = hr.decision_log(pool.head(200), screener)
    with pytest.raises(InputError, match=r"log: column 'group' not in the decision log"):
        hr.autonomy_report(log.drop(columns="group"))
    with pytest.raises(InputError, match=r"log: column 'outcome' not in the decision log"):
        hr.autonomy_report(log.drop(columns="outcome"), cost_model=hr.screening_cost_model())


# -- charts (checked through their Vega-Lite spec) ----------------------------------------------------------


def _layer_rows(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", spec.get("data"))
    return data["values"] if "values" in data else spec["datasets"][data["name"]]


def test_coefficient_chart_sorts_by_coefficient_and_highlights_the_gendered_term(screener):
    spec = hr.coefficient_chart(screener.coefficients).to_dict()
    interval, point, zero, label = spec["layer"]
    assert (interval["mark"]["type"], point["mark"]["type"], zero["mark"]["type"]) == (
        "rule",
        "point",
        "rule",
    )
    rows = _layer_rows(spec, point)
    assert len(rows) == len(screener.features)  # one row per feature, nothing dropped or repeated
    c = screener.coefficients
    assert point["encoding"]["y"]["sort"] == c.sort_values("coefficient")["feature"].tolist()
    assert point["encoding"]["y"]["sort"][0] in {"mentions_womens", *hr.WOMENS_COLLEGES}  # most penalised
    scale = point["encoding"]["color"]["scale"]
    colours = dict(zip(scale["domain"], scale["range"], strict=True))
    assert colours["explicit gendered term"] == hr.KIND_COLOURS["explicit gendered term"]
    assert colours["known proxy"] != colours["other term"] != colours["skill"]
    assert set(colours) == set(c["kind"])
    by_feature = {r["feature"]: r for r in rows}
    for f in ("mentions_womens", *hr.WOMENS_COLLEGES):  # the interval drawn is the Wald interval
        row = c.set_index("feature").loc[f]
        assert by_feature[f]["ci_low"] == pytest.approx(
            row["coefficient"] - norm.ppf(0.975) * row["std_error"]
        )
        assert by_feature[f]["ci_high"] < 0
    assert (interval["encoding"]["x"]["field"], interval["encoding"]["x2"]["field"]) == ("ci_low", "ci_high")
    assert _layer_rows(spec, zero) == [{"zero": 0.0}]
    assert _layer_rows(spec, label) == [{"zero": 0.0, "label": "no effect (0)"}]  # the rule named above the plot
    assert spec["height"] == 16 * len(screener.features)


def test_impact_ratio_chart_draws_the_lowest_ratio_per_set_and_cut_with_the_four_fifths_line(comparison):
    spec = hr.impact_ratio_chart(comparison).to_dict()
    lines, rule = spec["layer"]
    rows = _layer_rows(spec, lines)
    # independent recount: a (set, cut) by group table, and the lower of the two groups
    wide = comparison.pivot_table(index=["feature_set", "min_stars"], columns="group", values="impact_ratio")
    assert len(rows) == len(wide) == 5 * 4
    for r in rows:
        ratios = wide.loc[(r["feature_set"], r["min_stars"])]
        assert r["impact_ratio"] == pytest.approx(ratios.min()) and r["group"] == ratios.idxmin()
        if r["feature_set"] in ("all terms", "explicit term dropped"):
            assert r["group"] == "woman"  # the biased screeners shortlist women less at every cut
    assert lines["encoding"]["color"]["sort"] == list(comparison.attrs["feature_sets"])
    key = "four-fifths line (0.8): below it fails"
    assert _layer_rows(spec, rule) == [{"four_fifths": 0.8, "key": key}]
    assert rule["encoding"]["y"]["field"] == "four_fifths"
    assert rule["encoding"]["strokeDash"]["scale"]["domain"] == [key]  # keyed in the legend, dashed
    # one screener's report: a single series, and the line where the caller puts it
    single = hr.impact_ratio_chart(
        comparison[comparison["feature_set"] == "all terms"].drop(columns="feature_set"), min_ratio=0.5
    ).to_dict()
    assert {r["feature_set"] for r in _layer_rows(single, single["layer"][0])} == {"screener"}
    assert [r["four_fifths"] for r in _layer_rows(single, single["layer"][1])] == [0.5]


def test_charts_reject_bad_inputs(screener, comparison):
    with pytest.raises(InputError, match=r"coefficients: missing column\(s\) ci_low, ci_high"):
        hr.coefficient_chart(screener.coefficients.drop(columns=["ci_low", "ci_high"]))
    with pytest.raises(InputError, match=r"report: expected a pandas DataFrame, got list"):
        hr.impact_ratio_chart([1, 2])
    with pytest.raises(InputError, match=r"report: missing column\(s\) impact_ratio"):
        hr.impact_ratio_chart(comparison.drop(columns="impact_ratio"))
    with pytest.raises(InputError, match=r"min_ratio: expected a ratio in \(0, 1\], got 1.5"):
        hr.impact_ratio_chart(comparison, min_ratio=1.5)


# -- the case file and its notebook: fidelity to the record, and one call throughout (issue 12) ----------

ROOT = Path(__file__).resolve().parents[2]
CASE_ID = "resume-proxy-bias"
WHY = "The tool only orders the queue; a person makes every decision and an audit gates the launch."


@pytest.fixture(scope="module")
def case() -> nogo.CaseFile:
    return nogo.Project(ROOT).case(CASE_ID)


@pytest.fixture(scope="module")
def notebook() -> Any:
    return nbformat.read(ROOT / "notebooks" / f"{CASE_ID}.ipynb", as_version=4)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _strings(value: Any) -> Iterator[str]:
    """Every string in a nested structure of dicts, lists and scalars."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


def _markdown(nb: Any) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _markdown_title(nb: Any) -> str:
    return nb.cells[0].source.splitlines()[0].removeprefix("# ").strip()


def _code_cell(nb: Any, needle: str) -> Any:
    return next(c for c in nb.cells if c.cell_type == "code" and needle in c.source)


def test_the_case_reproduces_no_published_figure_and_the_notebook_says_so(case, notebook):
    # item 6: the star scale and the two colleges are planted, so their checks are consistency checks
    assert {f.kind for f in case.published_figures} == {"consistency"}
    table = case.compare_figures({f.name: f.value for f in case.published_figures})
    assert table["kind"].tolist() == ["consistency"] * len(case.published_figures)
    markdown = _markdown(notebook)
    check = next(m for m in markdown if m.startswith("## Check it against the record"))
    for where, text in (("opening", markdown[0]), ("check section", check)):
        assert "reproduces no published figure" in _flat(text), where
        assert "recovers what" in _flat(text) and "planted" in text, where
    shown = "".join(
        o.get("data", {}).get("text/html", "") for o in _code_cell(notebook, "compare_figures(").outputs
    )
    assert re.search(r"<th>\s*kind\s*</th>", shown), "the committed table has no kind column"
    assert shown.count(">consistency<") == len(case.published_figures)
    assert (
        '(figures["kind"] == "consistency").all()'
        in _code_cell(notebook, 'figures["within_tolerance"]').source
    )


# A sentence that states the label as fact: 'its label was "resembles ...', 'The label ("resembles ...'.
_LABEL_AS_FACT = re.compile(r'label,? (?:was|is),? "resembles|the label \("resembles', re.IGNORECASE)


def test_the_training_label_is_presented_as_the_likely_mechanism_not_as_fact(case, notebook):
    # item 7: the sources support "trained on ten years of resumes ..., mostly from men", not the label
    assert "past hires" not in case.title and "ten years of resumes, mostly from men" in case.title
    assert _markdown_title(notebook) == case.title
    texts = {
        "case file": list(_strings(case.model_dump(exclude={"sources"}))),
        "notebook": _markdown(notebook),
        "hiring.py": [hr.__doc__ or "", hr.applicant_pool.__doc__ or ""],
    }
    for where, items in texts.items():
        for text in items:
            assert not _LABEL_AS_FACT.search(_flat(text)), f"{where}: {_flat(text)[:120]}"
            if re.search(r"resembles (?:the people we hired before|past hires)", _flat(text)):
                assert re.search(r"likely|inference", text), f"{where} names the label as fact: {text[:120]}"
    for where, text in (("summary", case.incident.summary), ("debrief", case.debrief),
                        ("decision", case.incident.decision), ("opening", _markdown(notebook)[0]),
                        ("hiring.py", hr.__doc__ or "")):  # fmt: skip
        assert "likely mechanism" in _flat(text), where
        assert re.search(r"(?:mostly|most of them) from men", _flat(text)), where


def test_the_four_fifths_rule_cites_its_source_everywhere(case, notebook):
    # item 8: 29 CFR 1607.4(D) is a source of the case file, and each place citing the rule names it
    rule = next(s for s in case.sources if "1607.4(D)" in s.title)
    assert rule.url == "https://www.ecfr.gov/current/title-29/subtitle-B/chapter-XIV/part-1607/section-1607.4"
    cites = re.compile(rf"\b{re.escape(rule.id)}\b")
    in_case = [t for t in _strings(case.model_dump(exclude={"sources"})) if re.search(r"four-fifths|1607", t)]
    assert len(in_case) >= 3  # debrief, rubric, promotion gate, rollback
    assert all(cites.search(t) for t in in_case), [t[:80] for t in in_case if not cites.search(t)]
    in_notebook = [m for m in _markdown(notebook) if re.search(r"1607|Uniform Guidelines", m)]
    assert len(in_notebook) >= 2 and all(cites.search(m) for m in in_notebook)
    shown = "".join(  # the sources as the reader sees them: rendered text, the address a link
        o.get("data", {}).get("text/html", "")
        for o in _code_cell(notebook, "sources_prose(case.sources)").outputs
    )
    assert f"[{rule.id}]" in shown and f'<a href="{rule.url}">{rule.url}</a>' in shown


def test_the_contract_adverse_impact_baseline_is_the_reconstructions_and_says_it_is_synthetic(case):
    # item 8: the baseline was 0.8 while the notebook's screener sits at 0.54-0.61 where shortlists are cut
    d = case.defaults()
    pool = hr.applicant_pool(d["n_applicants"], seed=d["seed"], label_bias=d["label_bias"])
    screener = hr.train_screener(pool, features=pool.attrs["planted"].features, seed=d["seed"])
    lowest = float(hr.screen_report(pool, screener.stars(pool))["impact_ratio"].min())
    contract = case.agent_impact_contract()
    air = next(m for m in contract.customer_outcome if "adverse-impact" in m.name)
    assert air.baseline == round(lowest, 2) == 0.54
    assert air.baseline < 0.8 < air.target and air.direction == "increase"
    assert "synthetic" in air.unit and "synthetic" in (air.data_source or "")
    page = contract.to_markdown()
    row = next(line for line in page.splitlines() if line.startswith("|") and air.name in line)
    assert "synthetic" in row and "| 0.54 |" in row
    assert f"{air.name}: {air.data_source}" in _flat(page)  # the page's data-sources line
    assert "synthetic" in contract._repr_html_()


def test_the_defended_call_with_its_key_guardrails_scores_correct_and_the_contract_agrees(case):
    # item 9: one call throughout: ship with guardrails for a draft ranking; no-go for autonomous screening
    drill = case.drill
    assert drill.launch_call == "ship with guardrails"
    deciding = [e.fact for e in drill.evidence if e.deciding]  # the launch call also asks for the evidence
    f = nogo.score_launch(case, drill.launch_call, drill.key_guardrails, WHY, evidence=deciding)
    assert f.right_call and f.correct and f.missing_guardrails == () and f.extra_guardrails == ()
    for call in ("ship", "no-go"):
        assert not nogo.score_launch(case, call, [], WHY).correct
    for left_out in drill.key_guardrails:  # each key guardrail is needed
        rest = [g for g in drill.key_guardrails if g != left_out]
        assert nogo.score_launch(case, drill.launch_call, rest, WHY).missing_guardrails == (left_out,)
    distractors = [d.guardrail for d in drill.distractors]
    assert distractors and not nogo.score_launch(case, drill.launch_call, distractors, WHY).correct
    # the browser test ticks a guardrail by its first 40 characters: they must name one guardrail only
    for g in drill.guardrails:
        assert [h for h in drill.guardrails if g[:40].lower() in h.lower()] == [g]
    contract = case.agent_impact_contract()
    assert contract.autonomy_level == nogo.AUTONOMY_LEVELS[0] == "draft"  # the agent drafts; a person decides
    assert "applications rejected without a person" in contract.never_optimise
    assert "rejects anyone alone" in contract.rollback.trigger
    debrief = _flat(case.debrief)
    assert "The call is ship with guardrails, for a draft first-pass ranking only" in debrief
    assert "autonomous screening, shortlisting or rejecting without a person, is no-go" in debrief
    assert "Why not no-go outright" in debrief
    for gist in ("a person makes every advance or reject decision", "label audited for bias",
                 "before launch, before any expansion and every quarter", "named recruiter"):  # fmt: skip
        assert gist in debrief and any(gist in g for g in drill.key_guardrails), gist


def test_no_currency_dollar_in_the_notebooks_markdown_starts_maths(notebook):
    # item 10: two $ in one Markdown cell start LaTeX in JupyterLab; currency is written \$
    for k, source in enumerate(_markdown(notebook)):
        prose = re.sub(r"`[^`]*`", "", re.sub(r"```.*?```", "", source, flags=re.DOTALL))
        assert not re.search(r"(?<!\\)\$", prose), f"markdown cell {k}: unescaped $ in {source[:80]!r}"


# -- the case interface: what nogo.open_case builds is what the module's own functions give ----------------


def test_the_case_builds_for_a_variant_what_the_modules_functions_give(case):
    variant = case.variant(5)
    assert variant["n_applicants"] != case.defaults()["n_applicants"]  # a real variant, not the defaults
    built = nogo.open_case(case, ROOT / "data").build(variant)
    assert built.parameters == variant

    # the log, rebuilt from the generator, the screener and decision_log directly
    seed = variant["seed"]
    pool = hr.applicant_pool(variant["n_applicants"], seed=seed, label_bias=variant["label_bias"])
    screener = hr.train_screener(pool, features=pool.attrs["planted"].features, seed=seed)
    log = hr.decision_log(pool, screener)
    pd.testing.assert_frame_equal(built.log, log)
    assert len(built.log) == variant["n_applicants"]

    # p: calibrated out of fold on the truth, with the variant's seed
    p = nogo.calibrate_out_of_fold(log["score"], log["outcome"], seed=seed)
    np.testing.assert_array_equal(built.p, p)

    # costs: the screening cost model at each applicant's salary, by hand at the base level
    salary = log["value_usd"].to_numpy()
    assert built.cost_model == hr.screening_cost_model()
    assert built.costs.array("false_action_usd") == pytest.approx(0.30 * salary)  # a bad hire
    assert built.costs.array("missed_usd") == pytest.approx(0.15 * salary + 500)  # missed + legal exposure
    np.testing.assert_allclose(
        built.expected_costs(), hr.screening_cost_model().decision_costs(salary).expected(p), rtol=1e-12
    )

    # a quarter's applicants; the desk judged on who is not declined, otherwise the model's defaults
    assert built.days == 90.0
    assert built.desk == nogo.PolicyAssumptions(favourable="not_declined")

    # one hard rule, binding every applicant: the tool never rejects alone
    (rule,) = built.hard_rules
    assert rule.rule == "never reject an applicant without a person" and rule.forbids == "decline"
    assert rule.applies.tolist() == [True] * len(log)
    best = built.best_actions()
    assert "decline" not in set(best)
    # brute force: each applicant's cheapest of act and escalate, the two actions left to the tool
    expected = built.expected_costs()
    cheapest = np.where(expected[:, 0] <= expected[:, 1], "act", "escalate")
    assert (best == cheapest).all()
    assert (np.argmin(expected, axis=1) == 2).any()  # on cost alone some rejections would be chosen


def test_the_notebook_reads_as_a_page_with_three_cells_open_to_change(notebook):
    # issue 15, item 1: code folded but for the cells a reader is invited to change; no monospace prose
    from nogo.casebook.reader import reader_problems

    assert reader_problems(notebook, CASE_ID) == []
    open_cells = [c.source for c in notebook.cells if c.cell_type == "code" and not c.metadata.get("jupyter")]
    assert len(open_cells) == 3
    assert open_cells[0].startswith('case_id = "resume-proxy-bias"')  # the parameters
    assert "p_qualified = [" in open_cells[1] and "audited_resumes = (" in open_cells[2]
    assert "Expand All Code" in _flat(_markdown(notebook)[0])
    shown = json.dumps([c.get("outputs", []) for c in notebook.cells if c.cell_type == "code"])
    assert not re.search(r"\d\.\d+e[+-]\d+", shown), "scientific notation in a saved output"
