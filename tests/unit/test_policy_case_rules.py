"""The policy drill on the cases with hard rules: the case comes before the policy.

Independent checks, row by row in the log's order: where a policy would act or decline alone and which
of those a case's hard rule forbids (:meth:`nogo.CaseData.allowed`); the optimum the drill used to score
(no rule, the desk's favourable outcome) against the one it scores now; each case's lesson-following
policy, written from its debrief, scored before and after; the fairness measure recomputed from the log
(the autonomous shortlist through :func:`nogo.selection_rates`, the rate relief granted alone by hand).
The model's property tests (rules and weighted fairness against a per-row loop, the optimum against an
exhaustive scan) are in ``test_policy_drill.py``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import math

import numpy as np
import pandas as pd
import pytest

import nogo
from nogo.errors import InputError
from nogo.models.policy_model import PolicySettings, evaluate_policy, prepare_policy_log
from nogo.models.policy_optimum import optimal_policy, reviewers_for, submit
from nogo.practice.policy_drill import PolicyDrill, case_policy_log, case_rules


def _kinds(violations) -> set[str]:
    return {v.split(":")[0] for v in violations}


@pytest.fixture(scope="module")
def built_cases():
    project = nogo.Project.find()
    out = {}
    for case_id in ("loan-steering", "resume-proxy-bias", "pricing-feedback-loop"):
        case = project.case(case_id)
        out[case_id] = (case, nogo.open_case(case).build())
    return out


def _alone(data, s: PolicySettings) -> tuple[np.ndarray, np.ndarray]:
    """Row by row, in log order: where the policy would act alone, and decline alone, before any rule."""
    value = data.log["value_usd"].to_numpy()
    return (data.p >= s.t_hi) & (value <= s.value_cap_usd), data.p < s.t_lo


def _forbidden_alone(data, s: PolicySettings) -> int:
    act, decline = _alone(data, s)
    ok = data.allowed()
    return int((act & ~ok[:, 0]).sum() + (decline & ~ok[:, 2]).sum())


def _old_prep(data):
    """The drill as it was: no hard rule, fairness on the desk's favourable outcome."""
    return prepare_policy_log(data.log, data.p, data.costs, days=data.days, assumptions=data.desk)


def test_the_optimum_never_takes_an_action_the_case_forbids_alone(built_cases, capsys):
    for case_id in ("loan-steering", "resume-proxy-bias"):
        case, data = built_cases[case_id]
        drill = PolicyDrill.for_case(case, data)
        opt, ok = drill.optimum, data.allowed()
        act, decline = _alone(data, opt.settings)
        assert _forbidden_alone(data, opt.settings) == 0 or opt.n_routed > 0
        assert opt.n_act == int((act & ok[:, 0]).sum()) and opt.n_decline == int((decline & ok[:, 2]).sum())
        assert opt.n_routed == _forbidden_alone(data, opt.settings)  # each one went to a person
        # the case's own reading of its rule
        if case_id == "resume-proxy-bias":
            assert opt.n_decline == 0  # no applicant rejected without a person
        else:
            made = act & ok[:, 0]
            assert not (made & data.log["raises_total_cost"].to_numpy()).any()  # no cost-raising offer alone
        old = optimal_policy(_old_prep(data))  # the optimum the drill scored before
        assert _forbidden_alone(data, old.settings) > 0


# The policy that follows each case's lesson, written from the case file's debrief, not from the optimum.
LESSONS = {
    # "never reject an applicant without a person", and no star cut shortlists alone until it passes the
    # four-fifths audit, which none does in the reconstruction: every applicant goes to a recruiter
    "resume-proxy-bias": lambda prep, old: (0.0, 1.0, float(prep.value_caps_usd[0])),
    # "let it act alone only on offers that do not raise that cost (a rate cut)": act alone only where
    # acting is certain to be right; decline as the old optimum did
    "loan-steering": lambda prep, old: (old.settings.t_lo, 1.0, math.inf),
}


@pytest.mark.parametrize("case_id", sorted(LESSONS))
def test_following_the_lesson_is_never_scored_below_the_rule_breaking_old_optimum(
    case_id, built_cases, tmp_path, capsys
):
    case, data = built_cases[case_id]
    old_prep = _old_prep(data)
    old = optimal_policy(old_prep)  # breaks a hard rule (previous test)
    lo, hi, cap = LESSONS[case_id](old_prep, old)
    lesson_then = PolicySettings(lo, hi, cap, reviewers_for(old_prep, lo, hi, cap))
    was = submit(old_prep, lesson_then, optimum=old)
    assert was.metrics.feasible and was.regret_usd > 0  # the bug: the lesson scored as a miss

    store = nogo.ProgressStore(path=tmp_path / "p.sqlite3")
    drill = PolicyDrill.for_case(case, data, store=store, learner="ana")
    lesson = drill.run_scripted(
        t_lo=lo, t_hi=hi, value_cap_usd=cap, reviewers=reviewers_for(drill.prepared, lo, hi, cap)
    )
    breaker = drill.run_scripted(
        **{k: getattr(old.settings, k) for k in ("t_lo", "t_hi", "value_cap_usd", "reviewers")}
    )
    assert lesson.metrics.feasible
    assert lesson.regret_usd <= 1e-9 * lesson.optimum.cost_usd  # optimal: the lesson is the answer
    assert lesson.regret_usd <= breaker.regret_usd  # and never scored below breaking the rule
    assert (
        breaker.metrics.n_routed == _forbidden_alone(data, old.settings) > 0
    )  # its breaches went to a person
    rows = store.attempts()
    assert bool(rows["correct"].iloc[0])  # not a miss: an optimal policy, recorded as one
    assert rows["regret_usd"].iloc[0] <= rows["regret_usd"].iloc[1] + 1e-6
    assert (rows["regret_usd"] >= 0).all()
    store.close()


def test_a_rule_breaking_policy_earns_no_credit_for_what_breaking_it_saves(built_cases, capsys):
    case, data = built_cases["resume-proxy-bias"]
    drill = PolicyDrill.for_case(case, data)
    old = optimal_policy(_old_prep(data))
    sub = drill.run_scripted(
        **{k: getattr(old.settings, k) for k in ("t_lo", "t_hi", "value_cap_usd", "reviewers")}
    )
    assert not sub.metrics.feasible and sub.metrics.cost_usd < sub.optimum.cost_usd  # cheaper, by breaking
    assert sub.regret_usd == 0 and sub.saving_usd == pytest.approx(
        sub.optimum.cost_usd - sub.metrics.cost_usd
    )
    assert "only by breaking them: no credit" in sub.text()


def test_resume_fairness_is_the_autonomous_shortlist_not_who_is_not_declined(built_cases, capsys):
    case, data = built_cases["resume-proxy-bias"]
    drill = PolicyDrill.for_case(case, data)
    m = drill.set(t_lo=0.0, t_hi=0.9, value_cap_usd=math.inf, reviewers=drill.reviewers_slider.max)
    act, _ = _alone(data, m.settings)
    want = nogo.selection_rates(data.log["group"].astype(str).to_numpy(), act)  # who it shortlists alone
    assert m.impact_ratio == pytest.approx(float(want["impact_ratio"].min()))
    assert m.impact_ratio < 0.8 and "autonomous shortlist rate" in " ".join(m.violations)
    before = evaluate_policy(_old_prep(data), m.settings)  # "not declined": everyone, so it passed
    assert before.impact_ratio == pytest.approx(1.0) and not before.violations
    assert "autonomous shortlist" in drill.summary_text() and "sent to a person" in drill.summary_text()


def test_loan_fairness_is_the_rate_gap_the_agent_grants_alone(built_cases, capsys):
    case, data = built_cases["loan-steering"]
    drill = PolicyDrill.for_case(case, data)
    log = data.log
    limit = next(m.target for m in case.agent_impact_contract().metrics if m.name.startswith("rate gap"))
    assert drill.fairness.compare == "gap" and drill.fairness.limit == limit == 2.0
    borrowers = log.groupby("group")["borrower_id"].nunique()

    def gap_by_hand(s: PolicySettings) -> float:
        act, _ = _alone(data, s)
        made = act & ~log["raises_total_cost"].to_numpy() & (log["action_type"] == "rate_cut").to_numpy()
        bps = 50.0 * pd.Series(made).groupby(log["group"].to_numpy()).sum() / borrowers  # a 50 bps cut
        return float(bps.max() - bps.min())

    for cap in (math.inf, 100.0, 400.0):
        m = drill.set(t_lo=0.1, t_hi=0.5, value_cap_usd=cap)
        assert m.group_gap == pytest.approx(gap_by_hand(m.settings))
        assert ("group gap" in _kinds(m.violations)) == (m.group_gap > limit)
    assert drill.optimum.group_gap <= limit + 1e-9
    # on this log no cap opens a 2 bps gap; at a tighter limit some caps do, and the optimum avoids them
    gaps = [gap_by_hand(PolicySettings(0.1, 0.5, c, 1)) for c in drill.prepared.value_caps_usd]
    assert max(gaps) <= limit
    tight = dataclasses.replace(data.fairness, limit=float(np.median(gaps)))
    strict = PolicyDrill.for_case(case, dataclasses.replace(data, fairness=tight))
    m = strict.set(
        t_lo=0.1, t_hi=0.5, value_cap_usd=float(drill.prepared.value_caps_usd[int(np.argmax(gaps))])
    )
    assert "group gap" in _kinds(m.violations) and "rate cut granted alone" in m.violations[-1]
    assert strict.optimum.group_gap <= tight.limit + 1e-9


def test_a_case_without_hard_rules_scores_as_before(built_cases, capsys):
    case, data = built_cases["pricing-feedback-loop"]
    assert data.hard_rules == () and data.fairness is None
    before = optimal_policy(_old_prep(data))
    assert PolicyDrill.for_case(case, data).optimum == before


def test_case_rules_reads_a_cases_rules_for_its_log_and_names_a_missing_column(built_cases):
    case, data = built_cases["loan-steering"]
    rules, fairness = case_rules(case, data.log)
    assert [r.rule for r in rules] == [r.rule for r in data.hard_rules]
    assert (rules[0].applies == data.hard_rules[0].applies).all() and fairness.name == data.fairness.name
    with pytest.raises(InputError, match=r"log: no column 'raises_total_cost' .* case 'loan-steering'"):
        case_rules(case, data.log.drop(columns="raises_total_cost"))
    with pytest.raises(InputError, match=r"data: expected a nogo\.CaseData"):
        PolicyDrill.for_case(case, data.log)
    prep = case_policy_log(case, data.log, data.p, data.costs, days=data.days, assumptions=data.desk)
    with contextlib.redirect_stdout(io.StringIO()):
        drill = PolicyDrill.for_case(case, data)
    assert optimal_policy(prep) == drill.optimum  # what a reveal shows is what the drill scores against


@pytest.mark.parametrize(("seed", "shown"), [(4, 0.85), (7, 0.84), (11, 0.85)])
def test_a_decline_band_a_rule_sends_to_a_person_is_no_part_of_the_optimum(seed, shown):
    """Where nothing may be declined alone, every t_lo is the same policy and costs the same up to the
    rounding of large sums: the optimum shows no decline band (on these seeds it once showed t_lo=shown)."""
    log = nogo.example_log(20_000, seed=seed)
    log["value_usd"] = log["value_usd"] * 1000 + 0.1  # large sums, as a salary-sized case has
    model = nogo.CostModel(
        [
            nogo.CostComponent("wrong action", "false_action", base_usd=5, value_share=1.0),
            nogo.CostComponent("missed", "missed", base_usd=2, value_share=0.2),
            nogo.CostComponent("delay", "delay", base_usd=3),
        ],
        reviewer_miss_rate=0.05,
    )
    allowed = np.ones((len(log), 3), bool)
    allowed[:, 2] = False  # "never reject without a person"
    prep = prepare_policy_log(log, "p_true", model.decision_costs(log["value_usd"]), days=30, allowed=allowed)
    opt = optimal_policy(prep)
    assert opt.settings.t_lo == 0.0 and opt.n_decline == 0
    s = opt.settings
    band = evaluate_policy(prep, PolicySettings(shown, shown, s.value_cap_usd, s.reviewers))
    assert band.n_routed > 0 and band.cost_usd == pytest.approx(opt.cost_usd, rel=1e-12)  # the same policy
