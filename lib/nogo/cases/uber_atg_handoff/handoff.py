"""Who brakes, and when: the case's simulation of a test fleet's hazards under a supervision design.

Every perception event of the case's decision log (a detection where emergency braking may be needed;
``outcome`` 1 where it was) gets seeded, SYNTHETIC timings: the time to harm at first detection
(lognormal, median ``detection_seconds``), the time to harm when the system is sure enough to act (at most
that; lognormal, median ``decision_seconds``) and, for each of two operators, whether she is watching the
road (``attentive_share``), her reaction time (lognormal, median ``reaction_seconds``) and whether an
alert rouses her when she is not (:func:`nogo.catch_rate`: alerts lose their effect as they grow many and
mostly false). A design (:class:`Design`) then decides who starts braking when:

* automatic emergency braking, ``off``, ``when sure`` (the system's stated confidence at least
  ``smooth_threshold``: a smooth ride) or ``any object`` (every event in the path): braking starts when
  the system is sure, ``decision_seconds`` before harm in the median;
* an operator watching the road starts braking her reaction time after first detection (optimistic: she
  sees what the sensors see); one looking away acts only if an alert rouses her, her reaction time plus
  ``reorient_seconds`` after the alert;
* the alert: ``none``, ``when sure`` (on the events the system is sure of, when it is sure) or ``at first
  detection`` (on every event, at first detection).

The earliest braking wins; the harm left is :func:`~nogo.cases.uber_atg_handoff.kinematics.harm_share`
of the event's value at stake (an assumption: harm as the energy left at impact). A **miss** is an
impact: braking started too late to stop short. Costs per mile: harm, needless automatic braking on events
that needed none (``false_brake_usd``, the "smooth ride" pressure), alerts (``alert_usd`` each) and the
operators' time. Every number here is an assumption of the case file or a model output, never a
published figure.

Examples
--------
>>> import nogo
>>> case = nogo.open_case(nogo.Project.find().case("uber-atg-handoff"))
>>> sim = HandoffSimulation(case.build())
>>> one = sim.per_mile(Design(braking="off", alert="none", operators=1))
>>> two = sim.per_mile(Design(braking="off", alert="none", operators=2))
>>> bool(two["misses_per_mile"] < one["misses_per_mile"])
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.uber_atg_handoff.kinematics import harm_share
from nogo.errors import InputError
from nogo.models.escalation import catch_rate

__all__ = ["ALERTS", "BRAKING", "Design", "HandoffSimulation", "gate_miles", "two_operator_miles"]

BRAKING: tuple[str, ...] = ("off", "when sure", "any object")
"""Automatic emergency braking: off (the operator is the fallback), on when the system is sure (its stated
confidence at least the smooth-ride threshold), or on for any object in the path."""
ALERTS: tuple[str, ...] = ("none", "when sure", "at first detection")
"""The operator alert: none, when the system is sure, or at first detection (on every event)."""
_STREAM = 0x0BE7  # this simulation's random stream beside the case's seed
_LOG_SPREAD = 0.5  # spread of the lognormal timings (log-seconds): an assumption


@dataclass(frozen=True)
class Design:
    """One supervision design: automatic braking, the alert, and operators per car."""

    braking: str
    alert: str
    operators: int

    def __post_init__(self) -> None:
        if self.braking not in BRAKING:
            raise InputError(f"braking: {self.braking!r} is not one of {list(BRAKING)}")
        if self.alert not in ALERTS:
            raise InputError(f"alert: {self.alert!r} is not one of {list(ALERTS)}")
        if self.operators not in (1, 2):
            raise InputError(f"operators: expected 1 or 2, got {self.operators!r}")


def gate_miles(miss_budget_per_mile: float) -> int:
    """Miles without a miss that bring the 95% upper bound on the miss rate within ``miss_budget_per_mile``
    (:func:`nogo.decisions_needed`: about 3 / budget, the rule of three).

    Examples
    --------
    >>> gate_miles(1e-5)
    299572
    """
    from nogo.models.autonomy import decisions_needed

    return int(decisions_needed(float(miss_budget_per_mile)))


def two_operator_miles(
    program_miles: float, gate_after_miles: float, misses_per_mile_two: float
) -> float:
    """Expected miles driven with two operators when the second leaves after ``gate_after_miles`` without a
    miss (the gate stays shut for the rest of the program after a miss in that window).

    ``gate_after_miles`` 0 is one operator from the start; ``inf`` is two throughout. With a miss rate
    ``m`` a mile under two operators, the window passes with probability ``exp(-m N)``:
    ``E = N + (1 - exp(-m N)) (M - N)`` for ``N < M``, else ``M``.

    Examples
    --------
    >>> two_operator_miles(1_000_000, 0, 1e-6), two_operator_miles(1_000_000, float("inf"), 1e-6)
    (0.0, 1000000.0)
    >>> round(two_operator_miles(1_000_000, 300_000, 0.0))  # no misses: the gate opens on time
    300000
    """
    m, n = float(program_miles), float(gate_after_miles)
    if n >= m:
        return m
    return float(n + (-np.expm1(-float(misses_per_mile_two) * n)) * (m - n))


class HandoffSimulation:
    """The case's seeded timings for every event of the log, and each design's cost per mile.

    Parameters
    ----------
    data
        The case built at some parameter set (:meth:`nogo.Case.build`): its log (``score``, ``outcome``,
        ``value_usd``) and parameters (the timings, the operators, the prices; see the case file).
    """

    def __init__(self, data: CaseData) -> None:
        p = data.parameters
        log = data.log
        self.params: Mapping[str, Any] = p
        self.score = log["score"].to_numpy(dtype=float)
        self.real = log["outcome"].to_numpy(dtype=bool)
        self.value_usd = log["value_usd"].to_numpy(dtype=float)
        rng = np.random.default_rng([int(p["seed"]), _STREAM])
        n = len(log)
        z = rng.standard_normal((5, n))
        u = rng.random((4, n))
        self.detect_seconds = float(p["detection_seconds"]) * np.exp(_LOG_SPREAD * z[0])
        sure = float(p["decision_seconds"]) * np.exp(_LOG_SPREAD * z[1])
        self.sure_seconds = np.minimum(sure, self.detect_seconds)
        self.reaction_seconds = float(p["reaction_seconds"]) * np.exp(0.3 * z[2:4])  # (2, n): two operators
        self.watching = u[0:2] < float(p["attentive_share"])  # (2, n)
        self._rouse_draw = u[2:4]  # (2, n)
        self.sure = self.score >= float(p["smooth_threshold"])
        self.events_per_mile = float(p["events_per_million_miles"]) / 1e6
        self.phantom_per_mile = float(p["false_brakes_per_1000_miles"]) / 1000.0
        wrong = ~self.real
        self.sure_share_of_wrong = float(self.sure[wrong].mean()) if wrong.any() else 0.0
        self.operator_usd_per_mile = float(p["operator_cost_per_hour_usd"]) / float(p["average_speed_mph"])

    # ------------------------------------------------------------------------------------------ pieces
    def _system_brakes(self, braking: str) -> np.ndarray:
        if braking == "off":
            return np.zeros(self.score.size, dtype=bool)
        return self.sure.copy() if braking == "when sure" else np.ones(self.score.size, dtype=bool)

    def _alerted(self, alert: str) -> tuple[np.ndarray, np.ndarray]:
        """Which events alert the operator, and at how many seconds before harm."""
        if alert == "none":
            return np.zeros(self.score.size, dtype=bool), np.zeros(self.score.size)
        if alert == "when sure":
            return self.sure.copy(), self.sure_seconds
        return np.ones(self.score.size, dtype=bool), self.detect_seconds

    def false_brakes_per_mile(self, braking: str) -> float:
        """Needless emergency stops a mile: ``false_brakes_per_1000_miles / 1000`` braking for any object
        in the path; the share of the log's wrong events stated at the smooth-ride threshold or more of
        that, braking when sure; none, braking off."""
        if braking == "off":
            return 0.0
        return self.phantom_per_mile * (1.0 if braking == "any object" else self.sure_share_of_wrong)

    def alert_catch_rate(self, alert: str, operators: int) -> float:
        """Chance an alert rouses an operator who is looking away (:func:`nogo.catch_rate`, from the alerts'
        precision and how many each operator hears an hour)."""
        alerted, _ = self._alerted(alert)
        if not alerted.any():
            return 0.0
        precision = float(self.real[alerted].mean())
        per_hour = self.events_per_mile * float(alerted.mean()) * float(self.params["average_speed_mph"])
        return float(catch_rate(precision, per_hour / operators)[0])

    def brake_seconds(self, design: Design) -> np.ndarray:
        """Seconds before harm at which braking starts on each event (0: nobody brakes in time)."""
        system = np.where(self._system_brakes(design.braking), self.sure_seconds, 0.0)
        alerted, alert_at = self._alerted(design.alert)
        rouse = self.alert_catch_rate(design.alert, design.operators)
        ops = slice(0, design.operators)
        seen = np.where(self.watching[ops], self.detect_seconds - self.reaction_seconds[ops], 0.0)
        roused = alerted & ~self.watching[ops] & (self._rouse_draw[ops] < rouse)
        told = np.where(
            roused, alert_at - self.reaction_seconds[ops] - float(self.params["reorient_seconds"]), 0.0
        )
        return np.maximum.reduce([system, seen.max(axis=0), told.max(axis=0), np.zeros(self.score.size)])

    # ------------------------------------------------------------------------------------------ per mile
    def per_mile(self, design: Design) -> dict[str, float]:
        """A design's costs and counts per mile driven (USD, events): harm, needless braking, alerts,
        operators, and misses (impacts on events that needed braking)."""
        p = self.params
        start = self.brake_seconds(design)
        share = harm_share(float(p["speed_mph"]), float(p["decel_mps2"]), start)
        harm = np.where(self.real, share * self.value_usd, 0.0)
        miss = self.real & (share > 0)
        stops = self.false_brakes_per_mile(design.braking)
        alerted, _ = self._alerted(design.alert)
        k = self.events_per_mile
        out = {
            "harm_usd": k * float(harm.mean()),
            "false_brake_usd": stops * float(p["false_brake_usd"]),
            "alert_usd": k * float(alerted.mean()) * float(p["alert_usd"]),
            "operator_usd": design.operators * self.operator_usd_per_mile,
            "misses_per_mile": k * float(miss.mean()),
            "false_brakes_per_mile": stops,
            "alerts_per_mile": k * float(alerted.mean()),
        }
        out["cost_usd"] = out["harm_usd"] + out["false_brake_usd"] + out["alert_usd"] + out["operator_usd"]
        return out

    def table(self) -> pd.DataFrame:
        """Every design (braking x alert x operators) per 1,000 miles: cost, misses and false brakes."""
        rows = []
        for braking in BRAKING:
            for alert in ALERTS:
                for operators in (1, 2):
                    m = self.per_mile(Design(braking, alert, operators))
                    rows.append(
                        {
                            "braking": braking,
                            "alert": alert,
                            "operators": operators,
                            "cost_per_1000_miles_usd": 1000 * m["cost_usd"],
                            "harm_per_1000_miles_usd": 1000 * m["harm_usd"],
                            "misses_per_million_miles": 1e6 * m["misses_per_mile"],
                            "false_brakes_per_1000_miles": 1000 * m["false_brakes_per_mile"],
                        }
                    )
        return pd.DataFrame(rows)
