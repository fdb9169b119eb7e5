"""The package's own errors, and the boundary checks that raise them.

Every check names the argument (or column), the first offending row and what was expected, so a user
reading the message can find the bad value without a debugger.

Shapes follow one rule. A *per-decision* argument (a column of a decision log: ``score``, ``outcome``,
``p``) is 1-d, one value per decision, and every per-decision argument of a call has the same length: a
single value never stands for a whole log (``as_float_array(..., per_decision=True)``,
``check_same_length(..., broadcast=False)``). A *parameter* (a cost, a rate, a capacity) may instead be
a single value that applies to every decision (``broadcast=True``, or the names that may). A scalar
option is one number (:func:`as_scalar`); a count is a whole number in its range
(:func:`check_whole_number`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
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


def _show(value: Any, width: int = 60) -> str:
    """``repr`` of a user's value for a message, plain Python for numpy scalars, cut to ``width``."""
    text = repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= width else text[: width - 3] + "..."


def _object_array(name: str, values: Any) -> np.ndarray:
    """``values`` as an object array that keeps each element's own type (so ``[1, 'yes']`` stays mixed)."""
    try:
        return np.asarray(values, dtype=object)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"{name}: expected an array of values, could not read {_show(values)} ({exc})"
        ) from None


def _shape_error(name: str, arr: np.ndarray, values: Any, per_decision: bool) -> InputError:
    if per_decision:
        got = f"a single value {_show(values)}" if arr.ndim == 0 else f"shape {arr.shape}"
        return InputError(f"{name}: expected a 1-d array (one value per decision), got {got}")
    return InputError(f"{name}: expected a scalar or a 1-d array, got shape {arr.shape}")


def _to_float(name: str, values: Any, per_decision: bool) -> np.ndarray:
    """Convert to float64; when that fails, name the first element that is not a number, and its row."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        reason = exc
    import pandas as pd

    obj = _object_array(name, values)
    if obj.ndim == 0:
        raise InputError(f"{name}: expected numbers, could not convert {_show(values)} ({reason})") from None
    if obj.ndim > 1:
        raise _shape_error(name, obj, values, per_decision)
    flat = pd.Series(obj, dtype=object)
    num = pd.to_numeric(flat, errors="coerce")  # vectorised: NaN where an element is not a number
    bad = (num.isna() & flat.notna()).to_numpy()
    if num.dtype.kind == "c":
        bad = bad | (np.imag(num.to_numpy()) != 0)
    if bad.any():
        i = _first_bad(bad)
        raise InputError(
            f"{name}: expected numbers, could not convert {_show(obj[i])} at row {i} "
            f"({int(bad.sum())} such value(s) in all)"
        )
    # Only missing markers (pd.NA, None) were in the way: they become NaN for the finiteness check.
    return num.to_numpy(dtype=np.float64, na_value=np.nan)


def as_float_array(
    name: str,
    values: npt.ArrayLike,
    *,
    finite: bool = True,
    nonnegative: bool = False,
    unit_interval: bool = False,
    allow_empty: bool = False,
    per_decision: bool = False,
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
    per_decision
        A column of a decision log: refuse a single number (0-d), which is not a log.

    Returns
    -------
    numpy.ndarray
        A float64 array of at least one dimension.

    Examples
    --------
    >>> as_float_array("score", [0.2, "abc", 0.4])
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: score: expected numbers, could not convert 'abc' at row 1 (1 such value(s) in all)
    >>> as_float_array("score", 0.5, per_decision=True)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: score: expected a 1-d array (one value per decision), got a single value 0.5
    """
    arr = _to_float(name, values, per_decision)
    if arr.ndim > 1 or (per_decision and arr.ndim == 0):
        raise _shape_error(name, arr, values, per_decision)
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


def as_outcome_array(name: str, values: npt.ArrayLike, *, per_decision: bool = False) -> np.ndarray:
    """Convert outcomes to a bool array (True: acting would have been right), or raise.

    Accepts booleans and the numbers 0 and 1; anything else (text, missing values) is named with its
    row. ``per_decision`` refuses a single (0-d) outcome, as :func:`as_float_array` does.

    Examples
    --------
    >>> as_outcome_array("outcome", [1, 0, True]).tolist()
    [True, False, True]
    >>> as_outcome_array("outcome", [1, 0, 1, 0, "yes"])
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: outcome: expected 0/1 or True/False outcomes, found 'yes' at row 4
    """
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged nested sequences
        arr = _object_array(name, values)
    if arr.dtype.kind in "USO" and not isinstance(values, np.ndarray):
        # A list mixing numbers and text converts to all-text ('1', '0', 'yes'); keep each value's type.
        arr = _object_array(name, values)
    if arr.ndim > 1 or (per_decision and arr.ndim == 0):
        raise _shape_error(name, arr, values, per_decision) if per_decision else InputError(
            f"{name}: expected a 1-d array, got shape {arr.shape}"
        )
    arr = np.atleast_1d(arr)
    if arr.size == 0:
        raise InputError(f"{name}: expected at least one value, got an empty array")
    if arr.dtype == bool:
        return arr
    if arr.dtype.kind in "iuf":
        bad = ~((arr == 0) | (arr == 1))
    else:  # text, objects, missing values, dates: compare element-wise, no conversion
        import pandas as pd

        bad = ~pd.Series(arr, dtype=object).isin([0, 1]).to_numpy()
    if bad.any():
        i = _first_bad(bad)
        raise InputError(f"{name}: expected 0/1 or True/False outcomes, found {_show(arr[i])} at row {i}")
    return arr.astype(np.float64) == 1


def check_same_length(
    arrays: Mapping[str, np.ndarray], *, broadcast: bool | Collection[str] = True
) -> int:
    """Check that the arrays have one length (one value per decision); return that length.

    Parameters
    ----------
    arrays
        Name to 1-d array, in the order the names should be reported.
    broadcast
        Which arrays may instead hold a single value that applies to every decision: ``True`` (all of
        them: parameters such as costs), ``False`` (none: the columns of a decision log, where a single
        score is not a log of twenty) or the names that may (``check_same_length({"p": p, **costs},
        broadcast=costs)``).

    Raises :class:`InputError` naming the array whose length disagrees, the length expected and the
    array that set it: the first per-decision array with more than one value, else the first that has.

    Examples
    --------
    >>> check_same_length({"score": np.ones(3), "cost": np.ones(1)}, broadcast=["cost"])
    3
    >>> check_same_length({"score": np.ones(1), "outcome": np.ones(3)}, broadcast=False)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: score: expected 3 values to match outcome, got 1 (one value per decision; ...
    """
    if broadcast is True:
        loose = set(arrays)
    elif broadcast is False:
        loose = set()
    else:
        loose = set(broadcast)
    strict = [k for k in arrays if k not in loose]
    candidates = [k for k in strict if len(arrays[k]) != 1] or [k for k in arrays if len(arrays[k]) != 1]
    if not candidates:
        return 1
    ref_name = candidates[0]
    ref_len = len(arrays[ref_name])
    for k in strict:
        if len(arrays[k]) != ref_len:
            raise InputError(
                f"{k}: expected {ref_len} values to match {ref_name}, got {len(arrays[k])} "
                "(one value per decision; a single value does not stand for the whole log)"
            )
    for k, v in arrays.items():
        if k not in strict and len(v) not in (1, ref_len):
            raise InputError(
                f"{k}: expected {ref_len} values to match {ref_name}, got {len(v)} "
                "(arrays must have one value per decision, or a single value)"
            )
    return ref_len


def as_scalar(
    name: str,
    value: Any,
    *,
    finite: bool = True,
    nonnegative: bool = False,
    positive: bool = False,
    unit_interval: bool = False,
) -> float:
    """One number for a scalar option (a level, a span of days, a capacity), checked; or raise.

    A list of several values is refused rather than read by its first element.

    Examples
    --------
    >>> as_scalar("days", 7)
    7.0
    >>> as_scalar("days", [7, 14])
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: days: expected a single number, got 2 values
    """
    arr = as_float_array(name, value, finite=finite, nonnegative=nonnegative, unit_interval=unit_interval)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single number, got {arr.size} values")
    v = float(arr[0])
    if positive and not v > 0:
        raise InputError(f"{name}: expected a number > 0, got {_show(value)}")
    return v


def check_whole_number(
    name: str, value: Any, *, low: int, high: int | None = None, high_label: str = ""
) -> int:
    """A count (a number of bins, folds, replicates; a seed): an integer in ``[low, high]``, not a bool.

    ``high_label`` says where the upper bound comes from (``"the decisions"``).

    Examples
    --------
    >>> check_whole_number("n_folds", 5, low=2, high=20, high_label="the decisions")
    5
    >>> check_whole_number("n_folds", 50, low=2, high=20, high_label="the decisions")
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: n_folds: expected a whole number from 2 to 20 (the decisions), got 50
    """
    ok = isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)
    if ok and value >= low and (high is None or value <= high):
        return int(value)
    if high is None:
        expected = "a positive whole number" if low == 1 else f"a whole number >= {low}"
    else:
        expected = f"a whole number from {low} to {high}" + (f" ({high_label})" if high_label else "")
    raise InputError(f"{name}: expected {expected}, got {_show(value)}")


def check_choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    """Check that ``value`` is one of ``allowed``; raise :class:`InputError` listing them."""
    try:
        known = value in allowed
    except (TypeError, ValueError):  # unhashable, or an array: not one of the choices
        known = False
    if not known:
        raise InputError(f"{name}: expected one of {', '.join(map(repr, allowed))}, got {_show(value)}")
    return value


def check_rate(name: str, value: float) -> float:
    """Check a scalar probability in [0, 1]."""
    arr = as_float_array(name, value, unit_interval=True)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single probability, got {arr.size} values")
    return float(arr[0])
