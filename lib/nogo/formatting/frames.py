"""Tables people read: a DataFrame's columns formatted by the unit in their names.

:func:`format_frame` turns each column into text with :mod:`nogo.formatting.numbers`, choosing the
format from the column's name and type (:func:`column_unit`): ``*_usd`` currency, ``*_bps`` basis
points, ``*rate``, ``*share`` and ``accuracy`` percentages, ``p_value`` p-values, ``*_seconds``,
``*_minutes`` and ``*_hours`` durations, dates and times to the second, whole numbers with thousands
separators, other numbers plainly. Never scientific notation, never microseconds. :func:`style_frame`
does the same as a pandas ``Styler`` (the numbers stay numbers, so sorting still works) whose table
carries the classes that keep JupyterLab's maths typesetting away from the dollar signs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pandas as pd

from nogo.errors import InputError
from nogo.formatting.maths import MATH_IGNORE_CLASSES
from nogo.formatting.numbers import (
    MISSING,
    format_bps,
    format_count,
    format_date,
    format_duration,
    format_number,
    format_p_value,
    format_percent,
    format_timestamp,
    format_usd,
)

__all__ = ["UNITS", "column_unit", "format_frame", "style_frame", "text_table"]


def _scaled(factor: float, value: Any) -> str:
    return format_duration(value if pd.isna(value) else value * factor)


def _text(value: Any) -> str:
    return MISSING if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


UNITS: dict[str, Callable[[Any], str]] = {
    "usd": format_usd,
    "usd_compact": partial(format_usd, compact=True),
    "bps": format_bps,
    "percent": format_percent,
    "p_value": format_p_value,
    "seconds": format_duration,
    "minutes": partial(_scaled, 60.0),
    "hours": partial(_scaled, 3600.0),
    "count": format_count,
    "number": format_number,
    "timestamp": format_timestamp,
    "date": format_date,
    "text": _text,
}
"""Each unit :func:`format_frame` knows, and the function that formats one value in it."""

_BY_NAME: tuple[tuple[str, str], ...] = (
    (r"_usd$", "usd"),
    (r"_bps$", "bps"),
    (r"(^|_)(rate|share|accuracy)$", "percent"),
    (r"(^|_)p_?value$", "p_value"),
    (r"_seconds$", "seconds"),
    (r"_minutes$", "minutes"),
    (r"_hours$", "hours"),
)


def column_unit(name: Any, dtype: Any = None) -> str:
    """The unit a column is shown in: from its name's suffix, else from its type (a key of :data:`UNITS`).

    Examples
    --------
    >>> [column_unit(c) for c in ["cost_usd", "spread_bps", "error_rate", "accuracy", "p_value"]]
    ['usd', 'bps', 'percent', 'percent', 'p_value']
    >>> column_unit("attempts", "int64"), column_unit("score", "float64")
    ('count', 'number')
    >>> column_unit("when", "datetime64[s]"), column_unit("total_regret_usd", "int64")
    ('timestamp', 'usd')
    >>> column_unit("learner", "object"), column_unit("correct", "bool")
    ('text', 'text')
    """
    text = str(name)
    for pattern, unit in _BY_NAME:
        if re.search(pattern, text):
            return unit
    if dtype is None:
        return "text"
    if pd.api.types.is_bool_dtype(dtype):
        return "text"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "timestamp"
    if pd.api.types.is_integer_dtype(dtype):
        return "count"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    return "text"


def _formatters(
    frame: pd.DataFrame, formats: Mapping[str, str | Callable[[Any], str]] | None, compact: bool
) -> dict[Any, Callable[[Any], str]]:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
    given = dict(formats or {})
    for column, how in given.items():
        if column not in frame.columns:
            raise InputError(
                f"formats: no column {column!r} in the frame; it has {', '.join(map(str, frame))}"
            )
        if not callable(how) and how not in UNITS:
            raise InputError(
                f"formats[{column!r}]: expected a function or one of {', '.join(UNITS)}, got {how!r}"
            )
    out: dict[Any, Callable[[Any], str]] = {}
    for column in frame.columns:
        how = given.get(column) or column_unit(column, frame[column].dtype)
        if how == "usd" and compact:
            how = "usd_compact"
        out[column] = how if callable(how) else UNITS[how]
    return out


def format_frame(
    frame: pd.DataFrame,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    *,
    compact: bool = False,
) -> pd.DataFrame:
    """A copy of ``frame`` with every cell as the text a person reads, formatted by unit.

    Parameters
    ----------
    frame
        Any DataFrame (the index is kept as it is).
    formats
        Per column, a unit (a key of :data:`UNITS`) or a function of one value, overriding the unit
        :func:`column_unit` reads from the column's name and type.
    compact
        Currency as ``$1.2M`` rather than ``$1,234,567`` (narrow tables, the terminal).

    Examples
    --------
    >>> import numpy as np
    >>> t = pd.to_datetime(["2026-11-02 09:00:00.123456", None], utc=True)
    >>> df = pd.DataFrame({"attempts": [12345, 3], "accuracy": [1 / 3, np.nan],
    ...     "regret_usd": [6738859.25, -40.0], "p_value": [3.6653e-161, 0.03],
    ...     "time_taken_seconds": [245.0, 9.5], "last": t})
    >>> print(format_frame(df, compact=True).to_string(index=False))
    attempts accuracy regret_usd   p_value time_taken_seconds                    last
      12,345      33%      $6.7M p < 0.001         4 min 05 s 2026-11-02 09:00:00 UTC
           3        —       -$40  p = 0.03              9.5 s                       —
    """
    how = _formatters(frame, formats, compact)
    return pd.DataFrame(
        {column: frame[column].map(how[column]).astype(object) for column in frame.columns},
        index=frame.index,
    ).set_axis(frame.columns, axis=1)


def style_frame(
    frame: pd.DataFrame,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    *,
    compact: bool = False,
) -> Any:
    """``frame.style`` with each column formatted as :func:`format_frame` would, safe from maths.

    The table carries the ``mathjax_ignore`` and ``tex2jax_ignore`` classes, so two dollar amounts
    never typeset as maths in JupyterLab; the values stay numbers.

    Examples
    --------
    >>> from nogo.formatting import html_dollars
    >>> html = style_frame(pd.DataFrame({"cost_usd": [1200.0, 35.5]})).to_html()
    >>> "$1,200" in html and "$35.50" in html, html_dollars(html)
    (True, 0)
    """
    how = _formatters(frame, formats, compact)
    styler = frame.style.format(how)
    styler = styler.set_table_attributes(f'class="{MATH_IGNORE_CLASSES}"')
    return styler


def text_table(
    frame: pd.DataFrame,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
    compact: bool = True,
) -> str:
    """A plain-text table for a terminal or a printed summary: numbers right-aligned, text left.

    Cells as :func:`format_frame` writes them (currency compact by default, to stay narrow); columns
    two spaces apart; ``headers`` renames columns for display; the index is left out.

    Examples
    --------
    >>> df = pd.DataFrame({"case_id": ["loan-steering", "template"], "attempts": [3, 12345],
    ...     "total_regret_usd": [6738859.25, -40.0]})
    >>> print(text_table(df, headers={"case_id": "case", "total_regret_usd": "regret"}))
    case           attempts  regret
    loan-steering         3   $6.7M
    template         12,345    -$40
    """
    how = _formatters(frame, formats, compact)
    names = {c: str((headers or {}).get(c, c)) for c in frame.columns}
    lines = [[names[c] for c in frame.columns]]
    cells = {c: [how[c](v) for v in frame[c]] for c in frame.columns}
    lines += [[cells[c][i] for c in frame.columns] for i in range(len(frame))]
    width = {c: max(len(row[k]) for row in lines) for k, c in enumerate(frame.columns)}
    left = {c: column_unit(c, frame[c].dtype) in ("text", "timestamp", "date") for c in frame.columns}
    rows = [
        "  ".join(
            v.ljust(width[c]) if left[c] else v.rjust(width[c])
            for v, c in zip(row, frame.columns, strict=True)
        )
        for row in lines
    ]
    return "\n".join(row.rstrip() for row in rows)
