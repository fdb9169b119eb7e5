"""The loan case's tables as a reader reads them: numbers in their units, never scientific notation."""

from __future__ import annotations

from functools import partial

import pandas as pd

from nogo.cases.loan_steering._checks import check_frame
from nogo.formatting import format_bps, format_frame, format_number, format_percent, format_usd

__all__ = ["record_table"]

_BY_UNIT = {"USD": format_usd, "basis points": partial(format_bps, decimals=1)}


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
