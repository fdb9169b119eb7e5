"""The Tempe case's signature drill: the supervision level and its gate, automatic braking and the alert.

The PM of a test fleet does not tune a perception threshold; the PM decides **who is the fallback** when
the system meets a hazard: whether automatic emergency braking is on (and at which threshold), whether
and when the operator is alerted, and how many operators ride, with the **gate** that must pass before
the second one leaves (miles without a miss, enough for a 95% upper bound on the miss rate within a
budget: :func:`~nogo.cases.uber_atg_handoff.gate_miles`, the rule of three). :class:`SupervisionTask`
scores each of the 36 settings on the case's own simulation
(:class:`~nogo.cases.uber_atg_handoff.HandoffSimulation`) over the program's miles: the harm of the
hazards nobody stopped in time, the needless emergency stops, the alerts and the operators' time.

A setting breaks the case's hard rule when the operator is the fallback (automatic braking off) and is
told later than her reaction and the stopping time allow, in the median: no alert at all, or an alert
whose median time to harm is shorter than ``reaction_seconds + seconds_to_stop_short``. It is never the
optimum and never correct. Everything is SYNTHETIC and every price an assumption of the case file.

Examples
--------
>>> import nogo
>>> case = nogo.open_case(nogo.Project.find().case("uber-atg-handoff"))
>>> task = case.signature_task(case.build())
>>> [lever.name for lever in task.levers]
['supervision', 'braking', 'alert']
>>> best, outcome = task.optimum()
>>> outcome.broken_rules
()
>>> bool(task.score({"supervision": SUPERVISION[1], "braking": BRAKING_CHOICES[0], "alert": "none"})
...      .outcome.broken_rules)  # the March 2018 design
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nogo.cases.case import CaseData
from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.cases.uber_atg_handoff.handoff import (
    ALERTS,
    BRAKING,
    Design,
    HandoffSimulation,
    gate_miles,
    two_operator_miles,
)
from nogo.cases.uber_atg_handoff.kinematics import seconds_to_stop_short
from nogo.formatting import format_count, format_usd

__all__ = [
    "ALERT_CHOICES",
    "BRAKING_CHOICES",
    "GATE_BUDGETS_PER_MILE",
    "SUPERVISION",
    "TRACK",
    "WORLD_FACTORS",
    "SupervisionTask",
]

WORLD_FACTORS: tuple[float, float] = (0.5, 3.0)
"""How many more hazard events than expected the fleet meets in a good and in a bad world (an assumption:
nobody knows the system's miss rate before the miles are driven; ``bad_system_chance`` is the bad one's)."""
GATE_BUDGETS_PER_MILE: tuple[float, ...] = (1e-4, 1e-5)
"""The gates the drill offers: a 95% upper bound on misses a mile within 1 in 10,000 and 1 in 100,000."""
TRACK = "closed track only"
"""The supervision choice that keeps the fleet off public roads: the no-go."""
_GATES = {
    TRACK: float("nan"),
    "one operator": 0.0,
    **{
        f"two, then one after {format_count(gate_miles(b))} miles without a miss": float(gate_miles(b))
        for b in GATE_BUDGETS_PER_MILE
    },
    "two operators throughout": float("inf"),
}
SUPERVISION: tuple[str, ...] = tuple(_GATES)
"""Operators per car and the gate that reduces them, in the order the drill shows them."""
BRAKING_CHOICES: tuple[str, ...] = (
    "off: the operator brakes",
    "on when sure (smooth ride)",
    "on for any object in the path",
)
"""Automatic emergency braking as the drill words it (the simulation's :data:`BRAKING`, in order)."""
ALERT_CHOICES: tuple[str, ...] = ("none", "audio when sure", "audio at first detection")
"""The operator alert as the drill words it (the simulation's :data:`ALERTS`, in order)."""
_BRAKING = dict(zip(BRAKING_CHOICES, BRAKING, strict=True))
_ALERT = dict(zip(ALERT_CHOICES, ALERTS, strict=True))
ROAD_RULE = (
    "a developmental system goes on public roads only if a person can back it up: it first detects hazards, "
    "in the median, with at least her reaction time and the stopping time to spare"
)
RULE = (
    "a person is the fallback only if she is told in time: with automatic braking off, an alert must come "
    "with at least her reaction time and the stopping time to spare"
)


class SupervisionTask(SignatureTask):
    """Operators and their gate, automatic braking and the alert, on the case's simulation.

    Parameters
    ----------
    data
        The case built at some parameter set (:meth:`nogo.Case.build`).
    """

    question = (
        "How many safety operators ride, and what evidence lets the second one go; is automatic emergency "
        "braking on; and when is the operator alerted?"
    )
    levers = (
        Lever("supervision", "operators per car, and the gate", SUPERVISION,
              help="a gate needs that many miles without a miss: a 95% upper bound on the miss rate"),
        Lever("braking", "automatic emergency braking", BRAKING_CHOICES,
              help="when sure brakes only at the system's 90%+ confidence; any object brakes on every event"),
        Lever("alert", "operator alert", ALERT_CHOICES,
              help="when sure: as the system decides to brake; at first detection: on every event"),
    )  # fmt: skip

    def __init__(self, data: CaseData) -> None:
        self.sim = HandoffSimulation(data)
        p = data.parameters
        self.program_miles = float(p["program_miles"])
        self.track_usd = float(p["closed_track_usd"])
        q = float(p["bad_system_chance"])
        self.worlds = ((1 - q, WORLD_FACTORS[0]), (q, WORLD_FACTORS[1]))
        need = float(p["reaction_seconds"]) + float(seconds_to_stop_short(p["speed_mph"], p["decel_mps2"])[0])
        self.seconds_needed = need
        self.alert_seconds = {"none": 0.0, "when sure": float(p["decision_seconds"]),
                              "at first detection": float(p["detection_seconds"])}  # fmt: skip
        self._per_mile: dict[tuple[str, str, int], dict[str, float]] = {}

    def per_mile(self, braking: str, alert: str, operators: int) -> dict[str, float]:
        """The simulation's costs per mile for one design, computed once."""
        key = (braking, alert, operators)
        if key not in self._per_mile:
            self._per_mile[key] = self.sim.per_mile(Design(braking, alert, operators))
        return self._per_mile[key]

    def breaks_rule(self, braking: str, alert: str) -> bool:
        """Whether the operator is the fallback and is told later than she can act (in the median)."""
        return braking == "off" and self.alert_seconds[alert] < self.seconds_needed

    def too_late_for_roads(self) -> bool:
        """Whether the system first detects hazards, in the median, too late for a person to back it up."""
        return self.alert_seconds["at first detection"] < self.seconds_needed

    def _track(self) -> SignatureOutcome:
        metrics = {"program miles": 0.0, "cost of staying on a closed track (USD)": self.track_usd}
        story = (
            "No public-road miles: the program stays on a closed track at a cost of "
            f"{format_usd(self.track_usd)}; nobody on a public road is exposed."
        )
        return SignatureOutcome(self.track_usd, metrics, (), story)

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting over the program's miles: cost in USD and what a reader sees of it."""
        setting = self.check(choices)
        if setting["supervision"] == TRACK:
            return self._track()
        braking, alert = _BRAKING[setting["braking"]], _ALERT[setting["alert"]]
        one, two = self.per_mile(braking, alert, 1), self.per_mile(braking, alert, 2)
        total = self.program_miles
        scaled = ("harm_usd", "alert_usd", "misses_per_mile", "alerts_per_mile")
        sums: dict[str, float] = {}
        miles_two = 0.0
        for chance, factor in self.worlds:
            lam = factor * two["misses_per_mile"]
            two_k = two_operator_miles(total, _GATES[setting["supervision"]], lam)
            miles_two += chance * two_k
            for key in (*scaled, "false_brake_usd", "operator_usd", "false_brakes_per_mile"):
                f = factor if key in scaled else 1.0
                sums[key] = sums.get(key, 0.0) + chance * f * (two_k * two[key] + (total - two_k) * one[key])

        def mix(key: str) -> float:
            return sums[key]

        parts = ("harm_usd", "false_brake_usd", "alert_usd", "operator_usd")
        harm, stops, alerts, ops = (mix(k) for k in parts)
        misses = mix("misses_per_mile")
        checks = ((ROAD_RULE, self.too_late_for_roads()), (RULE, self.breaks_rule(braking, alert)))
        broken = tuple(rule for rule, broke in checks if broke)
        metrics = {
            "program miles": total,
            "miles with two operators": miles_two,
            "impacts (misses) over the program": misses,
            "needless emergency stops": mix("false_brakes_per_mile"),
            "alerts": mix("alerts_per_mile"),
            "harm of impacts (USD)": harm,
            "needless stops (USD)": stops,
            "alerts (USD)": alerts,
            "operators' time (USD)": ops,
        }
        story = (
            f"Over {format_count(round(total))} miles: about {misses:,.1f} impacts, "
            f"{format_count(round(metrics['needless emergency stops']))} needless emergency stops, "
            f"{format_count(round(miles_two))} miles with two operators; harm {format_usd(harm)}, "
            f"operators {format_usd(ops)}."
        )
        if broken:
            story += " Breaks the rule: " + "; ".join(broken) + "."
        return SignatureOutcome(harm + stops + alerts + ops, metrics, broken, story)
