"""The package's own errors, and the boundary checks that raise them.

Every check names the argument (or column), the first offending row and what was expected, so a user
reading the message can find the bad value without a debugger.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["InputError", "NogoError"]


class NogoError(Exception):
    """Base class for every error raised by :mod:`nogo`."""


class InputError(NogoError, ValueError):
    """Bad input at a boundary: a value, column or file that is not what was expected.

    It subclasses :class:`ValueError`, so ``except ValueError`` keeps working for callers that do not
    know the package.
    """


def _first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def as_float_array(
    name: str,
    values: npt.ArrayLike,
    *,
    finite: bool = True,
    nonnegative: bool = False,
    unit_interval: bool = False,
    allow_empty: bool = False,
) -> np.ndarray:
    """Convert ``values`` to a 1-d float array and check it, or raise :class:`InputError`.

    Parameters
    ----------
    name
        The argument or column name, used in the message.
    values
        A scalar or a 1-d array-like.
    finite
        Reject NaN and infinite values.
    nonnegative
        Reject values below zero (costs, counts, rates).
    unit_interval
        Reject values outside [0, 1] (probabilities).
    allow_empty
        Accept an empty array.

    Returns
    -------
    numpy.ndarray
        A float64 array of at least one dimension.
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name}: expected numbers, could not convert ({exc})") from None
    if arr.ndim > 1:
        raise InputError(f"{name}: expected a scalar or a 1-d array, got shape {arr.shape}")
    arr = np.atleast_1d(arr)
    if arr.size == 0 and not allow_empty:
        raise InputError(f"{name}: expected at least one value, got an empty array")
    if finite:
        bad = ~np.isfinite(arr)
        if bad.any():
            i = _first_bad(bad)
            raise InputError(
                f"{name}: expected finite numbers, found {arr[i].item()!r} at row {i} "
                f"({int(bad.sum())} non-finite value(s) in all)"
            )
    if nonnegative:
        bad = arr < 0
        if bad.any():
            i = _first_bad(bad)
            raise InputError(f"{name}: expected values >= 0, found {arr[i].item()!r} at row {i}")
    if unit_interval:
        bad = (arr < 0) | (arr > 1)
        if bad.any():
            i = _first_bad(bad)
            raise InputError(f"{name}: expected probabilities in [0, 1], found {arr[i].item()!r} at row {i}")
    return arr


def as_outcome_array(name: str, values: npt.ArrayLike) -> np.ndarray:
    """Convert outcomes to a bool array (True: acting would have been right), or raise.

    Accepts booleans and the numbers 0 and 1; anything else is named with its row.
    """
    arr = np.asarray(values)
    if arr.ndim != 1:
        arr = np.atleast_1d(arr)
        if arr.ndim != 1:
            raise InputError(f"{name}: expected a 1-d array, got shape {arr.shape}")
    if arr.size == 0:
        raise InputError(f"{name}: expected at least one value, got an empty array")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind in "iuf":
        bad = ~((arr == 0) | (arr == 1))
    else:  # strings, objects, missing values: compare element-wise, no conversion
        import pandas as pd

        bad = ~pd.Series(arr, dtype=object).isin([0, 1]).to_numpy()
    if bad.any():
        i = _first_bad(bad)
        value = arr[i].item() if hasattr(arr[i], "item") else arr[i]
        raise InputError(f"{name}: expected 0/1 or True/False outcomes, found {value!r} at row {i}")
    return arr.astype(np.float64) == 1


def check_same_length(arrays: Mapping[str, np.ndarray]) -> int:
    """Check that every non-scalar array has the same length; return that length.

    Arrays of length 1 broadcast. Raises :class:`InputError` naming the two lengths that disagree.
    """
    lengths = {k: len(v) for k, v in arrays.items() if len(v) != 1}
    if not lengths:
        return 1
    ref_name, ref_len = next(iter(lengths.items()))
    for k, n in lengths.items():
        if n != ref_len:
            raise InputError(
                f"{k}: expected {ref_len} values to match {ref_name}, got {n} "
                "(arrays must have one value per decision, or a single value)"
            )
    return ref_len


def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Check that ``value`` is one of ``allowed``; raise :class:`InputError` listing them."""
    if value not in allowed:
        raise InputError(f"{name}: expected one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def check_rate(name: str, value: float) -> float:
    """Check a scalar probability in [0, 1]."""
    arr = as_float_array(name, value, unit_interval=True)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single probability, got {arr.size} values")
    return float(arr[0])
