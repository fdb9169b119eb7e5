"""The on-demand human team of the Klarna case as an M/M/c queue (Erlang C), with its cost.

:func:`team_table` is :func:`nogo.models.escalation.queue_metrics` for a few team sizes at one arrival
rate, with the largest rate each team holds at a service level; :func:`largest_rate_held` finds that rate
on a fine grid, vectorised. :func:`queue_cost_per_hour_usd` prices a team: its pay, the customers' wait
(each minute at a price, no wait counted beyond the customers' patience) and, when the escalations are
more work than the team can do, the customers who never reach a person.

Everything here is a model output on assumptions (volumes, handling time, wages, the price of a wait);
none is a published figure. The 2 agents of the on-demand pilot are the record's (K9); what they can hold
is this model's answer.

Examples
--------
>>> round(float(largest_rate_held(2, 11.0, sla_minutes=5.0)[0]), 1)  # contacts an hour, 80% within 5 min
5.3
>>> cost = queue_cost_per_hour_usd(20.0, 11.0, [2, 5], hourly_usd=30.0, wait_usd_per_minute=0.5,
...                                patience_minutes=30.0, unanswered_usd=20.0)
>>> [round(x, 2) for x in cost["answered_share"]]
[0.55, 1.0]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array
from nogo.models.escalation import queue_metrics

__all__ = ["largest_rate_held", "queue_cost_per_hour_usd", "team_table"]


def largest_rate_held(
    agents: npt.ArrayLike,
    handle_minutes: float,
    *,
    sla_minutes: float,
    target_within_sla: float = 0.8,
    step_per_hour: float = 0.05,
) -> np.ndarray:
    """The largest arrival rate (contacts an hour) each team answers ``target_within_sla`` within the SLA.

    Searched on a grid of ``step_per_hour`` up to the team's capacity ``agents * 60 / handle_minutes``
    (the service level falls as the rate rises, so the answer is the last grid point that meets it).
    """
    teams = as_float_array("agents", agents, nonnegative=True).reshape(-1)
    top = float(teams.max()) * 60.0 / float(handle_minutes)
    rates = np.arange(0.0, top + step_per_hour, step_per_hour)
    grid = queue_metrics(
        np.tile(rates, len(teams)),
        float(handle_minutes),
        np.repeat(teams, len(rates)),
        sla_minutes=sla_minutes,
    )
    ok = (grid["within_sla"].to_numpy() >= target_within_sla).reshape(len(teams), len(rates))
    last = len(rates) - 1 - np.argmax(ok[:, ::-1], axis=1)
    return np.where(ok.any(axis=1), rates[last], 0.0)


def team_table(
    rate_per_hour: float, handle_minutes: float, agents: npt.ArrayLike, *, sla_minutes: float
) -> pd.DataFrame:
    """:func:`~nogo.models.escalation.queue_metrics` for each team size, and the largest rate it holds.

    Adds ``holds_rate_per_hour``: the largest arrival rate the team answers 80% of within the SLA.
    """
    teams = np.asarray(agents, dtype=float).reshape(-1)
    out = queue_metrics(rate_per_hour, handle_minutes, teams, sla_minutes=sla_minutes)
    out["holds_rate_per_hour"] = largest_rate_held(teams, handle_minutes, sla_minutes=sla_minutes)
    return out


def queue_cost_per_hour_usd(
    rate_per_hour: float,
    handle_minutes: float,
    agents: npt.ArrayLike,
    *,
    hourly_usd: float,
    wait_usd_per_minute: float,
    patience_minutes: float,
    unanswered_usd: float,
) -> pd.DataFrame:
    """What a team costs an hour: pay, waiting, and the customers it never answers.

    With load ``A = rate * handle / 60`` on ``c`` agents: when ``A < c`` every customer is answered and
    waits the Erlang C mean wait, counted up to ``patience_minutes``; when ``A >= c`` the team answers
    ``c * 60 / handle`` an hour, each after the full patience, and the rest are never answered, each
    costing the full patience plus ``unanswered_usd``. The cost is continuous at ``A = c``.

    Returns
    -------
    pandas.DataFrame
        ``agents``, ``offered_load_erlangs``, ``stable``, ``mean_wait_minutes``, ``answered_share``,
        and the costs per hour ``staff_usd``, ``wait_usd`` and ``unanswered_usd``.
    """
    teams = np.asarray(agents, dtype=float).reshape(-1)
    m = queue_metrics(float(rate_per_hour), float(handle_minutes), teams)
    capacity = teams * 60.0 / float(handle_minutes)
    answered = np.where(m["stable"], 1.0, capacity / max(float(rate_per_hour), 1e-12))
    answered = np.minimum(answered, 1.0)
    wait = np.minimum(m["mean_wait_minutes"].to_numpy(dtype=float), float(patience_minutes))
    per_minute = float(wait_usd_per_minute)
    rate = float(rate_per_hour)
    return pd.DataFrame(
        {
            "agents": teams.astype(np.int64),
            "offered_load_erlangs": m["offered_load_erlangs"].to_numpy(),
            "stable": m["stable"].to_numpy(),
            "mean_wait_minutes": m["mean_wait_minutes"].to_numpy(),
            "answered_share": answered,
            "staff_usd": teams * float(hourly_usd),
            "wait_usd": rate * per_minute * np.where(m["stable"], wait, float(patience_minutes)),
            "unanswered_usd": rate * (1.0 - answered) * float(unanswered_usd),
        }
    )
