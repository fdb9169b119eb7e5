"""Boundary checks shared by the submodules of :mod:`nogo.cases.pricing_feedback_loop` (private).

Each names the function and the column at fault; every public function checks its inputs with these
before it trusts them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_float_array, as_outcome_array, check_choice
from nogo.errors import InputError

__all__ = ["check_log", "column_values", "right_probability"]


def check_log(log: Any, who: str, columns: tuple[str, ...]) -> pd.DataFrame:
    """``log`` itself, once it is a non-empty DataFrame with ``columns`` (``who`` names the caller)."""
    if not isinstance(log, pd.DataFrame):
        raise InputError(f"log: expected a pandas DataFrame (a decision log), got {type(log).__name__}")
    if len(log) == 0:
        raise InputError("log: expected at least one decision, got an empty decision log")
    for col in columns:
        if col not in log.columns:
            available = ", ".join(map(str, log.columns)) or "none"
            raise InputError(f"{who}: column {col!r} not in the decision log (columns: {available})")
    return log


def column_values(log: pd.DataFrame, who: str, col: str) -> np.ndarray:
    """Column ``col`` as finite floats >= 0 (values, costs, days), the first bad row named."""
    return as_float_array(f"{who}: column {col!r}", log[col].to_numpy(), nonnegative=True)


def right_probability(log: pd.DataFrame, who: str, basis: str, prob_col: str) -> np.ndarray:
    """Probability (expected) or indicator (realised) that acting is right, per decision."""
    check_choice("basis", basis, ("realised", "expected"))
    if basis == "realised":
        check_log(log, who, ("outcome",))
        return as_outcome_array(f"{who}: column 'outcome'", log["outcome"].to_numpy()).astype(np.float64)
    check_log(log, who, (prob_col,))
    return as_float_array(f"{who}: column {prob_col!r}", log[prob_col].to_numpy(), unit_interval=True)
