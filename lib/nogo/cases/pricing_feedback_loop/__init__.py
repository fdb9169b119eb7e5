"""Pricing agents: guardrails on a repricing loop, and how far a repricing agent may act alone
(``pricing-feedback-loop``).

*The Fly run* ("The Making of a Fly", April 2011; shared/incidents.md section 1), in :mod:`.fly`:
:func:`fly_guardrails` replays the two rules with :func:`nogo.repricing_loop` and finds, with the switches
of :mod:`nogo.models.killswitch`, the day a price cap, a daily change limit and an anomaly kill switch would
each have stopped the loop; :func:`loop_projection` runs the loop forward with noisy multipliers under each
bound.

*A catalogue decision* (shared/frameworks.md item 4: an illustrative interview prompt, not an incident): an
agent right 93% of the time on a long-tailed catalogue. In :mod:`.catalogue`, :func:`pricing_catalogue`
plants that truth in a synthetic log (the case's decision log); :func:`tail_share` shows the tail carries
the expected cost of error; :func:`action_grid` places the action types on the Impact Grid. In
:mod:`.value_cap`, :func:`review_costs` prices each decision, and :func:`value_cap_curve` and
:func:`best_value_cap` price "alone up to a value cap, a person approves above it" and find the best cap
with a bootstrap interval over SKUs and the out-of-bag cost of each replicate's cap.

*The signature drill*, in :mod:`.loop_drill`: :class:`LoopGuardrailTask` lets a learner choose the price
cap, the daily rate limit and the kill-switch signal of a repricer facing the Fly rules, runs the setting on
a loop month and an ordinary month (:func:`loop_month`) and scores it against the best setting.

:mod:`.charts` draws both: :func:`price_path_chart` (the run, with the day each guardrail fires) and
:func:`value_cap_chart` (the cost curve, the best cap and its interval). :mod:`.reading` shows the
notebook's tables, drill summaries, rubric and sources as a reader reads them (:func:`reader_table`,
:func:`figure_table`, :func:`summary_prose`, :func:`rubric_prose`, :func:`sources_prose`).

This package re-exports the public names of its modules and defines :data:`CASE`, the case through the
case interface (:func:`nogo.open_case` finds it from the case's id).
"""

from __future__ import annotations

from nogo.cases.case import Case
from nogo.cases.pricing_feedback_loop.catalogue import (
    PRICING_ACTIONS,
    action_grid,
    pricing_catalogue,
    tail_share,
)
from nogo.cases.pricing_feedback_loop.charts import price_path_chart, value_cap_chart
from nogo.cases.pricing_feedback_loop.fly import GUARDRAIL_POLICIES, fly_guardrails, loop_projection
from nogo.cases.pricing_feedback_loop.loop_drill import KILL_SWITCHES, LoopGuardrailTask, loop_month
from nogo.cases.pricing_feedback_loop.reading import (
    figure_table,
    one_decimal,
    reader_table,
    rubric_prose,
    sources_prose,
    summary_prose,
)
from nogo.cases.pricing_feedback_loop.value_cap import (
    ValueCapResult,
    best_value_cap,
    review_costs,
    value_cap_curve,
)

__all__ = [
    "CASE",
    "GUARDRAIL_POLICIES",
    "KILL_SWITCHES",
    "PRICING_ACTIONS",
    "LoopGuardrailTask",
    "PricingFeedbackLoopCase",
    "ValueCapResult",
    "action_grid",
    "best_value_cap",
    "figure_table",
    "fly_guardrails",
    "loop_month",
    "loop_projection",
    "one_decimal",
    "price_path_chart",
    "pricing_catalogue",
    "reader_table",
    "review_costs",
    "rubric_prose",
    "sources_prose",
    "summary_prose",
    "tail_share",
    "value_cap_chart",
    "value_cap_curve",
]


class PricingFeedbackLoopCase(Case):
    """The pricing-feedback-loop case through the case interface (:class:`nogo.Case`).

    The decision log is the ``catalogue`` dataset (:func:`pricing_catalogue`); the agent's score is
    calibrated by construction at the defaults, so ``p`` is the score; the costs are :func:`review_costs`
    with the case's ``review_usd``, ``reviewer_miss_rate`` and ``missed_share``; the log covers its days.
    No fixed hard rule: this case's guardrails (a value cap, a price cap against a reference price, a kill
    switch) are levers whose settings follow from the numbers. Its signature drill is
    :class:`LoopGuardrailTask`: the price cap, the daily rate limit and the kill-switch signal on the Fly
    loop, at the parameter set's reference price, jitter, review cost, analysts' miss rate and seed.
    """

    def decision_log(self, params):
        return self.dataset("catalogue", params)

    def decision_costs(self, log, params):
        return review_costs(
            log,
            review_usd=params["review_usd"],
            reviewer_miss_rate=params["reviewer_miss_rate"],
            missed_share=params["missed_share"],
        )

    def days(self, log, params):
        return float(log["day"].max() + 1)

    def signature_task(self, data):
        params = data.parameters
        signature = self.file.signature
        return LoopGuardrailTask(
            reference_usd=params["reference_price_usd"],
            noise_sd=params["noise_sd"],
            review_usd=params["review_usd"],
            missed_share=params["missed_share"],
            reviewer_miss_rate=params["reviewer_miss_rate"],
            seed=params["seed"],
            question=None if signature is None else signature.question,
        )


CASE = PricingFeedbackLoopCase
