"""A track record that shows judgement: calibration, regret over time, rubric marks, what is due next.

Pure functions of the frames :class:`nogo.ProgressStore` returns (``attempts()`` and ``rubric_marks()``);
:func:`track_record` gathers them for ``nogo progress``, the session report and a notebook.

- **Calibration.** Every answer stored with a ``confidence`` (a committed call's stated chance of
  being right) is a forecast. :func:`brier_score` is the mean of ``(confidence - right) ** 2``: 0 for
  sure and right every time, 0.25 for always saying 50%, 1 for sure and wrong every time.
  :func:`calibration_table` bins the forecasts by stated confidence and sets the share right beside
  the mean confidence of each bin: a calibrated learner's 80% calls are right four times in five.
- **Regret over time, each drill on its own scale** (:func:`regret_over_time`): dollars for the
  decision stream, the policy drill and the signature drill (``cost_usd - optimal_cost_usd``); ``1 -
  rank correlation`` for the pre-mortem (0 to 2); the share of points missed for the launch call (``1 -
  score``; a launch call stored without a score counts 1 when the call was wrong); wrong calls for the
  commit.
  Regret is never negative: a drill that stores realised costs can make a worse choice look cheaper
  than the best one after a lucky outcome, and luck is not judgement, so such an answer counts 0.
- **Per rubric dimension** (:func:`rubric_by_dimension`): the coach's and the learner's marks on the
  four interview dimensions, first and latest.
- **When each item is next due** (:func:`next_due`): every missed item in review, with its date.

Examples
--------
>>> brier_score([0.9, 0.6, 0.8], [True, False, True])
0.1366...
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array, check_same_length, check_whole_number
from nogo.cases.casefile import RUBRIC_DIMENSIONS
from nogo.errors import InputError
from nogo.formatting import format_count, format_percent, format_usd, text_table
from nogo.models.stats import proportion_interval
from nogo.practice.progress import schedule_reviews

__all__ = [
    "REGRET_UNITS",
    "TrackRecord",
    "brier_score",
    "calibration_table",
    "next_due",
    "regret_over_time",
    "regret_text",
    "rubric_by_dimension",
    "track_record",
]

REGRET_UNITS: dict[str, str] = {
    "stream": "USD",
    "policy": "USD",
    "signature": "USD",
    "premortem": "1 - rank correlation",
    "commit": "wrong calls",
    "launch": "share of points missed",
}
"""Each drill's regret unit: the scale its regret is shown on (a drill not listed: USD)."""
_ORDER = ("commit", "stream", "policy", "signature", "premortem", "launch")


def _forecasts(confidence: npt.ArrayLike, right: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    c = as_float_array("confidence", confidence, unit_interval=True)
    y = as_outcome_array("right", right)
    check_same_length({"confidence": c, "right": y}, broadcast=False)
    if c.size == 0:
        raise InputError("confidence: no forecasts; commit a call with a confidence first")
    return c, y.astype(float)


def brier_score(confidence: npt.ArrayLike, right: npt.ArrayLike) -> float:
    """The Brier score of stated confidences: the mean of ``(confidence - right) ** 2`` (lower is better).

    Parameters
    ----------
    confidence
        The stated chance of being right of each call, 0 to 1.
    right
        Whether each call was right (booleans or 0/1).

    Examples
    --------
    >>> brier_score([1.0, 0.5], [1, 0])
    0.125
    """
    c, y = _forecasts(confidence, right)
    return float(np.mean((c - y) ** 2))


def calibration_table(
    confidence: npt.ArrayLike, right: npt.ArrayLike, *, n_bins: int = 5, level: float = 0.95
) -> pd.DataFrame:
    """Stated confidence against the share of calls that were right, per bin of equal width.

    Bins split [0, 1] into ``n_bins`` equal parts, each closed on the left; 1.0 falls in the last.

    Returns
    -------
    pandas.DataFrame
        Non-empty bins only: ``bin_low``, ``bin_high``, ``n``, ``right`` (count), ``mean_confidence``,
        ``share_right``, ``ci_low``, ``ci_high`` (Wilson interval at ``level``), ``gap`` (share right
        minus mean confidence: negative means overconfident).

    Examples
    --------
    >>> t = calibration_table([0.9, 0.9, 0.95, 0.6], [True, False, True, True])
    >>> t[["bin_low", "n", "mean_confidence", "share_right"]].round(3).values.tolist()
    [[0.6, 1.0, 0.6, 1.0], [0.8, 3.0, 0.917, 0.667]]
    """
    c, y = _forecasts(confidence, right)
    check_whole_number("n_bins", n_bins, low=1)
    edges = np.arange(n_bins + 1) / n_bins  # k / n exactly (linspace puts 3/5 just above 0.6)
    idx = np.clip(np.searchsorted(edges, c, side="right") - 1, 0, n_bins - 1)
    n = np.bincount(idx, minlength=n_bins)
    k = np.bincount(idx, weights=y, minlength=n_bins)
    total = np.bincount(idx, weights=c, minlength=n_bins)
    keep = n > 0
    share = k[keep] / n[keep]
    lo, hi = proportion_interval(k[keep], n[keep], level=level, method="wilson")
    # the Wilson bounds of 0 of n (or n of n) can miss the share by a rounding error (5.6e-17)
    lo, hi = np.minimum(lo, share), np.maximum(hi, share)
    table = pd.DataFrame(
        {
            "bin_low": edges[:-1][keep],
            "bin_high": edges[1:][keep],
            "n": n[keep],
            "right": k[keep].astype(int),
            "mean_confidence": total[keep] / n[keep],
            "share_right": share,
            "ci_low": lo,
            "ci_high": hi,
        }
    )
    table["gap"] = table["share_right"] - table["mean_confidence"]
    return table


def regret_over_time(attempts: pd.DataFrame) -> pd.DataFrame:
    """Each answer's regret on its drill's own scale, and the running total per drill.

    Parameters
    ----------
    attempts
        A frame like :meth:`nogo.ProgressStore.attempts` (``drill``, ``case_id``, ``timestamp``,
        ``cost_usd``, ``optimal_cost_usd``, ``correct``, and ``score`` for the pre-mortem).

    Returns
    -------
    pandas.DataFrame
        One row per answer, drills in the order commit, stream, policy, signature, pre-mortem, launch,
        oldest first within each: ``drill``, ``unit`` (:data:`REGRET_UNITS`), ``case_id``,
        ``timestamp``, ``answer`` (1, 2, ... within the drill), ``regret`` (never negative) and
        ``cumulative_regret``.

    Examples
    --------
    >>> log = pd.DataFrame({"drill": ["stream", "premortem", "stream"], "case_id": "loan-steering",
    ...     "timestamp": pd.to_datetime(["2026-11-01", "2026-11-02", "2026-11-03"], utc=True),
    ...     "cost_usd": [30.0, 0.0, 5.0], "optimal_cost_usd": [10.0, 0.0, 9.0],
    ...     "correct": [False, False, False], "score": [np.nan, 0.4, np.nan]})
    >>> regret_over_time(log)[["drill", "answer", "regret", "cumulative_regret"]].values.tolist()
    [['stream', 1, 20.0, 20.0], ['stream', 2, 0.0, 20.0], ['premortem', 1, 0.6, 0.6]]
    """
    needed = ["drill", "case_id", "timestamp", "cost_usd", "optimal_cost_usd", "correct"]
    missing = [c for c in needed if c not in attempts.columns]
    if missing:
        raise InputError(
            f"attempts: missing column {missing[0]!r}; expected the columns of ProgressStore.attempts"
        )
    df = attempts[needed].copy()
    score = attempts["score"] if "score" in attempts.columns else pd.Series(np.nan, index=attempts.index)
    unit = df["drill"].map(REGRET_UNITS).fillna("USD")
    dollars = (df["cost_usd"] - df["optimal_cost_usd"]).clip(lower=0.0)
    wrong = (~df["correct"].astype(bool)).astype(float)
    # scored drills (pre-mortem, launch call): the best score is 1; one stored without its score
    # counts as right (0) or wrong (1), like a call
    scored = (1.0 - score.astype(float)).clip(lower=0.0)
    scored = scored.where(scored.notna(), wrong)
    df["regret"] = np.select(
        [unit == "USD", unit == "wrong calls"], [dollars, wrong], default=scored.to_numpy(float)
    )
    df["unit"] = unit
    order = {d: k for k, d in enumerate(_ORDER)}
    df["_order"] = df["drill"].map(order).fillna(len(order))
    df = df.sort_values(["_order", "drill", "timestamp"], kind="stable").drop(columns="_order")
    df["answer"] = df.groupby("drill", sort=False).cumcount() + 1
    df["cumulative_regret"] = df.groupby("drill", sort=False)["regret"].cumsum()
    columns = ["drill", "unit", "case_id", "timestamp", "answer", "regret", "cumulative_regret"]
    return df[columns].reset_index(drop=True)


def rubric_by_dimension(marks: pd.DataFrame) -> pd.DataFrame:
    """Per rubric dimension (all four, in the rubric's order): marks, mean, first and latest share.

    Columns: ``dimension``, ``marks`` (count), ``mean_share``, ``first_share``, ``latest_share`` (each a
    share of the scale, 0 to 1; missing for a dimension never marked), ``last_marked`` (UTC).

    Examples
    --------
    >>> marks = pd.DataFrame({"dimension": ["escalation_design"] * 2, "score_share": [0.25, 0.75],
    ...     "timestamp": pd.to_datetime(["2026-11-01", "2026-11-05"], utc=True)})
    >>> r = rubric_by_dimension(marks).set_index("dimension")
    >>> r.loc["escalation_design", ["marks", "latest_share"]].astype(float).tolist()
    [2.0, 0.75]
    """
    df = marks.sort_values("timestamp", kind="stable")
    out = (
        df.groupby("dimension")
        .agg(
            marks=("score_share", "size"),
            mean_share=("score_share", "mean"),
            first_share=("score_share", "first"),
            latest_share=("score_share", "last"),
            last_marked=("timestamp", "max"),
        )
        .reindex(list(RUBRIC_DIMENSIONS))
        .rename_axis("dimension")
        .reset_index()
    )
    out["marks"] = out["marks"].fillna(0).astype("int64")
    return out


def next_due(attempts: pd.DataFrame, now: datetime, base_interval_days: float = 1.0) -> pd.DataFrame:
    """Every item in review (each missed item) and when it is next due, soonest first.

    :func:`nogo.schedule_reviews` with the columns a reader needs: ``case_id``, ``variant_seed``,
    ``drill``, ``item``, ``misses``, ``streak``, ``due_at`` (UTC), ``due`` (now or overdue),
    ``overdue_days`` (negative: days to go).
    """
    schedule = schedule_reviews(attempts, now, base_interval_days)
    columns = [
        "case_id",
        "variant_seed",
        "drill",
        "item",
        "misses",
        "streak",
        "due_at",
        "due",
        "overdue_days",
    ]
    return schedule.sort_values("due_at", kind="stable")[columns].reset_index(drop=True)


@dataclass(frozen=True)
class TrackRecord:
    """A learner's track record (see :func:`track_record`)."""

    learner: str
    forecasts: pd.DataFrame
    """Answers with a stated confidence: ``drill``, ``case_id``, ``timestamp``, ``confidence``, ``right``."""
    brier_score: float
    """Mean ``(confidence - right) ** 2`` over :attr:`forecasts`; NaN when there are none."""
    calibration: pd.DataFrame
    """:func:`calibration_table` of :attr:`forecasts` (empty when there are none)."""
    regret: pd.DataFrame
    """:func:`regret_over_time`."""
    rubric: pd.DataFrame
    """:func:`rubric_by_dimension`."""
    due: pd.DataFrame
    """:func:`next_due`."""

    def calibration_chart(self):  # -> alt.Chart
        """The calibration curve (:func:`nogo.charts.track_record.calibration_chart`)."""
        from nogo.charts.track_record import calibration_chart

        return calibration_chart(self.calibration)

    def regret_chart(self):  # -> alt.Chart
        """Regret over time, each drill on its own scale (:func:`nogo.charts.track_record.regret_chart`)."""
        from nogo.charts.track_record import regret_chart

        return regret_chart(self.regret)

    def to_text(self) -> str:
        """The track record as plain text: what ``nogo progress`` prints."""
        lines = ["Your track record"]
        n = len(self.forecasts)
        if n:
            lines.append(
                f"  Calibration: Brier score {self.brier_score:.3f} over {format_count(n, 'call')} with a "
                "stated confidence (0 is perfect; always saying 50% scores 0.250)."
            )
            lines += [
                f"    said {_pct(r.bin_low)}-{_pct(r.bin_high)} (mean {_pct(r.mean_confidence)}): "
                f"right {r.right} of {r.n} ({_pct(r.share_right)})"
                for r in self.calibration.itertuples()
            ]
        else:
            lines.append("  Calibration: no call with a stated confidence yet (commit a call first).")
        if not self.regret.empty:
            lines.append("  Regret by drill, each on its own scale (first answer -> latest; total or mean):")
            for drill, part in self.regret.groupby("drill", sort=False):
                unit = part["unit"].iloc[0]
                first, latest, total = (regret_text(x, unit) for x in _ends(part["regret"]))
                if unit == "share of points missed":  # shares add up to nonsense (150%): their mean
                    total = "mean " + regret_text(float(part["regret"].mean()), unit)
                else:
                    total = "total " + total
                answers = format_count(len(part), "answer")
                lines.append(f"    {drill}: {first} -> {latest}; {total} over {answers}")
        marked = self.rubric[self.rubric["marks"] > 0]
        if not marked.empty:
            lines.append("  Rubric, per dimension (share of the scale: first -> latest, mean):")
            for r in marked.itertuples():
                lines.append(
                    f"    {r.dimension.replace('_', ' ')}: {_pct(r.first_share)} -> {_pct(r.latest_share)}, "
                    f"mean {_pct(r.mean_share)} over {format_count(r.marks, 'mark')}"
                )
        if self.due.empty:
            lines.append("  Next due: nothing in review (no missed item).")
        else:
            lines.append("  Next due (missed items come back after 1, 2, 4... days):")
            shown = self.due.head(8).assign(
                when=[
                    "due now" if d else f"in {-o:.1f} days"
                    for d, o in zip(self.due["due"].head(8), self.due["overdue_days"].head(8), strict=True)
                ]
            )
            headers = {"case_id": "case", "drill": "drill", "item": "item", "due_at": "due (UTC)", "when": ""}
            table = text_table(shown[list(headers)], {"due_at": "date"}, headers=headers)
            lines += ["    " + line for line in table.splitlines()]
        return "\n".join(lines)


def _pct(x: float) -> str:
    return format_percent(x, decimals=0)


def _ends(regret: pd.Series) -> tuple[float, float, float]:
    return float(regret.iloc[0]), float(regret.iloc[-1]), float(regret.sum())


def regret_text(x: float, unit: str) -> str:
    """A regret in its drill's unit (:data:`REGRET_UNITS`), as a reader says it.

    Examples
    --------
    >>> regret_text(0.0, "share of points missed"), regret_text(1.0, "wrong calls")
    ('0% of points missed', '1 wrong call')
    >>> regret_text(0.5, "1 - rank correlation")
    '0.50 (1 - rank correlation)'
    """
    if unit == "USD":
        return format_usd(x)
    if unit == "share of points missed":
        return f"{format_percent(x, decimals=0)} of points missed"
    if unit == "wrong calls":
        return format_count(x, "wrong call")
    return f"{x:.2f} ({unit})"


def track_record(
    attempts: pd.DataFrame, marks: pd.DataFrame, now: datetime, *, learner: str = "", n_bins: int = 5
) -> TrackRecord:
    """A learner's track record from the store's frames: calibration, regret, rubric, what is due.

    Parameters
    ----------
    attempts, marks
        :meth:`nogo.ProgressStore.attempts` and :meth:`~nogo.ProgressStore.rubric_marks` (of one learner).
    now
        The time to judge "due" against (timezone-aware).
    learner
        Whose record (for display).
    n_bins
        Confidence bins of the calibration table.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from nogo.practice.progress import ProgressStore
    >>> store = ProgressStore(":memory:")
    >>> for call, conf in [("no-go", 0.9), ("ship", 0.7)]:
    ...     _ = store.record_attempt(learner="ana", case_id="loan-steering", variant_seed=1, drill="commit",
    ...         item="launch call", choice=call, cost_usd=0.0, optimal_choice="no-go",
    ...         optimal_cost_usd=0.0, time_taken_seconds=20.0, confidence=conf)
    >>> tr = track_record(store.attempts("ana"), store.rubric_marks("ana"), datetime(2026, 12, 1, tzinfo=UTC))
    >>> round(tr.brier_score, 2), tr.regret["cumulative_regret"].tolist()
    (0.25, [0.0, 1.0])
    """
    has = (
        attempts["confidence"].notna()
        if "confidence" in attempts.columns
        else pd.Series(False, index=attempts.index)
    )
    forecasts = attempts.loc[has, ["drill", "case_id", "timestamp", "confidence", "correct"]]
    forecasts = forecasts.rename(columns={"correct": "right"}).reset_index(drop=True)
    if forecasts.empty:
        brier, table = (
            float("nan"),
            pd.DataFrame(
                columns=[
                    "bin_low",
                    "bin_high",
                    "n",
                    "right",
                    "mean_confidence",
                    "share_right",
                    "ci_low",
                    "ci_high",
                    "gap",
                ]
            ),
        )
    else:
        brier = brier_score(forecasts["confidence"], forecasts["right"])
        table = calibration_table(forecasts["confidence"], forecasts["right"], n_bins=n_bins)
    return TrackRecord(
        learner=learner,
        forecasts=forecasts,
        brier_score=brier,
        calibration=table,
        regret=regret_over_time(attempts),
        rubric=rubric_by_dimension(marks),
        due=next_due(attempts, now),
    )
