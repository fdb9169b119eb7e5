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

from types import ModuleType as _ModuleType

from nogo import charts
from nogo.app.coach import (
    Countdown,
    case_drill_inputs,
    coaching_parameters,
)
from nogo.app.report import (
    CSV_FORMULA_PREFIXES,
    ReportNameWarning,
    ReportPaths,
    neutralise_csv_cell,
    report_file_stem,
    session_report,
    session_summary,
)
from nogo.casebook.catalogue import (
    case_index,
    case_table,
)
from nogo.casebook.datasets import (
    check_snapshots,
    write_snapshots,
)
from nogo.cases.case import (
    Case,
    CaseData,
    HardRule,
    open_case,
)
from nogo.cases.casefile import (
    CONCEPTS,
    LAUNCH_CALLS,
    MODELS,
    RUBRIC_DIMENSIONS,
    Call,
    CaseFile,
    CaseFileError,
    CaseProblem,
    Condition,
    Dataset,
    Distractor,
    Evidence,
    FailureMode,
    Parameter,
    PublishedFigure,
    Signature,
    Source,
    load_case,
    load_casebook,
)
from nogo.cases.data import (
    load_dataset,
)
from nogo.cases.loan_steering import (
    BOOK_DEFAULTS,
    DEFAULT_MARKUP_BPS,
    ILLUSTRATIVE_SAVING_USD_PER_YEAR,
    LOAN_POLICIES,
    NO_HIDDEN_COST_RULE,
    borrower_book,
    choose_offers,
    consent_probability,
    disclose,
    harm_by,
    loan_autonomy_surface,
    loan_offers,
    policy_summary,
    rate_gap_by_group,
    repeat_forbearance_chart,
    repeat_forbearance_rate,
    simulate_hardship_calls,
    steering_book,
    total_cost_chart,
)
from nogo.cases.pricing_feedback_loop import (
    GUARDRAIL_POLICIES,
    PRICING_ACTIONS,
    ValueCapResult,
    action_grid,
    best_value_cap,
    fly_guardrails,
    loop_projection,
    price_path_chart,
    pricing_catalogue,
    review_costs,
    tail_share,
    value_cap_chart,
    value_cap_curve,
)
from nogo.cases.project import (
    Project,
)
from nogo.cases.resume_proxy_bias import (
    EXPLICIT_TERMS,
    KIND_COLOURS,
    KNOWN_PROXIES,
    SKILLS,
    STAR_QUANTILES,
    WOMENS_COLLEGES,
    HiringPlanted,
    Screener,
    applicant_pool,
    autonomy_report,
    coefficient_chart,
    compare_feature_sets,
    decision_log,
    drop_explicit_terms,
    impact_ratio_chart,
    screen_report,
    screening_cost_model,
    screening_surface,
    star_ratings,
    train_screener,
)
from nogo.cases.segments import SegmentCase
from nogo.cases.signature import Lever, SignatureOutcome, SignatureScore, SignatureTask
from nogo.charts.display import (
    notebook_setup,
    register_math_safe_tables,
)
from nogo.errors import (
    InputError,
    NogoError,
)
from nogo.formatting import (
    column_unit,
    format_bps,
    format_count,
    format_date,
    format_duration,
    format_frame,
    format_number,
    format_p_value,
    format_percent,
    format_timestamp,
    format_usd,
    math_safe_html,
    math_safe_text,
    say,
    style_frame,
    text_table,
)
from nogo.models.amortisation import (
    amortisation_schedule,
    forbearance,
    forbearance_schedule,
    income_driven,
    monthly_payment_usd,
    remaining_balance_usd,
    term_extension,
    total_interest_usd,
)
from nogo.models.autonomy import (
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
from nogo.models.bootstrap import (
    BootstrapResult,
    bootstrap_policy,
)
from nogo.models.calibration import (
    Calibrator,
    calibrate_out_of_fold,
    expected_calibration_error,
    fit_calibrator,
    reliability_table,
)
from nogo.models.contract import (
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
from nogo.models.costs import (
    ACTIONS,
    CATEGORIES,
    LEVELS,
    OUTCOMES,
    CostComponent,
    CostModel,
    DecisionCosts,
)
from nogo.models.drift import (
    degradation,
    self_training_loop,
)
from nogo.models.dynamics import (
    OfferMarket,
    binding_offers,
    fan,
    inventory_projection,
    offer_summary,
    offer_sweep,
    projection_table,
    repricing_loop,
)
from nogo.models.economics import (
    BreakEven,
    ModelPrice,
    break_even_automation_share,
    cost_per_decision_usd,
    human_cost_per_decision_usd,
    unit_economics,
)
from nogo.models.escalation import (
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
from nogo.models.fairness import (
    FourFifthsCheck,
    adverse_impact_ratio,
    equal_opportunity_gap,
    four_fifths,
    impact_ratios,
    selection_rates,
    threshold_by_group,
)
from nogo.models.killswitch import (
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
from nogo.models.metrics import (
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
from nogo.models.policy_model import (
    PolicyAssumptions,
    PolicyFairness,
    PolicyMetrics,
    PolicySettings,
    evaluate_policy,
    prepare_policy_log,
)
from nogo.models.policy_optimum import (
    naive_settings,
    optimal_policy,
    reviewers_for,
)
from nogo.models.stats import (
    proportion_interval,
    proportion_upper_bound,
)
from nogo.models.synthetic import (
    example_log,
)
from nogo.models.thresholds import (
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
from nogo.practice.commit import CommitCall, CommitComparison, Commitment, compare_commitment
from nogo.practice.interview import (
    FRAMEWORK_RUBRIC,
    MockInterview,
    MockInterviewWidget,
    mock_interview,
    reveal_html,
)
from nogo.practice.launch import (
    RUBRIC_SCALE,
    LaunchCall,
    LaunchFeedback,
    RubricChecklist,
    check_justification,
    evidence_options,
    guardrail_cap,
    launch_options,
    rubric_marks,
    rubric_text,
    score_launch,
)
from nogo.practice.policy_drill import (
    PolicyDrill,
    policy_chart,
)
from nogo.practice.premortem import Premortem, PremortemScore, score_premortem
from nogo.practice.progress import (
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
from nogo.practice.segment_drill import SegmentDrill, SegmentPolicyResult, score_segment_policy
from nogo.practice.signature_drill import SignatureDrill
from nogo.practice.stream import (
    MODEL_ACTION,
    STREAM_CHOICES,
    STREAM_KINDS,
    DecisionStream,
    StreamFeedback,
    draw_stream,
    reveal,
    stream_chart,
    stream_disagreements,
    stream_summary,
    stream_text,
)
from nogo.practice.track_record import (
    TrackRecord,
    brier_score,
    calibration_table,
    regret_over_time,
    track_record,
)

__version__ = "0.1.0"

# The public API is every name imported above (and the charts subpackage): one list, not two to keep in step.
__all__ = sorted(
    name
    for name, value in list(globals().items())
    if not name.startswith("_") and (name == "charts" or not isinstance(value, _ModuleType))
)
