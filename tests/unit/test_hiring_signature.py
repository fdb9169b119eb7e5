"""Resume-proxy-bias: the label audit behind the call, the calls the variants reach, the signature drill.

Independent checks: the audit's hire rates against a simulated pool, Woolf's bound against the spread of
simulated audits, the boundary against a scan, the case file's threshold against the boundary, and the
drill's costs recounted from the case's per-decision costs.
"""

from __future__ import annotations

import numpy as np
import pytest

import nogo
import nogo.cases.resume_proxy_bias as hr
from nogo.cases.resume_proxy_bias.shortlist_design import ADVANCE_RULE, GATE_RULE, REJECT_RULE
from nogo.errors import InputError

CASE_ID = "resume-proxy-bias"
SMALL = {"n_applicants": 25_000}
LESSON = {"shortlist_alone": "none", "reject_alone": "never", "audit_gate": "gates launch"}


@pytest.fixture(scope="module")
def case_file() -> nogo.CaseFile:
    return nogo.Project.find().case(CASE_ID)


@pytest.fixture(scope="module")
def case(case_file) -> nogo.Case:
    return nogo.open_case(case_file)


@pytest.fixture(scope="module")
def task(case) -> hr.ShortlistAutonomy:
    return case.signature_task(case.build(SMALL))


@pytest.fixture(scope="module")
def biased_task(case) -> hr.ShortlistAutonomy:
    return case.signature_task(case.build({**SMALL, "label_bias": 3.5}))


def _max_audit(task: hr.ShortlistAutonomy) -> int:
    return max(next(lever for lever in task.levers if lever.name == "audited_resumes").choices)


# --------------------------------------------------------------------------------------- the label audit
def test_audit_hire_rates_match_a_simulated_pool():
    pool = hr.applicant_pool(400_000, seed=3, label_bias=2.5)
    q = pool[pool["qualified"]].groupby("gender")["hired_before"].mean()
    a = hr.label_audit(2.5, 5_000)
    assert a.hire_rate_qualified_men == pytest.approx(q["man"], abs=0.005)
    assert a.hire_rate_qualified_women == pytest.approx(q["woman"], abs=0.005)


def test_audit_bound_matches_the_spread_of_simulated_audits():
    # 4,000 audits of 5,000 resumes drawn from the planted rates: the sd of the measured log odds ratio
    rng = np.random.default_rng(7)
    a = hr.label_audit(2.0, 5_000)
    women = rng.binomial(5_000, 0.2 * 0.3, 4_000)
    men = rng.binomial(5_000, 0.8 * 0.3, 4_000)
    hw, hm = rng.binomial(women, a.hire_rate_qualified_women), rng.binomial(men, a.hire_rate_qualified_men)
    log_or = np.log(hm / (men - hm)) - np.log(hw / (women - hw))
    assert a.residual_logodds / 1.959964 == pytest.approx(log_or.std(), rel=0.06)


def test_audit_bar_is_the_four_fifths_rule_on_qualified_hire_rates():
    a = hr.label_audit(2.0, 5_000)
    h_m = a.hire_rate_qualified_men
    women_at_bar = 1 / (1 + np.exp(-(np.log(h_m / (1 - h_m)) - a.bar_logodds)))
    assert women_at_bar / h_m == pytest.approx(0.8, abs=1e-9)


def test_no_audit_certifies_nothing_and_the_boundary_is_where_certification_stops():
    assert not hr.label_audit(0.0, 0).certified
    b = hr.label_bias_boundary(5_000)
    scan = np.round(np.arange(1.0, 4.01, 0.05), 2)
    certified = np.array([hr.label_audit(float(x), 5_000).certified for x in scan])
    assert certified[scan < b].all() and not certified[scan > b].any()
    assert hr.label_bias_boundary(2_000) < b < hr.label_bias_boundary(10_000)  # more audit, more room
    with pytest.raises(InputError, match="n_audited"):
        hr.label_bias_boundary(1_000)  # too small to certify even an unbiased label
    with pytest.raises(InputError, match="label_bias"):
        hr.label_audit(-1.0, 100)
    with pytest.raises(InputError, match="n_audited"):
        hr.label_audit(1.0, 2.5)


# ------------------------------------------------------------------------------------------------ calls
def test_case_file_threshold_is_the_simulated_boundary(case_file, task):
    when = case_file.calls[0].when
    assert case_file.calls[0].call == "no-go" and [c.parameter for c in when] == ["label_bias"]
    assert when[0].at_least == pytest.approx(hr.label_bias_boundary(_max_audit(task)), abs=1e-3)
    lb = case_file.parameters["label_bias"]
    assert lb.low < when[0].at_least < lb.high  # the variants' range crosses it


def test_twenty_variants_reach_both_calls_and_each_follows_the_audit(case_file, task):
    calls = []
    for seed in range(20):
        values = case_file.variant(seed)
        call = case_file.call_for(values).call
        certified = hr.label_audit(values["label_bias"], _max_audit(task)).certified
        assert call == ("ship with guardrails" if certified else "no-go"), (seed, values["label_bias"])
        calls.append(call)
    assert set(calls) == {"ship with guardrails", "no-go"}
    assert case_file.call_for({}).call == case_file.drill.launch_call == "ship with guardrails"
    assert case_file.call_for({}).key_guardrails == case_file.drill.key_guardrails


def test_distractors_and_failure_modes(case_file):
    distractors = {d.guardrail for d in case_file.drill.distractors}
    assert "remove the explicit gendered terms from the features" in distractors
    assert not distractors & set(case_file.drill.guardrails)
    assert case_file.drill.max_guardrails == len(case_file.drill.key_guardrails)
    assert case_file.ranked_failure_modes[0].name.startswith("proxies carry the label's bias")


# ------------------------------------------------------------------------------------ the signature drill
def test_optimum_follows_the_lesson_and_launches_only_a_certified_draft_ranking(task):
    best, outcome = task.optimum()
    assert best == {**LESSON, "audited_resumes": 5_000}
    assert not outcome.broken_rules and outcome.metrics["launched"] == "draft ranking"
    assert outcome.metrics["label_certified"] and outcome.metrics["ranking_lowest_impact_ratio"] >= 0.8
    assert outcome.metrics["rejected_alone"] == outcome.metrics["shortlisted_alone"] == 0
    assert task.score(best).correct and task.score(best).regret_usd == 0


def test_no_go_variant_optimum_launches_nothing(biased_task, case_file):
    best, outcome = biased_task.optimum()
    assert best == {**LESSON, "audited_resumes": 0}
    assert outcome.metrics["launched"].startswith("nothing")
    assert case_file.call_for({**SMALL, "label_bias": 3.5}).call == "no-go"
    for audited in (1_000, 2_000, 5_000):  # no audit on offer certifies this label: it only costs
        o = biased_task.evaluate({**LESSON, "audited_resumes": audited})
        assert not o.metrics["label_certified"] and o.cost_usd > outcome.cost_usd


@pytest.mark.parametrize("bias", [2.7, 3.1])
def test_signature_optimum_agrees_with_the_call_near_the_boundary(case, case_file, bias):
    task = case.signature_task(case.build({**SMALL, "label_bias": bias}))
    launched = task.optimum()[1].metrics["launched"] == "draft ranking"
    expected = case_file.call_for({**SMALL, "label_bias": bias}).call
    assert launched == (expected == "ship with guardrails")


def test_rules_are_never_the_optimum_and_break_where_set(task):
    best, _ = task.optimum()
    every = [(s, task.evaluate(s)) for s in task.settings()]
    assert len(every) == 64
    for setting, outcome in every:
        rules = set(outcome.broken_rules)
        assert (REJECT_RULE in rules) == (setting["reject_alone"] != "never")
        assert (ADVANCE_RULE in rules) == (setting["shortlist_alone"] != "none")
        assert (GATE_RULE in rules) == (setting["audit_gate"] == "none")
        s = task.score(setting)
        assert s.regret_usd >= 0 and (s.correct == (setting == best))


def test_costs_recount_from_the_case_costs(case):
    data = case.build(SMALL)
    task = case.signature_task(data)
    realised = data.costs.realised(data.log["outcome"])
    read_usd = float(np.mean(data.costs.array("escalate_usd")))
    # nothing launched: every application read by a person, plus the audit's reads
    idle = task.evaluate({**LESSON, "audited_resumes": 1_000})
    assert idle.metrics["launched"].startswith("nothing")
    assert idle.cost_usd == pytest.approx(realised[:, 1].sum() + 1_000 * read_usd)
    # the certified ranking: people miss the contract's 5% of qualified applicants instead of the desk's 10%
    live = task.evaluate({**LESSON, "audited_resumes": 5_000})
    qualified = data.log["outcome"].to_numpy(bool)
    missed = np.broadcast_to(data.costs.array("missed_usd"), len(qualified))[qualified].sum()
    value = (data.costs.reviewer_false_block_rate - 0.05) * missed
    assert live.cost_usd == pytest.approx(realised[:, 1].sum() + 5_000 * read_usd - value)
    assert live.metrics["qualified_lost"] == pytest.approx(0.05 * qualified.sum(), abs=0.05)
    # rejecting 1-star applicants alone: each priced as a decline; the qualified among them are lost
    stars = data.log["stars"].to_numpy()
    ungated = task.evaluate({**LESSON, "reject_alone": "1-star applicants", "audit_gate": "none",
                             "audited_resumes": 0})  # fmt: skip
    assert ungated.metrics["rejected_alone"] == int((stars == 1).sum())
    assert ungated.metrics["adverse_impact_exposure_usd"] > 0  # an uncertified ranking went live
    assert {REJECT_RULE, GATE_RULE} <= set(ungated.broken_rules)


def test_task_refuses_what_is_not_case_data():
    with pytest.raises(InputError, match="CaseData"):
        hr.ShortlistAutonomy(object(), ranked_miss_rate=0.05)


# ------------------------------------------------------------------------- scripted learners (closing note)
SCRIPTED = {
    "everything alone": {"shortlist_alone": "top 15%", "reject_alone": "1-star applicants",
                         "audit_gate": "none", "audited_resumes": 0},
    "the capped shortlist": {"shortlist_alone": "top 10%", "reject_alone": "never",
                             "audit_gate": "gates launch", "audited_resumes": 0},
    "rank only, the contract's 2,000": {**LESSON, "audited_resumes": 2_000},
}  # fmt: skip


@pytest.mark.parametrize("which", ["task", "biased_task"])
def test_only_the_informed_signature_learner_is_correct(request, case_file, which):
    task = request.getfixturevalue(which)
    bias = task.params["label_bias"]
    ships = case_file.call_for({**SMALL, "label_bias": bias}).call == "ship with guardrails"
    informed = task.score({**LESSON, "audited_resumes": 5_000 if ships else 0})
    assert informed.correct and informed.regret_usd == 0
    for name, setting in SCRIPTED.items():
        s = task.score(setting)
        assert not s.correct, name
        if not s.outcome.broken_rules:  # within the rules, a script costs more than the informed learner
            assert s.outcome.cost_usd > informed.outcome.cost_usd, name
    # everything alone is cheaper on paper where the rules are ignored, and breaks all three
    assert len(task.score(SCRIPTED["everything alone"]).outcome.broken_rules) == 3


def test_premortem_scripts_against_the_informed_ranking(case_file):
    from nogo.practice.premortem import score_premortem

    modes = [m.name for m in case_file.failure_modes]
    informed = score_premortem(case_file, [m.name for m in case_file.ranked_failure_modes])
    assert informed.spearman_rho == pytest.approx(1.0) and informed.worst_in_top_two
    for script in (modes, modes[::-1]):  # the file's order gives nothing away
        s = score_premortem(case_file, script)
        assert s.spearman_rho < 0.5 and not s.worst_in_top_two
