"""The appeal and dispute desk, and the launch gate: the case's signature drill (:class:`AppealDeskTask`).

What the PM of the card controls is not a confidence threshold but two things: how many reviewers answer
appeals and disputes (a queue: :mod:`nogo.models.escalation`), and what the disputes system must show
before the card launches. :class:`AppealDeskTask` offers both as levers and runs every setting on one
seeded simulation of the year after the launch decision (:func:`simulate_desk`):

- every day, billing disputes arrive (Poisson, ``disputes_per_day``) and customers contest credit
  decisions (Poisson, the rate of the decision log's contested decisions);
- the disputes system fails to forward a share of the disputes to the bank's reviewers: the
  ``forwarding_failure_rate`` if the card launches now, the ``residual_failure_rate`` once the system has
  passed a readiness test (which delays the launch by ``readiness_days``). A lost dispute is never
  reviewed and costs ``leaked_dispute_usd``;
- the forwarded disputes and the appeals queue for the desk's reviewers (Erlang C each day, on the desk's
  hours and handling time); each one answered after the desk's service level costs ``late_dispute_usd``;
  reviewers cost their hourly rate for every day the card is live;
- every day the card is not live gives up ``launch_value_usd_per_day``.

The draws are common to every setting (the same arrivals and the same uniform draw behind each day's
losses), so two settings differ only by what the PM chose. A setting whose desk is staffed below its
arrival rate on any live day breaks the case's rule (:data:`DESK_RULE`): the queue grows without end, so
contested decisions are never answered by a person; it is never the optimum.

Everything here is SYNTHETIC and ILLUSTRATIVE (the volumes, rates and prices are the case file's
assumptions, not the issuer's figures).

Examples
--------
>>> p = DeskInputs(disputes_per_day=200, appeals_per_day=17, forwarding_failure_rate=0.03,
...                residual_failure_rate=0.001, handle_minutes=20, hours_per_day=12, sla_minutes=240,
...                reviewer_cost_per_hour_usd=45, leaked_dispute_usd=1000, late_dispute_usd=20,
...                launch_value_usd_per_day=15000, readiness_days=30, horizon_days=365, seed=1)
>>> task = AppealDeskTask(p)
>>> best, outcome = task.optimum()
>>> best
{'reviewers': 8, 'gate': 'launch after a readiness test'}
>>> task.evaluate({"reviewers": 4, "gate": "launch now"}).broken_rules == (DESK_RULE,)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from scipy.stats import binom

from nogo.cases.signature import Lever, SignatureOutcome, SignatureTask
from nogo.errors import InputError
from nogo.formatting import format_count, format_percent, format_usd
from nogo.models.escalation import share_too_late

__all__ = ["DESK_RULE", "GATES", "REVIEWER_CHOICES", "AppealDeskTask", "DeskInputs", "simulate_desk"]

REVIEWER_CHOICES: tuple[int, ...] = (1, 2, 4, 8, 16)
"""Reviewers on the appeal and dispute desk during its hours."""
GATES: tuple[str, ...] = ("launch now", "launch after a readiness test", "do not launch")
"""The launch gate: now (the system as it stands), after a readiness test and fix, or never."""
DESK_RULE = "a contested credit decision is never closed without a person"
"""The case's hard rule, as the case file states it: a desk below its arrival rate breaks it."""
_STREAM = 0xA991E  # the desk simulation's own random stream beside the case's seed


@dataclass(frozen=True)
class DeskInputs:
    """The numbers the desk simulation runs on (the case file's parameters and the log's appeal rate).

    Attributes
    ----------
    disputes_per_day, appeals_per_day
        Mean billing disputes and contested credit decisions a day.
    forwarding_failure_rate, residual_failure_rate
        Share of disputes never forwarded to a reviewer: as the system stands, and after a readiness test.
    handle_minutes, hours_per_day, sla_minutes, reviewer_cost_per_hour_usd
        The desk: minutes per case, hours open a day, the service level, a reviewer's cost per hour.
    leaked_dispute_usd, late_dispute_usd
        Cost of a dispute never reviewed, and of one answered after the service level.
    launch_value_usd_per_day
        What a day of being live is worth (what a later launch gives up).
    readiness_days, horizon_days
        Days a readiness test delays the launch; days the simulation covers.
    seed
        Seed of the arrivals and losses.
    """

    disputes_per_day: float
    appeals_per_day: float
    forwarding_failure_rate: float
    residual_failure_rate: float
    handle_minutes: float
    hours_per_day: float
    sla_minutes: float
    reviewer_cost_per_hour_usd: float
    leaked_dispute_usd: float
    late_dispute_usd: float
    launch_value_usd_per_day: float
    readiness_days: int
    horizon_days: int
    seed: int

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not np.isfinite(value) or value < 0:
                raise InputError(f"desk: {f.name} must be a finite number >= 0, got {value!r}")
        for name in ("forwarding_failure_rate", "residual_failure_rate"):
            if getattr(self, name) > 1:
                raise InputError(f"desk: {name} is a share, at most 1, got {getattr(self, name)!r}")
        if self.handle_minutes <= 0 or self.hours_per_day <= 0 or self.horizon_days < 1:
            raise InputError("desk: handle_minutes, hours_per_day and horizon_days must be positive")

    @classmethod
    def from_case(cls, params: Mapping[str, Any], desk: Any, appeals_per_day: float) -> DeskInputs:
        """From a case's parameter set, its review desk (:class:`nogo.PolicyAssumptions`) and appeal rate."""
        keys = (
            "disputes_per_day", "forwarding_failure_rate", "residual_failure_rate", "leaked_dispute_usd",
            "late_dispute_usd", "launch_value_usd_per_day", "readiness_days", "horizon_days", "seed",
        )  # fmt: skip
        return cls(
            appeals_per_day=float(appeals_per_day),
            handle_minutes=float(desk.handle_minutes),
            hours_per_day=float(desk.hours_per_day),
            sla_minutes=float(desk.sla_minutes),
            reviewer_cost_per_hour_usd=float(desk.reviewer_cost_per_hour_usd),
            **{k: params[k] for k in keys},
        )


def simulate_desk(inputs: DeskInputs, reviewers: int, gate: str) -> dict[str, float]:
    """One setting of the desk and the gate over the horizon, in counts and USD.

    Returns
    -------
    dict
        ``live_days``, ``disputes`` (raised while live), ``lost`` (never forwarded), ``answered_late``,
        ``peak_utilisation`` (the busiest live day's load per reviewer; 1 or more: the queue grows without
        end), ``unstable_days``, and the costs ``lost_usd``, ``late_usd``, ``reviewers_usd``,
        ``forgone_usd`` and ``total_usd``.
    """
    if gate not in GATES:
        raise InputError(f"gate: {gate!r} is not one of {list(GATES)}")
    if int(reviewers) < 1:
        raise InputError(f"reviewers: at least 1, got {reviewers!r}")
    p, days = inputs, int(inputs.horizon_days)
    rng = np.random.default_rng([int(p.seed), _STREAM])
    disputes = rng.poisson(p.disputes_per_day, size=days)
    appeals = rng.poisson(p.appeals_per_day, size=days)
    u = rng.random(days)  # the same draw behind each day's losses, whatever the rate
    starts = {"launch now": 0, "launch after a readiness test": min(int(p.readiness_days), days)}
    launch_day = starts.get(gate, days)
    live = np.arange(days) >= launch_day
    rate = p.forwarding_failure_rate if gate == "launch now" else p.residual_failure_rate
    lost = np.where(live, binom.ppf(u, disputes, rate), 0.0)
    queued = np.where(live, disputes - lost + appeals, 0.0)
    per_hour = queued / p.hours_per_day
    utilisation = per_hour * p.handle_minutes / 60.0 / int(reviewers)
    late_share = share_too_late(per_hour, p.handle_minutes, int(reviewers), p.sla_minutes)
    answered_late = float((queued * late_share).sum())
    live_days = int(live.sum())
    out = {
        "live_days": float(live_days),
        "disputes": float(disputes[live].sum()),
        "lost": float(lost.sum()),
        "answered_late": answered_late,
        "peak_utilisation": float(utilisation[live].max()) if live_days else 0.0,
        "unstable_days": float((utilisation[live] >= 1).sum()),
        "lost_usd": float(lost.sum()) * p.leaked_dispute_usd,
        "late_usd": answered_late * p.late_dispute_usd,
        "reviewers_usd": int(reviewers) * p.reviewer_cost_per_hour_usd * p.hours_per_day * live_days,
        "forgone_usd": (days - live_days) * p.launch_value_usd_per_day,
    }
    out["total_usd"] = out["lost_usd"] + out["late_usd"] + out["reviewers_usd"] + out["forgone_usd"]
    return out


class AppealDeskTask(SignatureTask):
    """How many reviewers staff the appeal and dispute desk, and the launch gate (see the module docstring).

    Parameters
    ----------
    inputs
        The simulation's numbers (:meth:`DeskInputs.from_case`).

    Attributes
    ----------
    levers
        ``reviewers`` (:data:`REVIEWER_CHOICES`) and ``gate`` (:data:`GATES`): 15 settings.
    """

    question = (
        "How many reviewers staff the appeal and dispute desk, and do you launch now, launch only once the "
        "disputes system passes a readiness test, or not launch?"
    )
    levers = (
        Lever("reviewers", "reviewers on the appeal and dispute desk", REVIEWER_CHOICES, unit="reviewers",
              help="each answers appeals and forwarded disputes during the desk's hours"),
        Lever("gate", "the launch gate", GATES,
              help="now: the disputes system as it stands; after a readiness test: a delay, then far fewer "
                   "disputes lost; do not launch: no card, no value"),
    )  # fmt: skip

    def __init__(self, inputs: DeskInputs) -> None:
        self.inputs = inputs

    def evaluate(self, choices: Mapping[str, Any]) -> SignatureOutcome:
        """The setting on the simulated year: lost disputes, late answers, reviewers and value given up."""
        setting = self.check(choices)
        reviewers, gate = int(setting["reviewers"]), str(setting["gate"])
        sim = simulate_desk(self.inputs, reviewers, gate)
        broken = (DESK_RULE,) if sim["unstable_days"] > 0 else ()
        metrics = {
            "days live": int(sim["live_days"]),
            "disputes raised while live": int(sim["disputes"]),
            "disputes never forwarded": int(sim["lost"]),
            "answered after the service level": round(sim["answered_late"]),
            "busiest day's load per reviewer": sim["peak_utilisation"],
            "days the queue grows without end": int(sim["unstable_days"]),
            "lost disputes (USD)": sim["lost_usd"],
            "late answers (USD)": sim["late_usd"],
            "reviewers (USD)": sim["reviewers_usd"],
            "value given up by not being live (USD)": sim["forgone_usd"],
        }
        if gate == "do not launch":
            story = (
                f"No card: {format_usd(sim['forgone_usd'])} of value given up over the year, "
                "and no dispute to lose."
            )
        else:
            story = (
                f"Live {int(sim['live_days'])} days: {format_count(int(sim['lost']))} of "
                f"{format_count(int(sim['disputes']))} disputes never reach a reviewer "
                f"({format_usd(sim['lost_usd'])}); on the busiest day each of {reviewers} reviewers is "
                f"{format_percent(sim['peak_utilisation'])} loaded."
            )
            if broken:
                story += (
                    f" On {int(sim['unstable_days'])} days the queue grows without end: breaks the rule, "
                    f"{DESK_RULE}."
                )
        return SignatureOutcome(sim["total_usd"], metrics, broken, story)
