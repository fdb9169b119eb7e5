"""The "set the policy" drill: nogo.models.policy_model, nogo.models.policy_optimum and nogo.practice.policy_drill.

Independent checks: every metric of :func:`evaluate_policy` against a per-row Python loop with the
expected costs written out by hand and the textbook Erlang C formula with factorials (the M/M/m
queue of Kleinrock, Queueing Systems vol. 1, 1975; mean wait C / (c mu - lambda)), the hard rules
applied row by row (a forbidden action goes to a person), adverse impact through
:func:`nogo.selection_rates` and a weighted fairness measure summed by hand; :func:`optimal_policy`
against an exhaustive scan of the same grid with every headcount, each candidate priced by the loop;
the naive rule against the optimum on seeded logs; the widget headless. The cases' own rules and
fairness measures are tested in ``test_policy_case_rules.py``.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nogo
from nogo.errors import InputError
from nogo.formatting import math_safe_html
from nogo.models.policy_model import (
    PolicyAssumptions,
    PolicyFairness,
    PolicySettings,
    evaluate_policy,
    prepare_policy_log,
)
from nogo.models.policy_optimum import naive_settings, optimal_policy, regret, reviewers_for, submit
from nogo.practice.policy_drill import PolicyDrill, policy_chart

TEMPLATE = Path(__file__).resolve().parents[2] / "casebook" / "_template.yaml"


def _value_costs(log: pd.DataFrame) -> nogo.DecisionCosts:
    """Value-dependent costs: a wrong action loses the value at stake, a miss a fifth of it."""
    model = nogo.CostModel(
        [
            nogo.CostComponent("wrong action", "false_action", base_usd=5, value_share=1.0),
            nogo.CostComponent("missed", "missed", base_usd=2, value_share=0.2),
            nogo.CostComponent("delay", "delay", base_usd=3),
        ],
        reviewer_miss_rate=0.05,
    )
    return model.decision_costs(log["value_usd"])


# --------------------------------------------------------------------------- brute force


def _erlang_c(load: float, c: int) -> float:
    """Textbook Erlang C with factorials (fine for the handful of reviewers drawn here)."""
    top = load**c / math.factorial(c) * c / (c - load)
    return top / (sum(load**k / math.factorial(k) for k in range(c)) + top)


def _brute(
    log, p, cost, s: PolicySettings, a: PolicyAssumptions, days: float, allowed=None, fair=None
) -> dict:
    """Every metric by a loop over rows; ``cost`` holds scalars or per-row lists of the five costs.

    ``allowed``: (n, 3) bools (act, escalate, decline) of the hard rules, a forbidden action becoming an
    escalation; ``fair``: a dict of the fairness measure (``weight``, ``sizes``, ``outcome``,
    ``compare``, ``limit``) over ``log["group"]``, else the four-fifths rule on ``a.favourable``.
    """
    n = len(p)
    col = {
        k: np.broadcast_to(np.asarray(v, dtype=float), (n,)) for k, v in cost.items() if k.endswith("_usd")
    }
    m, b = cost["miss_rate"], cost["block_rate"]
    total_e = total_r = err = 0.0
    wrong = routed = 0
    actions = []
    for k in range(n):
        fa, miss, esc = col["false_action_usd"][k], col["missed_usd"][k], col["escalate_usd"][k]
        ar, hr = col["act_right_usd"][k], col["hold_right_usd"][k]
        q, y, v = p[k], bool(log["outcome"].iloc[k]), log["value_usd"].iloc[k]
        if q < s.t_lo:
            act = "decline"
        elif q >= s.t_hi and v <= s.value_cap_usd:
            act = "act"
        else:
            act = "escalate"
        if allowed is not None and not allowed[k][{"act": 0, "escalate": 1, "decline": 2}[act]]:
            act, routed = "escalate", routed + 1
        actions.append(act)
        if act == "act":
            total_e += q * ar + (1 - q) * fa
            total_r += ar if y else fa
            err += 1 - q
            wrong += not y
        elif act == "escalate":
            total_e += esc + q * ((1 - b) * ar + b * miss) + (1 - q) * (m * fa + (1 - m) * hr)
            total_r += esc + (((1 - b) * ar + b * miss) if y else (m * fa + (1 - m) * hr))
        else:
            total_e += q * miss + (1 - q) * hr
            total_r += miss if y else hr
    n_esc = actions.count("escalate")
    load = n_esc / days / a.hours_per_day * a.handle_minutes / 60
    c = s.reviewers
    stable = load < c
    cw = _erlang_c(load, c) if stable else 1.0
    wait = cw * a.handle_minutes / (c - load) if stable else math.inf
    sla = 0.0 if a.sla_minutes is None else a.sla_minutes
    within = (1 - cw * math.exp(-(c - load) / a.handle_minutes * sla)) if stable else 0.0
    staffing = c * a.reviewer_cost_per_hour_usd * a.hours_per_day * days
    out = {
        "n_act": actions.count("act"),
        "n_escalate": n_esc,
        "n_decline": actions.count("decline"),
        "cost_usd": total_e + staffing,
        "realised_cost_usd": total_r + staffing,
        "error_rate": err / n,
        "realised_error_rate": wrong / n,
        "mean_wait_minutes": wait,
        "utilisation": load / c,
        "impact_ratio": None,
        "group_gap": None,
        "n_routed": routed,
    }
    kinds = set()
    if not stable or load / c > a.max_utilisation + 1e-12:
        kinds.add("capacity")
    if a.sla_minutes is not None and not within >= a.target_within_sla:
        kinds.add("service level")
    if a.max_reviewers is not None and c > a.max_reviewers:
        kinds.add("headcount")
    if a.error_budget is not None and err / n > a.error_budget + 1e-12:
        kinds.add("error budget")
    if fair is not None:
        rates = {}
        for g in sorted(set(map(str, log["group"]))):
            got = [
                fair["weight"][k]
                for k in range(n)
                if str(log["group"].iloc[k]) == g
                and (actions[k] == "act" if fair["outcome"] == "act" else actions[k] != "decline")
            ]
            rates[g] = sum(got) / fair["sizes"][g]
        hi, lo = max(rates.values()), min(rates.values())
        if fair["compare"] == "ratio":
            out["impact_ratio"] = lo / hi if hi > 0 else math.nan
            if hi > 0 and lo / hi < fair["limit"] - 1e-9:
                kinds.add("adverse impact")
        else:
            out["group_gap"] = hi - lo
            if hi - lo > fair["limit"] + 1e-9:
                kinds.add("group gap")
    elif "group" in log.columns:
        chosen = np.array([x == "act" if a.favourable == "act" else x != "decline" for x in actions])
        air = float(nogo.selection_rates(log["group"].astype(str).to_numpy(), chosen)["impact_ratio"].min())
        out["impact_ratio"] = air
        if air < a.min_impact_ratio - 1e-9:
            kinds.add("adverse impact")
    out["kinds"] = kinds
    return out


def _kinds(violations) -> set[str]:
    return {v.split(":")[0] for v in violations}


@st.composite
def _cases(draw):
    n = draw(st.integers(1, 30))
    tied = draw(st.booleans())
    prob = st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) if tied else st.floats(0, 1)
    p = draw(st.lists(prob, min_size=n, max_size=n))
    value = draw(
        st.lists(st.sampled_from([0.0, 5.0, 50.0, 500.0]) | st.floats(0, 1000), min_size=n, max_size=n)
    )
    outcome = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    log = pd.DataFrame({"value_usd": value, "outcome": outcome})
    if draw(st.booleans()):
        log["group"] = draw(st.lists(st.sampled_from("ABC"), min_size=n, max_size=n))
    per_row = draw(st.booleans())
    amount = st.lists(st.floats(0, 100), min_size=n, max_size=n) if per_row else st.floats(0, 100)
    cost = {
        k: draw(amount)
        for k in ("false_action_usd", "missed_usd", "escalate_usd", "act_right_usd", "hold_right_usd")
    }
    cost["miss_rate"], cost["block_rate"] = draw(st.floats(0, 1)), draw(st.floats(0, 1))
    lo, hi = sorted(
        draw(st.lists(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) | st.floats(0, 1), min_size=2, max_size=2))
    )
    cap = draw(st.sampled_from([math.inf, 0.0, 5.0, 50.0]) | st.floats(0, 1000))
    s = PolicySettings(lo, hi, cap, draw(st.integers(1, 6)))
    a = PolicyAssumptions(
        handle_minutes=draw(st.floats(1, 60)),
        hours_per_day=draw(st.floats(1, 24)),
        reviewer_cost_per_hour_usd=draw(st.floats(0, 100)),
        max_utilisation=draw(st.floats(0.3, 1)),
        error_budget=draw(st.none() | st.floats(0, 0.5)),
        sla_minutes=draw(st.none() | st.floats(0, 60)),
        max_reviewers=draw(st.none() | st.integers(1, 6)),
        favourable=draw(st.sampled_from(["act", "not_declined"])),
    )
    return log, p, cost, s, a, draw(st.floats(0.05, 30))


@st.composite
def _ruled_cases(draw):
    """A case with hard rules (act and decline each forbidden on some rows) and, with groups, a
    weighted fairness measure of its own (a ratio or a gap, own denominators). Weights are 0 or at least
    0.01: the model subtracts prefix sums, so a weight below their rounding (1e-173) counts as none."""
    log, p, cost, s, a, days = draw(_cases())
    n = len(p)
    act_ok = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    decline_ok = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    allowed = np.column_stack([act_ok, np.ones(n, bool), decline_ok])
    fair = None
    if "group" in log.columns and draw(st.booleans()):
        labels = sorted(set(log["group"]))
        compare = draw(st.sampled_from(["ratio", "gap"]))
        fair = {
            "weight": draw(
                st.lists(st.sampled_from([0.0, 1.0, 50.0]) | st.floats(0.01, 100), min_size=n, max_size=n)
            ),
            "sizes": {g: draw(st.floats(0.5, 40)) for g in labels},
            "outcome": draw(st.sampled_from(["act", "not_declined"])),
            "compare": compare,
            "limit": draw(st.floats(0.05, 1)) if compare == "ratio" else draw(st.floats(0, 60)),
        }
    return log, p, cost, s, a, days, allowed, fair


def _fairness(log, fair) -> PolicyFairness | None:
    if fair is None:
        return None
    return PolicyFairness(
        "measure",
        log["group"],
        fair["outcome"],
        fair["compare"],
        fair["limit"],
        fair["weight"],
        fair["sizes"],
    )


def _decision_costs(cost) -> nogo.DecisionCosts:
    return nogo.DecisionCosts(
        **{k: v for k, v in cost.items() if k.endswith("_usd")},
        reviewer_miss_rate=cost["miss_rate"],
        reviewer_false_block_rate=cost["block_rate"],
    )


@settings(max_examples=150, deadline=None)
@given(_cases())
def test_evaluate_policy_matches_a_per_row_loop(case):
    log, p, cost, s, a, days = case
    m = evaluate_policy(prepare_policy_log(log, p, _decision_costs(cost), days=days, assumptions=a), s)
    want = _brute(log, p, cost, s, a, days)
    assert (m.n_act, m.n_escalate, m.n_decline) == (want["n_act"], want["n_escalate"], want["n_decline"])
    for key in ("cost_usd", "realised_cost_usd", "error_rate", "realised_error_rate", "utilisation"):
        assert getattr(m, key) == pytest.approx(want[key], rel=1e-9, abs=1e-9), key
    assert m.mean_wait_minutes == pytest.approx(want["mean_wait_minutes"], rel=1e-7, abs=1e-12)
    if want["impact_ratio"] is None:
        assert m.impact_ratio is None and m.selection_rates is None
    else:
        assert m.impact_ratio == pytest.approx(want["impact_ratio"], rel=1e-12, nan_ok=True)
    assert _kinds(m.violations) == want["kinds"]
    assert m.feasible == (not want["kinds"])


@settings(max_examples=150, deadline=None)
@given(_ruled_cases())
def test_hard_rules_and_a_fairness_measure_match_a_per_row_loop(case):
    log, p, cost, s, a, days, allowed, fair = case
    prep = prepare_policy_log(
        log,
        p,
        _decision_costs(cost),
        days=days,
        assumptions=a,
        allowed=allowed,
        fairness=_fairness(log, fair),
    )
    m = evaluate_policy(prep, s)
    want = _brute(log, p, cost, s, a, days, allowed, fair)
    assert (m.n_act, m.n_escalate, m.n_decline, m.n_routed) == (
        want["n_act"],
        want["n_escalate"],
        want["n_decline"],
        want["n_routed"],
    )
    for key in ("cost_usd", "realised_cost_usd", "error_rate", "realised_error_rate", "utilisation"):
        assert getattr(m, key) == pytest.approx(want[key], rel=1e-9, abs=1e-9), key
    for key in ("impact_ratio", "group_gap"):
        if want[key] is None:
            assert getattr(m, key) is None, key
        else:
            assert getattr(m, key) == pytest.approx(want[key], rel=1e-9, abs=1e-9, nan_ok=True), key
    assert _kinds(m.violations) == want["kinds"]


# --------------------------------------------------------------------------- optimum


@settings(max_examples=15, deadline=None)
@given(_cases(), st.integers(0, 2**31))
def test_optimal_policy_matches_an_exhaustive_scan_of_the_same_grid(case, seed):
    log, p, cost, _, a, days = case
    a = PolicyAssumptions(**{**a.__dict__, "max_reviewers": 6})
    prep = prepare_policy_log(log, p, _decision_costs(cost), days=days, assumptions=a)
    thresholds = [0.0, 0.2, 0.5, 0.9, 1.0]
    caps = sorted({*np.random.default_rng(seed).choice(log["value_usd"], 2).tolist(), math.inf})
    best = math.inf
    for lo in thresholds:
        for hi in (t for t in thresholds if t >= lo):
            for cap in caps:
                for r in range(1, 7):
                    m = evaluate_policy(prep, PolicySettings(lo, hi, cap, r))
                    if m.feasible:
                        best = min(best, m.cost_usd)
    if not np.isfinite(best):
        with pytest.raises(InputError, match="no policy on the grid"):
            optimal_policy(prep, thresholds=thresholds, value_caps_usd=caps)
        return
    opt = optimal_policy(prep, thresholds=thresholds, value_caps_usd=caps)
    assert opt.feasible
    assert opt.cost_usd == pytest.approx(best, rel=1e-9, abs=1e-9)
    assert (
        opt.settings.t_lo in thresholds
        and opt.settings.t_hi in thresholds
        and opt.settings.value_cap_usd in caps
    )


@settings(max_examples=25, deadline=None)
@given(_ruled_cases(), st.integers(0, 2**31))
def test_optimal_policy_with_hard_rules_matches_an_exhaustive_scan_priced_row_by_row(case, seed):
    log, p, cost, _, a, days, allowed, fair = case
    a = PolicyAssumptions(**{**a.__dict__, "max_reviewers": 4})
    prep = prepare_policy_log(
        log,
        p,
        _decision_costs(cost),
        days=days,
        assumptions=a,
        allowed=allowed,
        fairness=_fairness(log, fair),
    )
    thresholds = [0.0, 0.5, 0.9, 1.0]
    caps = sorted({float(np.random.default_rng(seed).choice(log["value_usd"])), math.inf})
    best, best_settings = math.inf, None
    for lo in thresholds:
        for hi in (t for t in thresholds if t >= lo):
            for cap in caps:
                for r in range(1, 5):
                    s = PolicySettings(lo, hi, cap, r)
                    want = _brute(log, p, cost, s, a, days, allowed, fair)
                    if not want["kinds"] and want["cost_usd"] < best:
                        best, best_settings = want["cost_usd"], s
    if best_settings is None:
        with pytest.raises(InputError, match="no policy on the grid"):
            optimal_policy(prep, thresholds=thresholds, value_caps_usd=caps)
        return
    opt = optimal_policy(prep, thresholds=thresholds, value_caps_usd=caps)
    assert opt.feasible and opt.cost_usd == pytest.approx(best, rel=1e-9, abs=1e-9)
    check = _brute(log, p, cost, opt.settings, a, days, allowed, fair)  # the optimum, priced by the loop
    assert not check["kinds"] and check["cost_usd"] == pytest.approx(opt.cost_usd, rel=1e-9, abs=1e-9)


def test_bad_rules_and_fairness_are_named():
    log = nogo.example_log(20, seed=1)
    costs, p = _value_costs(log), log["p_true"].to_numpy()
    with pytest.raises(InputError, match=r"allowed: expected \(20, 3\) bools"):
        prepare_policy_log(log, p, costs, days=1, allowed=np.ones((19, 3), bool))
    no_escalate = np.ones((20, 3), bool)
    no_escalate[4, 1] = False
    with pytest.raises(InputError, match=r"allowed: escalating must always be allowed .* at row 4"):
        prepare_policy_log(log, p, costs, days=1, allowed=no_escalate)
    with pytest.raises(InputError, match=r"fairness: expected one group per row of log \(20\), got 3"):
        prepare_policy_log(log, p, costs, days=1, fairness=PolicyFairness("x", ["a", "b", "a"]))
    with pytest.raises(InputError, match="fairness compare: expected one of 'ratio', 'gap'"):
        PolicyFairness("x", ["a"], compare="difference")
    with pytest.raises(InputError, match=r"fairness limit: expected a ratio in \(0, 1\], got 2"):
        PolicyFairness("x", ["a"], limit=2)
    with pytest.raises(InputError, match="fairness limit: expected a gap >= 0, got -1"):
        PolicyFairness("x", ["a"], compare="gap", limit=-1)
    with pytest.raises(InputError, match="fairness weight: expected 2 values"):
        PolicyFairness("x", ["a", "b"], weight=[1.0])
    with pytest.raises(InputError, match="fairness sizes: no size for group 'b'"):
        PolicyFairness("x", ["a", "b"], sizes={"a": 1})
    with pytest.raises(InputError, match="group: missing group label at row 1"):
        PolicyFairness("x", ["a", None])


def test_no_slider_policy_beats_the_optimum():
    log = nogo.example_log(3000, seed=11, group_gap=0.1)
    prep = prepare_policy_log(
        log, "p_true", _value_costs(log), days=30, assumptions=PolicyAssumptions(error_budget=0.08)
    )
    opt = optimal_policy(prep)
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(600):
        lo, hi = np.sort(rng.choice(prep.thresholds, 2))
        cap = float(rng.choice(prep.value_caps_usd))
        s = PolicySettings(float(lo), float(hi), cap, reviewers_for(prep, float(lo), float(hi), cap))
        m = evaluate_policy(prep, s)
        if m.feasible:
            checked += 1
            assert m.cost_usd >= opt.cost_usd - 1e-6
            assert regret(prep, s, optimum=opt) >= -1e-6
    assert checked > 25


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_naive_rule_costs_more_than_the_optimum(seed):
    log = nogo.example_log(6000, seed=seed)
    prep = prepare_policy_log(log, "p_true", _value_costs(log), days=30)
    naive = naive_settings(prep, 0.9)
    sub = submit(prep, naive)
    assert sub.metrics.feasible  # it staffs enough: it loses on cost, not on a technicality
    assert sub.regret_usd > 0.05 * sub.optimum.cost_usd
    assert sub.optimum.cost_usd < sub.metrics.cost_usd


def test_reviewers_for_is_the_smallest_headcount_within_capacity():
    log = nogo.example_log(5000, seed=7)
    a = PolicyAssumptions(handle_minutes=12, max_utilisation=0.8)
    prep = prepare_policy_log(log, "p_true", _value_costs(log), days=20, assumptions=a)
    c = reviewers_for(prep, 0.0, 0.9)
    n_esc = int((log["p_true"] < 0.9).sum())
    load = n_esc / 20 / 8 * 12 / 60  # erlangs, by hand
    assert c == math.ceil(load / 0.8)
    assert not evaluate_policy(prep, PolicySettings(0.0, 0.9, reviewers=c)).violations
    short = evaluate_policy(prep, PolicySettings(0.0, 0.9, reviewers=c - 1))
    assert short.utilisation == pytest.approx(load / (c - 1))
    assert _kinds(short.violations) == {"capacity"}


# --------------------------------------------------------------------------- constraints


def test_an_understaffed_queue_is_flagged():
    log = nogo.example_log(4000, seed=2)
    prep = prepare_policy_log(log, "p_true", _value_costs(log), days=10)
    m = evaluate_policy(prep, PolicySettings(0.0, 0.9, reviewers=1))
    assert not m.stable and math.isinf(m.mean_wait_minutes)
    assert any(v.startswith("capacity: the review queue is unstable") for v in m.violations)


def test_an_error_budget_breach_is_flagged():
    log = nogo.example_log(4000, seed=3)
    prep = prepare_policy_log(
        log, "p_true", _value_costs(log), days=10, assumptions=PolicyAssumptions(error_budget=0.05)
    )
    m = evaluate_policy(prep, PolicySettings(0.0, 0.0, reviewers=1))  # act on everything
    assert m.error_rate == pytest.approx(float((1 - log["p_true"]).mean()))
    assert m.realised_error_rate == pytest.approx(float((~log["outcome"]).mean()))
    assert _kinds(m.violations) == {"error budget"}
    assert "budget 5.00%" in m.violations[0]
    opt = optimal_policy(prep)
    assert opt.error_rate <= 0.05


def test_a_planted_group_gap_breaks_the_four_fifths_rule():
    log = nogo.example_log(20000, seed=4, group_gap=0.15)
    prep = prepare_policy_log(log, "p_true", _value_costs(log), days=30)
    s = naive_settings(prep, 0.9)
    m = evaluate_policy(prep, s)
    acted = (log["p_true"] >= 0.9).to_numpy()
    groups = log["group"].to_numpy()
    check = nogo.four_fifths(
        int(acted[groups == "B"].sum()),
        int((groups == "B").sum()),
        int(acted[groups == "A"].sum()),
        int((groups == "A").sum()),
    )
    assert m.impact_ratio == pytest.approx(check.impact_ratio) and m.impact_ratio < 0.8
    assert _kinds(m.violations) == {"adverse impact"}
    assert "group B's act rate" in m.violations[0]
    assert optimal_policy(prep).impact_ratio >= 0.8 - 1e-9
    fair = prepare_policy_log(nogo.example_log(20000, seed=4), "p_true", _value_costs(log), days=30)
    assert evaluate_policy(fair, s).impact_ratio > 0.9


def test_service_level_and_headcount_limits_are_flagged():
    log = nogo.example_log(4000, seed=5)
    a = PolicyAssumptions(sla_minutes=1.0, target_within_sla=0.95, max_reviewers=3)
    prep = prepare_policy_log(log, "p_true", _value_costs(log), days=10, assumptions=a)
    rate = int((log["p_true"] < 0.9).sum()) / 10 / 8  # escalations an hour, by hand
    sla_heads = int(nogo.reviewers_needed(rate, 10, 1.0, 0.95)[0])
    c = reviewers_for(prep, 0.0, 0.9)
    assert c == max(math.ceil(rate * 10 / 60 / 0.85), sla_heads)
    m = evaluate_policy(prep, PolicySettings(0.0, 0.9, reviewers=c))
    assert _kinds(m.violations) == ({"headcount"} if c > 3 else set())
    short = evaluate_policy(prep, PolicySettings(0.0, 0.9, reviewers=sla_heads - 1))
    assert "service level" in _kinds(short.violations) and short.within_sla < 0.95


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"t_lo": 0.9, "t_hi": 0.5}, r"t_lo: expected t_lo <= t_hi .* got 0.9 > 0.5"),
        ({"t_lo": 0.1, "t_hi": 1.5}, r"t_hi: expected probabilities in \[0, 1\], found 1.5"),
        (
            {"t_lo": 0.1, "t_hi": 0.5, "value_cap_usd": -1},
            r"value_cap_usd: expected a number >= 0 \(inf: no cap\), got -1",
        ),
        ({"t_lo": 0.1, "t_hi": 0.5, "value_cap_usd": math.nan}, "value_cap_usd: expected a number >= 0"),
        (
            {"t_lo": 0.1, "t_hi": 0.5, "reviewers": 0},
            "reviewers: expected a whole number of reviewers >= 1, got 0",
        ),
        (
            {"t_lo": 0.1, "t_hi": 0.5, "reviewers": 2.5},
            "reviewers: expected a whole number of reviewers >= 1, got 2.5",
        ),
        ({"t_lo": 0.1, "t_hi": 0.5, "reviewers": True}, "reviewers: expected a whole number"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(InputError, match=message):
        PolicySettings(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"handle_minutes": 0}, r"handle_minutes: expected a number in \(0, inf\], got 0.0"),
        ({"hours_per_day": 25}, r"hours_per_day: expected a number in \(0, 24\]"),
        ({"reviewer_cost_per_hour_usd": -1}, r"reviewer_cost_per_hour_usd: expected a number in \[0, inf\]"),
        ({"max_utilisation": 1.2}, r"max_utilisation: expected a number in \(0, 1\]"),
        ({"error_budget": 2}, r"error_budget: expected probabilities in \[0, 1\], found 2"),
        ({"max_reviewers": 0}, "max_reviewers: expected a whole number of reviewers >= 1"),
        ({"favourable": "escalate"}, "favourable: expected one of 'act', 'not_declined', got 'escalate'"),
    ],
)
def test_bad_assumptions_are_named(kwargs, message):
    with pytest.raises(InputError, match=message):
        PolicyAssumptions(**kwargs)


def test_bad_logs_are_named():
    log = nogo.example_log(50, seed=1)
    costs = _value_costs(log)
    p = log["p_true"].to_numpy()
    with pytest.raises(InputError, match="log: missing column 'value_usd'"):
        prepare_policy_log(log.drop(columns="value_usd"), p, costs, days=1)
    with pytest.raises(InputError, match="p: expected 50 values"):
        prepare_policy_log(log, p[:-1], costs, days=1)
    bad = p.copy()
    bad[7] = np.nan
    with pytest.raises(InputError, match="p: expected finite numbers, found nan at row 7"):
        prepare_policy_log(log, bad, costs, days=1)
    with pytest.raises(InputError, match="log: missing column 'calibrated'"):
        prepare_policy_log(log, "calibrated", costs, days=1)
    with pytest.raises(InputError, match=r"days: expected the log's span in days \(> 0\), got 0"):
        prepare_policy_log(log, p, costs, days=0)
    with pytest.raises(InputError, match="costs: escalate_usd must be finite"):
        prepare_policy_log(log, p, nogo.DecisionCosts(10, 1), days=1)
    with pytest.raises(InputError, match="costs: expected DecisionCosts"):
        prepare_policy_log(log, p, {"false_action_usd": 1}, days=1)
    with pytest.raises(InputError, match="threshold_step: expected a step in"):
        prepare_policy_log(log, p, costs, days=1, threshold_step=0.03)
    gap = log.copy()
    gap.loc[3, "group"] = None
    with pytest.raises(InputError, match="group: missing group label at row 3"):
        prepare_policy_log(gap, p, costs, days=1)
    with pytest.raises(
        InputError, match="outcome: expected 0/1 or True/False outcomes, found 'yes' at row 0"
    ):
        prepare_policy_log(log.assign(outcome="yes"), p, costs, days=1)


# --------------------------------------------------------------------------- chart


def test_policy_chart_marks_the_thresholds_and_counts_every_decision():
    log = nogo.example_log(3000, seed=8)
    prep = prepare_policy_log(log, "p_true", _value_costs(log), days=30)
    s = PolicySettings(0.4, 0.8, 100.0, 5)
    m = evaluate_policy(prep, s)
    spec = policy_chart(prep, s, bins=40).to_dict()
    bars, rules = spec["layer"]
    assert bars["mark"]["type"] == "bar" and rules["mark"]["type"] == "rule"
    data = pd.DataFrame(spec["datasets"][bars["data"]["name"]])
    assert len(data) <= 3 * 40 and data["decisions"].sum() == prep.n
    assert data.groupby("action")["decisions"].sum().to_dict() == {
        "act": m.n_act,
        "escalate": m.n_escalate,
        "decline": m.n_decline,
    }
    cuts = pd.DataFrame(spec["datasets"][rules["data"]["name"]])
    assert cuts["p"].tolist() == [0.4, 0.8]
    with_opt = policy_chart(prep, s, optimum=PolicySettings(0.3, 0.7)).to_dict()
    assert pd.DataFrame(with_opt["datasets"][with_opt["layer"][1]["data"]["name"]])["policy"].tolist() == [
        "yours",
        "yours",
        "optimal",
        "optimal",
    ]
    with pytest.raises(InputError, match="bins: expected a whole number in"):
        policy_chart(prep, s, bins=0)


# --------------------------------------------------------------------------- widget


@pytest.fixture(scope="module")
def drill_inputs():
    case = nogo.load_case(TEMPLATE)
    log = nogo.example_log(3000, seed=9, group_gap=0.05)
    return case, log, _value_costs(log)


class _Clock:
    def __init__(self, *times: float) -> None:
        self.times = list(times)

    def __call__(self) -> float:
        return self.times.pop(0)


def test_widget_updates_on_every_slider_and_records_submissions(drill_inputs, tmp_path, capsys):
    case, log, costs = drill_inputs
    store = nogo.ProgressStore(path=tmp_path / "p.sqlite3")
    d = PolicyDrill(
        case,
        log,
        log["p_true"],
        costs,
        days=30,
        store=store,
        learner="ana",
        variant_seed=3,
        clock=_Clock(10.0, 55.0, 70.0),
    )
    assert capsys.readouterr().out == ""  # nothing printed: the panel is the only copy of the metrics
    assert "Not submitted yet" in d.result_html.value and d.record_text() == "no policy submitted yet."
    assert d.brief_text() == d.summary_text()  # before any move: what the static page's card reads
    assert d.settings == naive_settings(d.prepared, case.drill.naive_confidence)
    assert "<svg" in d.chart_html.value and "optimal" not in d.chart_html.value

    d.t_hi_slider.value = 0.95
    assert d.settings.t_hi == 0.95
    assert d.metrics == evaluate_policy(d.prepared, d.settings)
    assert f"{d.metrics.n_act / d.prepared.n:.1%}" in d.metrics_html.value
    d.t_lo_slider.value = 0.97  # above t_hi: t_hi follows
    assert (d.settings.t_lo, d.settings.t_hi) == (0.97, 0.97)
    d.t_hi_slider.value = 0.5  # below t_lo: t_lo follows
    assert (d.settings.t_lo, d.settings.t_hi) == (0.5, 0.5)
    d.set(t_lo=0.0, t_hi=0.99)
    d.reviewers_slider.value = 1
    assert d.metrics.settings.reviewers == 1 and not d.metrics.stable
    assert "unstable" in d.metrics_html.value
    d.cap_slider.value = 100.0
    assert d.settings.value_cap_usd == 100.0
    d.cap_slider.value = d.cap_slider.value * 1e6  # clamped to the top: no cap
    assert math.isinf(d.settings.value_cap_usd)

    d.set(t_lo=0.3, t_hi=0.9, value_cap_usd=200.0, reviewers=4)
    assert d.settings == PolicySettings(0.3, 0.9, 200.0, 4)
    assert d.t_hi_slider.value == 0.9 and d.reviewers_slider.value == 4
    d.submit_button.click()
    sub = d.submission
    assert sub is not None and sub.settings == d.settings
    assert sub.regret_usd == pytest.approx(sub.metrics.cost_usd - optimal_policy(d.prepared).cost_usd)
    assert "Regret" in d.result_html.value and capsys.readouterr().out == ""
    assert "Submitted 1 policy; the last is t_lo=0.3 t_hi=0.9 cap=$200 reviewers=4: its verdict is below." in (
        d.result_html.value
    )
    d.t_hi_slider.value = 0.95  # the status line says the sliders moved since the submission
    assert "The sliders have moved since" in d.result_html.value
    d.set(t_hi=0.9)
    assert "The sliders have moved since" not in d.result_html.value
    row = store.attempts().iloc[0]
    assert (row["learner"], row["case_id"], row["variant_seed"], row["drill"], row["item"]) == (
        "ana",
        "template",
        3,
        "policy",
        "policy",
    )
    assert row["choice"] == "t_lo=0.3 t_hi=0.9 cap=$200 reviewers=4"
    assert row["cost_usd"] == pytest.approx(sub.metrics.cost_usd)
    assert row["optimal_choice"] == sub.optimum.settings.describe()
    assert row["optimal_cost_usd"] == pytest.approx(sub.optimum.cost_usd)
    assert row["time_taken_seconds"] == 45.0
    d.submit()
    assert store.attempts()["time_taken_seconds"].tolist() == [45.0, 15.0]
    assert "optimal" in d.chart_html.value  # the optimum's thresholds appear once submitted
    assert "Submitted 2 policies" in d.result_html.value
    fallback = d._repr_mimebundle_()  # a saved notebook's: the starting panel, never the optimum
    assert fallback["text/plain"] == d.brief_text() and "Submitted" not in fallback["text/plain"]
    assert sub.optimum.settings.describe() not in fallback["text/plain"] + fallback["text/html"]
    assert d.record_text().startswith("2 policies submitted; the last: t_lo=0.3 t_hi=0.9")
    store.close()


def test_widget_chart_is_the_chart_builders_rendered(drill_inputs, capsys):
    """The widget patches a compiled spec for speed: it must draw exactly what policy_chart draws."""
    import altair as alt
    import vl_convert as vlc

    from nogo.charts import THEME

    case, log, costs = drill_inputs
    d = PolicyDrill(case, log, log["p_true"], costs, days=30)

    def fresh() -> str:
        shown = None if d.submission is None else d.optimum.settings
        with alt.theme.enable(THEME):
            return vlc.vegalite_to_svg(policy_chart(d.prepared, d.settings, optimum=shown).to_dict())

    assert d.chart_html.value == math_safe_html(fresh())
    d.set(t_lo=0.3, t_hi=0.8, value_cap_usd=100.0)
    assert d.chart_html.value == math_safe_html(fresh())
    d.submit()
    d.set(t_lo=0.5, t_hi=0.95, value_cap_usd=math.inf)
    assert d.chart_html.value == math_safe_html(fresh()) and "optimal" in d.chart_html.value


def test_widget_rewards_judgement_not_the_naive_rule(drill_inputs, capsys):
    case, log, costs = drill_inputs
    d = PolicyDrill(case, log, log["p_true"], costs, days=30)
    naive = d.submit()
    best = d.optimum.settings
    good = d.run_scripted(
        t_lo=best.t_lo, t_hi=best.t_hi, value_cap_usd=best.value_cap_usd, reviewers=best.reviewers
    )
    assert naive.regret_usd > 0.05 * naive.optimum.cost_usd
    assert abs(good.regret_usd) < 1e-6 * good.optimum.cost_usd and good.metrics.feasible
    assert [s.regret_usd for s in d.submissions] == [naive.regret_usd, good.regret_usd]


def test_widget_rejects_bad_settings_and_inputs(drill_inputs, capsys):
    case, log, costs = drill_inputs
    d = PolicyDrill(case, log, log["p_true"], costs, days=30)
    before = d.settings
    with pytest.raises(InputError, match="t_lo: expected t_lo <= t_hi"):
        d.set(t_lo=0.95, t_hi=0.5)
    with pytest.raises(InputError, match="value_cap_usd: expected a number >= 0"):
        d.set(value_cap_usd=-5)
    with pytest.raises(InputError, match="reviewers: expected a whole number of reviewers >= 1, got 0"):
        d.set(reviewers=0)
    with pytest.raises(InputError, match=r"reviewers: expected at most \d+ \(the slider's range\)"):
        d.set(reviewers=10_000)
    with pytest.raises(InputError, match="speed: not a control"):
        d.set(speed=2)
    assert d.settings == before
    with pytest.raises(InputError, match=r"case: expected a nogo\.CaseFile"):
        PolicyDrill("template", log, log["p_true"], costs, days=30)
    with pytest.raises(InputError, match=r"store: expected a nogo\.ProgressStore"):
        PolicyDrill(case, log, log["p_true"], costs, days=30, store="p.sqlite3")
    with pytest.raises(InputError, match="variant_seed: expected a whole number >= 0"):
        PolicyDrill(case, log, log["p_true"], costs, days=30, variant_seed=-1)


def test_assumptions_come_from_the_case_parameters():
    case = nogo.load_case(TEMPLATE)
    assert PolicyAssumptions.from_case(case) == PolicyAssumptions()
    params = dict(case.parameters)
    params["handle_minutes"] = params["seed"].model_copy(update={"default": 4.0})
    custom = case.model_copy(update={"parameters": params})
    assert PolicyAssumptions.from_case(custom, max_reviewers=5) == PolicyAssumptions(
        handle_minutes=4.0, max_reviewers=5
    )


def test_widget_html_is_safe_from_maths_typesetting(drill_inputs, capsys):
    from nogo.formatting import html_dollars

    case, log, costs = drill_inputs
    d = PolicyDrill(case, log, log["p_true"], costs, days=30)
    d.submit()
    title = d.widget.children[1]  # after the drill's hidden style sheet
    assert "Set the policy" in title.value
    for box in (d.metrics_html, d.chart_html, d.result_html, title):
        assert box.value.startswith('<div class="mathjax_ignore tex2jax_ignore">')
        assert html_dollars(box.value) == 0
