"""From a learner's attempts to a plan: the record per drill, the review schedule, what to practise next.

Pure functions of the frames :class:`nogo.ProgressStore` returns; nothing here touches the file.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd

from nogo.errors import InputError
from nogo.formatting import format_count, format_percent, format_usd
from nogo.practice.progress.attempt import KEY, as_utc, check_number

__all__ = ["schedule_reviews"]

_MAX_EXPONENT = 16  # intervals stop doubling at 2**16 base intervals (about 180 years: retired)


def summarise(df: pd.DataFrame) -> pd.DataFrame:
    out = (
        df.groupby(["learner", "case_id", "drill"], sort=True)
        .agg(
            attempts=("attempt_id", "size"),
            variants=("variant_seed", "nunique"),
            correct=("correct", "sum"),
            mean_regret_usd=("regret_usd", "mean"),
            total_regret_usd=("regret_usd", "sum"),
            mean_time_taken_seconds=("time_taken_seconds", "mean"),
            first_practised=("timestamp", "min"),
            last_practised=("timestamp", "max"),
        )
        .reset_index()
    )
    out.insert(6, "accuracy", out["correct"] / out["attempts"])
    return out


def suggest(df: pd.DataFrame, marks: pd.DataFrame, now: datetime, limit: int | None) -> pd.DataFrame:
    """The ranking behind :meth:`ProgressStore.suggest_next`, on one learner's attempts and marks."""
    schedule = schedule_reviews(df, now)
    due = schedule[schedule["due"]].reset_index(drop=True)
    due["reason"] = [
        f"missed {m}x; {k} right since the last miss; due {d:.1f} days ago"
        for m, k, d in zip(due["misses"], due["streak"], due["overdue_days"], strict=True)
    ]
    drills = summarise(df)
    drills = drills[(drills["mean_regret_usd"] > 0) | (drills["accuracy"] < 1)]
    drills = drills.sort_values(["mean_regret_usd", "accuracy"], ascending=[False, True], kind="stable")
    drills["reason"] = [
        f"mean regret {format_usd(r)}, accuracy {format_percent(a)} over {format_count(n, 'attempt')}"
        for r, a, n in zip(drills["mean_regret_usd"], drills["accuracy"], drills["attempts"], strict=True)
    ]
    by_dimension = marks.groupby("dimension")["score_share"]
    dims = pd.DataFrame({"share": by_dimension.mean(), "marks": by_dimension.size()}).reset_index()
    dims = dims[dims["share"] < 1].sort_values("share", kind="stable")
    dims["reason"] = [
        f"mean mark {format_percent(s)} of the scale over {format_count(n, 'mark')}"
        for s, n in zip(dims["share"], dims["marks"], strict=True)
    ]
    for part, kind in ((due, "review"), (drills, "drill"), (dims, "rubric")):
        part["kind"] = kind
    columns = ["kind", "case_id", "variant_seed", "drill", "item", "dimension", "reason"]
    parts = [p.reindex(columns=columns) for p in (due, drills, dims)]
    out = pd.concat([p for p in parts if not p.empty] or parts[:1], ignore_index=True)
    out["variant_seed"] = out["variant_seed"].astype("Int64")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out if limit is None else out.head(limit)


def schedule_reviews(attempts: pd.DataFrame, now: datetime, base_interval_days: float = 1.0) -> pd.DataFrame:
    """When each missed item comes back (a Leitner-style doubling schedule).

    An item is one ``(learner, case_id, variant_seed, drill, item)``. An item enters review at its first
    miss and stays there. After its latest attempt, it is due again ``base_interval_days * 2**streak``
    later, where ``streak`` counts the correct answers since its most recent miss: 1 day after a miss,
    then 2, 4, 8... days after each further correct answer; a new miss resets the interval to 1 day.
    Answering early counts like answering on time. Intervals stop doubling at ``2**16`` base intervals.

    Parameters
    ----------
    attempts
        A frame like :meth:`ProgressStore.attempts` (the key columns, ``correct``, ``timestamp``).
    now
        The time to judge "due" against (timezone-aware).
    base_interval_days
        The interval after a miss, in days.

    Returns
    -------
    pandas.DataFrame
        One row per item in review: the key columns, ``attempts``, ``misses``, ``streak``,
        ``last_attempt_at``, ``interval_days``, ``due_at``, ``due`` (``due_at <= now``) and
        ``overdue_days`` (negative: not yet due); due items first, then by ``due_at``.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = pd.to_datetime(["2026-11-01", "2026-11-02"], utc=True)
    >>> log = pd.DataFrame({"learner": "ana", "case_id": "loan-steering", "variant_seed": 7,
    ...     "drill": "stream", "item": "d3", "correct": [False, True], "timestamp": t})
    >>> s = schedule_reviews(log, datetime(2026, 11, 3, tzinfo=timezone.utc))
    >>> s[["streak", "interval_days", "due"]].values.tolist()
    [[1, 2.0, False]]
    """
    when = as_utc("now", now)
    base = check_number("base_interval_days", base_interval_days, positive=True)
    missing = [c for c in [*KEY, "correct", "timestamp"] if c not in attempts.columns]
    if missing:
        raise InputError(
            f"attempts: missing column {missing[0]!r}; expected the columns of ProgressStore.attempts"
        )
    df = attempts[[*KEY, "correct", "timestamp"]].sort_values([*KEY, "timestamp"], kind="stable")
    df = df.assign(
        miss=~df["correct"].astype(bool),
        pos=df.groupby(KEY, sort=False).cumcount(),
    )
    df["miss_pos"] = df["pos"].where(df["miss"])
    out = df.groupby(KEY, sort=True).agg(
        attempts=("pos", "size"),
        misses=("miss", "sum"),
        last_miss_pos=("miss_pos", "max"),
        last_attempt_at=("timestamp", "max"),
    )
    out = out[out["misses"] > 0].reset_index()
    out["streak"] = (out["attempts"] - 1 - out["last_miss_pos"]).astype("int64")
    out["interval_days"] = base * 2.0 ** np.minimum(out["streak"], _MAX_EXPONENT)
    out["due_at"] = out["last_attempt_at"] + pd.to_timedelta(out["interval_days"], unit="D")
    out["due"] = out["due_at"] <= when
    out["overdue_days"] = (when - out["due_at"]) / pd.Timedelta(days=1)
    out = out.drop(columns="last_miss_pos").astype({"misses": "int64"})
    return out.sort_values(["due", "due_at"], ascending=[False, True], kind="stable").reset_index(drop=True)
