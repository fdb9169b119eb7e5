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

from nogo.bootstrap import BootstrapResult, bootstrap_policy
from nogo.calibration import (
    Calibrator,
    calibrate_out_of_fold,
    expected_calibration_error,
    fit_calibrator,
    reliability_table,
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
from nogo.errors import InputError, NogoError
from nogo.stats import proportion_interval, proportion_upper_bound
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
    "CATEGORIES",
    "LEVELS",
    "OUTCOMES",
    "BootstrapResult",
    "Calibrator",
    "CostComponent",
    "CostModel",
    "DecisionCosts",
    "InputError",
    "NogoError",
    "Policy",
    "best_threshold",
    "best_two_thresholds",
    "bootstrap_policy",
    "calibrate_out_of_fold",
    "classic_cut",
    "compare_policies",
    "expected_calibration_error",
    "fit_calibrator",
    "naive_policy",
    "optimal_action",
    "proportion_interval",
    "proportion_upper_bound",
    "reliability_table",
    "sweep_thresholds",
    "three_way_cuts",
]
