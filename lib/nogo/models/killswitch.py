"""Kill switches and rollback triggers: what takes autonomy away when the evidence turns.

A kill switch watches a time-ordered stream, one row per decision (or per period), oldest first: losses in
``loss_usd`` (negative for gains), errors in ``error`` (1 wrong, 0 right), optionally a non-decreasing
``timestamp`` and any signal column (a price, an order-to-fill ratio). Each switch computes a running
statistic from the rows up to and including ``t`` and *fires at the first index where it crosses its
limit*. The decision at that index has already happened, so its loss counts before the fire; everything
after it is stopped. :func:`evaluate_kill_switches` sets the loss each switch would have let through
against the loss that happened.

Every statistic is computed for the whole stream at once from cumulative sums: rolling sums are
differences of one cumulative sum; the CUSUM recursion ``S_t = max(0, S_{t-1} + x_t)`` (``S_0 = 0``) is
exactly ``C_t - min(0, min_{s <= t} C_s)`` with ``C`` the cumulative sum of ``x`` (the Lindley identity),
so it needs no loop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import (
    as_float_array,
    as_outcome_array,
    as_paired_counts,
    as_scalar,
    check_choice,
    check_items,
    check_rate,
)
from nogo.errors import InputError
from nogo.models.stats import proportion_interval

__all__ = [
    "CumulativeLossCap",
    "CusumErrorRate",
    "ErrorRateRollback",
    "KillSwitch",
    "LossRateCap",
    "SignalCap",
    "SprtErrorRate",
    "evaluate_kill_switches",
    "kill_switch_trace",
    "rollback_trigger",
]

_METHODS = ("wilson", "clopper-pearson")


def _check_half_level(level: float) -> float:
    lv = as_scalar("level", level)
    if not 0.5 < lv < 1:
        raise InputError(f"level: expected a confidence level between 0.5 and 1, got {level!r}")
    return lv


def _lower_bound(k: np.ndarray, n: np.ndarray, level: float, method: str) -> np.ndarray:
    """One-sided lower bound at ``level`` (0 where ``n == 0``): the two-sided interval at ``2 level - 1``."""
    check_choice("method", method, _METHODS)
    lower = np.zeros(k.shape)
    seen = n > 0
    if seen.any():
        lower[seen] = proportion_interval(k[seen], n[seen], level=2 * level - 1, method=method)[0]
    return lower


def rollback_trigger(
    errors: npt.ArrayLike,
    decisions: npt.ArrayLike,
    *,
    rollback_rate: float,
    level: float = 0.95,
    method: str = "clopper-pearson",
) -> pd.DataFrame:
    """Fire when the recent error rate is, with confidence ``level``, above ``rollback_rate``.

    Fires when the one-sided lower confidence bound of ``errors / decisions`` exceeds the rollback rate, so
    one unlucky error in a small window does not demote the agent but a real rise does. ``level`` must be
    above 0.5. A window with no decisions never fires. :class:`ErrorRateRollback` is the rolling version.

    Returns
    -------
    pandas.DataFrame
        One row per window: ``errors``, ``decisions``, ``error_rate``, ``lower_bound``, ``rollback_rate``,
        ``fired``.

    Examples
    --------
    >>> rollback_trigger([1, 12], [20, 100], rollback_rate=0.05).fired.tolist()
    [False, True]
    """
    k, n = as_paired_counts(errors, decisions)
    cap = check_rate("rollback_rate", rollback_rate)
    lv = _check_half_level(level)
    lower = _lower_bound(k, n, lv, method)
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where(n > 0, k / np.where(n > 0, n, 1), np.nan)
    return pd.DataFrame(
        {
            "errors": k.astype(np.int64),
            "decisions": n.astype(np.int64),
            "error_rate": rate,
            "lower_bound": lower,
            "rollback_rate": cap,
            "fired": (n > 0) & (lower > cap),
        }
    )


class _Run(NamedTuple):
    statistic: np.ndarray  # running statistic per index (NaN once a test has concluded)
    tripped: np.ndarray  # bool per index: the limit is crossed (the first True is the fire)
    concluded_at: int | None = None  # a sequential test that stopped without firing


def _stream(stream: Any) -> pd.DataFrame:
    if not isinstance(stream, pd.DataFrame):
        raise InputError(
            f"stream: expected a pandas DataFrame, one row per decision, got {type(stream).__name__}"
        )
    if len(stream) == 0:
        raise InputError("stream: expected at least one row, got an empty stream")
    return stream


def _column(stream: pd.DataFrame, who: str, col: str) -> pd.Series:
    if col not in stream.columns:
        available = ", ".join(map(str, stream.columns))
        raise InputError(f"{who}: column {col!r} not in the stream (columns: {available})")
    return stream[col]


def _times(stream: pd.DataFrame, col: str) -> pd.Series | None:
    if col not in stream.columns:
        return None
    t = stream[col]
    if t.isna().any():
        raise InputError(f"{col}: expected a time for every row, missing at row {int(np.argmax(t.isna()))}")
    values = t.to_numpy()
    try:
        back = np.flatnonzero(np.diff(values) < values[0] - values[0])
    except TypeError:
        raise InputError(f"{col}: expected datetimes or numbers, got {t.dtype}") from None
    if back.size:
        raise InputError(f"{col}: expected a time-ordered stream, time goes back at row {int(back[0]) + 1}")
    return t


def _first(mask: np.ndarray) -> int | None:
    hits = np.flatnonzero(mask)
    return int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class KillSwitch:
    """Base class of the kill switches. ``label`` (keyword only) names the switch in results."""

    label: str | None = field(default=None, kw_only=True)

    @property
    def name(self) -> str:
        """The label, or the description when there is none."""
        return self.label or self.describe()

    @property
    def limit(self) -> float:
        """The value of the statistic at (or beyond) which the switch fires."""
        raise NotImplementedError

    def describe(self) -> str:
        """A one-line statement of the switch."""
        raise NotImplementedError

    def _run(self, stream: pd.DataFrame) -> _Run:
        raise NotImplementedError

    def first_fire(self, stream: pd.DataFrame) -> int | None:
        """Index (position) of the row at which the switch fires, or ``None``."""
        return _first(self._run(_stream(stream)).tripped)

    def trace(self, stream: pd.DataFrame) -> pd.DataFrame:
        """Per row: ``index`` (position), ``statistic``, ``limit``, ``tripped`` (the statistic is at or past
        its limit; the first such row is where the switch fires)."""
        run = self._run(_stream(stream))
        return pd.DataFrame(
            {
                "index": np.arange(len(run.statistic)),
                "statistic": run.statistic,
                "limit": self.limit,
                "tripped": run.tripped,
            }
        )


def _loss(stream: pd.DataFrame, who: str, col: str) -> np.ndarray:
    return as_float_array(f"{who}: column {col!r}", _column(stream, who, col))


def _errors(stream: pd.DataFrame, who: str, col: str) -> np.ndarray:
    return as_outcome_array(f"{who}: column {col!r}", _column(stream, who, col).to_numpy())


@dataclass(frozen=True)
class CumulativeLossCap(KillSwitch):
    """Fires when the running total loss reaches ``max_usd``.

    Examples
    --------
    >>> CumulativeLossCap(100).first_fire(pd.DataFrame({"loss_usd": [40.0, -10.0, 50.0, 30.0, 5.0]}))
    3
    """

    max_usd: float
    column: str = "loss_usd"

    def __post_init__(self) -> None:
        as_scalar("max_usd", self.max_usd, nonnegative=True)

    @property
    def limit(self) -> float:
        return float(self.max_usd)

    def describe(self) -> str:
        return f"cumulative {self.column} >= {self.max_usd:g}"

    def _run(self, stream: pd.DataFrame) -> _Run:
        total = np.cumsum(_loss(stream, self.name, self.column))
        return _Run(total, total >= self.max_usd)


@dataclass(frozen=True)
class LossRateCap(KillSwitch):
    """Fires when the loss over a trailing window reaches ``max_usd``.

    ``window`` is a number of rows (the current row and the ``window - 1`` before it; shorter at the start)
    or a time span (a :class:`pandas.Timedelta` or a string such as ``"1h"``), in which case the window at
    row ``t`` holds the rows with timestamps in ``(time_t - window, time_t]`` and the stream needs a
    datetime ``time_col``.

    Examples
    --------
    >>> LossRateCap(100, window=2).first_fire(pd.DataFrame({"loss_usd": [60.0, 30.0, 60.0, 60.0]}))
    3
    """

    max_usd: float
    window: Any
    column: str = "loss_usd"
    time_col: str = "timestamp"

    def __post_init__(self) -> None:
        as_scalar("max_usd", self.max_usd, nonnegative=True)
        w = self.window
        if isinstance(w, int | np.integer) and not isinstance(w, bool):
            if w < 1:
                raise InputError(f"window: expected at least 1 row, got {w}")
            return
        try:
            span = pd.Timedelta(w)
        except (TypeError, ValueError):
            raise InputError(
                f"window: expected a number of rows or a time span like '1h', got {w!r}"
            ) from None
        if not span > pd.Timedelta(0):
            raise InputError(f"window: expected a positive time span, got {w!r}")
        object.__setattr__(self, "window", span)

    @property
    def limit(self) -> float:
        return float(self.max_usd)

    def describe(self) -> str:
        if isinstance(self.window, pd.Timedelta):
            sec, units = self.window.total_seconds(), {"d": 86400, "h": 3600, "min": 60, "s": 1}
            unit = next(u for u, size in units.items() if sec % size == 0 or u == "s")
            return f"{self.column} over {sec / units[unit]:g}{unit} >= {self.max_usd:g}"
        return f"{self.column} over {self.window} rows >= {self.max_usd:g}"

    def _run(self, stream: pd.DataFrame) -> _Run:
        loss = _loss(stream, self.name, self.column)
        csum = np.concatenate([[0.0], np.cumsum(loss)])
        idx = np.arange(len(loss))
        if isinstance(self.window, pd.Timedelta):
            t = _times(stream, self.time_col)
            if t is None or not pd.api.types.is_datetime64_any_dtype(t.dtype):
                raise InputError(f"{self.name}: a time window needs a datetime column {self.time_col!r}")
            ns = pd.DatetimeIndex(t).as_unit("ns").asi8
            start = np.searchsorted(ns, ns - self.window.value, side="right")
        else:
            start = np.maximum(idx - self.window + 1, 0)
        rolling = csum[idx + 1] - csum[start]
        return _Run(rolling, rolling >= self.max_usd)


def _check_rates(p0: float, p1: float) -> None:
    if not 0 < check_rate("p0", p0) < check_rate("p1", p1) < 1:
        raise InputError(
            f"p0, p1: expected 0 < p0 < p1 < 1 (in-control and alarm error rates), got {p0}, {p1}"
        )


def _llr(error: np.ndarray, p0: float, p1: float) -> np.ndarray:
    """Log-likelihood ratio of each Bernoulli observation, rate p1 against p0."""
    return np.where(error, np.log(p1 / p0), np.log((1 - p1) / (1 - p0)))


@dataclass(frozen=True)
class CusumErrorRate(KillSwitch):
    """Bernoulli CUSUM (Page 1954): fires when the error rate has shifted up from ``p0`` towards ``p1``.

    ``S_t = max(0, S_{t-1} + x_t)`` with ``x_t`` the log-likelihood ratio of observation ``t`` (``log(p1/p0)``
    for an error, ``log((1-p1)/(1-p0))`` otherwise); fires when ``S_t >= h``. It is Wald's test restarted
    whenever it would accept ``p0``. Larger ``h``: fewer false alarms, slower detection; with no shift the
    average run length to a false alarm is at least ``exp(h)`` (Lorden 1971), so ``h = log(target run
    length)`` is a conservative start.

    Examples
    --------
    >>> s = CusumErrorRate(p0=0.05, p1=0.25, h=2.0)
    >>> s.first_fire(pd.DataFrame({"error": [0, 0, 0, 1, 0, 1, 1, 0]}))  # S: 0, 0, 0, 1.61, 1.37, 2.98
    5
    """

    p0: float
    p1: float
    h: float
    column: str = "error"

    def __post_init__(self) -> None:
        _check_rates(self.p0, self.p1)
        if not as_scalar("h", self.h) > 0:
            raise InputError(f"h: expected a positive decision threshold, got {self.h!r}")

    @property
    def limit(self) -> float:
        return float(self.h)

    def describe(self) -> str:
        return f"CUSUM on {self.column}, {self.p0:g} -> {self.p1:g}, h={self.h:g}"

    def _run(self, stream: pd.DataFrame) -> _Run:
        csum = np.cumsum(_llr(_errors(stream, self.name, self.column), self.p0, self.p1))
        s = csum - np.minimum(np.minimum.accumulate(csum), 0.0)
        return _Run(s, s >= self.h)


@dataclass(frozen=True)
class SprtErrorRate(KillSwitch):
    """Wald's sequential probability ratio test of error rate ``p1`` against ``p0``.

    The running log-likelihood ratio ``L_t`` is compared with Wald's boundaries
    ``upper = log((1-beta)/alpha)`` and ``lower = log(beta/(1-alpha))``: the switch fires the first time
    ``L_t >= upper`` (error rate ``p1``); if ``L_t <= lower`` comes first the test concludes the rate is
    ``p0`` and stops watching (status "concluded p0", statistic NaN afterwards). ``alpha`` and ``beta`` are
    the false-alarm and missed-alarm probabilities the boundaries aim at; Wald's inequalities bound the
    real ones by ``alpha / (1 - beta)`` and ``beta / (1 - alpha)`` (on a stream long enough to decide).
    To keep watching after a "p0" conclusion, use :class:`CusumErrorRate`.

    Examples
    --------
    >>> s = SprtErrorRate(p0=0.05, p1=0.25, alpha=0.05, beta=0.2)
    >>> round(s.upper, 3), round(s.lower, 3)
    (2.773, -1.558)
    >>> s.first_fire(pd.DataFrame({"error": [1, 0, 1, 1, 0]}))
    2
    """

    p0: float
    p1: float
    alpha: float = 0.05
    beta: float = 0.20
    column: str = "error"

    def __post_init__(self) -> None:
        _check_rates(self.p0, self.p1)
        if not (0 < check_rate("alpha", self.alpha) < 1 and 0 < check_rate("beta", self.beta) < 1):
            raise InputError(
                f"alpha, beta: expected each strictly between 0 and 1, got {self.alpha}, {self.beta}"
            )
        if self.alpha + self.beta >= 1:
            raise InputError(f"alpha, beta: expected alpha + beta < 1, got {self.alpha} + {self.beta}")

    @property
    def upper(self) -> float:
        """Wald's upper boundary ``log((1 - beta) / alpha)``."""
        return float(np.log((1 - self.beta) / self.alpha))

    @property
    def lower(self) -> float:
        """Wald's lower boundary ``log(beta / (1 - alpha))``."""
        return float(np.log(self.beta / (1 - self.alpha)))

    @property
    def limit(self) -> float:
        return self.upper

    def describe(self) -> str:
        return f"SPRT on {self.column}, {self.p0:g} vs {self.p1:g}, alpha={self.alpha:g}, beta={self.beta:g}"

    def _run(self, stream: pd.DataFrame) -> _Run:
        llr = np.cumsum(_llr(_errors(stream, self.name, self.column), self.p0, self.p1))
        up, down = _first(llr >= self.upper), _first(llr <= self.lower)
        end = min(i for i in (up, down, len(llr) - 1) if i is not None)
        stat = np.where(np.arange(len(llr)) <= end, llr, np.nan)
        fired = up is not None and up == end
        tripped = np.zeros(len(llr), dtype=bool)
        if fired:
            tripped[up:] = True
        return _Run(stat, tripped, down if down is not None and down == end else None)


@dataclass(frozen=True)
class ErrorRateRollback(KillSwitch):
    """Rolling :func:`rollback_trigger`: fires when the lower confidence bound of the error rate over the
    trailing ``window`` decisions (fewer at the start) exceeds ``rollback_rate``.

    Examples
    --------
    >>> s = ErrorRateRollback(rollback_rate=0.05, window=50)
    >>> s.first_fire(pd.DataFrame({"error": [0] * 20 + [1] * 5 + [0] * 10}))
    23
    """

    rollback_rate: float
    window: int
    level: float = 0.95
    method: str = "clopper-pearson"
    column: str = "error"

    def __post_init__(self) -> None:
        check_rate("rollback_rate", self.rollback_rate)
        _check_half_level(self.level)
        check_choice("method", self.method, _METHODS)
        if isinstance(self.window, bool) or not isinstance(self.window, int | np.integer) or self.window < 1:
            raise InputError(f"window: expected a whole number of decisions >= 1, got {self.window!r}")

    @property
    def limit(self) -> float:
        return float(self.rollback_rate)

    def describe(self) -> str:
        return f"lower bound of {self.column} rate over {self.window} > {self.rollback_rate:g}"

    def _run(self, stream: pd.DataFrame) -> _Run:
        err = _errors(stream, self.name, self.column)
        csum = np.concatenate([[0], np.cumsum(err)])
        idx = np.arange(len(err))
        start = np.maximum(idx - self.window + 1, 0)
        k, n = (csum[idx + 1] - csum[start]).astype(float), (idx + 1 - start).astype(float)
        lower = _lower_bound(k, n, self.level, self.method)
        return _Run(lower, lower > self.rollback_rate)


@dataclass(frozen=True)
class SignalCap(KillSwitch):
    """Fires when a signal column (a price, an order-to-fill ratio) reaches ``max_value``.

    Examples
    --------
    >>> SignalCap("price_usd", 1e6).first_fire(pd.DataFrame({"price_usd": [1.7e5, 9e5, 1.2e6, 8e5]}))
    2
    """

    column: str
    max_value: float

    def __post_init__(self) -> None:
        as_scalar("max_value", self.max_value)

    @property
    def limit(self) -> float:
        return float(self.max_value)

    def describe(self) -> str:
        return f"{self.column} >= {self.max_value:g}"

    def _run(self, stream: pd.DataFrame) -> _Run:
        value = as_float_array(
            f"{self.name}: column {self.column!r}", _column(stream, self.name, self.column)
        )
        return _Run(value, value >= self.max_value)


def _switches(switches: Any) -> tuple[KillSwitch, ...]:
    out = check_items("switches", switches, KillSwitch)
    if not out:
        raise InputError("switches: expected at least one kill switch")
    return out


def evaluate_kill_switches(
    stream: pd.DataFrame,
    switches: Any,
    *,
    loss_col: str = "loss_usd",
    time_col: str = "timestamp",
    fallback_loss_usd: npt.ArrayLike = 0.0,
) -> pd.DataFrame:
    """When each switch would have fired, and the loss it would have capped against the loss that happened.

    Assumes the agent stops at the fire and each later row then costs ``fallback_loss_usd`` (a scalar or
    one value per row; 0 by default: the stopped decisions cost nothing, e.g. the price freezes) instead of
    its ``loss_col``.

    Returns
    -------
    pandas.DataFrame
        One row per switch: ``switch``, ``fired``, ``fired_at_index`` (nullable int), ``fired_at`` (the
        timestamp, when the stream has ``time_col``), ``status`` (``"fired"``, ``"not fired"`` or
        ``"concluded p0"`` for an SPRT that stopped), ``decisions_before_fire`` (rows that ran, the fire row
        included), ``loss_before_fire_usd``, ``loss_total_usd`` (what happened with no switch),
        ``loss_with_switch_usd`` and ``loss_avoided_usd`` (total minus with switch).

    Examples
    --------
    >>> stream = pd.DataFrame({"loss_usd": [10.0, 20.0, 30.0, 40.0]})
    >>> out = evaluate_kill_switches(stream, [CumulativeLossCap(50), CumulativeLossCap(500)])
    >>> out[["fired_at_index", "loss_before_fire_usd", "loss_avoided_usd"]].values.tolist()
    [[2, 60.0, 40.0], [<NA>, 100.0, 0.0]]
    """
    stream = _stream(stream)
    found = _switches(switches)
    times = _times(stream, time_col)
    loss = as_float_array(loss_col, _column(stream, "evaluate_kill_switches", loss_col))
    fallback = as_float_array("fallback_loss_usd", fallback_loss_usd)
    if len(fallback) not in (1, len(loss)):
        raise InputError(
            f"fallback_loss_usd: expected a single value or {len(loss)} values, got {len(fallback)}"
        )
    fallback = np.broadcast_to(fallback, loss.shape)
    csum, fsum = np.cumsum(loss), np.cumsum(fallback)
    rows = []
    for switch in found:
        run = switch._run(stream)
        i = _first(run.tripped)
        before = csum[-1] if i is None else csum[i]
        after_fallback = 0.0 if i is None else fsum[-1] - fsum[i]
        status = (
            "fired" if i is not None else ("concluded p0" if run.concluded_at is not None else "not fired")
        )
        row = {"switch": switch.name, "fired": i is not None, "fired_at_index": i}
        if times is not None:
            row["fired_at"] = pd.NaT if i is None else times.iloc[i]
        row |= {
            "status": status,
            "decisions_before_fire": len(loss) if i is None else i + 1,
            "loss_before_fire_usd": before,
            "loss_total_usd": csum[-1],
            "loss_with_switch_usd": before + after_fallback,
            "loss_avoided_usd": csum[-1] - (before + after_fallback),
        }
        rows.append(row)
    out = pd.DataFrame(rows)
    out["fired_at_index"] = out["fired_at_index"].astype("Int64")
    return out


def kill_switch_trace(stream: pd.DataFrame, switches: Any, *, time_col: str = "timestamp") -> pd.DataFrame:
    """Each switch's running statistic, for a chart: one row per switch and stream row.

    Columns: ``switch``, ``index``, ``timestamp`` (when the stream has ``time_col``), ``statistic``,
    ``limit``, ``tripped``.

    Examples
    --------
    >>> t = kill_switch_trace(pd.DataFrame({"loss_usd": [10.0, 50.0]}), CumulativeLossCap(50))
    >>> t[["statistic", "tripped"]].values.tolist()
    [[10.0, False], [60.0, True]]
    """
    stream = _stream(stream)
    times = _times(stream, time_col)
    parts = []
    for switch in _switches(switches):
        part = switch.trace(stream)
        part.insert(0, "switch", switch.name)
        if times is not None:
            part.insert(2, "timestamp", times.to_numpy())
        parts.append(part)
    return pd.concat(parts, ignore_index=True)
