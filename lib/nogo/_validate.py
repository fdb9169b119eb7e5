"""Boundary checks shared by every layer: the one private module that helpers are shared through.

Every check names the argument (or column), the first offending row and what was expected, so a user
reading the message can find the bad value without a debugger; each raises
:class:`nogo.errors.InputError`. Modules import these checks from here, never another module's private
helpers; :mod:`nogo.errors` re-exports the older public ones (``from nogo.errors import check_rate``).

Shapes follow one rule. A *per-decision* argument (a column of a decision log: ``score``, ``outcome``,
``p``) is 1-d, one value per decision, and every per-decision argument of a call has the same length: a
single value never stands for a whole log (``as_float_array(..., per_decision=True)``,
``check_same_length(..., broadcast=False)``). A *parameter* (a cost, a rate, a capacity) may instead be
a single value that applies to every decision (``broadcast=True``, or the names that may). A scalar
option is one number (:func:`as_scalar`, or :func:`as_bounded_scalar` with bounds); a count is a whole
number in its range (:func:`check_whole_number`, :func:`check_count`); a seed becomes a generator
(:func:`as_rng`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from nogo.errors import InputError

__all__ = [
    "as_bounded_scalar",
    "as_float_array",
    "as_months",
    "as_outcome_array",
    "as_paired_counts",
    "as_rng",
    "as_scalar",
    "as_whole_numbers",
    "check_choice",
    "check_count",
    "check_items",
    "check_rate",
    "check_same_length",
    "check_whole_number",
]


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
        raise (
            _shape_error(name, arr, values, per_decision)
            if per_decision
            else InputError(f"{name}: expected a 1-d array, got shape {arr.shape}")
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


def check_same_length(arrays: Mapping[str, np.ndarray], *, broadcast: bool | Collection[str] = True) -> int:
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


def as_bounded_scalar(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    expected: str | None = None,
) -> float:
    """One finite number within optional bounds, or :class:`InputError` naming ``name``.

    ``low_open``/``high_open`` exclude the bound itself; ``expected`` replaces the generated description
    of the range in the message ("a slope > 0").

    Examples
    --------
    >>> as_bounded_scalar("rate", 0.5, low=0.0, high=1.0)
    0.5
    >>> as_bounded_scalar("beta", 0, low=0.0, low_open=True, expected="a slope > 0")
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: beta: expected a slope > 0, got 0
    >>> as_bounded_scalar("share", 2, low=0.0, high=1.0, high_open=True)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: share: expected a number >= 0 and < 1, got 2
    """
    arr = as_float_array(name, value)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single number, got {arr.size} values")
    v = float(arr[0])
    bad_low = low is not None and (v <= low if low_open else v < low)
    bad_high = high is not None and (v >= high if high_open else v > high)
    if bad_low or bad_high:
        if expected is None:
            lo = "" if low is None else f"{'>' if low_open else '>='} {low:g}"
            hi = "" if high is None else f"{'<' if high_open else '<='} {high:g}"
            expected = "a number " + " and ".join(s for s in (lo, hi) if s)
        raise InputError(f"{name}: expected {expected}, got {value!r}")
    return v


def check_count(name: str, value: Any) -> int:
    """A positive whole number (a number of days, paths, bins), not a bool.

    Examples
    --------
    >>> check_count("days", 30)
    30
    >>> check_count("days", 2.5)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: days: expected a positive whole number, got 2.5
    """
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise InputError(f"{name}: expected a positive whole number, got {value!r}")
    return int(value)


def as_rng(seed: Any) -> np.random.Generator:
    """A generator from a whole-number seed, or a generator passed through; never a global seed.

    Examples
    --------
    >>> float(as_rng(0).random()) == float(np.random.default_rng(0).random())
    True
    >>> as_rng("0")
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: seed: expected a whole number or a numpy Generator, got '0'
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer):
        raise InputError(f"seed: expected a whole number or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def as_whole_numbers(
    name: str, values: npt.ArrayLike, *, low: int | None = None, unit: str = "numbers"
) -> np.ndarray:
    """A float array of whole numbers ``>= 0`` (and ``>= low`` when given), e.g. months or counts.

    ``unit`` names what they count in the message ("whole months >= 1").

    Examples
    --------
    >>> as_whole_numbers("term_months", [12, 360], low=1, unit="months").tolist()
    [12.0, 360.0]
    >>> as_whole_numbers("term_months", [12, 0.5], low=1, unit="months")
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: term_months: expected whole months >= 1, found 0.5 at row 1
    """
    arr = as_float_array(name, values, nonnegative=True)
    bad = arr != np.floor(arr)
    if low is not None:
        bad = bad | (arr < low)
    if bad.any():
        i = _first_bad(bad)
        expected = f"whole {unit}" + ("" if low is None else f" >= {low}")
        raise InputError(f"{name}: expected {expected}, found {arr[i]:g} at row {i}")
    return arr


def as_paired_counts(errors: npt.ArrayLike, decisions: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Error and decision counts (whole numbers, errors <= decisions), broadcast to one shape.

    Examples
    --------
    >>> k, n = as_paired_counts([0, 3], 100)
    >>> k.tolist(), n.tolist()
    ([0.0, 3.0], [100.0, 100.0])
    >>> as_paired_counts([5], [4])
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: errors: expected errors <= decisions, found 5 > 4 at row 0
    """
    k, n = as_whole_numbers("errors", errors), as_whole_numbers("decisions", decisions)
    check_same_length({"errors": k, "decisions": n})
    k, n = np.broadcast_arrays(k, n)
    if (k > n).any():
        i = _first_bad(k > n)
        raise InputError(f"errors: expected errors <= decisions, found {k[i]:g} > {n[i]:g} at row {i}")
    return k, n


def check_items(kind: str, items: Any, cls: type) -> tuple[Any, ...]:
    """A tuple of ``cls`` instances (one alone is accepted) with distinct ``.name``; or raise.

    The message names the first item of another type, with its position, or the first shared name.

    Examples
    --------
    >>> from collections import namedtuple
    >>> Rule = namedtuple("Rule", "name")
    >>> len(check_items("rules", [Rule("a"), Rule("b")], Rule))
    2
    >>> check_items("rules", [Rule("a"), "b"], Rule)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: rules: expected a Rule, got str at position 1
    """
    out = (items,) if isinstance(items, cls) else tuple(items)
    for i, item in enumerate(out):
        if not isinstance(item, cls):
            raise InputError(f"{kind}: expected a {cls.__name__}, got {type(item).__name__} at position {i}")
    names = [item.name for item in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f"{kind}: two share the name {dupes[0]!r}; give one a label")
    return out


def as_months(name: str, values: npt.ArrayLike, low: int = 0) -> np.ndarray:
    """Whole months ``>= low`` (a term, a forbearance, a window), as floats; or raise.

    Examples
    --------
    >>> as_months("forbearance_months", [3, 6], low=1).tolist()
    [3.0, 6.0]
    >>> as_months("term_months", 0, low=1)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: term_months: expected whole months >= 1, found 0 at row 0
    """
    return as_whole_numbers(name, values, low=low, unit="months")
