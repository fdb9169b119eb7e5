"""Small statistical building blocks shared by the models: intervals on a proportion.

Vectorised over arrays of counts; the same numbers as :func:`scipy.stats.binomtest`'s
``proportion_ci`` (which takes one count at a time), checked in the tests.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy import stats

from nogo._validate import as_float_array, check_choice, check_same_length
from nogo.errors import InputError

__all__ = ["proportion_interval", "proportion_upper_bound"]

_METHODS = ("wilson", "clopper-pearson")


def _counts(k: npt.ArrayLike, n: npt.ArrayLike, *, whole: bool = True) -> tuple[np.ndarray, np.ndarray]:
    k_arr = as_float_array("k", k, nonnegative=True)
    n_arr = as_float_array("n", n, nonnegative=True)
    check_same_length({"k": k_arr, "n": n_arr})
    k_arr, n_arr = np.broadcast_arrays(k_arr, n_arr)
    for name, arr in (("k", k_arr), ("n", n_arr)) if whole else ():
        fractional = arr != np.round(arr)
        if fractional.any():
            i = int(np.flatnonzero(fractional)[0])
            raise InputError(
                f"{name}: expected a whole number of trials or successes, found {arr[i]:g} at row {i}"
            )
    if (n_arr == 0).any():
        i = int(np.flatnonzero(n_arr == 0)[0])
        raise InputError(f"n: expected at least one trial, found 0 at row {i}")
    if (k_arr > n_arr).any():
        i = int(np.flatnonzero(k_arr > n_arr)[0])
        raise InputError(f"k: expected k <= n, found k={k_arr[i]:g} > n={n_arr[i]:g} at row {i}")
    return k_arr, n_arr


def _check_level(level: float) -> float:
    lv = float(as_float_array("level", level)[0])
    if not 0 < lv < 1:
        raise InputError(f"level: expected a confidence level strictly between 0 and 1, got {level!r}")
    return lv


def _bounds(k: np.ndarray, n: np.ndarray, alpha: float, method: str) -> tuple[np.ndarray, np.ndarray]:
    """Two one-sided bounds, each at confidence ``1 - alpha``."""
    if method == "wilson":
        z = stats.norm.ppf(1 - alpha)
        denom = n + z**2
        centre = (k + z**2 / 2) / denom
        half = z / denom * np.sqrt(k * (n - k) / n + z**2 / 4)
        return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)
    with np.errstate(invalid="ignore"):
        lo = np.where(k == 0, 0.0, stats.beta.ppf(alpha, k, n - k + 1))
        hi = np.where(k == n, 1.0, stats.beta.ppf(1 - alpha, k + 1, n - k))
    return lo, hi


def proportion_interval(
    k: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    level: float = 0.95,
    method: str = "wilson",
) -> tuple[np.ndarray, np.ndarray]:
    """Two-sided confidence interval for a proportion ``k / n``.

    Parameters
    ----------
    k, n
        Successes and trials (arrays broadcast).
    level
        Confidence level, e.g. 0.95.
    method
        ``"wilson"`` (score interval) or ``"clopper-pearson"`` (exact).

    Examples
    --------
    >>> lo, hi = proportion_interval(3, 100, method="clopper-pearson")
    >>> round(float(lo[0]), 4), round(float(hi[0]), 4)
    (0.0062, 0.0852)
    """
    check_choice("method", method, _METHODS)
    k_arr, n_arr = _counts(k, n)
    return _bounds(k_arr, n_arr, (1 - _check_level(level)) / 2, method)


def proportion_upper_bound(
    k: npt.ArrayLike,
    n: npt.ArrayLike,
    *,
    level: float = 0.95,
    method: str = "clopper-pearson",
    whole: bool = True,
) -> np.ndarray:
    """One-sided upper confidence bound on a proportion (an error rate, for a promotion gate).

    Counts must be whole numbers; ``whole=False`` accepts expected (fractional) counts, as when planning
    how many decisions a gate needs at an assumed error rate.

    Examples
    --------
    >>> round(float(proportion_upper_bound(0, 300)[0]), 4)  # the "rule of three": about 3/300
    0.0099
    """
    check_choice("method", method, _METHODS)
    k_arr, n_arr = _counts(k, n, whole=whole)
    return _bounds(k_arr, n_arr, 1 - _check_level(level), method)[1]
