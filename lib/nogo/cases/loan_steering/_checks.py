"""Private to :mod:`nogo.cases.loan_steering`: the frame check and the tolerance its submodules share."""

from __future__ import annotations

from typing import Any

import pandas as pd

from nogo.errors import InputError

__all__ = ["HALF_CENT_USD", "check_frame"]

HALF_CENT_USD = 0.005
"""A total cost change of at most half a cent is no change (rounding, not a cost)."""


def check_frame(frame: Any, who: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """``frame`` itself, once it is a non-empty DataFrame with ``columns`` (the errors name ``who``)."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{who}: expected a pandas DataFrame, got {type(frame).__name__}")
    if len(frame) == 0:
        raise InputError(f"{who}: expected at least one row, got an empty frame")
    for col in columns:
        if col not in frame.columns:
            have = ", ".join(map(str, frame.columns))
            raise InputError(f"{who}: column {col!r} not found (columns: {have})")
    return frame
