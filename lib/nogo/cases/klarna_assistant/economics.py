"""Unit economics of the Klarna case: the assistant's model cost per contact against a person's, by tier.

Every price, token count and wage is an assumption the case file states as a parameter (never Klarna's
figures, never a vendor's price list). :func:`model_cost_per_contact_usd` prices one contact with
:func:`nogo.models.economics.cost_per_decision_usd` (calls per contact, tokens, the share routed to the
small model, the cache hit rate); :func:`tier_economics` blends it with a person's cost and the case's
cost of error at each tier with :func:`nogo.models.economics.unit_economics` and finds the break-even
automation share of each tier's intents with :func:`nogo.models.economics.break_even_automation_share`.

Examples
--------
>>> params = {"calls_per_contact": 4.0, "input_tokens_per_call": 3000.0, "output_tokens_per_call": 300.0,
...           "routing_share_small": 0.6, "cache_hit_rate": 0.5, "large_input_usd_per_mtok": 2.5,
...           "large_output_usd_per_mtok": 10.0, "large_cached_usd_per_mtok": 0.25,
...           "small_input_usd_per_mtok": 0.15, "small_output_usd_per_mtok": 0.6}
>>> round(float(model_cost_per_contact_usd(params)[0]), 5)
0.01291
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo.cases.klarna_assistant.tiers import TIER_CHOICES, max_tier
from nogo.models.economics import (
    ModelPrice,
    break_even_automation_share,
    cost_per_decision_usd,
    human_cost_per_decision_usd,
    unit_economics,
)

__all__ = ["model_cost_per_contact_usd", "model_prices", "tier_economics"]


def model_prices(params: Mapping[str, Any]) -> tuple[ModelPrice, ModelPrice]:
    """The small and the large model's prices (USD per million tokens) from the case's parameters."""
    small = ModelPrice(
        "small model (illustrative)",
        float(params["small_input_usd_per_mtok"]),
        float(params["small_output_usd_per_mtok"]),
    )
    large = ModelPrice(
        "large model (illustrative)",
        float(params["large_input_usd_per_mtok"]),
        float(params["large_output_usd_per_mtok"]),
        cached_input_usd_per_mtok=float(params["large_cached_usd_per_mtok"]),
    )
    return small, large


def model_cost_per_contact_usd(
    params: Mapping[str, Any],
    *,
    routing_share_small: npt.ArrayLike | None = None,
    cache_hit_rate: npt.ArrayLike | None = None,
) -> np.ndarray:
    """Model cost of one contact in USD, at the case's parameters (routing and caching may be swept).

    ``routing_share_small`` and ``cache_hit_rate`` default to the parameters of the same names; give
    arrays (of one common length) to sweep them.
    """
    small, large = model_prices(params)
    return cost_per_decision_usd(
        input_tokens=float(params["input_tokens_per_call"]),
        output_tokens=float(params["output_tokens_per_call"]),
        calls_per_decision=float(params["calls_per_contact"]),
        routing_share_small=params["routing_share_small"]
        if routing_share_small is None
        else routing_share_small,
        small=small,
        large=large,
        cache_hit_rate=params["cache_hit_rate"] if cache_hit_rate is None else cache_hit_rate,
    )


def tier_economics(
    intents: pd.DataFrame, params: Mapping[str, Any], reviewer_miss_rate: float
) -> pd.DataFrame:
    """Cost per contact of each tier choice, and the break-even automation share of each tier's intents.

    A person costs their full handling time on every contact they take
    (:func:`~nogo.models.economics.human_cost_per_decision_usd` at ``handle_minutes`` and
    ``reviewer_cost_per_hour_usd``); the queue's wait is left out here (the signature drill prices it).

    Parameters
    ----------
    intents
        :func:`nogo.cases.klarna_assistant.intent_costs` on the case's data.
    params
        The case's parameters (model prices, tokens, ``handle_minutes``, ``reviewer_cost_per_hour_usd``).
    reviewer_miss_rate
        The share of a person's decisions that are wrong (the case file's ``reviewer_miss_rate``).

    Returns
    -------
    pandas.DataFrame
        One row per tier choice (:data:`~nogo.cases.klarna_assistant.TIER_CHOICES`): ``tier``,
        ``automation_share`` (contacts the assistant resolves alone), ``model_usd``, ``people_usd`` and
        ``errors_usd`` (per contact of all intents: model calls, people's time, expected cost of the
        assistant's wrong answers and of people's mistakes), ``cost_per_contact_usd`` (their sum) and
        ``saving_vs_people_usd``; then, for the intents of that tier alone (none for "people only"):
        ``tier_error_rate``, ``tier_cost_per_error_usd`` and, from
        :func:`~nogo.models.economics.break_even_automation_share` on those intents,
        ``break_even_share`` (NaN where there is none) and ``break_even`` (its status: "pays above",
        "never pays", ...).
    """
    agent_usd = float(model_cost_per_contact_usd(params)[0])
    human_usd = float(
        human_cost_per_decision_usd(
            float(params["handle_minutes"]), float(params["reviewer_cost_per_hour_usd"])
        )[0]
    )
    tier = intents["tier"].to_numpy()
    share = intents["share"].to_numpy(dtype=float)
    error = 1.0 - intents["accuracy"].to_numpy(dtype=float)
    alone_usd = intents["alone_usd"].to_numpy(dtype=float)
    person_usd = intents["person_error_usd"].to_numpy(dtype=float)
    rows = []
    for k, choice in enumerate(TIER_CHOICES):
        on = tier <= max_tier(choice)
        row = {
            "tier": choice,
            "automation_share": float(share[on].sum()),
            "model_usd": agent_usd if k else 0.0,
            "people_usd": float(share[~on].sum()) * human_usd,
            "errors_usd": float((share * np.where(on, alone_usd, person_usd)).sum()),
        }
        row["cost_per_contact_usd"] = row["model_usd"] + row["people_usd"] + row["errors_usd"]
        group = tier == k
        if k and group.any():
            w = share[group] / share[group].sum()
            e = float((w * error[group]).sum())
            c = float((w * alone_usd[group]).sum() / max(e, 1e-12))
            q = float(
                (w * person_usd[group]).sum() / max(c, 1e-12)
            )  # a person's error rate on them, priced alike
            blend = unit_economics(agent_usd, human_usd, [1.0], error_rate=e, cost_per_error_usd=c,
                                   human_error_rate=min(q, 1.0))  # fmt: skip
            even = break_even_automation_share(
                agent_usd, human_usd, error_rate=e, cost_per_error_usd=c, human_error_rate=min(q, 1.0)
            )
            row.update(
                tier_error_rate=e,
                tier_cost_per_error_usd=c,
                tier_alone_usd=float(blend["cost_per_decision_usd"].iloc[1]),
                tier_people_usd=float(blend["cost_per_decision_usd"].iloc[0]),
                break_even_share=np.nan if even.automation_share is None else even.automation_share,
                break_even=even.status,
            )
        else:
            row.update(tier_error_rate=np.nan, tier_cost_per_error_usd=np.nan, tier_alone_usd=np.nan,
                       tier_people_usd=np.nan, break_even_share=np.nan, break_even="")  # fmt: skip
        rows.append(row)
    out = pd.DataFrame(rows)
    out["saving_vs_people_usd"] = out["cost_per_contact_usd"].iloc[0] - out["cost_per_contact_usd"]
    return out
