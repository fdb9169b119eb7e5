"""Kinematics of the last seconds: distance, stopping, the speed at impact and the share of harm left.

Plain constant-deceleration physics (no tyre model, no brake build-up time): a car at ``speed_mph`` that
starts braking at ``decel_mps2`` when ``brake_seconds`` remain before it reaches a point (at its speed,
``speed * brake_seconds`` metres away) reaches that point at

``v_impact = sqrt(max(0, v**2 - 2 * a * v * brake_seconds))``

and stops short of it when ``brake_seconds >= v / (2 a)`` (:func:`seconds_to_stop_short`). The share of
harm left (:func:`harm_share`) is the share of the car's kinetic energy left at the point,
``(v_impact / v) ** 2 = max(0, 1 - brake_seconds / (v / (2 a)))``: an ASSUMPTION of this case (harm
grows with the energy of the impact), not a finding of any report. The deceleration is an assumption too;
every result here is a model output, never a published figure.

Examples
--------
>>> round(float(mph_to_mps(43.0)[0]), 3)
19.223
>>> round(float(stopping_distance_m(43.0, 7.0)[0]), 1)  # from 43 mph at 7 m/s2, no reaction time
26.4
>>> round(float(impact_speed_mph(43.0, 7.0, brake_seconds=0.2)[0]), 1)  # braking 0.2 s before the point
39.7
>>> float(harm_share(43.0, 7.0, brake_seconds=[0.0, 5.6]).max())
1.0
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from nogo._validate import as_float_array
from nogo.errors import InputError

__all__ = [
    "MPS_PER_MPH",
    "distance_m",
    "harm_share",
    "impact_speed_mph",
    "mph_to_mps",
    "seconds_to_stop_short",
    "stopping_distance_m",
]

MPS_PER_MPH = 0.44704
"""Metres per second in one mile per hour (exact: 1,609.344 m / 3,600 s)."""


def _decel(decel_mps2: npt.ArrayLike) -> np.ndarray:
    a = as_float_array("decel_mps2", decel_mps2)
    if (a <= 0).any():
        raise InputError(f"decel_mps2: expected a deceleration above 0 m/s2, got {a[a <= 0][0]!r}")
    return a


def mph_to_mps(speed_mph: npt.ArrayLike) -> np.ndarray:
    """Miles per hour to metres per second."""
    return as_float_array("speed_mph", speed_mph, nonnegative=True) * MPS_PER_MPH


def distance_m(speed_mph: npt.ArrayLike, seconds: npt.ArrayLike) -> np.ndarray:
    """Metres travelled in ``seconds`` at a constant ``speed_mph``.

    Examples
    --------
    >>> distance_m([39.0, 43.0], 1.3).round(1).tolist()  # the 1.3 s before impact, at 39 and 43 mph
    [22.7, 25.0]
    """
    return mph_to_mps(speed_mph) * as_float_array("seconds", seconds, nonnegative=True)


def stopping_distance_m(
    speed_mph: npt.ArrayLike, decel_mps2: npt.ArrayLike, reaction_seconds: npt.ArrayLike = 0.0
) -> np.ndarray:
    """Metres from the moment a hazard is seen to standstill: ``v * reaction + v**2 / (2 a)``.

    Examples
    --------
    >>> stopping_distance_m(43.0, 7.0, reaction_seconds=[0.0, 1.5]).round(1).tolist()
    [26.4, 55.2]
    """
    v = mph_to_mps(speed_mph)
    a = _decel(decel_mps2)
    reaction = as_float_array("reaction_seconds", reaction_seconds, nonnegative=True)
    return v * reaction + v**2 / (2 * a)


def seconds_to_stop_short(speed_mph: npt.ArrayLike, decel_mps2: npt.ArrayLike) -> np.ndarray:
    """The least time before the point at which braking must start to stop short of it: ``v / (2 a)``.

    Examples
    --------
    >>> round(float(seconds_to_stop_short(43.0, 7.0)[0]), 2)
    1.37
    """
    return mph_to_mps(speed_mph) / (2 * _decel(decel_mps2))


def impact_speed_mph(
    speed_mph: npt.ArrayLike, decel_mps2: npt.ArrayLike, brake_seconds: npt.ArrayLike
) -> np.ndarray:
    """Speed at the point (mph) when braking starts ``brake_seconds`` before it; 0 when the car stops short.

    Examples
    --------
    >>> impact_speed_mph(43.0, 7.0, [0.0, 1.3, 5.6]).round(1).tolist()
    [43.0, 9.9, 0.0]
    """
    v = mph_to_mps(speed_mph)
    a = _decel(decel_mps2)
    t = as_float_array("brake_seconds", brake_seconds, nonnegative=True)
    return np.sqrt(np.maximum(0.0, v**2 - 2 * a * v * t)) / MPS_PER_MPH


def harm_share(
    speed_mph: npt.ArrayLike, decel_mps2: npt.ArrayLike, brake_seconds: npt.ArrayLike
) -> np.ndarray:
    """Share of the impact's energy left when braking starts ``brake_seconds`` before the point (an
    ASSUMED measure of harm): ``max(0, 1 - brake_seconds / seconds_to_stop_short)``; 1 with no braking.

    Examples
    --------
    >>> harm_share(43.0, 7.0, [0.0, 0.2, 1.3, 2.0]).round(3).tolist()
    [1.0, 0.854, 0.053, 0.0]
    """
    t = as_float_array("brake_seconds", brake_seconds, nonnegative=True)
    return np.maximum(0.0, 1.0 - t / seconds_to_stop_short(speed_mph, decel_mps2))
