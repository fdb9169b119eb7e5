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
from nogo.amortisation import (
    amortisation_schedule,
    forbearance,
    income_driven,
    monthly_payment_usd,
    remaining_balance_usd,
    term_extension,
    total_interest_usd,
)
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
    LAUNCH_CALLS,
    MODELS,
    RUBRIC_DIMENSIONS,
    CaseFile,
    CaseFileError,
    Dataset,
    Parameter,
    PublishedFigure,
    Source,
    load_case,
    load_casebook,
)
from nogo.catalogue import (
    case_index,
    case_table,
)
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
from nogo.datasets import (
    check_snapshots,
    load_dataset,
    write_snapshots,
)
from nogo.display import (
    notebook_setup,
)
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
from nogo.hiring import (
    EXPLICIT_TERMS,
    KNOWN_PROXIES,
    SKILLS,
    STAR_QUANTILES,
    HiringPlanted,
    Screener,
    applicant_pool,
    autonomy_report,
    compare_feature_sets,
    decision_log,
    drop_explicit_terms,
    screen_report,
    screening_cost_model,
    screening_surface,
    star_ratings,
    train_screener,
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
from nogo.loans import (
    BOOK_DEFAULTS,
    DEFAULT_MARKUP_BPS,
    ILLUSTRATIVE_SAVING_USD_PER_YEAR,
    LOAN_POLICIES,
    NO_HIDDEN_COST_RULE,
    borrower_book,
    choose_offers,
    disclose,
    harm_by,
    loan_autonomy_surface,
    loan_offers,
    policy_summary,
    rate_gap_by_group,
    repeat_forbearance_rate,
    simulate_hardship_calls,
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
from nogo.notebooks import (
    Project,
)
from nogo.pricing import (
    PRICING_ACTIONS,
    ValueCapResult,
    action_grid,
    best_value_cap,
    fly_guardrails,
    pricing_catalogue,
    review_costs,
    tail_share,
    value_cap_curve,
)
from nogo.progress import (
    APPLICATION_ID,
    DRILLS,
    MIGRATIONS,
    SCHEMA_VERSION,
    Attempt,
    ProgressStore,
    ProgressStoreError,
    progress_path,
    schedule_reviews,
)
from nogo.stats import (
    proportion_interval,
    proportion_upper_bound,
)
from nogo.synthetic import (
    example_log,
)
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
    "APPLICATION_ID",
    "AUTONOMY_LEVELS",
    "BOOK_DEFAULTS",
    "CATEGORIES",
    "DEFAULT_MARKUP_BPS",
    "DRILLS",
    "EVENT_LOG_SCHEMA",
    "EXPLICIT_TERMS",
    "FATIGUE_DEFAULTS",
    "ILLUSTRATIVE_SAVING_USD_PER_YEAR",
    "KNOWN_PROXIES",
    "LAUNCH_CALLS",
    "LEVELS",
    "LEVEL_DESCRIPTIONS",
    "LOAN_POLICIES",
    "MAX_METRICS",
    "MAX_PAGE_CHARS",
    "METRIC_GROUPS",
    "MIGRATIONS",
    "MODELS",
    "NO_HIDDEN_COST_RULE",
    "OUTCOMES",
    "PRICING_ACTIONS",
    "QUADRANT_LEVELS",
    "RUBRIC_DIMENSIONS",
    "SCHEMA_VERSION",
    "SIMULATED_RATES",
    "SKILLS",
    "STAR_QUANTILES",
    "VERDICTS",
    "AgentImpactContract",
    "AllowedActions",
    "Attempt",
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
    "Dataset",
    "DecisionCosts",
    "ErrorRateRollback",
    "Escalation",
    "FourFifthsCheck",
    "HiringPlanted",
    "InputError",
    "KillSwitch",
    "LossRateCap",
    "Metric",
    "ModelPrice",
    "Never",
    "NogoError",
    "OfferMarket",
    "Parameter",
    "Policy",
    "ProgressStore",
    "ProgressStoreError",
    "Project",
    "PromotionGate",
    "PublishedFigure",
    "Rollback",
    "Rule",
    "SampleSize",
    "Screener",
    "SegmentRule",
    "SignalCap",
    "Source",
    "SprtErrorRate",
    "TopShare",
    "ValueCap",
    "ValueCapResult",
    "When",
    "action_grid",
    "adverse_impact_ratio",
    "amortisation_schedule",
    "applicant_pool",
    "autonomy_report",
    "best_threshold",
    "best_two_thresholds",
    "best_value_cap",
    "binding_offers",
    "bootstrap_policy",
    "borrower_book",
    "break_even_automation_share",
    "calibrate_out_of_fold",
    "case_index",
    "case_table",
    "catch_rate",
    "charts",
    "check_promotion_gate",
    "check_snapshots",
    "choose_offers",
    "classic_cut",
    "compare_feature_sets",
    "compare_policies",
    "cost_per_decision_usd",
    "decision_log",
    "decisions_needed",
    "degradation",
    "delay_cost_usd",
    "disclose",
    "drop_explicit_terms",
    "equal_opportunity_gap",
    "erlang_c",
    "evaluate_kill_switches",
    "example_log",
    "expected_calibration_error",
    "fan",
    "fatigued_miss_rate",
    "fit_calibrator",
    "flag_recurrence",
    "fly_guardrails",
    "forbearance",
    "four_fifths",
    "harm_by",
    "human_cost_per_decision_usd",
    "impact_grid",
    "impact_ratios",
    "income_driven",
    "inventory_projection",
    "kill_switch_trace",
    "late_share",
    "load_case",
    "load_casebook",
    "load_dataset",
    "loan_autonomy_surface",
    "loan_offers",
    "minimum_detectable_effect",
    "monthly_payment_usd",
    "naive_policy",
    "notebook_setup",
    "offer_summary",
    "offer_sweep",
    "optimal_action",
    "place_in_grid",
    "policy_summary",
    "power_two_proportions",
    "pricing_catalogue",
    "progress_path",
    "projection_table",
    "proportion_interval",
    "proportion_upper_bound",
    "queue_metrics",
    "quiet_failure_metrics",
    "rate_gap_by_group",
    "reliability_table",
    "remaining_balance_usd",
    "repeat_forbearance_rate",
    "repricing_loop",
    "review_costs",
    "reviewers_needed",
    "rollback_trigger",
    "sample_size_two_proportions",
    "schedule_reviews",
    "screen_report",
    "screening_cost_model",
    "screening_surface",
    "selection_rates",
    "self_training_loop",
    "share_too_late",
    "simulate_hardship_calls",
    "simulate_quiet_failure",
    "staffing_costs",
    "star_ratings",
    "sweep_thresholds",
    "tail_share",
    "term_extension",
    "three_way_cuts",
    "threshold_by_group",
    "total_interest_usd",
    "train_screener",
    "unit_economics",
    "value_cap_curve",
    "write_snapshots",
]
