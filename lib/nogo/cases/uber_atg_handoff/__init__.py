"""Uber ATG's fatal crash in Tempe (``uber-atg-handoff``): a safety operator as the fallback for braking.

The case runs on the generic segment generator (:class:`nogo.cases.segments.SegmentCase`): its decision
log is the case file's perception events (vehicles, debris, cyclists, pedestrians outside a crosswalk,
unknown objects), each a moment when the system must brake, alert the operator or continue. This package
adds what the generator does not model:

- :mod:`~nogo.cases.uber_atg_handoff.kinematics`: distance, stopping distance, the speed at impact and the
  share of harm left when braking starts some seconds before the point (constant deceleration);
- :mod:`~nogo.cases.uber_atg_handoff.timing`: the record's timeline as a table (:func:`timeline_table`)
  and what an operator alerted with some seconds to spare can still do (:func:`operator_harm_share`);
- :mod:`~nogo.cases.uber_atg_handoff.handoff`: the fleet's seeded timings and each supervision design's
  cost per mile (:class:`HandoffSimulation`);
- :mod:`~nogo.cases.uber_atg_handoff.signature`: :class:`SupervisionTask`, the signature drill (automatic
  braking, the alert, the operators and the gate that reduces them);
- :mod:`~nogo.cases.uber_atg_handoff.charts`: :func:`timeline_chart`, the last seconds with each moment
  labelled.

and :data:`CASE`. Everything generated here is SYNTHETIC; every timing but the record's, every reaction
and every price is an assumption of the case file, never a figure of the record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.segments import SegmentCase
from nogo.cases.uber_atg_handoff.charts import timeline_chart
from nogo.cases.uber_atg_handoff.handoff import (
    ALERTS,
    BRAKING,
    Design,
    HandoffSimulation,
    gate_miles,
    two_operator_miles,
)
from nogo.cases.uber_atg_handoff.kinematics import (
    distance_m,
    harm_share,
    impact_speed_mph,
    mph_to_mps,
    seconds_to_stop_short,
    stopping_distance_m,
)
from nogo.cases.uber_atg_handoff.signature import SUPERVISION, SupervisionTask
from nogo.cases.uber_atg_handoff.timing import (
    REACTION_SPREAD,
    braking_curve,
    operator_harm_share,
    reaction_times,
    timeline_table,
)
from nogo.models.costs import CostComponent, CostModel

__all__ = [
    "ALERTS",
    "BRAKING",
    "CASE",
    "REACTION_SPREAD",
    "SUPERVISION",
    "Design",
    "HandoffSimulation",
    "SupervisionTask",
    "UberHandoffCase",
    "braking_curve",
    "distance_m",
    "gate_miles",
    "harm_share",
    "impact_speed_mph",
    "mph_to_mps",
    "operator_harm_share",
    "reaction_times",
    "seconds_to_stop_short",
    "stopping_distance_m",
    "timeline_chart",
    "timeline_table",
    "two_operator_miles",
]


class UberHandoffCase(SegmentCase):
    """The Tempe case: the generic segment case, with the timing of each action priced, and its own
    signature drill.

    Every card of the decision stream is a moment ``decision_seconds`` before possible harm (1.3 s in
    Tempe). Braking automatically then leaves :func:`harm_share` of the harm on an event that needed it
    (``act_right``); alerting the operator leaves :func:`operator_harm_share`, which the cost model carries
    as the share of needed stops the operator does not make in time (its ``reviewer_false_block_rate``,
    scaled so that the expected harm of an alert is exactly that share).

    Examples
    --------
    >>> import nogo
    >>> case = nogo.open_case(nogo.Project.find().case("uber-atg-handoff"))
    >>> data = case.build()
    >>> round(data.costs.reviewer_false_block_rate, 2)  # an alert 1.3 s before harm comes too late
    0.96
    """

    def timing_shares(self, params: Mapping[str, Any]) -> tuple[float, float]:
        """Share of harm left when the system brakes ``decision_seconds`` before harm, and when it alerts
        the operator then."""
        t = float(params["decision_seconds"])
        speed, decel = float(params["speed_mph"]), float(params["decel_mps2"])
        system = float(harm_share(speed, decel, t)[0])
        operator = operator_harm_share(
            t,
            reaction_seconds=float(params["reaction_seconds"]),
            reorient_seconds=float(params["reorient_seconds"]),
            attentive_share=float(params["attentive_share"]),
            speed_mph=speed,
            decel_mps2=decel,
        )
        return system, max(operator, system)

    def cost_model(self, log: pd.DataFrame, params: Mapping[str, Any]) -> CostModel:
        """The case file's components, plus the harm left after braking in time, and the operator's
        late stops as the reviewer's false-block rate."""
        base = super().cost_model(log, params)
        system, operator = self.timing_shares(params)
        left = CostComponent("harm left after braking", "act_right", value_share=system)
        late = (operator - system) / (1.0 - system) if system < 1 else 1.0
        return CostModel(
            [*base.components, left],
            reviewer_miss_rate=base.reviewer_miss_rate,
            reviewer_false_block_rate=min(max(late, 0.0), 1.0),
        )

    def signature_task(self, data: CaseData) -> SupervisionTask:
        """Automatic braking, the alert, the operators and their gate: :class:`SupervisionTask`."""
        return SupervisionTask(data)


CASE = UberHandoffCase
