"""The published timeline, and what an operator alerted with seconds to spare can still do.

:func:`timeline_table` lays the record's last seconds out as a reader needs them (seconds before impact,
what the system knew, what a person could still do), with the distances and stopping outcomes of the
kinematics (model outputs at an assumed deceleration, never published figures).
:func:`operator_harm_share` is the mean share of harm left when an operator is alerted ``alert_seconds``
before harm: over a fixed grid of reaction times (lognormal quantiles, no random draw), an operator
watching the road brakes after her reaction time, one looking away after her reaction time plus the time
to look up. The decision stream prices an alert with it.

Examples
--------
>>> round(float(operator_harm_share(1.3, reaction_seconds=1.5, reorient_seconds=1.0, attentive_share=0.8,
...                                 speed_mph=43.0, decel_mps2=7.0)), 3)
0.96
>>> round(float(operator_harm_share(5.6, reaction_seconds=1.5, reorient_seconds=1.0, attentive_share=0.8,
...                                 speed_mph=43.0, decel_mps2=7.0)), 3)
0.0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from nogo.cases.uber_atg_handoff.kinematics import distance_m, harm_share, impact_speed_mph

__all__ = ["REACTION_SPREAD", "braking_curve", "operator_harm_share", "reaction_times", "timeline_table"]

REACTION_SPREAD = 0.3
"""Spread of an operator's reaction time (log-seconds, lognormal): an assumption."""
_GRID = norm.ppf((np.arange(200) + 0.5) / 200)  # standard normal quantiles: a deterministic expectation


def reaction_times(reaction_seconds: float) -> np.ndarray:
    """200 reaction times (seconds), the quantiles of a lognormal with median ``reaction_seconds`` and
    spread :data:`REACTION_SPREAD` (an assumption; no random draw).

    Examples
    --------
    >>> t = reaction_times(1.5)
    >>> len(t), round(float(np.median(t)), 3)
    (200, 1.5)
    """
    return float(reaction_seconds) * np.exp(REACTION_SPREAD * _GRID)


def operator_harm_share(
    alert_seconds: float,
    *,
    reaction_seconds: float,
    reorient_seconds: float,
    attentive_share: float,
    speed_mph: float,
    decel_mps2: float,
) -> float:
    """Mean share of harm left when one operator is alerted ``alert_seconds`` before harm.

    Watching the road (``attentive_share``), she brakes ``reaction`` seconds after the alert; looking away,
    ``reaction + reorient_seconds`` after it. ``reaction`` is lognormal with median ``reaction_seconds``
    and spread :data:`REACTION_SPREAD`, averaged over 200 fixed quantiles.
    """
    reaction = reaction_times(reaction_seconds)
    watching = np.maximum(float(alert_seconds) - reaction, 0.0)
    away = np.maximum(float(alert_seconds) - reaction - float(reorient_seconds), 0.0)
    share_watching = harm_share(speed_mph, decel_mps2, watching).mean()
    share_away = harm_share(speed_mph, decel_mps2, away).mean()
    a = float(attentive_share)
    return float(a * share_watching + (1 - a) * share_away)


def timeline_table(figures: Mapping[str, float], params: Mapping[str, Any]) -> pd.DataFrame:
    """The record's last seconds, latest last: seconds before impact, what the system knew and did, and
    what braking from there would have done at the assumed deceleration (model outputs).

    ``figures`` holds the case file's published figures by name; ``params`` the case's parameters
    (``speed_mph``, ``decel_mps2``, ``reaction_seconds``).
    """
    speed, decel = float(params["speed_mph"]), float(params["decel_mps2"])
    reaction = float(params["reaction_seconds"])
    moments = [
        (figures["detection_seconds_final"], "first detection: an object, class unknown and changing",
         "see it, if watching the road"),
        (figures["braking_needed_seconds"],
         "emergency braking judged needed; automatic braking disabled, no alert",
         "too late to stop after a reaction: only the system's own braking is fast enough"),
        (figures["operator_steered_seconds"], "(the operator steers, less than 1 s before)",
         "steer; braking now only sheds some speed"),
        (figures["alert_seconds"], "the system begins slowing and sounds an audio alert",
         "nothing that changes the outcome"),
        (0.0, "impact", "none"),
    ]  # fmt: skip
    seconds = np.array([m[0] for m in moments], dtype=float)
    after = np.maximum(seconds - reaction, 0.0)
    return pd.DataFrame(
        {
            "seconds_before_impact": seconds,
            "what_the_system_knew_or_did": [m[1] for m in moments],
            "what_a_person_could_do": [m[2] for m in moments],
            "metres_to_go_at_43_mph": distance_m(speed, seconds),
            "impact_mph_if_the_system_brakes_now": impact_speed_mph(speed, decel, seconds),
            "impact_mph_if_a_person_brakes_after_reacting": impact_speed_mph(speed, decel, after),
            "harm_left_if_the_system_brakes_now": harm_share(speed, decel, seconds),
        }
    )


def braking_curve(
    params: Mapping[str, Any], *, max_seconds: float = 6.0, step_seconds: float = 0.1
) -> pd.DataFrame:
    """Speed at impact (mph) when braking starts ``t`` seconds before it, for the system (at ``t``) and for
    a person who reacts from ``t`` (at ``t - reaction_seconds``), ``t`` from 0 to ``max_seconds``: a tidy
    frame (``seconds_before_impact``, ``who``, ``impact_mph``) of model outputs.

    Examples
    --------
    >>> curve = braking_curve({"speed_mph": 43.0, "decel_mps2": 7.0, "reaction_seconds": 1.5})
    >>> sorted(curve["who"].unique())
    ['a person reacting from then', 'the system, braking then']
    """
    speed, decel = float(params["speed_mph"]), float(params["decel_mps2"])
    t = np.round(np.arange(0.0, max_seconds + step_seconds / 2, step_seconds), 6)
    person = np.maximum(t - float(params["reaction_seconds"]), 0.0)
    return pd.concat(
        [
            pd.DataFrame({"seconds_before_impact": t, "who": "the system, braking then",
                          "impact_mph": impact_speed_mph(speed, decel, t)}),
            pd.DataFrame({"seconds_before_impact": t, "who": "a person reacting from then",
                          "impact_mph": impact_speed_mph(speed, decel, person)}),
        ],
        ignore_index=True,
    )  # fmt: skip
