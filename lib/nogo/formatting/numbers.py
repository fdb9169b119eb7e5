"""Numbers people read: currency, basis points, percentages, counts, p-values, durations and times.

One rule for every function here: plain text a person reads, never scientific notation, never
microseconds. A missing value (``None``, ``NaN``, ``pd.NA``, ``NaT``) reads :data:`MISSING` (an em
dash); infinity reads ``∞`` (``-∞``); a value that rounds to zero loses its sign (never ``-$0``). Each
function takes one value; :func:`nogo.formatting.format_frame` applies them to a table's columns.

Currency is safe from maths typesetting where the text goes. In HTML, wrap the page in
:func:`nogo.formatting.math_safe_html` (tables from :func:`nogo.formatting.style_frame` carry the
classes themselves); in a widget ``Label`` or description, or in Markdown, pass ``escape=True`` for
``\\$`` (and, in Markdown with two amounts in one paragraph, wrap the cell in
:data:`nogo.formatting.MARKDOWN_OPEN` ... :data:`nogo.formatting.MARKDOWN_CLOSE`).
"""

from __future__ import annotations

import math
import numbers
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
import pandas as pd

from nogo.errors import InputError

__all__ = [
    "MISSING",
    "format_bps",
    "format_count",
    "format_date",
    "format_duration",
    "format_number",
    "format_p_value",
    "format_percent",
    "format_timestamp",
    "format_usd",
]

MISSING = "\u2014"
"""What a missing value reads: an em dash."""
_MAX_DECIMALS = 6
_COMPACT_UNITS = ((1.0, ""), (1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T"))


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array: not one value
        return False


def _real(name: str, value: Any) -> float | None:
    """``value`` as a float, ``None`` when missing; an :class:`InputError` for text, bools and arrays."""
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InputError(f"{name}: expected a number, got {value!r}")
    return float(value)


def _fixed(x: float, decimals: int) -> str:
    """``x`` with thousands separators and ``decimals`` places; no sign when it rounds to zero."""
    text = f"{abs(x):,.{decimals}f}"
    zero = set(text) <= set("0.,")
    return text if x >= 0 or zero else "-" + text


def _signed(x: float, body: str) -> str:
    """``body`` (the absolute value, formatted) with ``-`` in front when ``x`` is negative and shows."""
    return "-" + body if x < 0 and not set(body) <= set("\\$0.,") else body


def _check_decimals(decimals: Any) -> int | None:
    if decimals is None:
        return None
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 12:
        raise InputError(f"decimals: expected a whole number from 0 to 12 or None, got {decimals!r}")
    return decimals


def format_usd(
    value: Any, *, compact: bool = False, decimals: int | None = None, escape: bool = False
) -> str:
    """An amount in US dollars: ``$1,234``, ``$9.45``, ``-$40``; compact: ``$1.2M``, ``$23.7M``, ``$950``.

    Parameters
    ----------
    value
        The amount in USD.
    compact
        Thousands, millions, billions and trillions as ``K``, ``M``, ``B``, ``T`` with one decimal
        below 100 of the unit (``$1.2M``, ``$23.7M``, ``$237M``; a trailing ``.0`` dropped), whole
        dollars from $10 to $999, cents below $10 unless whole.
    decimals
        Fixed places (not compact). ``None``: cents below $100, whole dollars from $100.
    escape
        ``\\$`` instead of ``$``, for a widget label or description, or Markdown.

    Examples
    --------
    >>> format_usd(1234.5), format_usd(9.45), format_usd(-40), format_usd(25)
    ('$1,234', '$9.45', '-$40.00', '$25.00')
    >>> format_usd(1_234_567, compact=True), format_usd(23_698_655.93, compact=True)
    ('$1.2M', '$23.7M')
    >>> format_usd(950, compact=True), format_usd(-40, compact=True), format_usd(999_999, compact=True)
    ('$950', '-$40', '$1M')
    >>> format_usd(1e21), format_usd(float("nan")), format_usd(float("-inf")), format_usd(-0.001)
    ('$1,000,000,000,000,000,000,000', '—', '-$∞', '$0.00')
    >>> print(format_usd(50, escape=True, decimals=0))
    \\$50
    """
    x = _real("value", value)
    decimals = _check_decimals(decimals)
    dollar = "\\$" if escape else "$"
    if x is None:
        return MISSING
    if math.isinf(x):
        return _signed(x, f"{dollar}∞")
    size = abs(x)
    if not compact or decimals is not None:
        places = decimals if decimals is not None else (0 if size >= 100 else 2)
        return _signed(x, dollar + _fixed(size, places))
    k = max((k for k, (scale, _) in enumerate(_COMPACT_UNITS) if size >= scale), default=0)
    while True:  # 999,960 reads $1M, not $1,000K: round, then move up a unit if it reached 1,000
        scale, unit = _COMPACT_UNITS[k]
        if k == 0:
            places = 0 if size >= 10 or size == round(size) else 2
            shown = round(size, places)
        else:
            places = 1 if size / scale < 99.95 else 0
            shown = round(size / scale, places)
        if shown < 1000 or k == len(_COMPACT_UNITS) - 1:
            break
        k += 1
    text = f"{shown:,.{places}f}"
    text = text.removesuffix(".0") if k else text
    return _signed(x, f"{dollar}{text}{unit}")


def _auto_decimals(x: float, low: float = 0.0, high: float = math.inf) -> int:
    """The fewest places (0 to 4) that show ``x`` without reading as a bound (``low``, ``high``) it is not."""
    for d in range(5):
        shown = round(x, d)
        if (shown > low or x <= low) and (shown < high or x >= high) and (shown != 0 or x == 0):
            return d
    return 4


def format_percent(share: Any, *, decimals: int | None = None) -> str:
    """A share (0.25) as a percentage (``25%``), with as few decimals as read right.

    ``decimals=None``: whole percent, unless that would make a share above 0 read ``0%`` or a share
    below 1 read ``100%``: then as many decimals as it takes (up to 4; beyond that ``<0.0001%``).

    Examples
    --------
    >>> format_percent(0.25), format_percent(1 / 3), format_percent(0.996), format_percent(0.0033)
    ('25%', '33%', '99.6%', '0.3%')
    >>> format_percent(0.125, decimals=1), format_percent(-0.05), format_percent(2.5)
    ('12.5%', '-5%', '250%')
    >>> format_percent(1e-12), format_percent(1 - 1e-12), format_percent(float("nan"))
    ('<0.0001%', '>99.9999%', '—')
    """
    x = _real("share", share)
    decimals = _check_decimals(decimals)
    if x is None:
        return MISSING
    if math.isinf(x):
        return _signed(x, "∞%")
    pct = 100 * x
    if decimals is None:
        if 0 < pct < 0.00005:
            return "<0.0001%"
        if 99.99995 < pct < 100:
            return ">99.9999%"
        if -0.00005 < pct < 0:
            return ">-0.0001%"
        decimals = _auto_decimals(pct, 0.0, 100.0) if pct > 0 else _auto_decimals(-pct, 0.0, 100.0)
    return _fixed(pct, decimals) + "%"


def format_bps(value_bps: Any, *, decimals: int | None = None) -> str:
    """Basis points (1 bp = 0.01%): ``12 bps``, ``1 bp``, ``0.5 bps``, ``1,250 bps``.

    ``decimals=None``: whole basis points from 10, one decimal from 1, two below 1.

    Examples
    --------
    >>> format_bps(12.4), format_bps(1), format_bps(0.5), format_bps(1250), format_bps(-3)
    ('12 bps', '1 bp', '0.50 bps', '1,250 bps', '-3.0 bps')
    >>> format_bps(float("nan")), format_bps(1e-9)
    ('—', '0.00 bps')
    """
    x = _real("value_bps", value_bps)
    decimals = _check_decimals(decimals)
    if x is None:
        return MISSING
    if math.isinf(x):
        return _signed(x, "∞ bps")
    if decimals is None:
        decimals = 0 if abs(x) >= 10 or x == 1 else 1 if abs(x) >= 1 else 2
    text = _fixed(x, decimals)
    return f"{text} {'bp' if text == '1' else 'bps'}"


def format_count(value: Any, noun: str | None = None, *, plural: str | None = None) -> str:
    """A count with thousands separators: ``12,345`` (a fraction is rounded to the whole number).

    With ``noun``, the count and the noun, singular for exactly one and plural otherwise (``noun + "s"``,
    or ``plural``): ``1 attempt``, ``0 attempts``, ``2 policies``.

    Examples
    --------
    >>> format_count(12345), format_count(-7), format_count(1e15), format_count(None)
    ('12,345', '-7', '1,000,000,000,000,000', '—')
    >>> format_count(1, "attempt"), format_count(3, "answer"), format_count(2, "policy", plural="policies")
    ('1 attempt', '3 answers', '2 policies')
    """
    x = _real("value", value)
    if x is None:
        text = MISSING
    elif math.isinf(x):
        text = _signed(x, "∞")
    else:
        text = _fixed(x, 0)
    if noun is None:
        return text
    return f"{text} {noun if text == '1' else (plural or noun + 's')}"


def format_number(value: Any, *, significant: int = 3) -> str:
    """A plain number with at least ``significant`` digits and thousands separators, never ``1e-05``.

    Whole places for numbers from 10**significant; at most six decimals (smaller reads
    ``<0.000001``). Trailing zeros after the point are dropped.

    Examples
    --------
    >>> format_number(6738859.25), format_number(3.14159), format_number(0.000123456), format_number(-2.5)
    ('6,738,859', '3.14', '0.000123', '-2.5')
    >>> format_number(3.6653e-161), format_number(0), format_number(float("inf"))
    ('<0.000001', '0', '∞')
    """
    x = _real("value", value)
    if isinstance(significant, bool) or not isinstance(significant, int) or not 1 <= significant <= 12:
        raise InputError(f"significant: expected a whole number from 1 to 12, got {significant!r}")
    if x is None:
        return MISSING
    if math.isinf(x):
        return _signed(x, "∞")
    if x == 0:
        return "0"
    size = abs(x)
    if size < 0.5 * 10**-_MAX_DECIMALS:
        return ("<" if x > 0 else ">-") + f"{10**-_MAX_DECIMALS:.{_MAX_DECIMALS}f}"
    places = min(_MAX_DECIMALS, max(0, significant - 1 - math.floor(math.log10(size))))
    text = _fixed(x, places)
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_p_value(p: Any, *, below: float = 0.001) -> str:
    """A p-value as read in a report: ``p < 0.001``, ``p = 0.03``, ``p = 0.004``.

    Two decimals from 0.01 (three when two would round a p below 0.05 up to ``0.05``), three decimals
    below 0.01, and ``p < below`` for anything smaller, however small.

    Examples
    --------
    >>> format_p_value(3.6653e-161), format_p_value(0.0312), format_p_value(0.004), format_p_value(0.5)
    ('p < 0.001', 'p = 0.03', 'p = 0.004', 'p = 0.50')
    >>> format_p_value(0.0496), format_p_value(1.0), format_p_value(float("nan"))
    ('p = 0.050', 'p = 1.00', 'p = —')
    """
    x = _real("p", p)
    if not isinstance(below, float | int) or isinstance(below, bool) or not 0 < below < 1:
        raise InputError(f"below: expected a number between 0 and 1, got {below!r}")
    if x is None:
        return f"p = {MISSING}"
    if not 0 <= x <= 1:
        raise InputError(f"p: expected a probability in [0, 1], got {p!r}")
    if x < below:
        return f"p < {format_number(below, significant=1)}"
    places = 2 if x >= 0.01 else 3
    if x < 0.05 <= round(x, 2):
        places = 3
    return f"p = {x:.{places}f}"


def format_duration(seconds: Any) -> str:
    """A duration given in seconds, in the units a person uses: ``42 s``, ``4 min 05 s``, ``2 h 05 min``.

    Under a minute: seconds (one decimal under 10 s unless whole); under 10 minutes: minutes and
    seconds; under an hour: minutes; under two days: hours and minutes; beyond: days, one decimal.

    Examples
    --------
    >>> format_duration(9.5), format_duration(42), format_duration(245), format_duration(1500)
    ('9.5 s', '42 s', '4 min 05 s', '25 min')
    >>> format_duration(7500), format_duration(5 * 86400), format_duration(0), format_duration(-30)
    ('2 h 05 min', '5.0 days', '0 s', '-30 s')
    """
    x = _real("seconds", seconds)
    if x is None:
        return MISSING
    if math.isinf(x):
        return _signed(x, "∞")
    size, sign = abs(x), "-" if x < 0 else ""
    if round(size, 1) < 60:
        places = 1 if size < 10 and round(size, 1) != round(size) else 0
        text = _fixed(size, places)
        return (sign if text.strip("0.") else "") + f"{text} s"
    if round(size) < 600:
        minutes, secs = divmod(round(size), 60)
        return f"{sign}{minutes} min {secs:02d} s"
    if round(size / 60) < 60:
        return f"{sign}{round(size / 60)} min"
    if size < 48 * 3600:
        hours, minutes = divmod(round(size / 60), 60)
        return f"{sign}{hours} h {minutes:02d} min"
    return f"{sign}{_fixed(size / 86400, 1)} days"


def _as_datetime(name: str, value: Any) -> datetime | date | None:
    if _is_missing(value):
        return None
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).to_pydatetime()
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    raise InputError(f"{name}: expected a date or datetime (or ISO 8601 text), got {value!r}")


def format_timestamp(value: Any, *, utc: bool = True) -> str:
    """A moment to the second: ``2026-11-02 09:00:05 UTC``; never microseconds.

    A timezone-aware time is shown in UTC (``utc=False``: in its own zone, with its offset); a naive
    one as it is, with no zone. Microseconds are cut, not rounded (a moment never moves forward).

    Examples
    --------
    >>> from datetime import datetime, timedelta, timezone
    >>> t = datetime(2026, 11, 2, 10, 0, 5, 987654, tzinfo=timezone(timedelta(hours=1)))
    >>> format_timestamp(t), format_timestamp(t, utc=False)
    ('2026-11-02 09:00:05 UTC', '2026-11-02 10:00:05 +01:00')
    >>> format_timestamp("2026-11-02T09:00:00.123456Z"), format_timestamp(None)
    ('2026-11-02 09:00:00 UTC', '—')
    """
    t = _as_datetime("value", value)
    if t is None:
        return MISSING
    if not isinstance(t, datetime):
        return t.isoformat()
    if t.utcoffset() is None:
        return f"{t:%Y-%m-%d %H:%M:%S}"
    if utc:
        return f"{t.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"
    offset = t.strftime("%z")
    return f"{t:%Y-%m-%d %H:%M:%S} {offset[:3]}:{offset[3:]}"


def format_date(value: Any, *, utc: bool = True) -> str:
    """A day: ``2026-11-02`` (a timezone-aware time is first taken to UTC unless ``utc=False``).

    Examples
    --------
    >>> from datetime import date, datetime, timezone
    >>> format_date(date(2026, 11, 2)), format_date(datetime(2026, 11, 2, 23, 59, tzinfo=timezone.utc))
    ('2026-11-02', '2026-11-02')
    """
    t = _as_datetime("value", value)
    if t is None:
        return MISSING
    if isinstance(t, datetime) and t.utcoffset() is not None and utc:
        t = t.astimezone(UTC)
    return f"{t:%Y-%m-%d}"
