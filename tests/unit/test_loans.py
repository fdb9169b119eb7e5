"""The loan-steering case: planted truth recovered, offers re-priced by month-by-month loops, the
policies against a per-borrower brute force, the misaligned-vs-aligned property, the quiet-failure
metric against a pairwise recount and a closed-form Markov probability, and the autonomy rules."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import nogo
import nogo.cases.loan_steering as ln
from nogo.errors import InputError
from nogo.models.amortisation import monthly_payment_usd


@pytest.fixture(scope="module")
def book() -> pd.DataFrame:
    return ln.borrower_book(20_000, seed=11)


@pytest.fixture(scope="module")
def offers(book) -> pd.DataFrame:
    return ln.loan_offers(book)


# -- the synthetic book -------------------------------------------------------------------------------


def test_same_seed_same_book_and_offers_and_another_seed_differs():
    a, b = ln.borrower_book(800, seed=5), ln.borrower_book(800, seed=5)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(ln.loan_offers(a), ln.loan_offers(b))
    assert not a.equals(ln.borrower_book(800, seed=6))
    assert a.attrs["synthetic"] and a.attrs["seed"] == 5


def test_planted_markup_is_recovered_by_the_gap_and_by_least_squares(book):
    truth = dict(ln.DEFAULT_MARKUP_BPS)
    gap = ln.rate_gap_by_group(book).set_index("group")
    # an independent estimator: OLS of the rate on tier and group dummies
    g = pd.get_dummies(book["group"]).drop(columns="A")
    t = pd.get_dummies(book["risk_tier"])
    x = pd.concat([t, g], axis=1).to_numpy(dtype=float)
    coef, *_ = np.linalg.lstsq(x, book["annual_rate"].to_numpy(), rcond=None)
    ols = dict(zip(g.columns, coef[t.shape[1] :] * 1e4, strict=True))
    # the sampling error of a group-mean difference is about 0.004 / sqrt(3000) = 0.7 bps
    for grp in ("B", "C"):
        assert gap.loc[grp, "rate_gap_bps"] == pytest.approx(truth[grp], abs=3.0)
        assert ols[grp] == pytest.approx(truth[grp], abs=3.0)
        assert gap.loc[grp, "rate_gap_bps"] == pytest.approx(ols[grp], abs=1.5)
    assert gap.loc["A", "rate_gap_bps"] == 0.0


def test_extra_interest_matches_repricing_at_the_planted_markup(book):
    gap = ln.rate_gap_by_group(book).set_index("group")
    for grp in ("B", "C"):
        rows = book[book["group"] == grp]
        b, r, n = rows["balance_usd"], rows["annual_rate"], rows["remaining_term_months"]
        truth = n * (
            monthly_payment_usd(b, r, n) - monthly_payment_usd(b, r - ln.DEFAULT_MARKUP_BPS[grp] / 1e4, n)
        )
        est = gap.loc[grp, "extra_interest_usd_per_borrower"]
        assert est == pytest.approx(truth.mean(), rel=0.15)
        assert gap.loc[grp, "extra_interest_usd_total"] == pytest.approx(est * len(rows))


def test_a_zero_markup_book_shows_no_gap():
    flat = ln.borrower_book(20_000, seed=3, markup_bps={"A": 0.0, "B": 0.0, "C": 0.0})
    assert ln.rate_gap_by_group(flat)["rate_gap_bps"].abs().max() < 3.0


def test_group_and_tier_shares_are_the_planted_ones(book):
    for col, shares in (
        ("group", ln.BOOK_DEFAULTS["group_shares"]),
        ("risk_tier", ln.BOOK_DEFAULTS["tier_shares"]),
    ):
        counts = book[col].value_counts()
        for label, share in shares.items():  # two-sided binomial test at 0.1%
            assert stats.binomtest(int(counts[label]), len(book), share).pvalue > 1e-3
    # group and tier are drawn independently: chi-square test of the contingency table
    table = pd.crosstab(book["group"], book["risk_tier"])
    assert stats.chi2_contingency(table).pvalue > 1e-3


def test_book_columns_are_consistent(book):
    pay = monthly_payment_usd(book["balance_usd"], book["annual_rate"], book["remaining_term_months"])
    np.testing.assert_allclose(book["payment_usd"], pay)
    assert (book["hardship"] == (book["payment_usd"] > book["affordable_payment_usd"])).all()
    assert book["balance_usd"].between(1e3, 1.5e5).all()
    assert book["remaining_term_months"].between(36, 120).all()


# -- the offers ---------------------------------------------------------------------------------------


def _simulate_total_paid(balance, annual_rate, payments):
    b, r = balance, annual_rate / 12.0
    for pay in payments:
        b = b + b * r - pay
    return sum(payments), b


def test_offers_repriced_by_a_monthly_loop(book, offers):
    rng = np.random.default_rng(0)
    row_of = book.set_index("borrower_id")
    for action in offers["action_type"].unique():  # a few offers of each type, re-priced from scratch
        sample = offers[offers["action_type"] == action]
        for _, o in sample.iloc[rng.choice(len(sample), size=min(5, len(sample)), replace=False)].iterrows():
            br = row_of.loc[o["borrower_id"]]
            bal, rate, n = br["balance_usd"], br["annual_rate"], int(br["remaining_term_months"])
            old = monthly_payment_usd(bal, rate, n)
            if action.startswith("forbearance"):
                k = int(action.removeprefix("forbearance_").removesuffix("m"))
                stream, start, r2 = [0.0] * k, bal * (1 + rate / 12 * k), rate
                stream += [monthly_payment_usd(start, rate, n)] * n
                paid, end = sum(stream), _simulate_total_paid(start, rate, stream[k:])[1]
            elif action == "income_driven":
                q, b = min(br["affordable_payment_usd"], old), bal
                for _ in range(12):
                    i = b * rate / 12
                    b = b + i - q if q >= i else b  # unpaid interest waived in full
                stream = [q] * 12 + [monthly_payment_usd(b, rate, n - 12)] * (n - 12)
                paid, end = sum(stream), _simulate_total_paid(b, rate, stream[12:])[1]
            else:
                r2 = rate - 0.005 if action == "rate_cut" else rate
                n2 = 240 if action == "term_extension" else n
                stream = [monthly_payment_usd(bal, r2, n2)] * n2
                paid, end = _simulate_total_paid(bal, r2, stream)
            assert abs(end) < 1e-6 * bal  # the new plan repays the loan
            assert o["total_cost_change_usd"] == pytest.approx(paid - old * n, abs=1e-6 * bal)
            assert o["monthly_saving_usd"] == pytest.approx(old - stream[0], abs=1e-9 * bal)
            assert o["annual_saving_usd"] == pytest.approx(
                old * min(n, 12) - sum(stream[:12]), abs=1e-6 * bal
            )


def test_menu_outcome_score_and_value_follow_their_definitions(book, offers):
    b = book.set_index("borrower_id").loc[offers["borrower_id"]].reset_index()
    hard = b["hardship"].to_numpy()
    act = offers["action_type"]
    assert (~hard[act.str.startswith("forbearance").to_numpy()]).sum() == 0  # forbearance needs hardship
    assert (~hard[(act == "income_driven").to_numpy()]).sum() == 0
    assert b.loc[(act == "rate_cut").to_numpy(), "rate_cut_eligible"].all()
    assert offers.groupby("borrower_id")["action_type"].apply(lambda s: "keep_plan" in set(s)).all()
    # outcome: no cost increase, or informed consent with the documented probability
    change = offers["total_cost_change_usd"].to_numpy()
    c = np.where(hard, 0.7, 0.1) * np.exp(-np.clip(change, 0, None) / (0.25 * b["balance_usd"].to_numpy()))
    expected = (change <= 0.005) | (b["consent_draw"].to_numpy() < c)
    assert (offers["outcome"].to_numpy() == expected).all()
    assert (offers["outcome"] == offers["informed_consent"]).all()
    np.testing.assert_allclose(offers["value_usd"], np.abs(change))
    share = offers["monthly_saving_usd"] / offers["payment_usd"]
    logit = -1 + 3 * share - 1 * (act == "income_driven")
    np.testing.assert_allclose(offers["score"], 1 / (1 + np.exp(-logit)))
    assert offers["decision_id"].tolist() == list(range(len(offers)))
    assert not offers["consent_recorded"].any()


# -- the policies ---------------------------------------------------------------------------------------


def _brute_force_choice(offers: pd.DataFrame, policy: str) -> list[int]:
    picks = []
    for _, rows in offers.groupby("borrower_id", sort=True):
        recs = rows.to_dict("records")
        if policy == "immediate_saving":
            best = max(
                recs, key=lambda o: (o["monthly_saving_usd"], -o["total_cost_change_usd"], -o["decision_id"])
            )
        else:
            ok = [o for o in recs if o["affordable"]]
            if ok:
                best = min(
                    ok, key=lambda o: (o["total_cost_change_usd"], -o["monthly_saving_usd"], o["decision_id"])
                )
            else:
                best = max(
                    recs,
                    key=lambda o: (o["monthly_saving_usd"], -o["total_cost_change_usd"], -o["decision_id"]),
                )
        picks.append(best["decision_id"])
    return picks


@settings(max_examples=15, deadline=None)
@given(
    st.integers(0, 10_000),
    st.floats(2_000, 40_000),
    st.floats(0.05, 0.2),
    st.sampled_from([(3,), (3, 12), (6, 12)]),
)
def test_policies_match_brute_force_and_the_misaligned_one_saves_more_now_and_costs_more(
    seed, median_balance, afford_share, fb_months
):
    book = ln.borrower_book(
        60, seed=seed, median_balance_usd=median_balance, affordability_share=afford_share
    )
    offers = ln.loan_offers(book, forbearance_months=fb_months)
    bad, good = (ln.choose_offers(offers, p) for p in ln.LOAN_POLICIES)
    assert bad["decision_id"].tolist() == _brute_force_choice(offers, "immediate_saving")
    assert good["decision_id"].tolist() == _brute_force_choice(offers, "total_cost")
    # by construction, borrower by borrower
    assert (bad["monthly_saving_usd"].to_numpy() >= good["monthly_saving_usd"].to_numpy() - 1e-9).all()
    assert (bad["total_cost_change_usd"].to_numpy() >= good["total_cost_change_usd"].to_numpy() - 1e-9).all()


def test_headline_rises_while_total_cost_rises(offers):
    both = pd.concat([ln.choose_offers(offers, p) for p in ln.LOAN_POLICIES])
    s = ln.policy_summary(both).set_index("policy")
    bad, good = s.loc["immediate_saving"], s.loc["total_cost"]
    assert bad["mean_monthly_saving_usd"] > good["mean_monthly_saving_usd"]
    assert bad["mean_annual_saving_usd"] > good["mean_annual_saving_usd"]
    assert bad["mean_total_cost_change_usd"] > good["mean_total_cost_change_usd"] + 1_000
    assert bad["share_harmed"] > good["share_harmed"] and bad["mean_score"] > good["mean_score"]
    # the defaults put the misaligned headline near the ILLUSTRATIVE $1,200 a year (an interview prompt)
    assert bad["mean_annual_saving_usd"] == pytest.approx(ln.ILLUSTRATIVE_SAVING_USD_PER_YEAR, rel=0.25)
    # recount the summary by hand
    chosen = both[both["policy"] == "immediate_saving"]
    harmed = chosen["raises_total_cost"] & ~chosen["informed_consent"]
    assert bad["share_harmed"] == pytest.approx(harmed.mean())
    assert bad["total_cost_change_usd"] == pytest.approx(chosen["total_cost_change_usd"].sum())
    assert bad["n_borrowers"] == chosen["borrower_id"].nunique() == 20_000


def test_harm_by_matches_a_groupby_recount(offers):
    chosen = ln.choose_offers(offers, "immediate_saving")
    h = ln.harm_by(chosen, "group").set_index("group")
    for grp, rows in chosen.groupby("group"):
        harmed = rows["raises_total_cost"] & ~rows["informed_consent"]
        assert h.loc[grp, "n_borrowers"] == len(rows) and h.loc[grp, "n_harmed"] == harmed.sum()
        assert h.loc[grp, "harm_rate"] == pytest.approx(harmed.mean())
        assert h.loc[grp, "p90_total_cost_change_usd"] == pytest.approx(
            np.quantile(rows["total_cost_change_usd"], 0.9)
        )
        assert h.loc[grp, "unconsented_cost_usd"] == pytest.approx(
            rows.loc[harmed, "total_cost_change_usd"].sum()
        )
    assert h.attrs["most_harmed"] == h["harm_rate"].idxmax()
    # the aligned policy's cost-lowering offers (rate cuts) reach every group alike: four-fifths holds
    good = ln.harm_by(ln.choose_offers(offers, "total_cost"), "group")
    assert good["benefit_passes_four_fifths"].all()
    by_hardship = ln.harm_by(chosen, "hardship")
    assert by_hardship["hardship"].tolist() == [False, True]


# -- the quiet failure ----------------------------------------------------------------------------------


def _brute_force_repeat(events: pd.DataFrame, within: int, months: int) -> tuple[int, int]:
    observed = repeated = 0
    for _, e in events.iterrows():
        end = e["month"] + e["relief_months"]
        if end + within > months - 1:
            continue
        observed += 1
        later = events[(events["borrower_id"] == e["borrower_id"]) & (events["month"] > e["month"])]
        repeated += bool(len(later)) and later["month"].min() <= end + within
    return observed, repeated


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_repeat_rate_matches_a_pairwise_recount(data):
    n = data.draw(st.integers(1, 12))
    borrower = data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    month = data.draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    log = pd.DataFrame(
        {"borrower_id": borrower, "month": month, "action_type": "forbearance", "relief_months": 3}
    )
    log = log.drop_duplicates(["borrower_id", "month"], ignore_index=True)
    within, months = data.draw(st.integers(0, 6)), data.draw(st.integers(21, 30))
    got = ln.repeat_forbearance_rate(log, within_months=within, months_observed=months, by=None).iloc[0]
    observed, repeated = _brute_force_repeat(log, within, months)
    assert (got["n_spells"], got["n_observed"], got["n_repeat"]) == (len(log), observed, repeated)


def test_repeat_rate_recovers_the_markov_persistence(book):
    # With no new hardship (p_enter = 0), a spell repeats exactly when the borrower is still in hardship
    # when it ends: probability (1 - p_exit) ** k after k monthly transitions.
    calls = ln.simulate_hardship_calls(book, months=30, seed=2, p_enter=0.0, p_exit=0.1, forbearance_months=3)
    r = ln.repeat_forbearance_rate(calls, within_months=2, by=None).iloc[0]
    expected = 0.9**3
    se = np.sqrt(expected * (1 - expected) / r["n_observed"])
    assert r["repeat_rate"] == pytest.approx(expected, abs=4 * se)
    # the first month's calls are exactly the borrowers in hardship in the book
    first = calls[calls["month"] == 0]["borrower_id"]
    assert set(first) == set(book.loc[book["hardship"], "borrower_id"])
    # arrangements never overlap for one borrower
    gaps = calls.groupby("borrower_id")["month"].diff().dropna()
    assert (gaps >= 3).all()


def test_steering_repeats_forbearance_while_the_aligned_agent_forbears_nobody(book):
    steer = ln.simulate_hardship_calls(book, months=36, seed=4)
    aligned = ln.simulate_hardship_calls(book, months=36, seed=4, policy="total_cost")
    assert ln.repeat_forbearance_rate(steer, by=None)["repeat_rate"].iloc[0] > 0.5
    none = ln.repeat_forbearance_rate(aligned, by=None).iloc[0]
    assert none["n_spells"] == 0 and np.isnan(none["repeat_rate"])
    assert ln.repeat_forbearance_rate(aligned, action="income_driven", by=None)["n_spells"].iloc[0] > 0
    by_month = ln.repeat_forbearance_rate(steer)
    assert by_month["n_spells"].sum() == len(steer)
    assert by_month.loc[by_month["period"] > 36 - 1 - 3 - 6, "n_observed"].sum() == 0  # windows still open
    pd.testing.assert_frame_equal(steer, ln.simulate_hardship_calls(book, months=36, seed=4))


# -- the autonomy rules ---------------------------------------------------------------------------------


def test_autonomy_surface_blocks_hidden_cost_and_escalates_term_extensions(offers):
    surface = ln.loan_autonomy_surface()
    raises, extends = offers["raises_total_cost"].to_numpy(), offers["extends_term"].to_numpy()
    v = surface.evaluate(offers)["verdict"].to_numpy()
    assert (v == np.where(raises, "blocked", np.where(extends, "approval", "alone"))).all()
    told = ln.disclose(offers)
    v2 = surface.evaluate(told)["verdict"].to_numpy()
    hidden = raises & ~offers["informed_consent"].to_numpy()
    assert (v2 == np.where(hidden, "blocked", np.where(extends, "approval", "alone"))).all()
    assert (surface.evaluate(told)["decided_by"][hidden] == ln.NO_HIDDEN_COST_RULE).all()
    capped = ln.loan_autonomy_surface(value_cap_usd=100.0).evaluate(told)["verdict"].to_numpy()
    big = offers["value_usd"].to_numpy() > 100.0
    assert (capped[big & ~hidden] == "approval").all()


# -- bad inputs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda o: ln.borrower_book(0, seed=1), r"n: expected a whole number of borrowers >= 1, got 0"),
        (
            lambda o: ln.borrower_book(10, seed=1, median_income=5),
            r"median_income: not a book parameter; expected one of group_shares",
        ),
        (
            lambda o: ln.borrower_book(10, seed=1, markup_bps={"A": 0.0}),
            r"markup_bps: expected one markup per group \['A', 'B', 'C'\], got groups \['A'\]",
        ),
        (
            lambda o: ln.borrower_book(10, seed=1, group_shares={"A": 0.5, "B": 0.2, "C": 0.2}),
            r"group_shares: expected shares summing to 1, got 0.9",
        ),
        (lambda o: ln.loan_offers(o.drop(columns="hardship")), r"book: column 'hardship' not found"),
        (lambda o: ln.loan_offers(o.iloc[:0]), r"book: expected at least one row, got an empty frame"),
        (
            lambda o: ln.loan_offers(o.assign(annual_rate=-0.1)),
            r"book: column 'annual_rate': expected probabilities in \[0, 1\], found -0.1 at row 0",
        ),
        (
            lambda o: ln.loan_offers(o, forbearance_months=(3, 0)),
            r"forbearance_months: expected whole months >= 1, found 0 at row 1",
        ),
        (
            lambda o: ln.loan_offers(o, consent_other=1.5),
            r"consent_other: expected probabilities in \[0, 1\], found 1.5",
        ),
        (
            lambda o: ln.choose_offers(ln.loan_offers(o), "fastest"),
            r"policy: expected one of 'immediate_saving', 'total_cost', got 'fastest'",
        ),
        (lambda o: ln.choose_offers(o, "total_cost"), r"offers: column 'decision_id' not found"),
        (lambda o: ln.harm_by(ln.loan_offers(o), "segment"), r"chosen: column 'segment' not found"),
        (
            lambda o: ln.rate_gap_by_group(o, reference="Z"),
            r"reference: group 'Z' not in the book \(groups: \['A', 'B', 'C'\]\)",
        ),
        (lambda o: ln.rate_gap_by_group(o, control="region"), r"book: column 'region' not found"),
        (
            lambda o: ln.simulate_hardship_calls(o, months=0, seed=1),
            r"months: expected a whole number of months >= 1, got 0",
        ),
        (
            lambda o: ln.simulate_hardship_calls(o, seed=1, p_exit=1.2),
            r"p_exit: expected probabilities in \[0, 1\], found 1.2",
        ),
        (
            lambda o: ln.repeat_forbearance_rate(ln.simulate_hardship_calls(o, seed=1), by="region"),
            r"by: expected 'month', None or a column of events, got 'region'",
        ),
        (
            lambda o: ln.repeat_forbearance_rate(
                pd.DataFrame(
                    {"borrower_id": [1], "month": [-1], "action_type": ["forbearance"], "relief_months": [3]}
                )
            ),
            r"events: column 'month': expected values >= 0, found -1.0 at row 0",
        ),
        (
            lambda o: ln.policy_summary(pd.DataFrame({"x": [1]})),
            r"chosen: column 'monthly_saving_usd' not found",
        ),
        (lambda o: ln.loan_autonomy_surface(value_cap_usd=-5), r"max_usd: expected values >= 0, found -5"),
    ],
)
def test_bad_inputs_name_the_argument_column_and_row(call, match):
    small = ln.borrower_book(50, seed=9)
    with pytest.raises(InputError, match=match):
        call(small)


# -- helpers for the case notebook ----------------------------------------------------------------------


def test_steering_book_is_the_book_with_flat_markups_and_passes_overrides():
    flat = ln.steering_book(600, seed=4, markup_group_b_bps=12.5, markup_group_c_bps=40.0, balance_sigma=0.2)
    nested = ln.borrower_book(600, seed=4, markup_bps={"A": 0.0, "B": 12.5, "C": 40.0}, balance_sigma=0.2)
    pd.testing.assert_frame_equal(flat, nested)
    assert flat.attrs["markup_bps"] == {"A": 0.0, "B": 12.5, "C": 40.0} and flat.attrs["balance_sigma"] == 0.2
    pd.testing.assert_frame_equal(ln.steering_book(300, seed=2), ln.borrower_book(300, seed=2))


def _planted_consent_probability(book: pd.DataFrame, offers: pd.DataFrame) -> np.ndarray:
    """The probability the generator used, recomputed from its documented formula (not from the code)."""
    bal = book.set_index("borrower_id").loc[offers["borrower_id"], "balance_usd"].to_numpy()
    c = np.where(offers["hardship"], ln.BOOK_DEFAULTS["consent_hardship"], ln.BOOK_DEFAULTS["consent_other"])
    inc = offers["total_cost_change_usd"].clip(lower=0).to_numpy()
    return np.where(offers["raises_total_cost"], c * np.exp(-inc / (0.25 * bal)), 1.0)


def test_consent_probability_is_calibrated_and_close_to_the_planted_probability(book, offers):
    log = offers[offers["action_type"] != "keep_plan"].reset_index(drop=True)
    p = ln.consent_probability(log, seed=3)
    truth = _planted_consent_probability(book, log)
    y = log["outcome"].to_numpy()
    # calibration by deciles of p: observed rates within a few points of the mean prediction
    bins = pd.qcut(p, 10, labels=False, duplicates="drop")
    table = pd.DataFrame({"bin": bins, "p": p, "y": y}).groupby("bin").agg(p=("p", "mean"), y=("y", "mean"))
    assert (table["p"] - table["y"]).abs().max() < 0.03
    # the planted probability is the best any estimate can do; the out-of-fold one is close to it
    assert np.abs(p - truth).mean() < 0.06
    brier, brier_truth = np.mean((p - y) ** 2), np.mean((truth - y) ** 2)
    assert brier < brier_truth + 0.01
    assert brier < np.mean((log["score"].to_numpy() - y) ** 2) / 2  # far better than acceptance confidence
    assert p[~log["raises_total_cost"].to_numpy()].min() > 0.95
    np.testing.assert_array_equal(p, ln.consent_probability(log, seed=3))


def test_consent_probability_uses_the_rate_of_a_stratum_with_one_outcome():
    log = pd.DataFrame(
        {
            "hardship": [True] * 20 + [False] * 20,
            "outcome": [True] * 20 + [True, False] * 10,
            "payment_usd": 100.0,
            "total_cost_change_usd": np.r_[np.full(20, 50.0), np.linspace(-10, 500, 20)],
            "raises_total_cost": np.r_[np.ones(20, bool), np.linspace(-10, 500, 20) > 0.005],
        }
    )
    p = ln.consent_probability(log, seed=1, n_folds=2)
    assert (p[:20] == 1.0).all() and ((p[20:] >= 0) & (p[20:] <= 1)).all()
    with pytest.raises(InputError, match=r"offers: column 'payment_usd' not found"):
        ln.consent_probability(log.drop(columns="payment_usd"), seed=1)


def test_total_cost_chart_counts_every_borrower_in_shared_clipped_bins(offers):
    chosen = pd.concat([ln.choose_offers(offers, p) for p in ln.LOAN_POLICIES], ignore_index=True)
    spec = ln.total_cost_chart(chosen, bins=25).to_dict()
    x = chosen["total_cost_change_usd"].to_numpy()
    lo, hi = np.quantile(x, [0.005, 0.995])
    datasets = spec["datasets"]
    for panel, policy in zip(spec["vconcat"], ln.LOAN_POLICIES, strict=True):
        bars, rules, labels = panel["layer"]
        assert bars["mark"]["type"] == "bar" and rules["mark"]["type"] == "rule"
        assert [layer["mark"]["type"] for layer in labels["layer"]] == ["text", "text"]  # each rule named
        rows = pd.DataFrame(datasets[bars["data"]["name"]])
        mine = x[chosen["policy"].to_numpy() == policy]
        counts, _ = np.histogram(np.clip(mine, lo, hi), bins=25, range=(lo, hi))  # numpy's own binning
        assert rows["borrowers"].tolist() == counts.tolist() and rows["borrowers"].sum() == len(mine)
        marks = pd.DataFrame(datasets[rules["data"]["name"]]).set_index("mark")["at_usd"]
        assert marks["no change"] == 0.0 and marks["mean"] == pytest.approx(mine.mean())
        label = pd.DataFrame(datasets[rules["data"]["name"]]).set_index("mark")["label"]
        assert label["no change"] == "no change" and label["mean"].startswith("mean +$")
    with pytest.raises(InputError, match=r"bins: expected a whole number of bins >= 1, got 0"):
        ln.total_cost_chart(chosen, bins=0)


def test_repeat_forbearance_chart_draws_observed_cohorts_only(book):
    calls = ln.simulate_hardship_calls(book.iloc[:2000], months=24, seed=2)
    rates = ln.repeat_forbearance_rate(calls)
    spec = ln.repeat_forbearance_chart(rates).to_dict()
    rows = pd.DataFrame(next(iter(spec["datasets"].values())))
    assert len(rows) == int((rates["n_observed"] > 0).sum()) and set(rows["series"]) == {"all"}
    assert spec["mark"]["type"] == "line" and spec["encoding"]["y"]["field"] == "repeat_rate"
    with pytest.raises(InputError, match=r"rates: column 'repeat_rate' not found"):
        ln.repeat_forbearance_chart(rates.drop(columns="repeat_rate"))


def test_steering_book_rejects_a_markup_that_is_not_a_number():
    with pytest.raises(InputError, match=r"markup_group_c_bps: expected finite numbers, found nan at row 0"):
        ln.steering_book(10, seed=1, markup_group_c_bps=float("nan"))


# -- the case file and the notebook say what the record supports (issue 12, items 6, 8 and 10) ----------

_ROOT = Path(__file__).resolve().parents[2]
_CASE_FILE = _ROOT / "casebook" / "loan-steering.yaml"
_NOTEBOOK = _ROOT / "notebooks" / "loan-steering.ipynb"


def _case():
    return nogo.Project(_ROOT).case("loan-steering")


def _markdown_cells() -> list[str]:
    nb = json.loads(_NOTEBOOK.read_text(encoding="utf-8"))
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def _prose(text: str) -> str:
    """Markdown prose without fenced code, code spans and escaped dollars."""
    text = re.sub(r"```.*?```", " ", text, flags=re.S)
    return re.sub(r"`[^`]*`", " ", text).replace("\\$", " ")


def test_the_2017_navient_claims_and_the_settlements_are_never_called_findings():
    # The 2017 Navient claims are the CFPB's allegations; the 2024 order and the Ally case are settlements.
    texts = {
        "casebook/loan-steering.yaml": _CASE_FILE.read_text(encoding="utf-8"),
        **{  # the case's package: every module of it
            f"lib/nogo/cases/loan_steering/{path.name}": path.read_text(encoding="utf-8")
            for path in sorted(Path(ln.__file__).parent.glob("*.py"))
        },
        **{f"notebook markdown cell {k}": s for k, s in enumerate(_markdown_cells())},
    }
    assert sum(where.startswith("lib/") for where in texts) > 1  # every module, not __init__ only
    for where, text in texts.items():
        hit = re.search(r".{0,60}\bfindings?\b.{0,40}", text, flags=re.I | re.S)
        assert hit is None, f"{where} says 'finding': {hit.group(0)!r}"
    assert "alleg" in _case().incident.summary


def test_the_ally_settlement_is_attributed_to_the_cfpb_and_the_doj():
    case = _case()
    for where, text in (("incident.summary", case.incident.summary), ("incident.who", case.incident.who)):
        assert "Department of Justice" in text, f"{where} does not name the DOJ"
    assert any("DOJ" in s.title for s in case.sources if s.id == "L3")
    debrief = next(s for s in _markdown_cells() if "Which regulator would investigate" in s)
    assert "Department of Justice" in debrief
    prose = " ".join(_markdown_cells())
    assert not re.search(r"all three\W+\w+[^.]*came from the (CFPB|Consumer Financial)", prose, flags=re.I)


def test_the_monthly_saving_score_is_called_a_synthetic_assumption_not_the_record():
    doc = ln.loan_offers.__doc__ or ""
    assert "as in incident 8a" not in doc
    assert "synthetic assumption" in " ".join(doc.split()).lower()
    cell = next(s for s in _markdown_cells() if "`score`" in s)
    flat = " ".join(cell.split())
    assert "synthetic assumption" in flat and "few minutes" in flat


def test_every_contract_baseline_says_it_comes_from_the_synthetic_reconstruction():
    contract = _case().agent_impact_contract()
    for m in contract.metrics:
        assert m.data_source and "synthetic" in m.data_source, f"{m.name}: baseline source not given"
    page = contract.to_markdown()
    assert page.count("synthetic") >= len(contract.metrics)  # a reader of the contract sees it


def test_the_record_check_shows_its_kind_and_reproduces_no_published_figure():
    case = _case()
    assert {f.kind for f in case.published_figures} <= {"input", "consistency"}
    nb = json.loads(_NOTEBOOK.read_text(encoding="utf-8"))
    cell = next(
        c for c in nb["cells"] if c["cell_type"] == "code" and "compare_figures" in "".join(c["source"])
    )
    shown = "".join("".join(o["data"]["text/plain"]) for o in cell["outputs"] if "data" in o)
    assert "kind" in shown and "consistency" in shown and "input" in shown and "reproduced" not in shown
    md = [" ".join(s.split()) for s in _markdown_cells()]
    assert "reproduces no published figure" in md[0]  # the opening says so
    near = next(s for s in md if s.startswith("## Check it against the record"))
    assert "reproduces no published figure" in near


def test_markdown_cells_escape_every_currency_dollar():
    # JupyterLab reads two unescaped `$` in one cell as maths ("$200-$300" shows as "200-300" in italics)
    for k, cell in enumerate(_markdown_cells()):
        hit = re.search(r".{0,30}(?<!\\)\$\d.{0,30}", _prose(cell))
        assert hit is None, f"markdown cell {k}: unescaped currency {hit.group(0)!r}"
    for f in _case().published_figures:  # labels end up in the record table's HTML
        assert "$" not in f.label, f"{f.name}: label holds a dollar sign"


# -- the case interface: what nogo.open_case builds is what the module's own functions give ------------


def test_the_case_builds_for_a_variant_what_the_modules_functions_give():
    case = _case()
    variant = {**case.variant(4), "markup_group_c_bps": 45.0}  # a drawn size, and a markup off its default
    assert variant["n_borrowers"] != case.defaults()["n_borrowers"]
    built = nogo.open_case(case, _ROOT / "data").build(variant)
    assert built.parameters == variant

    # the log: the generator's book, every offer priced, "keep the plan" left out (one per borrower)
    seed, n = variant["seed"], variant["n_borrowers"]
    book = ln.steering_book(n, seed=seed, markup_group_b_bps=20.0, markup_group_c_bps=45.0)
    offers = ln.loan_offers(book)
    log = offers[offers["action_type"] != "keep_plan"].reset_index(drop=True)
    pd.testing.assert_frame_equal(built.log, log)
    assert len(built.log) == len(offers) - n and "keep_plan" not in set(built.log["action_type"])
    assert ln.rate_gap_by_group(book).set_index("group").loc["C", "rate_gap_bps"] == pytest.approx(45, abs=3)

    # p: isotonic on minus the months of payments added, out of fold within each hardship stratum
    y, hard = log["outcome"].to_numpy(dtype=bool), log["hardship"].to_numpy(dtype=bool)
    change, pay = log["total_cost_change_usd"].to_numpy(), log["payment_usd"].to_numpy()
    months_added = np.where(change > 0.005, change / pay, 0.0)
    p = np.empty(len(log))
    for stratum in (False, True):
        m = hard == stratum
        p[m] = nogo.calibrate_out_of_fold(-months_added[m], y[m], n_folds=5, seed=seed)
    np.testing.assert_allclose(built.p, p, rtol=0, atol=1e-12)
    assert abs(built.p.mean() - y.mean()) < 0.01  # calibrated in the large

    # costs by hand at the base level: a wrong offer costs the borrower's extra cost + $150 legal + $40 trust;
    # a withheld offer half the relief it would bring; an officer's call $15 + $5 of waiting, missing 5%
    value = log["value_usd"].to_numpy()
    relief = np.where(change > 0.005, np.clip(log["annual_saving_usd"].to_numpy(), 0, None), value)
    wrong, missed = value + 150 + 40, 0.5 * relief
    by_hand = np.column_stack([(1 - p) * wrong, 20 + (1 - p) * 0.05 * wrong, p * missed])
    np.testing.assert_allclose(built.expected_costs(), by_hand, rtol=1e-12)
    high = built.cost_model.decision_costs(value, level="high")
    np.testing.assert_allclose(high.array("false_action_usd"), value + 500 + 150)
    np.testing.assert_allclose(high.array("escalate_usd"), 30 + 20)

    # 30 days of calls on an 8-hour desk, 20 minutes a disclosure call, 80% answered within 4 hours
    assert built.days == 30.0
    assert built.desk == nogo.PolicyAssumptions(handle_minutes=20, hours_per_day=8, sla_minutes=240)

    # one hard rule: no offer that raises the total cost (by more than half a cent) is made alone
    (rule,) = built.hard_rules
    assert (rule.rule, rule.forbids) == (ln.NO_HIDDEN_COST_RULE, "act")
    np.testing.assert_array_equal(rule.applies, change > 0.005)
    best = built.best_actions()
    assert not np.any((best == "act") & rule.applies)
    # brute force: the cheapest action each offer may take, the rule's rows choosing between the other two
    cheapest = np.array(
        [
            ("act", "escalate", "decline")[int(np.argmin(row[1:] if bound else row)) + int(bound)]
            for row, bound in zip(by_hand, change > 0.005, strict=True)
        ]
    )
    np.testing.assert_array_equal(best, cheapest)
    assert np.any((np.argmin(by_hand, axis=1) == 0) & rule.applies)  # on cost alone some would go alone


def test_the_case_prices_the_menu_once_for_the_story_and_the_log(monkeypatch):
    # the notebook reads the whole menu (with "keep the plan") from the case that built its log: one pricing
    case = _case()
    variant = {**case.variant(4), "markup_group_c_bps": 45.0}
    priced = []
    real = ln.loan_offers

    @functools.wraps(real)  # the case reads loan_offers' signature (its rate cut)
    def counting(book, **kwargs):
        priced.append(len(book))
        return real(book, **kwargs)

    monkeypatch.setattr(ln, "loan_offers", counting)
    loan_case = nogo.open_case(case, _ROOT / "data")
    built = loan_case.build(variant)
    menu = loan_case.offers(variant)
    assert priced == [variant["n_borrowers"]]  # build and offers shared one pricing
    book = ln.steering_book(variant["n_borrowers"], seed=variant["seed"], markup_group_c_bps=45.0)
    pd.testing.assert_frame_equal(menu, real(book))
    log = menu[menu["action_type"] != "keep_plan"].reset_index(drop=True)
    pd.testing.assert_frame_equal(built.log, log)
    menu["score"] = -1.0  # the reader's copy: changing it changes nothing the case holds
    assert (loan_case.offers(variant)["score"] >= 0).all() and len(priced) == 1
    loan_case.offers()  # another parameter set is priced afresh
    assert priced == [variant["n_borrowers"], case.defaults()["n_borrowers"]]


def test_the_record_table_shows_each_figure_in_its_unit_and_no_scientific_notation():
    case = _case()
    figures = case.compare_figures({f.name: f.value * 1.01 for f in case.published_figures})
    shown = ln.record_table(figures)
    assert (
        shown.columns.tolist() == figures.columns.tolist()
        and shown["kind"].tolist() == figures["kind"].tolist()
    )
    text = shown.to_string()
    assert not re.search(r"\de[+-]\d", text)
    bps = figures["unit"] == "basis points"
    assert shown.loc[bps, "published"].str.endswith(" bps").all()
    assert shown.loc[~bps, "published"].str.startswith("$").all()
    assert shown.loc[figures["published"] == 8e7, "reconstructed"].tolist() == ["$80,800,000"]


def test_readable_tables_write_headers_as_words_and_keep_names_that_would_collide():
    frame = pd.DataFrame(
        {
            "mean_rate": [0.06291],
            "extra_interest_usd_per_borrower": [103.09],
            "p90_total_cost_change_usd": [9177.99],
        },
        index=pd.Index(["C"], name="risk_tier"),
    )
    shown = ln.readable(frame, {"mean_rate": lambda v: nogo.format_percent(v, decimals=2)})
    assert shown.columns.tolist() == ["mean rate", "extra interest per borrower", "p90 total cost change"]
    assert shown.index.name == "risk tier" and shown.iloc[0].tolist() == ["6.29%", "$103", "$9,178"]
    clash = pd.DataFrame({"cost_usd": [1.0], "cost": [2.0]})  # both would read "cost": left as they are
    assert ln.readable(clash).columns.tolist() == ["cost_usd", "cost"]
