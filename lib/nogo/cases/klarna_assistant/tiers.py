"""The intents of the Klarna case grouped in tiers, and what each intent costs on each path.

The case file's segments are intents of customer-service contacts. The PM's lever is a tier: the
assistant resolves alone every intent up to that tier, and a person takes the rest. Tier 1 is status and
account help, tier 2 payment-plan changes, tier 3 the hard tail (disputes, hardship, fraud), which the
case's hard rules keep with a person. Which intents Klarna's assistant handled is not public: this
grouping is the case's assumption.

:func:`intent_costs` reads, per intent, from the case's own costs at the planted truth ``p_true`` (the
generator's; the calibrated ``p`` where a log has none): the expected cost of the assistant resolving
alone, of a person's mistakes on an escalated contact (the person's time and the wait are priced by the
queue, not here), and of a customer who needs a person and never reaches one (priced as a contact
declined: the customer goes without help).

Examples
--------
>>> tier_of_intent("suspected fraud"), TIER_CHOICES[1]
(3, 'tier 1')
>>> max_tier("tiers 1 and 2")
2
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from nogo.cases.case import CaseData
from nogo.cases.segments import segment_codes
from nogo.errors import InputError
from nogo.models.costs import ACTIONS

__all__ = ["INTENT_TIERS", "TIER_CHOICES", "intent_costs", "max_tier", "tier_of_intent"]

INTENT_TIERS: MappingProxyType[str, int] = MappingProxyType(
    {
        "payment and account status": 1,
        "payment plan change": 2,
        "dispute with a merchant": 3,
        "financial hardship": 3,
        "suspected fraud": 3,
    }
)
"""Each intent of the case file and its tier (1: status and help, 2: plan changes, 3: the hard tail)."""

TIER_CHOICES: tuple[str, ...] = ("people only", "tier 1", "tiers 1 and 2", "everything")
"""What the assistant resolves alone: nothing, tier 1, tiers 1 and 2, or every intent."""
_MAX_TIER = dict(zip(TIER_CHOICES, range(4), strict=True))


def tier_of_intent(intent: str) -> int:
    """The tier of an intent of the case file (an InputError naming the known ones otherwise)."""
    if intent not in INTENT_TIERS:
        raise InputError(f"intent {intent!r} has no tier; known: {', '.join(INTENT_TIERS)}")
    return INTENT_TIERS[intent]


def max_tier(choice: str) -> int:
    """The highest tier the assistant resolves alone under a tier choice (0 for people only)."""
    if choice not in _MAX_TIER:
        raise InputError(f"tier: {choice!r} is not one of {list(TIER_CHOICES)}")
    return _MAX_TIER[choice]


def _truth(data: CaseData) -> np.ndarray:
    return data.log["p_true"].to_numpy(dtype=float) if "p_true" in data.log.columns else data.p


def intent_costs(data: CaseData) -> pd.DataFrame:
    """Per intent: its tier, share of contacts, and the mean cost in USD a contact of each path.

    Returns
    -------
    pandas.DataFrame
        In the case file's order: ``intent``, ``tier``, ``contacts``, ``share``, ``accuracy`` (mean
        planted chance that resolving alone is right), ``mean_score`` (the assistant's stated
        confidence), ``alone_usd`` (expected cost of the assistant resolving alone: the cost of its wrong
        answers), ``person_error_usd`` (expected cost of a person's mistakes on an escalated contact, the
        case's reviewer miss rate; the person's time is not in it), ``unanswered_usd`` (expected cost of a
        customer who never reaches a person: the cost of a declined contact) and ``forbids_alone`` (a hard
        rule forbids the assistant to resolve it alone).
    """
    log = data.log
    codes, names = segment_codes(log)
    p = _truth(data)
    expected = np.asarray(data.costs.expected(p), dtype=float)
    review = np.broadcast_to(np.asarray(data.costs.array("escalate_usd"), dtype=float), len(log))
    act, esc, dec = (expected[:, ACTIONS.index(a)] for a in ACTIONS)
    n = np.bincount(codes, minlength=len(names)).astype(float)

    def mean(values: np.ndarray) -> np.ndarray:
        return np.bincount(codes, weights=values, minlength=len(names)) / n

    allowed = data.allowed()[:, ACTIONS.index("act")]
    forbidden = np.bincount(codes, weights=(~allowed).astype(float), minlength=len(names)) > 0
    return pd.DataFrame(
        {
            "intent": names,
            "tier": [tier_of_intent(name) for name in names],
            "contacts": n.astype(np.int64),
            "share": n / n.sum(),
            "accuracy": mean(p),
            "mean_score": mean(log["score"].to_numpy(dtype=float)),
            "alone_usd": mean(act),
            "person_error_usd": mean(esc - review),
            "unanswered_usd": mean(dec),
            "forbids_alone": forbidden,
        }
    )
