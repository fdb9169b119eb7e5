"""A seeded support log in which an overconfident agent games the vanity metrics (planted truth).

The log has the event-log schema of :mod:`nogo.models.metrics` plus the planted truth, so
:func:`nogo.quiet_failure_metrics` can be shown to recover what was planted: resolution rate and CSAT
rise while recurrence and overrides climb.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_scalar
from nogo.errors import InputError

__all__ = ["SIMULATED_RATES", "simulate_quiet_failure"]

_FLAGS = ("resolved", "escalated", "overridden")  # the flag columns of nogo.models.metrics.EVENT_LOG_SCHEMA

SIMULATED_RATES: MappingProxyType[str, Any] = MappingProxyType(
    {
        "solve": 0.65,  # the agent really fixes the problem (its skill never changes)
        "escalate_unsolved_before": 0.60,  # escalates an unsolved contact, before the drift
        "escalate_unsolved_after": 0.10,  # ... and once fully overconfident
        "return_24h_false_resolution": 0.70,  # a falsely "resolved" customer comes back within 24 h
        "return_24h_solved": 0.03,  # a truly solved customer comes back anyway
        "override_false_resolution": 0.30,  # a false resolution is reversed by the user or staff
        "override_other": 0.02,
        "csat_response": 0.30,
        # P(score = 1..5): the customer answers at the end of the contact, before knowing it failed
        "csat_solved": (0.02, 0.03, 0.10, 0.30, 0.55),
        "csat_false_resolution": (0.03, 0.05, 0.12, 0.35, 0.45),
        "csat_escalated": (0.15, 0.20, 0.30, 0.20, 0.15),
    }
)


def _draw_contacts(rng: np.random.Generator, over: np.ndarray) -> dict[str, np.ndarray]:
    r = SIMULATED_RATES
    n = len(over)
    solved = rng.random(n) < r["solve"]
    p_esc = r["escalate_unsolved_before"] + over * (
        r["escalate_unsolved_after"] - r["escalate_unsolved_before"]
    )
    escalated = ~solved & (rng.random(n) < p_esc)
    false_res = ~solved & ~escalated
    overridden = rng.random(n) < np.where(false_res, r["override_false_resolution"], r["override_other"])
    csat = np.full(n, np.nan)
    for kind, mask in (("solved", solved), ("false_resolution", false_res), ("escalated", escalated)):
        csat[mask] = rng.choice(np.arange(1.0, 6.0), size=int(mask.sum()), p=r[f"csat_{kind}"])
    csat[rng.random(n) >= r["csat_response"]] = np.nan
    p_return = np.where(
        false_res, r["return_24h_false_resolution"], np.where(solved, r["return_24h_solved"], 0.0)
    )
    return {
        "resolved": ~escalated,
        "escalated": escalated,
        "overridden": overridden,
        "csat": csat,
        "solved": solved,
        "returns": rng.random(n) < p_return,
    }


def simulate_quiet_failure(
    days: int = 56,
    contacts_per_day: float = 300.0,
    *,
    drift_start_day: int = 14,
    drift_days: int = 28,
    start: str = "2026-01-05",
    seed: int = 0,
) -> pd.DataFrame:
    """A seeded event log in which an overconfident agent games the vanity metrics.

    Model (rates in :data:`SIMULATED_RATES`): each day brings Poisson(``contacts_per_day``) new
    customers at uniform times. The agent solves 65% of problems, whatever its confidence. An
    unsolved contact is escalated with a probability that drifts linearly from 0.60 to 0.10 between
    ``drift_start_day`` and ``drift_start_day + drift_days`` (the column ``overconfidence`` goes from
    0 to 1); an unsolved contact it does not escalate is marked resolved anyway (a false resolution).
    Falsely resolved customers come back within 24 hours 70% of the time (solved ones 3%), at a
    uniform 0.5-23.5 hours later, and their action is reversed 30% of the time (others 2%). CSAT is
    answered 30% of the time, at the end of the contact: escalations score lowest, so trading
    escalations for false resolutions raises CSAT. A follow-up contact is drawn the same way but
    starts no further follow-up; contacts after the last day are dropped.

    So resolution rate (0.79 to 0.965) and CSAT rise while escalations fall, and recurrence within 24
    hours and overrides climb. Planted truth columns: ``solved``, ``follow_up``, ``overconfidence``.

    Returns
    -------
    pandas.DataFrame
        The event-log schema plus the truth columns, sorted by ``timestamp``.

    Examples
    --------
    >>> log = simulate_quiet_failure(days=28, contacts_per_day=50, seed=1)
    >>> list(log.columns)[:6]
    ['customer_id', 'timestamp', 'resolved', 'escalated', 'overridden', 'csat']
    >>> bool(log.equals(simulate_quiet_failure(days=28, contacts_per_day=50, seed=1)))
    True
    """
    for name, value, low in (
        ("days", days, 1),
        ("drift_start_day", drift_start_day, 0),
        ("drift_days", drift_days, 1),
    ):
        if not isinstance(value, int | np.integer) or value < low:
            raise InputError(f"{name}: expected a whole number >= {low}, got {value!r}")
    lam = as_scalar("contacts_per_day", contacts_per_day, nonnegative=True)
    rng = np.random.default_rng(seed)
    origin = pd.Timestamp(start)
    per_day = rng.poisson(lam, size=days)
    t0_h = np.repeat(np.arange(days) * 24.0, per_day) + rng.uniform(0, 24, size=per_day.sum())

    def drift(t_h: np.ndarray) -> np.ndarray:
        return np.clip((np.floor(t_h / 24.0) - drift_start_day) / drift_days, 0.0, 1.0)

    first = _draw_contacts(rng, drift(t0_h))
    customers = np.arange(len(t0_h))
    back = first["returns"]
    t1_h = t0_h[back] + rng.uniform(0.5, 23.5, size=int(back.sum()))
    keep = t1_h < days * 24.0
    t1_h, back_ids = t1_h[keep], customers[back][keep]
    second = _draw_contacts(rng, drift(t1_h))
    t_h = np.concatenate([t0_h, t1_h])
    frame = pd.DataFrame(
        {
            "customer_id": np.concatenate([customers, back_ids]),
            "timestamp": origin + pd.to_timedelta(np.round(t_h * 3600.0), unit="s"),
            **{k: np.concatenate([first[k], second[k]]) for k in (*_FLAGS, "csat", "solved")},
            "follow_up": np.concatenate([np.zeros(len(t0_h), bool), np.ones(len(t1_h), bool)]),
            "overconfidence": drift(t_h),
        }
    )
    return frame.sort_values("timestamp", kind="stable", ignore_index=True)
