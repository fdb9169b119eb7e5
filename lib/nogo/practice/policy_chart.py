"""The "set the policy" drill's chart: decisions by calibrated ``p``, stacked by the action a policy takes.

:func:`policy_chart` is the builder; :class:`nogo.practice.policy_drill.PolicyDrill` draws the same chart
from a spec compiled once, refilling its data with :func:`actions_by_bin` and :func:`policy_cuts`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from nogo.charts import ACTION_COLOURS
from nogo.errors import InputError
from nogo.models.costs import ACT as _ACT
from nogo.models.costs import ACTIONS
from nogo.models.costs import DECLINE as _DEC
from nogo.models.costs import ESCALATE as _ESC
from nogo.models.policy_model import PolicySettings, PreparedLog
from nogo.models.policy_model import as_settings as _as_settings
from nogo.models.policy_model import usd_label as _usd

__all__ = ["actions_by_bin", "policy_chart", "policy_cuts", "policy_subtitle"]


def actions_by_bin(prep: PreparedLog, s: PolicySettings, bins: int) -> pd.DataFrame:
    """Decisions per ``p`` bin and action under settings ``s`` (the chart's bars; only non-empty rows)."""
    n = prep.n
    j = int(np.searchsorted(prep.p, s.t_lo, side="left"))
    i = int(np.searchsorted(prep.p, s.t_hi, side="left"))
    code = np.full(n, _DEC, dtype=np.int64)
    code[j:i] = _ESC
    code[i:] = np.where(prep.value_usd[i:] <= s.value_cap_usd, _ACT, _ESC)
    b = np.minimum((prep.p * bins).astype(np.int64), bins - 1)
    counts = np.bincount(b * 3 + code, minlength=bins * 3)
    frame = pd.DataFrame(
        {
            "p_low": np.repeat(np.arange(bins) / bins, 3),
            "p_high": np.repeat(np.arange(1, bins + 1) / bins, 3),
            "action": np.tile(ACTIONS, bins),
            "decisions": counts,
        }
    )
    return frame[frame["decisions"] > 0].reset_index(drop=True)


def policy_cuts(s: PolicySettings, optimum: PolicySettings | None) -> pd.DataFrame:
    """The threshold rules: yours, and the optimum's when given (columns ``cut``, ``p``, ``policy``)."""
    cuts = [("t_lo: decline below", s.t_lo, "yours"), ("t_hi: act at or above", s.t_hi, "yours")]
    if optimum is not None:
        cuts += [("optimal t_lo", optimum.t_lo, "optimal"), ("optimal t_hi", optimum.t_hi, "optimal")]
    return pd.DataFrame(cuts, columns=["cut", "p", "policy"])


def policy_subtitle(s: PolicySettings) -> str:
    """The chart's subtitle: what the value cap does."""
    if math.isinf(s.value_cap_usd):
        return "no value cap"
    return f"above t_hi, values over {_usd(s.value_cap_usd)} escalate"


def policy_chart(
    prepared: PreparedLog,
    settings: PolicySettings | Mapping[str, Any],
    *,
    optimum: PolicySettings | None = None,
    bins: int = 50,
) -> alt.Chart:
    """Decisions by calibrated ``p``, stacked by the action the policy takes, thresholds marked.

    Above ``t_hi`` the escalated part of a bar is the decisions over the value cap. ``optimum`` adds
    its thresholds as dashed rules (show it after submission, not before). Data: at most ``3 * bins``
    rows (columns ``p_low``, ``p_high``, ``action``, ``decisions``) plus the rules.

    Examples
    --------
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.policy_model import prepare_policy_log
    >>> log = pd.DataFrame({"value_usd": [10.0, 50.0, 900.0, 20.0], "outcome": [1, 1, 0, 0]})
    >>> c = DecisionCosts(false_action_usd=log["value_usd"], missed_usd=5.0, escalate_usd=2.0)
    >>> prep = prepare_policy_log(log, [0.95, 0.9, 0.92, 0.3], c, days=1)
    >>> spec = policy_chart(prep, PolicySettings(0.5, 0.9, 100, 1)).to_dict()
    >>> [layer["mark"]["type"] for layer in spec["layer"]]
    ['bar', 'rule']
    """
    s = _as_settings(settings)
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or not 1 <= bins <= 1000:
        raise InputError(f"bins: expected a whole number in [1, 1000], got {bins!r}")
    data = actions_by_bin(prepared, s, int(bins))
    colour = alt.Color(
        "action:N",
        scale=alt.Scale(domain=list(ACTIONS), range=[ACTION_COLOURS[x] for x in ACTIONS]),
        title="action",
    )
    unit = alt.Scale(domain=[0, 1], nice=False, padding=0)
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("p_low:Q", title="calibrated P(acting is right)", scale=unit),
            x2="p_high:Q",
            y=alt.Y("sum(decisions):Q", title="decisions", stack="zero"),
            color=colour,
            order=alt.Order("action:N"),
            tooltip=["action:N", "p_low:Q", "p_high:Q", "decisions:Q"],
        )
    )
    kinds = ["yours", "optimal"][: 1 if optimum is None else 2]
    rules = (
        alt.Chart(policy_cuts(s, optimum))
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("p:Q", scale=unit),
            color=alt.value("#222"),
            strokeDash=alt.StrokeDash(
                "policy:N",
                scale=alt.Scale(domain=kinds, range=[[1, 0], [5, 3]][: len(kinds)]),
                title="policy",
            ),
            tooltip=["cut:N", alt.Tooltip("p:Q", format=".2f")],
        )
    )
    title = alt.TitleParams("What the policy does at each confidence", subtitle=policy_subtitle(s))
    return alt.layer(bars, rules).properties(title=title)
