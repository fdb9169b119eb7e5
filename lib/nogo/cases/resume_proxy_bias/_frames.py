"""Private to this case: a column of an applicant pool or decision log, with errors that name it."""

from __future__ import annotations

import pandas as pd

from nogo.errors import InputError

__all__ = ["column"]


def column(frame: pd.DataFrame, name: str, arg: str, where: str = "pool") -> pd.Series:
    """``frame[name]`` with a fresh index; the errors name the argument ``arg`` and the ``where``."""
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{where}: expected a pandas DataFrame, got {type(frame).__name__}")
    if name not in frame.columns:
        raise InputError(f"{arg}: column {name!r} not in the {where}")
    return frame[name].reset_index(drop=True)
