"""The track record (issue 14, item 8): the Brier score against a hand computation and scikit-learn,
calibration bins against a brute-force count, regret on each drill's own scale and never negative, the
rubric per dimension, what is due next, and the two chart builders through ``to_dict()``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss

from nogo.charts.track_record import calibration_chart, regret_chart
from nogo.errors import InputError
from nogo.practice.progress import ProgressStore
from nogo.practice.track_record import (
    REGRET_UNITS,
    brier_score,
    calibration_table,
    regret_over_time,
    rubric_by_dimension,
    track_record,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def test_brier_score_by_hand():
    # (0.9-1)^2 + (0.6-0)^2 + (0.8-1)^2 + (0.5-0)^2 = 0.01 + 0.36 + 0.04 + 0.25 = 0.66; / 4 = 0.165
    assert brier_score([0.9, 0.6, 0.8, 0.5], [True, False, True, False]) == pytest.approx(0.165, abs=1e-15)
    assert brier_score([1.0, 1.0], [1, 1]) == 0.0 and brier_score([1.0], [0]) == 1.0
    assert brier_score([0.5] * 3, [1, 0, 1]) == 0.25  # saying 50% scores 0.25 whatever happens


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1, max_size=60))
def test_brier_score_agrees_with_scikit_learn(pairs):
    confidence, right = map(list, zip(*pairs, strict=True))
    want = brier_score_loss(np.array(right, dtype=int), confidence, labels=[0, 1])
    assert brier_score(confidence, right) == pytest.approx(want, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from([0.0, 0.2, 0.4, 0.55, 0.6, 0.8, 0.95, 1.0]) | st.floats(0, 1), st.booleans()),
             min_size=1, max_size=80),
    st.integers(1, 10),
)  # fmt: skip
def test_calibration_bins_agree_with_a_brute_force_count(pairs, n_bins):
    confidence, right = map(list, zip(*pairs, strict=True))
    table = calibration_table(confidence, right, n_bins=n_bins)
    rows = []
    for k in range(n_bins):  # the reference: loop over bins, count with plain comparisons
        lo, hi = k / n_bins, (k + 1) / n_bins
        inside = [(c, r) for c, r in pairs if lo <= c < hi or (k == n_bins - 1 and c == 1.0)]
        if inside:
            rows.append(
                (lo, hi, len(inside), sum(r for _, r in inside), sum(c for c, _ in inside) / len(inside))
            )
    assert len(table) == len(rows)
    assert table["n"].sum() == len(pairs)
    for got, (lo, hi, n, k, mean) in zip(table.itertuples(), rows, strict=True):
        assert (got.bin_low, got.bin_high, got.n, got.right) == pytest.approx((lo, hi, n, k))
        assert got.mean_confidence == pytest.approx(mean) and got.share_right == pytest.approx(k / n)
        assert got.ci_low <= got.share_right <= got.ci_high
        assert got.gap == pytest.approx(k / n - mean)


def test_forecasts_are_checked_at_the_boundary():
    with pytest.raises(InputError, match="confidence"):
        brier_score([1.2], [True])
    with pytest.raises(InputError, match="confidence: expected at least one value"):
        calibration_table([], [])
    with pytest.raises(InputError, match="n_bins"):
        calibration_table([0.5], [True], n_bins=0)


def _log(rows):
    cols = ["drill", "cost_usd", "optimal_cost_usd", "correct", "score"]
    df = pd.DataFrame(rows, columns=cols)
    df["case_id"] = "loan-steering"
    df["timestamp"] = [T0 + timedelta(hours=k) for k in range(len(df))]
    return df


def test_regret_is_on_each_drills_own_scale_and_never_negative():
    log = _log([
        ("policy", 2_500_000.0, 1_000_000.0, False, np.nan),
        ("stream", 10.0, 400.0, False, np.nan),  # a lucky wrong answer: realised cost below the best's
        ("stream", 300.0, 20.0, False, np.nan),
        ("premortem", 0.0, 0.0, False, -0.4),
        ("launch", 0.0, 0.0, True, np.nan),  # stored before launch calls had points: right counts 0
        ("commit", 0.0, 0.0, False, np.nan),
        ("premortem", 0.0, 0.0, True, 1.0),
        ("launch", 0.0, 0.0, False, 0.75),  # three quarters of the points
        ("launch", 0.0, 0.0, False, np.nan),  # wrong, without points: all missed
    ])  # fmt: skip
    r = regret_over_time(log)
    drills = ["commit", "stream", "stream", "policy", "premortem", "premortem", "launch", "launch", "launch"]
    assert r["drill"].tolist() == drills
    assert r["regret"].tolist() == [1.0, 0.0, 280.0, 1_500_000.0, 1.4, 0.0, 0.0, 0.25, 1.0]
    assert (r["regret"] >= 0).all() and (r["cumulative_regret"] >= 0).all()
    assert r["answer"].tolist() == [1, 1, 2, 1, 1, 2, 1, 2, 3]
    assert r["cumulative_regret"].tolist() == [1.0, 0.0, 280.0, 1_500_000.0, 1.4, 1.4, 0.0, 0.25, 1.25]
    assert r.set_index("drill")["unit"].to_dict() == {d: REGRET_UNITS[d] for d in r["drill"]}
    assert REGRET_UNITS["premortem"] == "1 - rank correlation" and REGRET_UNITS["stream"] == "USD"


def test_rubric_per_dimension_covers_all_four_first_and_latest():
    marks = pd.DataFrame({
        "dimension": ["escalation_design", "threshold_definition", "escalation_design"],
        "score_share": [0.25, 1.0, 0.75],
        "timestamp": [T0 + timedelta(days=2), T0, T0 + timedelta(days=5)],
    })  # fmt: skip
    r = rubric_by_dimension(marks).set_index("dimension")
    assert list(r.index) == [
        "threshold_definition", "failure_mode_prioritisation", "escalation_design", "incentive_alignment",
    ]  # fmt: skip
    assert r["marks"].tolist() == [1, 0, 2, 0]
    assert r.loc["escalation_design", ["first_share", "latest_share", "mean_share"]].tolist() == [
        0.25,
        0.75,
        0.5,
    ]
    assert np.isnan(r.loc["incentive_alignment", "mean_share"])


def _store_with_history():
    store = ProgressStore(":memory:")
    common = dict(learner="ana", case_id="loan-steering", variant_seed=3, time_taken_seconds=10.0)
    calls = [(0.9, "no-go"), (0.8, "ship"), (0.6, "no-go"), (0.95, "ship")]
    for k, (confidence, call) in enumerate(calls):
        store.record_attempt(
            **common, drill="commit", item="launch call", choice=call, optimal_choice="no-go", cost_usd=0.0,
            optimal_cost_usd=0.0, confidence=confidence, timestamp=T0 + timedelta(days=k),
        )  # fmt: skip
    store.record_attempt(
        **common, drill="stream", item="d1", choice="act", optimal_choice="escalate", cost_usd=120.0,
        optimal_cost_usd=15.0, timestamp=T0,
    )  # fmt: skip
    store.record_attempt(
        **common, drill="premortem", item="failure modes", choice="b > a", optimal_choice="a > b",
        cost_usd=0.0, optimal_cost_usd=0.0, score=-1.0, timestamp=T0 + timedelta(days=1),
    )  # fmt: skip
    store.record_rubric("ana", "loan-steering", 3, "failure_mode_prioritisation", 1, 3, timestamp=T0)
    return store


def test_the_track_record_from_a_store():
    store = _store_with_history()
    now = T0 + timedelta(days=4)
    tr = track_record(store.attempts("ana"), store.rubric_marks("ana"), now, learner="ana")
    # right: True, False, True, False -> (0.1^2 + 0.8^2 + 0.4^2 + 0.95^2) / 4
    assert tr.brier_score == pytest.approx((0.01 + 0.64 + 0.16 + 0.9025) / 4)
    assert tr.forecasts["right"].tolist() == [True, False, True, False]
    assert tr.calibration["n"].sum() == 4
    assert set(tr.regret["drill"]) == {"commit", "stream", "premortem"}
    assert tr.regret.query("drill == 'premortem'")["regret"].tolist() == [2.0]
    assert tr.rubric.set_index("dimension").loc["failure_mode_prioritisation", "marks"] == 1
    # missed: commit (last miss on day 3, due day 4), stream d1 (day 0 -> due day 1), premortem (day 1 -> 2)
    assert tr.due["drill"].tolist() == ["stream", "premortem", "commit"]
    assert tr.due["due_at"].tolist() == [pd.Timestamp(T0 + timedelta(days=d)) for d in (1, 2, 4)]
    assert tr.due["due"].all()
    text = tr.to_text()
    assert f"Brier score {tr.brier_score:.3f} over 4 calls" in text
    assert "premortem: 2.00 (1 - rank correlation)" in text and "stream: $105" in text
    assert "failure mode prioritisation: 33%" in text and "due now" in text


def test_shares_read_as_percentages_and_counts_agree_with_their_nouns():
    store = ProgressStore(":memory:")
    for k, score in enumerate([0.8, 1.0]):  # two launch calls: 20% of the points missed, then none
        store.record_attempt(
            learner="ana", case_id="loan-steering", variant_seed=1, drill="launch", item="launch call",
            choice="no-go", cost_usd=0.0, optimal_choice="no-go", optimal_cost_usd=0.0,
            time_taken_seconds=30.0, score=score, timestamp=T0 + timedelta(days=k),
        )  # fmt: skip
    store.record_attempt(
        learner="ana", case_id="loan-steering", variant_seed=1, drill="commit", item="launch call",
        choice="ship", cost_usd=0.0, optimal_choice="no-go", optimal_cost_usd=0.0, time_taken_seconds=5.0,
        confidence=0.7, timestamp=T0,
    )  # fmt: skip
    text = track_record(store.attempts("ana"), store.rubric_marks("ana"), T0 + timedelta(days=3)).to_text()
    assert "launch: 20% of points missed -> 0% of points missed; mean 10% of points missed over 2 answers" in text
    assert "commit: 1 wrong call -> 1 wrong call; total 1 wrong call over 1 answer" in text
    assert "over 1 call with a stated confidence" in text
    assert "(s)" not in text and "0.00 share" not in text


def test_an_empty_record_says_so():
    store = ProgressStore(":memory:")
    tr = track_record(store.attempts("ana"), store.rubric_marks("ana"), T0)
    assert np.isnan(tr.brier_score) and tr.calibration.empty and tr.due.empty
    assert "no call with a stated confidence yet" in tr.to_text()


def test_calibration_chart_has_the_diagonal_the_intervals_and_the_points():
    store = _store_with_history()
    tr = track_record(store.attempts("ana"), store.rubric_marks("ana"), T0)
    spec = tr.calibration_chart().to_dict()
    diagonal, bars, points = spec["layer"]
    assert diagonal["mark"]["type"] == "line" and diagonal["mark"]["strokeDash"] == [4, 3]
    assert bars["encoding"]["y"]["field"] == "ci_low" and bars["encoding"]["y2"]["field"] == "ci_high"
    assert points["encoding"]["x"]["field"] == "mean_confidence"
    assert points["encoding"]["y"]["field"] == "share_right"
    assert points["encoding"]["x"]["scale"]["domain"] == [0, 1]
    assert sum(len(v) for v in spec["datasets"].values()) == 2 + len(tr.calibration)  # one table, shared
    with pytest.raises(InputError, match="missing column"):
        calibration_chart(pd.DataFrame({"mean_confidence": [0.5]}))


def test_regret_chart_puts_each_drill_on_its_own_axis():
    log = _log([("policy", 3e6, 1e6, False, np.nan), ("stream", 30.0, 10.0, False, np.nan),
                ("premortem", 0.0, 0.0, False, 0.5)])  # fmt: skip
    spec = regret_chart(regret_over_time(log)).to_dict()
    panels = spec["vconcat"]
    assert [p["title"] for p in panels] == ["stream", "policy", "premortem"]
    titles = [p["encoding"]["y"]["title"] for p in panels]
    assert titles == [
        "cumulative regret (USD)",
        "cumulative regret (USD)",
        "cumulative regret (1 - rank correlation)",
    ]
    assert all(p["encoding"]["y"]["scale"]["zero"] for p in panels)
    assert "resolve" not in spec or spec["resolve"]["scale"]["y"] == "independent"  # vconcat: one axis each
    values = [row["cumulative_regret"] for p in panels for row in spec["datasets"][p["data"]["name"]]]
    assert values == [20.0, 2e6, 0.5]


def test_regret_chart_thins_a_long_history_but_keeps_the_last_answer():
    n = 2_000
    frame = pd.DataFrame({"drill": "stream", "unit": "USD", "answer": np.arange(1, n + 1),
                          "cumulative_regret": np.arange(n, dtype=float)})  # fmt: skip
    spec = regret_chart(frame).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert len(rows) < 500 and rows[-1]["answer"] == n


def test_nogo_progress_prints_the_track_record(tmp_path):
    from click.testing import CliRunner

    from nogo.app.cli import main

    path = tmp_path / "p.sqlite3"
    store = _store_with_history()
    with ProgressStore(path) as disk:
        for row in store.attempts("ana").to_dict("records"):
            keep = {k: row[k] for k in ("learner", "case_id", "variant_seed", "drill", "item", "choice", "cost_usd",
                                        "optimal_choice", "optimal_cost_usd", "time_taken_seconds")}  # fmt: skip
            extra = {k: row[k] for k in ("confidence", "score") if not pd.isna(row[k])}
            disk.record_attempt(**keep, **extra, timestamp=row["timestamp"].to_pydatetime())
    out = CliRunner().invoke(main, ["progress", "--learner", "ana", "--store", str(path)])
    assert out.exit_code == 0, out.output
    text = out.output.split("Your track record", 1)[1]
    confidence, right = [0.9, 0.8, 0.6, 0.95], [1, 0, 1, 0]
    assert f"Brier score {brier_score_loss(right, confidence):.3f} over 4 calls" in text
    assert "said 80%-100% (mean 88%): right 1 of 3 (33%)" in text and "said 60%-80%" in text
    assert "commit: 0 wrong calls -> 1 wrong call; total 2 wrong calls over 4 answers" in text
    assert "premortem: 2.00 (1 - rank correlation)" in text and "stream: $105" in text
    assert "Next due" in text and "loan-steering" in text
