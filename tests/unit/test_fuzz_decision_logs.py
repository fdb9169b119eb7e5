"""A fuzz corpus of bad decision logs and arguments across the public API (issue 16, "Also").

Every case must end in :class:`nogo.InputError` whose message starts with the argument (or column) it
is about and, where one value is to blame, names its row. Anything else is counted against the corpus:
another exception (a traceback), no answer within ``_HANG_SECONDS`` (a hang), or a result (accepted
silently). Run this file as a script for the counts::

    .venv/bin/python tests/unit/test_fuzz_decision_logs.py
"""

from __future__ import annotations

import re
import signal
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

import nogo
from nogo import CostComponent, CostModel, DecisionCosts, InputError

_HANG_SECONDS = 20

N = 20
S = np.linspace(0.02, 0.98, N)  # scores (and calibrated probabilities)
Y = np.array([1, 0, 1, 1, 0] * 4)  # outcomes, both kinds
C = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.5)
PER = DecisionCosts(false_action_usd=np.arange(1.0, N + 1), missed_usd=1, escalate_usd=0.5)
MODEL = CostModel(
    [
        CostComponent("write-off", "false_action", value_share=0.3),
        CostComponent("churn", "missed", base_usd=5, low_usd=2, high_usd=9),
        CostComponent("review", "review", base_usd=1),
    ]
)
VALUE = np.linspace(10.0, 200.0, N)
GROUP = np.array(["a", "b"] * (N // 2))
EVENTS = pd.DataFrame(
    {
        "customer_id": ["a", "b", "a", "c"],
        "timestamp": ["2026-01-05 09:00", "2026-01-05 10:00", "2026-01-05 18:00", "2026-01-06 09:00"],
        "resolved": [1, 1, 0, 1],
        "escalated": [0, 0, 1, 0],
        "overridden": [0, 0, 0, 1],
        "csat": [5, None, 3, 4],
    }
)
STREAM = pd.DataFrame({"loss_usd": np.arange(1.0, N + 1), "error": Y.astype(bool)})
DECISIONS = pd.DataFrame({"value_usd": VALUE, "score": S, "action_type": ["refund"] * N})


def _with(frame: pd.DataFrame, column: str, row: int, value: Any) -> pd.DataFrame:
    out = frame.copy()
    out[column] = out[column].astype(object)
    out.loc[row, column] = value
    return out


def _put(values: np.ndarray, row: int, value: Any) -> list[Any]:
    out = list(values)
    out[row] = value
    return out


@dataclass(frozen=True)
class Case:
    id: str
    call: Callable[[], Any]
    arg: str  # the message starts with this argument or column name
    row: int | None = None  # and says "at row <row>" when one value is to blame
    match: str = ""  # and, when given, matches this regex too


def _policy() -> nogo.Policy:
    return nogo.best_threshold(S, Y, C)


CASES = [
    # -- thresholds: shapes -------------------------------------------------------------------------
    Case("sweep 0-d score", lambda: nogo.sweep_thresholds(np.array(0.5), Y, C), "score", None, "1-d array"),
    Case("sweep one score", lambda: nogo.sweep_thresholds([0.5], Y, C), "score", None, "20 values"),
    Case("sweep one outcome", lambda: nogo.sweep_thresholds(S, [1], C), "outcome", None, "20 values"),
    Case("sweep 0-d outcome", lambda: nogo.sweep_thresholds(S, 1, C), "outcome", None, "1-d array"),
    Case("best2 0-d score", lambda: nogo.best_two_thresholds(0.5, Y, C), "score", None, "1-d array"),
    Case("best2 one outcome", lambda: nogo.best_two_thresholds(S, [0], C), "outcome", None, "20 values"),
    Case("compare 0-d score", lambda: nogo.compare_policies(np.array(0.5), Y, C), "score", None, "1-d"),
    Case("naive one score", lambda: nogo.naive_policy([0.5], Y, C), "score", None, "20 values"),
    Case("best 19 scores", lambda: nogo.best_threshold(S[:19], Y, C), "outcome", None, "19 values"),
    Case("sweep 2-d score", lambda: nogo.sweep_thresholds(S.reshape(-1, 1), Y, C), "score", None, r"\(20, 1\)"),
    Case("sweep 2-d outcome", lambda: nogo.sweep_thresholds(S, Y.reshape(2, -1), C), "outcome", None, "shape"),
    Case("sweep ragged score", lambda: nogo.sweep_thresholds([0.1, [0.2, 0.3]], [1, 0], C), "score", 1),
    Case("sweep empty", lambda: nogo.sweep_thresholds([], [], C), "score", None, "at least one"),
    # -- thresholds: values -------------------------------------------------------------------------
    Case("best2 nan score", lambda: nogo.best_two_thresholds(_put(S, 3, np.nan), Y, C), "score", 3, "finite"),
    Case("best2 inf score", lambda: nogo.best_two_thresholds(_put(S, 5, np.inf), Y, C), "score", 5, "finite"),
    Case("naive None score", lambda: nogo.naive_policy(_put(S, 2, None), Y, C), "score", 2),
    Case("compare text score", lambda: nogo.compare_policies(_put(S, 4, "abc"), Y, C), "score", 4, "'abc'"),
    Case("sweep dict score", lambda: nogo.sweep_thresholds({"a": 1}, [1], C), "score", None, "numbers"),
    Case("sweep csv score", lambda: nogo.sweep_thresholds("0.5,0.6", [1, 0], C), "score", None, "numbers"),
    Case("sweep 'yes' outcome", lambda: nogo.sweep_thresholds(S, _put(Y, 4, "yes"), C), "outcome", 4, "'yes'"),
    Case("sweep outcome 2", lambda: nogo.sweep_thresholds(S, _put(Y, 7, 2), C), "outcome", 7),
    Case("sweep nan outcome", lambda: nogo.sweep_thresholds(S, _put(Y, 1, np.nan), C), "outcome", 1),
    Case("best2 None outcome", lambda: nogo.best_two_thresholds(S, _put(Y, 3, None), C), "outcome", 3),
    Case("best text '1' outcome", lambda: nogo.best_threshold(S, _put(Y, 6, "1"), C), "outcome", 6),
    Case("policy applies text", lambda: _policy().actions([0.2, "x"]), "score", 1),
    # -- thresholds: costs and options --------------------------------------------------------------
    Case("sweep costs dict", lambda: nogo.sweep_thresholds(S, Y, {"false_action_usd": 1}), "costs"),
    Case("sweep costs of 5", lambda: nogo.sweep_thresholds(S, Y, DecisionCosts(np.ones(5), 1)), "costs"),
    Case("sweep otherwise", lambda: nogo.sweep_thresholds(S, Y, C, otherwise="ignore"), "otherwise"),
    Case("best2 cap -1", lambda: nogo.best_two_thresholds(S, Y, C, max_escalations_per_day=-1),
         "max_escalations_per_day"),
    Case("best2 cap list", lambda: nogo.best_two_thresholds(S, Y, C, max_escalations_per_day=[1, 2]),
         "max_escalations_per_day", None, "single number"),
    Case("best2 days 0", lambda: nogo.best_two_thresholds(S, Y, C, max_escalations_per_day=1, days=0), "days"),
    Case("compare days -1", lambda: nogo.compare_policies(S, Y, C, days=-1), "days"),
    Case("compare days nan", lambda: nogo.compare_policies(S, Y, C, days=np.nan), "days"),
    Case("best budget 1.5", lambda: nogo.best_threshold(S, Y, C, error_budget=1.5), "error_budget"),
    Case("best budget nan", lambda: nogo.best_threshold(S, Y, C, error_budget=np.nan), "error_budget"),
    Case("naive confidence text", lambda: nogo.naive_policy(S, Y, C, confidence="high"), "confidence"),
    Case("naive confidence list", lambda: nogo.naive_policy(S, Y, C, confidence=[0.9, 0.5]), "confidence"),
    Case("optimal p 1.2", lambda: nogo.optimal_action(_put(S, 1, 1.2), C), "p", 1),
    Case("optimal one p", lambda: nogo.optimal_action([0.5], PER), "p", None, "20 values"),
    Case("optimal costs None", lambda: nogo.optimal_action(S, None), "costs"),
    Case("cuts costs dict", lambda: nogo.three_way_cuts({"false_action_usd": 1}), "costs"),
    Case("classic -1", lambda: nogo.classic_cut(-1, 1), "false_action_usd", 0),
    Case("classic list", lambda: nogo.classic_cut([1, 2], 1), "false_action_usd", None, "single"),
    # -- bootstrap ----------------------------------------------------------------------------------
    Case("boot 0-d score", lambda: nogo.bootstrap_policy(0.5, Y, C, seed=0, n_boot=5), "score"),
    Case("boot n_boot 0", lambda: nogo.bootstrap_policy(S, Y, C, seed=0, n_boot=0), "n_boot"),
    Case("boot n_boot True", lambda: nogo.bootstrap_policy(S, Y, C, seed=0, n_boot=True), "n_boot"),
    Case("boot n_boot 2.5", lambda: nogo.bootstrap_policy(S, Y, C, seed=0, n_boot=2.5), "n_boot"),
    Case("boot seed text", lambda: nogo.bootstrap_policy(S, Y, C, seed="x", n_boot=5), "seed"),
    Case("boot seed -1", lambda: nogo.bootstrap_policy(S, Y, C, seed=-1, n_boot=5), "seed"),
    Case("boot kind", lambda: nogo.bootstrap_policy(S, Y, C, seed=0, kind="double"), "kind"),
    Case("boot budget 2", lambda: nogo.bootstrap_policy(S, Y, C, seed=0, n_boot=5, error_budget=2),
         "error_budget"),
    Case("boot summary level", lambda: nogo.bootstrap_policy(S, Y, C, seed=0, n_boot=5).summary(level=1.5),
         "level"),
    # -- costs --------------------------------------------------------------------------------------
    Case("costs negative", lambda: DecisionCosts(false_action_usd=-1, missed_usd=1), "false_action_usd", 0),
    Case("costs nan row", lambda: DecisionCosts(false_action_usd=1, missed_usd=[1, np.nan]), "missed_usd", 1),
    Case("costs escalate -2", lambda: DecisionCosts(1, 1, escalate_usd=[0, -2]), "escalate_usd", 1),
    Case("costs lengths", lambda: DecisionCosts(false_action_usd=[1, 2], missed_usd=[1, 2, 3]), "missed_usd"),
    Case("costs miss rate 1.5", lambda: DecisionCosts(1, 1, reviewer_miss_rate=1.5), "reviewer_miss_rate", 0),
    Case("costs miss rate list", lambda: DecisionCosts(1, 1, reviewer_miss_rate=[0.1, 0.2]),
         "reviewer_miss_rate", None, "single"),
    Case("costs text", lambda: DecisionCosts(false_action_usd=[1, "ten"], missed_usd=1), "false_action_usd", 1),
    Case("costs 2-d", lambda: DecisionCosts(false_action_usd=[[1, 2]], missed_usd=1), "false_action_usd"),
    Case("realised one outcome", lambda: PER.realised([1]), "outcome", None, "20 values"),
    Case("realised 'no'", lambda: C.realised(_put(Y, 9, "no")), "outcome", 9),
    Case("expected one p", lambda: PER.expected([0.5]), "p", None, "20 values"),
    Case("expected p -0.1", lambda: C.expected(_put(S, 0, -0.1)), "p", 0),
    Case("component outcome", lambda: CostComponent("x", "wrong_action"), "component 'x': outcome"),
    Case("component -5", lambda: CostComponent("x", "missed", base_usd=-5), "component 'x': usd (base)", 0),
    Case("component low > base", lambda: CostComponent("x", "missed", base_usd=5, low_usd=6), "component 'x'"),
    Case("model of dicts", lambda: CostModel([{"name": "x"}]), "components"),
    Case("model value -4", lambda: MODEL.decision_costs(_put(VALUE, 1, -4.0)), "value_usd", 1),
    Case("model value text", lambda: MODEL.decision_costs(_put(VALUE, 3, "big")), "value_usd", 3),
    Case("model no value", lambda: MODEL.decision_costs(), "component 'write-off'"),
    Case("model level", lambda: MODEL.decision_costs(VALUE, level="worst"), "level"),
    Case("model one p", lambda: MODEL.expected_costs([0.5], VALUE), "p", None, "20 values"),
    Case("model sensitivity nan", lambda: MODEL.sensitivity(_put(S, 2, np.nan), VALUE), "p", 2),
    # -- calibration --------------------------------------------------------------------------------
    Case("reliability p 1.2", lambda: nogo.reliability_table(_put(S, 1, 1.2), Y), "p", 1),
    Case("reliability 0-d p", lambda: nogo.reliability_table(0.5, Y), "p", None, "1-d"),
    Case("reliability one outcome", lambda: nogo.reliability_table(S, [1]), "outcome", None, "20 values"),
    Case("reliability n_bins 0", lambda: nogo.reliability_table(S, Y, n_bins=0), "n_bins"),
    Case("reliability n_bins 2.5", lambda: nogo.reliability_table(S, Y, n_bins=2.5), "n_bins"),
    Case("reliability n_bins True", lambda: nogo.reliability_table(S, Y, n_bins=True), "n_bins"),
    Case("reliability strategy", lambda: nogo.reliability_table(S, Y, strategy="kmeans"), "strategy"),
    Case("reliability level 1.5", lambda: nogo.reliability_table(S, Y, level=1.5), "level"),
    Case("ece 19 p", lambda: nogo.expected_calibration_error(S[:19], Y), "outcome", None, "19 values"),
    Case("fit method", lambda: nogo.fit_calibrator(S, Y, method="beta"), "method"),
    Case("fit one outcome kind", lambda: nogo.fit_calibrator(S, np.ones(N)), "outcome", None, "both"),
    Case("fit text score", lambda: nogo.fit_calibrator(_put(S, 4, "abc"), Y), "score", 4),
    Case("fit mixed outcome", lambda: nogo.fit_calibrator(S, _put(Y, 4, "yes")), "outcome", 4),
    Case("oof n_folds 1", lambda: nogo.calibrate_out_of_fold(S, Y, n_folds=1), "n_folds"),
    Case("oof n_folds 50", lambda: nogo.calibrate_out_of_fold(S, Y, n_folds=50), "n_folds"),
    Case("oof n_folds True", lambda: nogo.calibrate_out_of_fold(S, Y, n_folds=True), "n_folds"),
    Case("oof seed -1", lambda: nogo.calibrate_out_of_fold(S, Y, seed=-1), "seed"),
    Case("oof seed text", lambda: nogo.calibrate_out_of_fold(S, Y, seed="a"), "seed"),
    Case("oof one outcome", lambda: nogo.calibrate_out_of_fold(S, [1]), "outcome", None, "20 values"),
    Case("oof method", lambda: nogo.calibrate_out_of_fold(S, Y, method="beta"), "method"),
    Case("predict text", lambda: nogo.fit_calibrator(S, Y).predict([0.1, "x"]), "score", 1),
    # -- fairness -----------------------------------------------------------------------------------
    Case("rates 19 selected", lambda: nogo.selection_rates(GROUP, Y[:19]), "selected", None, "19"),
    Case("rates 'yes' selected", lambda: nogo.selection_rates(GROUP, _put(Y, 3, "yes")), "selected", 3),
    Case("rates 0-d group", lambda: nogo.selection_rates("a", Y), "group"),
    Case("rates missing group", lambda: nogo.selection_rates(_put(GROUP, 5, None), Y), "group", 5),
    Case("rates min_ratio 0", lambda: nogo.selection_rates(GROUP, Y, min_ratio=0), "min_ratio"),
    Case("rates min_ratio list", lambda: nogo.selection_rates(GROUP, Y, min_ratio=[0.8, 0.9]), "min_ratio"),
    Case("impact method", lambda: nogo.impact_ratios(GROUP, selected=Y, method="median"), "method"),
    Case("impact text score", lambda: nogo.impact_ratios(GROUP, score=_put(S, 4, "abc"), method="scoring"),
         "score", 4),
    Case("impact share 2", lambda: nogo.impact_ratios(GROUP, selected=Y, exclude_below_share=2),
         "exclude_below_share"),
    Case("impact no selected", lambda: nogo.impact_ratios(GROUP), "selected"),
    Case("eo 19 outcome", lambda: nogo.equal_opportunity_gap(GROUP, Y[:19], Y), "outcome", None, "19"),
    Case("tbg nan threshold", lambda: nogo.threshold_by_group(S, GROUP, thresholds=[0.5, np.nan]),
         "thresholds", 1),
    Case("tbg nan score", lambda: nogo.threshold_by_group(_put(S, 2, np.nan), GROUP), "score", 2),
    Case("tbg data list", lambda: nogo.threshold_by_group("score", "g", data=[1, 2]), "data"),
    Case("tbg no column", lambda: nogo.threshold_by_group("score", "g", data=DECISIONS), "group"),
    Case("tbg 0-d score", lambda: nogo.threshold_by_group(0.5, GROUP), "score"),
    Case("four-fifths k > n", lambda: nogo.four_fifths(12, 10, 48, 80), "selected_focal"),
    Case("four-fifths fractional", lambda: nogo.four_fifths(2.5, 10, 48, 80), "selected_focal"),
    Case("four-fifths alpha 2", lambda: nogo.four_fifths(12, 40, 48, 80, alpha=2), "alpha"),
    Case("air n 0", lambda: nogo.adverse_impact_ratio(0, 0, 4, 8), "n_focal"),
    Case("air list count", lambda: nogo.adverse_impact_ratio([1, 2], 10, 4, 8), "selected_focal"),
    # -- metrics ------------------------------------------------------------------------------------
    Case("recurrence bad time", lambda: nogo.flag_recurrence(["a", "b", "c"], ["2026-01-05", "soon", "2026-01-06"]),
         "timestamp", 1),
    Case("recurrence lengths", lambda: nogo.flag_recurrence(["a", "b"], ["2026-01-05"] * 3), "timestamp"),
    Case("recurrence window -1", lambda: nogo.flag_recurrence(["a"], ["2026-01-05"], window_hours=-1),
         "window_hours"),
    Case("recurrence window list", lambda: nogo.flag_recurrence(["a"], ["2026-01-05"], window_hours=[24, 48]),
         "window_hours"),
    Case("recurrence 2-d ids", lambda: nogo.flag_recurrence([["a", "b"]], ["2026-01-05"]), "customer_id"),
    Case("quiet not a frame", lambda: nogo.quiet_failure_metrics([1, 2]), "events"),
    Case("quiet no csat", lambda: nogo.quiet_failure_metrics(EVENTS.drop(columns="csat")), "events"),
    Case("quiet resolved 'maybe'", lambda: nogo.quiet_failure_metrics(_with(EVENTS, "resolved", 1, "maybe")),
         "column 'resolved'", 1),
    Case("quiet csat 7", lambda: nogo.quiet_failure_metrics(_with(EVENTS, "csat", 2, 7)), "column 'csat'", 2),
    Case("quiet by", lambda: nogo.quiet_failure_metrics(EVENTS, by="fortnight"), "by"),
    Case("size p 1.5", lambda: nogo.sample_size_two_proportions(1.5, 0.2), "p_baseline", 0),
    Case("size alpha 0", lambda: nogo.sample_size_two_proportions(0.1, 0.2, alpha=0), "alpha"),
    Case("size alpha list", lambda: nogo.sample_size_two_proportions(0.1, 0.2, alpha=[0.05, 0.1]), "alpha"),
    Case("size power 0.3", lambda: nogo.sample_size_two_proportions(0.1, 0.2, power=0.3), "power"),
    Case("size both", lambda: nogo.sample_size_two_proportions(0.1, 0.2, mde_abs=0.1), "p_treatment"),
    Case("power n 0", lambda: nogo.power_two_proportions(0.1, 0.2, 0), "n_per_arm"),
    Case("power n list", lambda: nogo.power_two_proportions(0.1, 0.2, [100, 200]), "n_per_arm"),
    Case("mde direction", lambda: nogo.minimum_detectable_effect(0.1, 100, direction="up"), "direction"),
    Case("simulate days 0", lambda: nogo.simulate_quiet_failure(days=0), "days"),
    Case("simulate rate list", lambda: nogo.simulate_quiet_failure(contacts_per_day=[10, 20]), "contacts_per_day"),
    # -- kill switches ------------------------------------------------------------------------------
    Case("ks not a frame", lambda: nogo.evaluate_kill_switches([1, 2], [nogo.CumulativeLossCap(5)]), "stream"),
    Case("ks no loss column", lambda: nogo.evaluate_kill_switches(STREAM[["error"]], [nogo.CumulativeLossCap(5)]),
         "evaluate_kill_switches: column 'loss_usd'"),
    Case("ks nan loss", lambda: nogo.evaluate_kill_switches(_with(STREAM, "loss_usd", 2, np.nan),
                                                             [nogo.CumulativeLossCap(5)]), "loss_usd", 2),
    Case("ks fallback length", lambda: nogo.evaluate_kill_switches(STREAM, [nogo.CumulativeLossCap(5)],
                                                                    fallback_loss_usd=[1, 2]), "fallback_loss_usd"),
    Case("ks no switches", lambda: nogo.evaluate_kill_switches(STREAM, []), "switches"),
    Case("ks cap -5", lambda: nogo.CumulativeLossCap(-5), "max_usd", 0),
    Case("ks cap list", lambda: nogo.CumulativeLossCap([5, 6]), "max_usd"),
    Case("ks cusum p0 > p1", lambda: nogo.CusumErrorRate(0.2, 0.1, 3), "p0"),
    Case("ks rollback method", lambda: nogo.ErrorRateRollback(0.1, 10, method="exact"), "method"),
    Case("ks error 'x'", lambda: nogo.CusumErrorRate(0.05, 0.2, 3).trace(_with(STREAM, "error", 3, "x")),
         "CUSUM on error, 0.05 -> 0.2, h=3: column 'error'", 3),
    Case("ks time goes back", lambda: nogo.evaluate_kill_switches(
        STREAM.assign(timestamp=_put(np.arange(N), 5, -1)), [nogo.CumulativeLossCap(5)]), "timestamp", 5),
    Case("rollback k > n", lambda: nogo.rollback_trigger([5, 1], [4, 10], rollback_rate=0.1), "errors", 0),
    Case("rollback level", lambda: nogo.rollback_trigger([1], [10], rollback_rate=0.1, level=0.4), "level"),
    # -- autonomy -----------------------------------------------------------------------------------
    Case("value cap -1", lambda: nogo.ValueCap(-1), "max_usd", 0),
    Case("surface no column", lambda: nogo.AutonomySurface([nogo.ValueCap(50)]).evaluate(DECISIONS[["score"]]),
         "value_usd above 50: approval: column 'value_usd' not in"),
    Case("surface nan value", lambda: nogo.AutonomySurface([nogo.ValueCap(50)]).evaluate(
        _with(DECISIONS, "value_usd", 4, np.nan)), "value_usd above 50: approval: column 'value_usd'", 4),
    Case("top share 1.5", lambda: nogo.TopShare(1.5), "share", 0),
    Case("grid lengths", lambda: nogo.place_in_grid(["a", "b"], [1, 2, 3], [1, 2],
                                                     frequency_cut_per_day=1, severity_cut_usd=1), "action_type"),
    Case("gate errors > decisions", lambda: nogo.check_promotion_gate([5], [4], error_budget=0.1, min_decisions=1),
         "errors", 0),
    Case("needed budget 2", lambda: nogo.decisions_needed(2), "error_budget", 0),
    # -- escalation ---------------------------------------------------------------------------------
    Case("erlang reviewers 0.5", lambda: nogo.erlang_c(10, 5, [1, 0.5]), "reviewers", 1),
    Case("queue handle 0", lambda: nogo.queue_metrics(10, [5, 0], 2), "handle_minutes", 1),
    Case("queue lengths", lambda: nogo.queue_metrics([10, 20], [5, 6, 7], 2), "handle_minutes"),
    Case("queue text rate", lambda: nogo.queue_metrics([10, "busy"], 5, 2), "arrival_rate_per_hour", 1),
    Case("needed sla -1", lambda: nogo.reviewers_needed(10, 5, -1), "sla_minutes", 0),
    Case("late latency -1", lambda: nogo.late_share([1, -1], 2), "latency_minutes", 1),
    Case("catch precision 1.5", lambda: nogo.catch_rate([0.5, 1.5], 10), "precision", 1),
]


def _alarm(signum, frame):  # pragma: no cover - only on a hang
    raise TimeoutError(f"no answer in {_HANG_SECONDS} s")


def attempt(case: Case) -> tuple[str, str]:
    """Run one case: ("clear" | "unclear" | "traceback" | "hang" | "accepted", detail)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(_HANG_SECONDS)
    try:
        result = case.call()
    except InputError as exc:
        return ("clear" if _names(case, str(exc)) else "unclear"), str(exc)
    except TimeoutError as exc:
        return "hang", str(exc)
    except Exception as exc:
        return "traceback", f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return "accepted", repr(result)[:200]


def _names(case: Case, message: str) -> bool:
    if not message.startswith(case.arg):
        return False
    if case.row is not None and not re.search(rf"\bat row {case.row}\b", message):
        return False
    return not case.match or re.search(case.match, message) is not None


def test_the_corpus_is_large_and_its_ids_unique():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))
    assert len(CASES) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_bad_input_gets_a_clear_error(case):
    kind, detail = attempt(case)
    row = "" if case.row is None else f" at row {case.row}"
    assert kind == "clear", f"{kind}: {detail} (expected an InputError about {case.arg!r}{row})"


if __name__ == "__main__":  # the counts for the closing note
    results = {c.id: attempt(c) for c in CASES}
    counts = Counter(kind for kind, _ in results.values())
    for name, (kind, detail) in results.items():
        if kind != "clear":
            print(f"{kind:9} {name}: {detail}")
    print(
        f"tried {len(CASES)}, clear error {counts['clear']}, unclear error {counts['unclear']}, "
        f"traceback {counts['traceback']}, hang {counts['hang']}, accepted silently {counts['accepted']}"
    )
    sys.exit(0 if counts["clear"] == len(CASES) else 1)
