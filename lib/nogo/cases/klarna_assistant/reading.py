"""The Klarna case's tables as a reader reads them: each figure of the record in its own unit.

Examples
--------
>>> figures = pd.DataFrame({"figure": ["chats", "share"], "kind": ["input", "consistency"],
...     "published": [2.3e6, 0.667], "reconstructed": [2.3e6, 0.6611], "unit": ["conversations",
...     "share of chats"], "tolerance": [0.0, 0.05], "relative_error": [0.0, 0.009],
...     "within_tolerance": [True, True]})
>>> print(record_table(figures)[["published", "reconstructed", "relative_error"]].to_string(index=False))
published reconstructed relative_error
2,300,000     2,300,000           0.0%
    66.7%         66.1%           0.9%
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from nogo.errors import InputError
from nogo.formatting import format_frame, format_number, format_percent, format_usd

__all__ = ["record_table"]


def _whole(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else format_number(value)


_BY_UNIT: dict[str, Callable[[float], str]] = {
    "USD": lambda v: format_usd(v, decimals=0),
    "share of chats": lambda v: format_percent(v, decimals=1),
    "relative change": lambda v: format_percent(v, decimals=1),
}


def record_table(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` (from ``CaseFile.compare_figures``) as text: each value in its row's unit.

    USD in whole dollars, shares and relative changes as percentages, counts and minutes as numbers;
    ``tolerance`` and ``relative_error`` as percentages; the other columns as they are.
    """
    missing = [c for c in ("published", "reconstructed", "unit") if c not in figures.columns]
    if missing:
        raise InputError(f"figures: missing column(s) {', '.join(missing)} (see CaseFile.compare_figures)")
    out = figures.copy()
    for column in ("published", "reconstructed"):
        out[column] = [
            _BY_UNIT.get(str(unit), _whole)(float(value))
            for value, unit in zip(figures[column], figures["unit"], strict=True)
        ]
    percent = {c: (lambda v: format_percent(v, decimals=1)) for c in ("tolerance", "relative_error")}
    return format_frame(out, {c: f for c, f in percent.items() if c in out.columns})
