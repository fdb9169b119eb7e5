"""No-Go: the decision models behind an executable casebook of AI-agent failures.

Glossary (used the same way in every module, notebook and case file)
--------------------------------------------------------------------
decision
    One thing the agent could do on its own: one row of a decision log.
score
    The agent's confidence that acting is right; any real number, higher is surer.
p
    A calibrated probability that acting is right, in [0, 1].
outcome
    1 (True) where acting would have been right, 0 where it would have been wrong.
value_usd
    The value at stake in one decision, in US dollars.
act, escalate, decline
    The three actions: do it alone; hand it to a person; hold back.
cost_false_action_usd (``false_action_usd``)
    What acting wrongly costs: the cost of error.
missed_usd
    What holding back costs when acting would have been right.
escalate_usd
    Review plus delay cost of one escalation; ``inf`` where nobody can review.
reviewer_miss_rate
    Share of wrong actions a reviewer lets through.
threshold, t_lo, t_hi
    Act when ``score >= t_hi``; decline when ``score < t_lo``; escalate in between.
regret_usd
    How much more a policy costs than the best one on the same decisions.
error_budget
    Largest allowed share of decisions that are wrong autonomous actions.
"""

from nogo import charts
from nogo.autonomy import (
    AUTONOMY_LEVELS,
    LEVEL_DESCRIPTIONS,
    QUADRANT_LEVELS,
    VERDICTS,
    AllowedActions,
    AutonomySurface,
    Never,
    Rule,
    SegmentRule,
    TopShare,
    ValueCap,
    When,
    check_promotion_gate,
    decisions_needed,
    impact_grid,
    place_in_grid,
)
from nogo.bootstrap import (
    BootstrapResult,
    bootstrap_policy,
)
from nogo.calibration import (
    Calibrator,
    calibrate_out_of_fold,
    expected_calibration_error,
    fit_calibrator,
    reliability_table,
)
from nogo.casefile import (
    MODELS,
    RUBRIC_DIMENSIONS,
    CaseFile,
    CaseFileError,
    load_case,
    load_casebook,
)
from nogo.catalogue import case_index, case_table
from nogo.contract import (
    MAX_METRICS,
    MAX_PAGE_CHARS,
    METRIC_GROUPS,
    AgentImpactContract,
    ContractError,
    Escalation,
    Metric,
    PromotionGate,
    Rollback,
)
from nogo.costs import (
    ACTIONS,
    CATEGORIES,
    LEVELS,
    OUTCOMES,
    CostComponent,
    CostModel,
    DecisionCosts,
)
from nogo.datasets import check_snapshots, load_dataset, write_snapshots
from nogo.display import notebook_setup
from nogo.drift import (
    degradation,
    self_training_loop,
)
from nogo.dynamics import (
    OfferMarket,
    binding_offers,
    fan,
    inventory_projection,
    offer_summary,
    offer_sweep,
    projection_table,
    repricing_loop,
)
from nogo.economics import (
    BreakEven,
    ModelPrice,
    break_even_automation_share,
    cost_per_decision_usd,
    human_cost_per_decision_usd,
    unit_economics,
)
from nogo.errors import (
    InputError,
    NogoError,
)
from nogo.escalation import (
    FATIGUE_DEFAULTS,
    catch_rate,
    delay_cost_usd,
    erlang_c,
    fatigued_miss_rate,
    late_share,
    queue_metrics,
    reviewers_needed,
    share_too_late,
    staffing_costs,
)
from nogo.fairness import (
    FourFifthsCheck,
    adverse_impact_ratio,
    equal_opportunity_gap,
    four_fifths,
    impact_ratios,
    selection_rates,
    threshold_by_group,
)
from nogo.killswitch import (
    CumulativeLossCap,
    CusumErrorRate,
    ErrorRateRollback,
    KillSwitch,
    LossRateCap,
    SignalCap,
    SprtErrorRate,
    evaluate_kill_switches,
    kill_switch_trace,
    rollback_trigger,
)
from nogo.metrics import (
    EVENT_LOG_SCHEMA,
    SIMULATED_RATES,
    SampleSize,
    flag_recurrence,
    minimum_detectable_effect,
    power_two_proportions,
    quiet_failure_metrics,
    sample_size_two_proportions,
    simulate_quiet_failure,
)
from nogo.notebooks import Project
from nogo.stats import (
    proportion_interval,
    proportion_upper_bound,
)
from nogo.synthetic import example_log
from nogo.thresholds import (
    Policy,
    best_threshold,
    best_two_thresholds,
    classic_cut,
    compare_policies,
    naive_policy,
    optimal_action,
    sweep_thresholds,
    three_way_cuts,
)

__version__ = "0.1.0"

__all__ = [
    "ACTIONS",
    "AUTONOMY_LEVELS",
    "CATEGORIES",
    "EVENT_LOG_SCHEMA",
    "FATIGUE_DEFAULTS",
    "LEVELS",
    "LEVEL_DESCRIPTIONS",
    "MAX_METRICS",
    "MAX_PAGE_CHARS",
    "METRIC_GROUPS",
    "MODELS",
    "OUTCOMES",
    "QUADRANT_LEVELS",
    "RUBRIC_DIMENSIONS",
    "SIMULATED_RATES",
    "VERDICTS",
    "AgentImpactContract",
    "AllowedActions",
    "AutonomySurface",
    "BootstrapResult",
    "BreakEven",
    "Calibrator",
    "CaseFile",
    "CaseFileError",
    "ContractError",
    "CostComponent",
    "CostModel",
    "CumulativeLossCap",
    "CusumErrorRate",
    "DecisionCosts",
    "ErrorRateRollback",
    "Escalation",
    "FourFifthsCheck",
    "InputError",
    "KillSwitch",
    "LossRateCap",
    "Metric",
    "ModelPrice",
    "Never",
    "NogoError",
    "OfferMarket",
    "Policy",
    "Project",
    "PromotionGate",
    "Rollback",
    "Rule",
    "SampleSize",
    "SegmentRule",
    "SignalCap",
    "SprtErrorRate",
    "TopShare",
    "ValueCap",
    "When",
    "adverse_impact_ratio",
    "best_threshold",
    "best_two_thresholds",
    "binding_offers",
    "bootstrap_policy",
    "break_even_automation_share",
    "calibrate_out_of_fold",
    "case_index",
    "case_table",
    "catch_rate",
    "charts",
    "check_promotion_gate",
    "check_snapshots",
    "classic_cut",
    "compare_policies",
    "cost_per_decision_usd",
    "decisions_needed",
    "degradation",
    "delay_cost_usd",
    "equal_opportunity_gap",
    "erlang_c",
    "evaluate_kill_switches",
    "example_log",
    "expected_calibration_error",
    "fan",
    "fatigued_miss_rate",
    "fit_calibrator",
    "flag_recurrence",
    "four_fifths",
    "human_cost_per_decision_usd",
    "impact_grid",
    "impact_ratios",
    "inventory_projection",
    "kill_switch_trace",
    "late_share",
    "load_case",
    "load_casebook",
    "load_dataset",
    "minimum_detectable_effect",
    "naive_policy",
    "notebook_setup",
    "offer_summary",
    "offer_sweep",
    "optimal_action",
    "place_in_grid",
    "power_two_proportions",
    "projection_table",
    "proportion_interval",
    "proportion_upper_bound",
    "queue_metrics",
    "quiet_failure_metrics",
    "reliability_table",
    "repricing_loop",
    "reviewers_needed",
    "rollback_trigger",
    "sample_size_two_proportions",
    "selection_rates",
    "self_training_loop",
    "share_too_late",
    "simulate_quiet_failure",
    "staffing_costs",
    "sweep_thresholds",
    "three_way_cuts",
    "threshold_by_group",
    "unit_economics",
    "write_snapshots",
]
