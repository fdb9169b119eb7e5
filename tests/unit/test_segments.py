"""The generic segment generator against independent calculations, and its case-file errors.

The generator (:mod:`nogo.cases.segments`) plants shares, accuracies, a score distortion and value
distributions; these tests recover each from a large log within sampling error, recompute the score and
the costs by hand, check that the calibrated ``p`` (fitted on the log, never the planted truth) recovers
the planted probability, and that every bad ``segments`` section is a :class:`nogo.CaseFileError` naming
the field path and line.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit, logit
from scipy.stats import norm

import nogo
from nogo.cases.casefile import CaseFileError, load_case
from nogo.cases.segments import (
    SegmentCase,
    calibrated_probability,
    generate_log,
    segment_codes,
    segment_summary,
)
from nogo.cases.segments_schema import SegmentsSpec

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "casebook" / "_template.yaml"


def _spec(**changes) -> SegmentsSpec:
    data = {
        "decisions": 200_000,
        "segments": [
            {"name": "a", "share": 0.5, "accuracy": 0.95, "value_usd": {"dist": "fixed", "value": 20}},
            {
                "name": "b",
                "share": 0.3,
                "accuracy": 0.7,
                "concentration": 4,
                "confidence": {"overconfidence": 0.8, "shift": 0.5},
                "value_usd": {"dist": "lognormal", "median": 900, "p90": 3000},
            },
            {
                "name": "c",
                "share": 0.2,
                "accuracy": 0.4,
                "confidence": {"overconfidence": -0.5, "shift": 1.5},
                "value_usd": {"dist": "uniform", "low": 5, "high": 50},
                "hard_rules": ["r1"],
            },
        ],
        "rules": [{"id": "r1", "rule": "a person approves c", "forbids": "act"}],
        "costs": {"components": [{"name": "loss", "outcome": "false_action", "value_share": 1.0}]},
    }
    data.update(changes)
    return SegmentsSpec.model_validate(data)


@pytest.fixture(scope="module")
def big_log() -> pd.DataFrame:
    return generate_log(_spec(), seed=11)


@pytest.fixture(scope="module")
def template() -> SegmentCase:
    case = nogo.open_case(load_case(TEMPLATE), data_root=ROOT / "data")
    assert isinstance(case, SegmentCase)
    return case


# ----------------------------------------------------------------------------------- the generator


def test_shares_and_accuracies_recovered_within_sampling_error(big_log):
    n = len(big_log)
    for s in _spec().segments:
        rows = big_log[big_log["segment"] == s.name]
        share_se = np.sqrt(s.share * (1 - s.share) / n)
        assert abs(len(rows) / n - s.share) < 4 * share_se, s.name
        # outcome ~ Bernoulli(p_true), p_true ~ Beta with mean accuracy: the rate's variance is a(1-a)/m
        acc_se = np.sqrt(s.accuracy * (1 - s.accuracy) / len(rows))
        assert abs(rows["outcome"].mean() - s.accuracy) < 4 * acc_se, s.name
        assert abs(rows["p_true"].mean() - s.accuracy) < 4 * acc_se, s.name


def test_p_true_spread_matches_the_beta_concentration(big_log):
    # Beta(a c, (1 - a) c) has variance a (1 - a) / (c + 1)
    b = big_log.loc[big_log["segment"] == "b", "p_true"]
    assert b.var() == pytest.approx(0.7 * 0.3 / 5, rel=0.03)


def test_score_is_the_documented_monotone_distortion(big_log):
    spec = _spec()
    for s in spec.segments:
        rows = big_log[big_log["segment"] == s.name]
        p = np.clip(rows["p_true"].to_numpy(), 1e-6, 1 - 1e-6)
        expected = expit(4**s.confidence.overconfidence * logit(p) + s.confidence.shift)
        np.testing.assert_allclose(rows["score"], expected, rtol=1e-12)
        order = np.argsort(rows["p_true"].to_numpy(), kind="stable")
        assert (np.diff(rows["score"].to_numpy()[order]) >= 0).all()  # monotone within the segment
    a = big_log[big_log["segment"] == "a"]
    np.testing.assert_allclose(a["score"], a["p_true"], rtol=1e-12)  # no distortion states the truth
    b = big_log[big_log["segment"] == "b"]
    assert b["score"].mean() > b["outcome"].mean() + 0.1  # overconfident and shifted up


def test_value_distributions_quantiles_match(big_log):
    a = big_log.loc[big_log["segment"] == "a", "value_usd"]
    assert (a == 20).all()
    b = big_log.loc[big_log["segment"] == "b", "value_usd"]
    assert b.median() == pytest.approx(900, rel=0.02)
    assert b.quantile(0.9) == pytest.approx(3000, rel=0.03)
    sigma = np.log(3000 / 900) / norm.ppf(0.9)
    assert b.quantile(0.25) == pytest.approx(900 * np.exp(sigma * norm.ppf(0.25)), rel=0.03)
    c = big_log.loc[big_log["segment"] == "c", "value_usd"]
    assert c.min() >= 5 and c.max() <= 50
    for q in (0.1, 0.5, 0.9):
        assert c.quantile(q) == pytest.approx(5 + 45 * q, abs=0.5)


def test_same_seed_same_log_and_a_different_seed_a_different_one():
    spec = _spec(decisions=2000)
    pd.testing.assert_frame_equal(generate_log(spec, seed=3), generate_log(spec, seed=3))
    one, other = generate_log(spec, seed=3), generate_log(spec, seed=4)
    assert not one["score"].equals(other["score"]) and not one["segment"].equals(other["segment"])


def test_the_log_has_the_documented_columns(big_log):
    assert list(big_log.columns) == ["decision_id", "segment", "score", "outcome", "value_usd", "p_true"]
    assert big_log["decision_id"].tolist()[:3] == [1, 2, 3] and big_log["decision_id"].is_unique
    assert set(big_log["outcome"].unique()) == {0, 1}


# ------------------------------------------------------------------------------------- calibration


def test_calibration_fitted_on_the_log_recovers_the_planted_probability():
    log = generate_log(_spec(decisions=30_000), seed=5)
    for method, tolerance in (("isotonic", 0.03), ("platt", 0.015)):
        p = calibrated_probability(log, method=method, seed=5)
        error = np.abs(p - log["p_true"].to_numpy())
        assert error.mean() < tolerance, method
        assert not np.array_equal(p, log["p_true"].to_numpy())  # fitted, not the planted truth
        # the stated score is far off where the agent is overconfident; p is not
        b = (log["segment"] == "b").to_numpy()
        assert np.abs(log["score"].to_numpy()[b] - log["p_true"].to_numpy()[b]).mean() > 4 * error[b].mean()


def test_a_segment_too_small_to_fit_gets_its_smoothed_rate():
    log = pd.DataFrame(
        {
            "segment": ["x"] * 6 + ["y"] * 4,
            "score": np.linspace(0.1, 0.9, 10),
            "outcome": [1, 1, 1, 1, 1, 0, 1, 0, 0, 0],
        }
    )
    p = calibrated_probability(log)
    np.testing.assert_allclose(p[:6], (5 + 1) / (6 + 2))
    np.testing.assert_allclose(p[6:], (1 + 1) / (4 + 2))


def test_template_case_p_is_fitted_and_close_to_the_truth(template):
    data = template.build()
    truth = data.log["p_true"].to_numpy()
    assert np.abs(data.p - truth).mean() < 0.03
    assert not np.array_equal(data.p, truth)


# ----------------------------------------------------------------------------------- the case


def test_template_builds_through_the_interface(template):
    data = template.build()
    assert len(data.log) == 5000 and data.days == 30.0
    assert (data.desk.handle_minutes, data.desk.hours_per_day, data.desk.sla_minutes) == (8.0, 8.0, 240.0)
    summary = segment_summary(data.log, data.p).set_index("segment")
    assert summary["share"].sum() == pytest.approx(1.0)
    assert summary.loc["goodwill credit", "mean_score"] > summary.loc["goodwill credit", "right_rate"] + 0.2


def test_hard_rules_bind_exactly_the_listed_segments(template):
    data = template.build()
    (rule,) = data.hard_rules
    assert rule.rule == "a person confirms every account closure" and rule.forbids == "act"
    np.testing.assert_array_equal(rule.applies, (data.log["segment"] == "account closure").to_numpy())
    best = data.best_actions()
    closure = rule.applies
    assert not (best[closure] == "act").any()
    # without the rule the agent would act alone on most closures: the rule binds
    unconstrained = np.asarray(nogo.ACTIONS)[np.argmin(data.expected_costs(), axis=1)]
    assert (unconstrained[closure] == "act").mean() > 0.5
    allowed = data.allowed()
    assert (allowed[~closure]).all() and not allowed[closure, 0].any() and allowed[closure, 1:].all()


def test_costs_match_a_hand_calculation(template):
    data = template.build()
    log, m = data.log, data.expected_costs()
    for i in (0, 1, 2, int(np.flatnonzero(data.log["segment"] == "account closure")[0])):
        v, p, seg = log["value_usd"][i], data.p[i], log["segment"][i]
        false_action = 5 + v + (250 if seg == "account closure" else 0)
        missed = 2 + 0.2 * v
        escalate = 6 + 1 + (1 - p) * 0.05 * false_action  # review + delay; the reviewer's misses
        assert m[i].tolist() == pytest.approx([(1 - p) * false_action, escalate, p * missed]), seg


def test_a_variant_changes_what_the_case_file_refers_to(template):
    base, cheap = template.build(), template.build({"review_usd": 12.0, "large_overconfidence": 0.0})
    assert cheap.costs.array("escalate_usd").max() == pytest.approx(13.0)
    large = (cheap.log["segment"] == "large refund").to_numpy()
    np.testing.assert_allclose(cheap.log["score"][large], cheap.log["p_true"][large], rtol=1e-12)
    assert not np.allclose(base.log["score"][large], base.log["p_true"][large])


def test_a_case_file_without_segments_has_no_segment_case(template):
    plain = load_case(TEMPLATE).model_copy(update={"segments": None})
    with pytest.raises(nogo.InputError, match="no `segments` section"):
        SegmentCase(plain).build()


# -------------------------------------------------------------------------------- case-file errors


def _bad(tmp_path: Path, old: str, new: str) -> CaseFileError:
    text = TEMPLATE.read_text()
    assert old in text, old
    path = tmp_path / "template.yaml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    return info.value


def _line(needle: str) -> int:
    return next(i for i, row in enumerate(TEMPLATE.read_text().splitlines(), 1) if needle in row)


@pytest.mark.parametrize(
    ("old", "new", "path", "line_of", "message"),
    [
        (
            "      share: 0.10\n",
            "      share: 1.5\n",
            "segments.segments[2].share",
            "      share: 0.10",
            "expected a number >= 0 and <= 1",
        ),
        ("      share: 0.10\n", "      share: 0.11\n", "segments.segments", "  segments:  ", "sum to 1.01"),
        (
            "      accuracy: 0.99\n",
            "      accuracy: 1.0\n",
            "segments.segments[2].accuracy",
            "accuracy: 0.99",
            "expected a number > 0 and < 1",
        ),
        (
            "      accuracy: 0.99\n",
            '      accuracy: "high"\n',
            "segments.segments[2].accuracy",
            "accuracy: 0.99",
            "${parameter}",
        ),
        (
            "hard_rules: [person-closes]",
            "hard_rules: [person-close]",
            "segments.segments[2].hard_rules[0]",
            "hard_rules: [person-closes]",
            "'person-close' is not a rule id; known: person-closes",
        ),
        (
            "median: 600, p90: 3000",
            "median: 600, p90: 500",
            "segments.segments[1].value_usd.p90",
            "median: 600, p90: 3000",
            "expected p90 above the median",
        ),
        (
            "{dist: fixed, value: 400}",
            "{dist: fixed, median: 400}",
            "segments.segments[2].value_usd.value",
            "{dist: fixed, value: 400}",
            "missing required field",
        ),
        (
            "{dist: uniform, low: 5, high: 50}",
            "{dist: normal, low: 5, high: 50}",
            "segments.segments[3].value_usd.dist",
            "{dist: uniform",
            "fixed",
        ),
        (
            "decisions: ${n_decisions}",
            "decisions: ${n_decision}",
            "segments.decisions",
            "decisions: ${n_decisions}",
            "${n_decision} names no parameter",
        ),
        (
            "segments: [account closure]}",
            "segments: [account closures]}",
            "segments.costs.components[1].segments[0]",
            "segments: [account closure]}",
            "is not a segment",
        ),
        ("forbids: act\n", "forbids: escalate\n", "segments.rules[0].forbids", "      forbids: act", "act"),
        (
            "outcome: review,",
            "outcome: reviews,",
            "segments.costs.components[3].outcome",
            "outcome: review,",
            "review",
        ),
        (
            "      share: 0.10\n",
            "      shares: 0.10\n",
            "segments.segments[2].shares",
            "      share: 0.10",
            "unknown field",
        ),
        ("  days: 30 ", "  days: 0 ", "segments.days", "  days: 30 ", "expected a number > 0"),
        ("decisions: ${n_decisions}", "decisions: 5000.0", "segments.decisions", "decisions: ${n_decisions}",
         "expected a whole number >= 1 and <= 2,000,000"),
    ],
)
def test_a_bad_segments_section_names_the_field_and_line(tmp_path, old, new, path, line_of, message):
    error = _bad(tmp_path, old, new)
    assert error.path == path, error
    assert error.line == _line(line_of), error
    assert message in error.detail, error


def test_a_variant_value_outside_the_field_is_refused_at_load(tmp_path):
    # large_overconfidence may be drawn up to 2.0: beyond the field's [-1, 1], at its variant value
    error = _bad(tmp_path, "    low: 0.0\n    high: 1.0\n", "    low: 0.0\n    high: 2.0\n")
    assert error.path == "segments.segments[1].confidence.overconfidence", error
    assert "parameter large_overconfidence = 2.0" in error.detail and "variant" in error.detail


def test_a_reference_to_a_text_parameter_is_refused(tmp_path):
    error = _bad(tmp_path, 'base_usd: "${review_usd}"', 'base_usd: "${case_id}"')
    assert error.path == "segments.costs.components[3].base_usd"
    assert re.search(r"parameter case_id is not a number", error.detail)


def test_resolving_outside_a_field_names_the_field_and_the_parameter():
    spec = _spec(decisions="${n}")
    with pytest.raises(nogo.InputError, match=r"segments\.decisions: .*parameter n = 0"):
        spec.resolve({"n": 0})
    with pytest.raises(nogo.InputError, match="no value for parameter"):
        spec.resolve({})


def test_every_problem_in_the_section_is_listed(tmp_path):
    text = TEMPLATE.read_text()
    text = text.replace("      share: 0.10\n", "      share: 1.5\n", 1)
    text = text.replace("hard_rules: [person-closes]", "hard_rules: [person-close]", 1)
    text = text.replace("{dist: uniform, low: 5, high: 50}", "{dist: uniform, low: 50, high: 5}", 1)
    path = tmp_path / "template.yaml"
    path.write_text(text)
    with pytest.raises(CaseFileError) as info:
        load_case(path)
    paths = {p.path for p in info.value.problems}
    assert {
        "segments.segments[2].share",
        "segments.segments[3].value_usd.high",
    } <= paths, info.value


def test_segment_codes_follow_the_case_file_and_skip_empty_segments():
    spec = _spec(decisions=3000)
    data = spec.model_dump()
    data["segments"].insert(
        1, {"name": "empty", "share": 0.0, "accuracy": 0.5, "value_usd": {"dist": "fixed", "value": 1}}
    )
    log = generate_log(SegmentsSpec.model_validate(data), seed=2)
    codes, names = segment_codes(log)
    assert names == ["a", "b", "c"]  # the case file's order; "empty" drew no decision
    assert (np.asarray(names)[codes] == log["segment"].to_numpy()).all()
    assert list(segment_summary(log)["segment"]) == names
    plain = log.copy()
    plain.attrs = {}
    assert segment_codes(plain)[1] == list(dict.fromkeys(log["segment"]))  # no order given: first seen
