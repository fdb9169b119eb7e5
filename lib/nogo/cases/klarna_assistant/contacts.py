"""A synthetic contact log of the Klarna case: the headline rises while the hard tail fails quietly.

Two streams of :func:`nogo.models.quiet_failure_log.simulate_quiet_failure`, one per group of intents:
tiers 1 and 2 with no drift (the assistant escalates what it cannot solve as often on the last day as on
the first), and the hard tail (disputes, hardship, fraud) with the drift that library function plants:
from ``drift_start_day`` the assistant escalates fewer of the hard-tail contacts it cannot solve and
marks them resolved instead, as it would once a hiring freeze makes the human queue the bottleneck. The
rates are the library's planted :data:`~nogo.models.quiet_failure_log.SIMULATED_RATES`; nothing here is
Klarna's data. :func:`weekly_metrics` reads the log as a PM's dashboard would, with
:func:`nogo.models.metrics.quiet_failure_metrics`: the headline over all intents beside the hard tail.

Examples
--------
>>> log = contact_log(days=28, contacts_per_day=60, seed=3)
>>> sorted(log["intents"].unique())
['hard tail', 'tiers 1 and 2']
>>> weekly = weekly_metrics(log)
>>> list(weekly.columns)[:3]
['week', 'contacts', 'resolution_rate']
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo.models.metrics import quiet_failure_metrics
from nogo.models.quiet_failure_log import simulate_quiet_failure

__all__ = ["HARD_TAIL", "contact_log", "weekly_metrics"]

HARD_TAIL = "hard tail"
"""The label of disputes, hardship and fraud contacts in :func:`contact_log`'s ``intents`` column."""
_EASY = "tiers 1 and 2"


def contact_log(
    days: int = 56,
    contacts_per_day: float = 100.0,
    *,
    hard_tail_share: float = 0.33,
    drift_start_day: int = 14,
    drift_days: int = 28,
    seed: int = 0,
) -> pd.DataFrame:
    """The event log (:data:`nogo.models.metrics.EVENT_LOG_SCHEMA` plus truth columns) of both streams.

    Parameters
    ----------
    days, contacts_per_day
        Days simulated and new customers a day (Poisson), across both streams.
    hard_tail_share
        Share of new customers whose intent is in the hard tail.
    drift_start_day, drift_days
        When the hard tail's escalations start to fall, and over how many days they reach their floor.
    seed
        Seeds both streams (the easy intents with ``seed``, the hard tail with ``seed + 1``).

    Returns
    -------
    pandas.DataFrame
        One row per contact, sorted by time: the event-log columns, the truth columns ``solved``,
        ``follow_up`` and ``overconfidence``, and ``intents`` (``"tiers 1 and 2"`` or ``"hard tail"``).
        Customer ids are distinct across the streams.
    """
    easy = simulate_quiet_failure(
        days, contacts_per_day * (1.0 - hard_tail_share), drift_start_day=days, drift_days=1, seed=seed
    )
    hard = simulate_quiet_failure(
        days,
        contacts_per_day * hard_tail_share,
        drift_start_day=drift_start_day,
        drift_days=drift_days,
        seed=seed + 1,
    )
    offset = int(easy["customer_id"].max()) + 1 if len(easy) else 0
    hard = hard.assign(customer_id=hard["customer_id"] + offset, intents=HARD_TAIL)
    both = pd.concat([easy.assign(intents=_EASY), hard], ignore_index=True)
    return both.sort_values(["timestamp", "intents"], kind="stable", ignore_index=True)


def weekly_metrics(log: pd.DataFrame) -> pd.DataFrame:
    """Each week: the headline over all intents beside the hard tail's quiet-failure metrics.

    Returns
    -------
    pandas.DataFrame
        ``week`` (1, 2, ...), ``contacts``, ``resolution_rate``, ``csat_mean`` and ``recurrence_24h_rate``
        over all intents (the headline), then ``hard_tail_contacts``, ``hard_tail_escalation_rate``,
        ``hard_tail_csat_mean`` and ``hard_tail_recurrence_24h_rate``. Recurrence counts a resolved
        contact only when its 24 hours had passed by the log's last contact.
    """
    end = log["timestamp"].max()
    head = quiet_failure_metrics(log, by="week", log_end=end)
    tail = quiet_failure_metrics(log[log["intents"] == HARD_TAIL], by="week", log_end=end)
    tail = tail.set_index("period").reindex(head["period"])
    return pd.DataFrame(
        {
            "week": np.arange(1, len(head) + 1),
            "contacts": head["n_contacts"].to_numpy(),
            "resolution_rate": head["resolution_rate"].to_numpy(),
            "csat_mean": head["csat_mean"].to_numpy(),
            "recurrence_24h_rate": head["recurrence_24h_rate"].to_numpy(),
            "hard_tail_contacts": tail["n_contacts"].fillna(0).to_numpy(dtype=np.int64),
            "hard_tail_escalation_rate": tail["escalation_rate"].to_numpy(dtype=float),
            "hard_tail_csat_mean": tail["csat_mean"].to_numpy(dtype=float),
            "hard_tail_recurrence_24h_rate": tail["recurrence_24h_rate"].to_numpy(dtype=float),
        }
    )
