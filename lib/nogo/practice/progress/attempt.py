"""One answer in a drill: the :class:`Attempt` record, its columns and the checks on its fields."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from nogo._validate import check_choice
from nogo.errors import InputError

__all__ = ["DRILLS", "Attempt"]

DRILLS: tuple[str, ...] = ("stream", "policy", "launch", "commit", "premortem", "signature")
"""The drills whose answers the store keeps (the schema's ``CHECK`` on ``attempts.drill``)."""

TS_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # fixed width, so text order is time order
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
ATTEMPT_COLUMNS = [
    "attempt_id", "learner", "case_id", "variant_seed", "drill", "item", "choice", "cost_usd",
    "optimal_choice", "optimal_cost_usd", "time_taken_seconds", "timestamp_utc", "session_id",
    "confidence", "score", "justification",
]  # fmt: skip
MARK_COLUMNS = [
    "mark_id", "learner", "case_id", "variant_seed", "session_id", "attempt_id", "dimension", "score",
    "scale_max", "comment", "marked_by", "timestamp_utc",
]  # fmt: skip
KEY = ["learner", "case_id", "variant_seed", "drill", "item"]
"""What identifies one item for review: a learner's answers to it are its history."""


@dataclass(frozen=True)
class Attempt:
    """One answer in a drill. Costs are what the choice cost and what the optimal choice would have.

    ``regret_usd = cost_usd - optimal_cost_usd`` may be negative when a realised outcome made the
    learner's choice cheaper than the expected-cost-optimal one. ``timestamp`` must be timezone-aware
    (``None``: the store's clock). The last three are optional: ``confidence``, the learner's stated
    chance (0 to 1) that ``choice`` is right (a committed call's confidence: the track record's
    calibration reads it); ``score``, the drill's score on its own scale when that is not dollars (the
    pre-mortem's rank correlation, -1 to 1); ``justification``, what the learner wrote for it.
    """

    learner: str
    case_id: str
    variant_seed: int
    drill: str
    item: str
    choice: str
    cost_usd: float
    optimal_choice: str
    optimal_cost_usd: float
    time_taken_seconds: float
    timestamp: datetime | None = None
    session_id: str | None = None
    confidence: float | None = None
    score: float | None = None
    justification: str | None = None


def check_text(name: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name}: expected a non-empty string, got {value!r}")
    return value


def check_slug(name: str, value: Any) -> str:
    if not isinstance(value, str) or not _SLUG.fullmatch(value):
        raise InputError(f"{name}: expected a kebab-case case id such as 'loan-steering', got {value!r}")
    return value


def check_seed(name: str, value: Any) -> int:
    try:
        seed = operator.index(value)
    except TypeError:
        seed = -1
    if isinstance(value, bool) or not 0 <= seed < 2**63:
        raise InputError(f"{name}: expected an integer in [0, 2**63), got {value!r}")
    return seed


def check_number(name: str, value: Any, *, upper: float = math.inf, positive: bool = False) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        x = math.nan
    if isinstance(value, bool) or not math.isfinite(x) or not (0 < x if positive else 0 <= x) or x > upper:
        bound = "> 0" if positive else ">= 0"
        upto = f" and <= {upper}" if upper < math.inf else ""
        raise InputError(f"{name}: expected a finite number {bound}{upto}, got {value!r}")
    return x


def utc_text(name: str, value: Any) -> str:
    if not isinstance(value, datetime) or value is pd.NaT or value.utcoffset() is None:
        raise InputError(f"{name}: expected a timezone-aware datetime, got {value!r}")
    return value.astimezone(UTC).strftime(TS_FORMAT)


def as_utc(name: str, value: Any) -> pd.Timestamp:
    utc_text(name, value)
    return pd.Timestamp(value).tz_convert("UTC")


ATTEMPT_CHECKS: dict[str, Callable[[str, Any], Any]] = {
    "learner": check_text, "case_id": check_slug, "variant_seed": check_seed,
    "drill": lambda name, value: check_choice(name, value, DRILLS), "item": check_text,
    "choice": check_text, "cost_usd": check_number, "optimal_choice": check_text,
    "optimal_cost_usd": check_number, "time_taken_seconds": check_number,
}  # fmt: skip


def check_optional(a: dict[str, Any]) -> dict[str, Any]:
    """The optional fields of an attempt, checked (``None`` stays ``None``: stored empty)."""
    out: dict[str, Any] = {"session_id": None, "confidence": None, "score": None, "justification": None}
    if a["session_id"] is not None:
        out["session_id"] = check_text("session_id", a["session_id"])
    if a["confidence"] is not None:
        out["confidence"] = check_number("confidence", a["confidence"], upper=1.0)
    if a["score"] is not None:
        x = a["score"]
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise InputError(f"score: expected a finite number, got {x!r}")
        out["score"] = float(x)
    if a["justification"] is not None:
        if not isinstance(a["justification"], str):
            raise InputError(f"justification: expected text, got {a['justification']!r}")
        out["justification"] = a["justification"]
    return out
