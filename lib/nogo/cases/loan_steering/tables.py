"""The loan case's tables as a reader reads them: numbers in their units, headers in words.

:func:`readable` formats any of the case's tables (``nogo.format_frame``: never scientific notation) and
writes its headers as words, so a table fits the page; :func:`record_table` formats the check against the
record, whose values change unit from row to row.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import pandas as pd

from nogo.cases.loan_steering._checks import check_frame
from nogo.formatting import format_bps, format_frame, format_number, format_percent, format_usd

__all__ = ["readable", "record_table"]

_BY_UNIT = {"USD": format_usd, "basis points": partial(format_bps, decimals=1)}
_UNIT = re.compile(r"_(usd|bps)(?=_|$)")


def _header(name: Any) -> Any:
    """A column or index name in words: no unit (the values carry it), spaces for underscores."""
    return _UNIT.sub("", name).replace("_", " ") if isinstance(name, str) else name


def readable(
    frame: pd.DataFrame,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    *,
    compact: bool = False,
) -> pd.DataFrame:
    """``frame`` as text a reader reads: ``nogo.format_frame(frame, formats)``, headers as words.

    Each value is formatted by the unit in its column's name (or ``formats``, keyed by the original
    names; a unit inside a name counts, as in ``extra_interest_usd_per_borrower``); then the headers and
    index names lose their unit (``_usd``, ``_bps``: the values now say ``$`` or ``bps``) and their
    underscores, so long headers wrap and the table fits the page.

    Examples
    --------
    >>> frame = pd.DataFrame({"n_borrowers": [5991], "harm_rate": [0.79], "mean_cost_change_usd": [3887.5],
    ...                       "rate_gap_bps": [32.36], "extra_usd_total": [295204.0]},
    ...                      index=pd.Index(["C"], name="group"))
    >>> shown = readable(frame)
    >>> shown.columns.tolist(), shown.index.name
    (['n borrowers', 'harm rate', 'mean cost change', 'rate gap', 'extra total'], 'group')
    >>> shown.iloc[0].tolist()
    ['5,991', '79%', '$3,888', '32 bps', '$295,204']
    """
    given = dict(formats or {})
    for column in frame.columns:  # a unit inside a name ("extra_usd_per_borrower"): its values carry it too
        unit = _UNIT.search(column) if isinstance(column, str) else None
        if unit and column not in given and pd.api.types.is_numeric_dtype(frame[column]):
            given[column] = unit.group(1)
    out = format_frame(frame, given, compact=compact)
    headers = [_header(c) for c in out.columns]
    if len(set(map(str, headers))) < len(headers):  # two names would read alike: keep them as they are
        return out
    out.columns = pd.Index(headers, name=_header(out.columns.name))
    out.index = out.index.set_names([_header(n) for n in out.index.names])
    return out


def record_table(figures: pd.DataFrame) -> pd.DataFrame:
    """``figures`` (from ``CaseFile.compare_figures``) as text: each value in its row's unit.

    ``published`` and ``reconstructed`` in the row's ``unit`` (dollars, or basis points to one decimal),
    ``tolerance`` and ``relative_error`` as percentages; every other column as it is.

    Examples
    --------
    >>> figures = pd.DataFrame({"figure": ["markup", "damages"], "kind": ["consistency", "input"],
    ...     "published": [20.0, 8e7], "reconstructed": [17.606, 8e7], "unit": ["basis points", "USD"],
    ...     "tolerance": [0.2, 0.0], "relative_error": [0.1197, 0.0], "within_tolerance": [True, True]})
    >>> print(record_table(figures).to_string(index=False))
     figure        kind   published reconstructed         unit tolerance relative_error within_tolerance
     markup consistency    20.0 bps      17.6 bps basis points       20%            12%             True
    damages       input $80,000,000   $80,000,000          USD        0%             0%             True
    """
    figures = check_frame(figures, "figures", ("published", "reconstructed", "unit"))
    out = figures.copy()
    for column in ("published", "reconstructed"):
        out[column] = [
            _BY_UNIT.get(str(unit), format_number)(value)
            for value, unit in zip(figures[column], figures["unit"], strict=True)
        ]
    percent = {c: format_percent for c in ("tolerance", "relative_error") if c in out.columns}
    return format_frame(out, percent)
