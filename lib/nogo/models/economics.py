"""Unit economics of the agent: what one decision costs, against a person doing the same work.

The model, with every input an assumption the caller states (no vendor's prices are built in):

*Agent.* One decision takes ``calls_per_decision`` model calls. A share ``s`` (``routing_share_small``)
of calls goes to a small model, the rest to a large one; every call reads ``input_tokens`` and writes
``output_tokens`` whichever model serves it. A share ``h`` (``cache_hit_rate``) of input tokens is billed
at the cached-input price. Prices are USD per million tokens (``usd_per_mtok``)::

    call_usd(model)  = (input_tokens * ((1 - h) * input_price + h * cached_price)
                        + output_tokens * output_price) / 1e6
    agent_usd        = calls_per_decision * (s * call_usd(small) + (1 - s) * call_usd(large))

*Person.* ``human_usd = handle_minutes / 60 * loaded_hourly_usd`` (loaded: wage plus overheads).

*Blend.* The agent sees every decision, settles a share ``a`` (``automation_share``) alone with error
rate ``e`` and escalates the rest to a person, who settles it at ``review_usd`` with error rate ``q``;
every error costs ``C`` (``cost_per_error_usd``)::

    blended_usd(a) = agent_usd + a * e * C + (1 - a) * (review_usd + q * C)
    human_only_usd = human_usd + q * C

The blend is linear in ``a``, so it crosses the all-human cost at most once: the break-even automation
share has a closed form. Assumptions worth knowing: the error rate is the same whatever share is
automated (in practice an agent automates its surest decisions first, so ``e`` rises with ``a``: pass the
error rate measured at each share, one scenario at a time); the review cost defaults to the person's
full handling cost (lower it when the agent's draft saves the reviewer time, raise it for hand-off).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo._validate import as_float_array, check_same_length
from nogo.errors import InputError

__all__ = [
    "BreakEven",
    "ModelPrice",
    "break_even_automation_share",
    "cost_per_decision_usd",
    "human_cost_per_decision_usd",
    "unit_economics",
]

_PER_MTOK = 1e6


def _scalar(name: str, value: float | None, *, rate: bool = False) -> float:
    arr = as_float_array(name, value, nonnegative=True, unit_interval=rate)
    if arr.size != 1:
        raise InputError(f"{name}: expected a single value, got {arr.size} values")
    return float(arr[0])


@dataclass(frozen=True)
class ModelPrice:
    """Prices of one model in USD per million tokens (input, output, cached input).

    ``cached_input_usd_per_mtok`` defaults to the input price (no cache discount) and may not exceed it,
    so a higher cache hit rate never raises the cost.

    Examples
    --------
    >>> small = ModelPrice("small (illustrative)", input_usd_per_mtok=0.2, output_usd_per_mtok=0.8)
    >>> small.call_cost_usd(input_tokens=2_000, output_tokens=500).round(6).tolist()
    [0.0008]
    """

    name: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float
    cached_input_usd_per_mtok: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InputError(f"name: expected a non-empty model name, got {self.name!r}")
        label = f"model {self.name!r}"
        inp = _scalar(f"{label}: input_usd_per_mtok", self.input_usd_per_mtok)
        out = _scalar(f"{label}: output_usd_per_mtok", self.output_usd_per_mtok)
        cached = self.cached_input_usd_per_mtok
        cached = inp if cached is None else _scalar(f"{label}: cached_input_usd_per_mtok", cached)
        if cached > inp:
            raise InputError(
                f"{label}: cached_input_usd_per_mtok: expected at most the input price ({inp!r}), "
                f"got {cached!r}"
            )
        for key, value in (("input", inp), ("output", out), ("cached_input", cached)):
            object.__setattr__(self, f"{key}_usd_per_mtok", value)

    def call_cost_usd(
        self, input_tokens: npt.ArrayLike, output_tokens: npt.ArrayLike, cache_hit_rate: npt.ArrayLike = 0.0
    ) -> np.ndarray:
        """Cost in USD of one call, per row (arrays broadcast; ``cache_hit_rate`` in [0, 1])."""
        tin = as_float_array("input_tokens", input_tokens, nonnegative=True)
        tout = as_float_array("output_tokens", output_tokens, nonnegative=True)
        hit = as_float_array("cache_hit_rate", cache_hit_rate, unit_interval=True)
        check_same_length({"input_tokens": tin, "output_tokens": tout, "cache_hit_rate": hit})
        discount = self.input_usd_per_mtok - float(
            self.cached_input_usd_per_mtok or 0.0
        )  # set in __post_init__
        # Written as "full price minus the cache discount" so the cost is monotone in rounding too.
        input_price = self.input_usd_per_mtok - hit * discount
        return (tin * input_price + tout * self.output_usd_per_mtok) / _PER_MTOK


def cost_per_decision_usd(
    *,
    input_tokens: npt.ArrayLike,
    output_tokens: npt.ArrayLike,
    calls_per_decision: npt.ArrayLike,
    routing_share_small: npt.ArrayLike,
    small: ModelPrice,
    large: ModelPrice,
    cache_hit_rate: npt.ArrayLike = 0.0,
) -> np.ndarray:
    """Model cost of one agent decision in USD, vectorised over every numeric argument (for sensitivity).

    Parameters
    ----------
    input_tokens, output_tokens
        Mean tokens read and written per call (the same whichever model serves it).
    calls_per_decision
        Mean model calls per decision (tool loops, retries, verification passes).
    routing_share_small
        Share of calls routed to ``small``, in [0, 1]; the rest go to ``large``.
    small, large
        :class:`ModelPrice` of each model.
    cache_hit_rate
        Share of input tokens billed at the cached-input price, in [0, 1].

    Returns
    -------
    numpy.ndarray
        USD per decision, one value per row of the broadcast arguments.

    Examples
    --------
    Illustrative prices (USD per million tokens), not any vendor's:

    >>> small = ModelPrice("small", 0.2, 0.8)
    >>> large = ModelPrice("large", 3.0, 15.0, cached_input_usd_per_mtok=0.3)
    >>> cost_per_decision_usd(input_tokens=2_000, output_tokens=500, calls_per_decision=3,
    ...                       routing_share_small=[0.0, 0.8], small=small, large=large).round(5).tolist()
    [0.0405, 0.01002]
    """
    for name, model in (("small", small), ("large", large)):
        if not isinstance(model, ModelPrice):
            raise InputError(f"{name}: expected a ModelPrice, got {type(model).__name__}")
    calls = as_float_array("calls_per_decision", calls_per_decision, nonnegative=True)
    share = as_float_array("routing_share_small", routing_share_small, unit_interval=True)
    tin = as_float_array("input_tokens", input_tokens, nonnegative=True)
    tout = as_float_array("output_tokens", output_tokens, nonnegative=True)
    hit = as_float_array("cache_hit_rate", cache_hit_rate, unit_interval=True)
    check_same_length(
        {"input_tokens": tin, "output_tokens": tout, "calls_per_decision": calls,
         "routing_share_small": share, "cache_hit_rate": hit}
    )  # fmt: skip
    c_small = small.call_cost_usd(tin, tout, hit)
    c_large = large.call_cost_usd(tin, tout, hit)
    # "large minus the saving on the routed share": monotone in the share when small is cheaper per call.
    return calls * (c_large - share * (c_large - c_small))


def human_cost_per_decision_usd(
    handle_minutes: npt.ArrayLike, loaded_hourly_usd: npt.ArrayLike
) -> np.ndarray:
    """Cost in USD of a person doing one decision: handling minutes at a loaded hourly cost.

    Examples
    --------
    Illustrative figures: 6 minutes at a loaded $40 an hour.

    >>> human_cost_per_decision_usd(6, 40.0).tolist()
    [4.0]
    """
    minutes = as_float_array("handle_minutes", handle_minutes, nonnegative=True)
    hourly = as_float_array("loaded_hourly_usd", loaded_hourly_usd, nonnegative=True)
    check_same_length({"handle_minutes": minutes, "loaded_hourly_usd": hourly})
    return minutes / 60.0 * hourly


def _blend_inputs(
    agent_cost_usd: float,
    human_cost_usd: float,
    error_rate: float,
    cost_per_error_usd: float,
    review_cost_usd: float | None,
    human_error_rate: float,
) -> tuple[float, float, float, float, float, float]:
    g = _scalar("agent_cost_usd", agent_cost_usd)
    h = _scalar("human_cost_usd", human_cost_usd)
    e = _scalar("error_rate", error_rate, rate=True)
    c = _scalar("cost_per_error_usd", cost_per_error_usd)
    r = h if review_cost_usd is None else _scalar("review_cost_usd", review_cost_usd)
    q = _scalar("human_error_rate", human_error_rate, rate=True)
    return g, h, e, c, r, q


def unit_economics(
    agent_cost_usd: float,
    human_cost_usd: float,
    automation_share: npt.ArrayLike,
    *,
    error_rate: float,
    cost_per_error_usd: float,
    review_cost_usd: float | None = None,
    human_error_rate: float = 0.0,
) -> pd.DataFrame:
    """Cost per decision of the agent alone, a person alone, and the blend at each automation share.

    Parameters
    ----------
    agent_cost_usd
        Model cost of one decision (from :func:`cost_per_decision_usd`); paid on every decision the
        agent sees, escalated or not.
    human_cost_usd
        Cost of a person doing one decision without the agent (:func:`human_cost_per_decision_usd`).
    automation_share
        Share(s) of decisions the agent settles alone, in [0, 1]; one ``blended`` row each.
    error_rate
        Share of the agent's own decisions that are wrong.
    cost_per_error_usd
        Expected cost of one wrong decision (see :mod:`nogo.models.costs`).
    review_cost_usd
        Cost of a person settling one escalated decision; defaults to ``human_cost_usd``.
    human_error_rate
        Share of a person's decisions that are wrong (alone or on an escalation).

    Returns
    -------
    pandas.DataFrame
        One row for ``"human only"``, one for ``"agent only"``, then one ``"blended"`` row per share.
        Columns: ``policy``, ``automation_share``, ``agent_usd`` (model cost), ``people_usd`` (people's
        time), ``errors_usd`` (expected cost of errors), ``cost_per_decision_usd`` (their sum) and
        ``saving_vs_human_usd`` (the all-human cost minus this one; positive: cheaper than people).

    Examples
    --------
    Illustrative figures: the agent costs $0.04 a decision and errs 2% of the time at $50 an error; a
    person costs $4.

    >>> frame = unit_economics(0.04, 4.0, [0.5], error_rate=0.02, cost_per_error_usd=50.0)
    >>> frame["policy"].tolist(), frame["cost_per_decision_usd"].round(2).tolist()
    (['human only', 'agent only', 'blended'], [4.0, 1.04, 2.54])
    """
    g, h, e, c, r, q = _blend_inputs(
        agent_cost_usd, human_cost_usd, error_rate, cost_per_error_usd, review_cost_usd, human_error_rate
    )
    a = as_float_array("automation_share", automation_share, unit_interval=True)
    n = len(a)
    frame = pd.DataFrame(
        {
            "policy": ["human only", "agent only"] + ["blended"] * n,
            "automation_share": np.concatenate([[0.0, 1.0], a]),
            "agent_usd": np.concatenate([[0.0, g], np.full(n, g)]),
            "people_usd": np.concatenate([[h, 0.0], (1 - a) * r]),
            "errors_usd": np.concatenate([[q * c, e * c], a * e * c + (1 - a) * q * c]),
        }
    )
    frame["cost_per_decision_usd"] = frame["agent_usd"] + frame["people_usd"] + frame["errors_usd"]
    frame["saving_vs_human_usd"] = h + q * c - frame["cost_per_decision_usd"]
    return frame


def _more(usd: float) -> str:
    amount = f"{abs(usd):,.2f}" if abs(usd) >= 1 else f"{abs(usd):.3g}"
    return f"${amount} {'more' if usd >= 0 else 'less'}"


@dataclass(frozen=True)
class BreakEven:
    """Where the blend costs the same as people alone.

    ``status`` is one of ``"pays above"`` (the blend is cheaper at shares at or above
    ``automation_share``), ``"pays below"`` (cheaper at or below it: errors cost more than escalations
    save), ``"always pays"`` and ``"never pays"`` (no crossing inside [0, 1]; ``automation_share`` is
    None) or ``"no difference"`` (the blend costs the same as people at every share).
    """

    automation_share: float | None
    status: str
    explanation: str


def break_even_automation_share(
    agent_cost_usd: float,
    human_cost_usd: float,
    *,
    error_rate: float,
    cost_per_error_usd: float,
    review_cost_usd: float | None = None,
    human_error_rate: float = 0.0,
) -> BreakEven:
    """The automation share at which the blend costs what people alone cost (closed form).

    ``blended(a) - human_only = (agent + review - human) - a * (review + q*C - e*C)``: the extra cost of
    running the agent on every decision, less the saving on each decision it settles alone (a review
    avoided, net of the change in expected error cost). The break-even share is the ratio of the two;
    arguments as in :func:`unit_economics`.

    Examples
    --------
    Illustrative figures, as in :func:`unit_economics`:

    >>> result = break_even_automation_share(0.04, 4.0, error_rate=0.02, cost_per_error_usd=50.0)
    >>> round(result.automation_share, 4), result.status
    (0.0133, 'pays above')
    >>> break_even_automation_share(0.04, 4.0, error_rate=0.1, cost_per_error_usd=50.0).status
    'never pays'
    """
    g, h, e, c, r, q = _blend_inputs(
        agent_cost_usd, human_cost_usd, error_rate, cost_per_error_usd, review_cost_usd, human_error_rate
    )
    overhead = g + r - h  # blended minus all-human cost at a = 0
    saving = r + q * c - e * c  # cost avoided per decision the agent settles alone
    money = f"with no automation the blend costs {_more(overhead)} a decision than people alone"
    per = f"each decision the agent settles alone costs {_more(-saving)} than escalating it"
    if saving == 0:
        if overhead == 0:
            return BreakEven(None, "no difference", f"{money}, and {per}: the same cost at every share")
        status = "always pays" if overhead < 0 else "never pays"
        return BreakEven(None, status, f"{money}, and {per}: automation share makes no difference")
    share = overhead / saving
    if saving > 0:
        if share <= 0:
            return BreakEven(None, "always pays", f"{money}; {per}, so it is cheaper at every share")
        if share > 1:
            return BreakEven(None, "never pays", f"{money}; {per}, not enough even at full automation")
        return BreakEven(share, "pays above", f"{money}; {per}, so it pays from a share of {share:.1%} up")
    if overhead >= 0:
        return BreakEven(None, "never pays", f"{money}; {per}, so automating more only adds cost")
    if share >= 1:
        return BreakEven(None, "always pays", f"{money}; {per}, but it stays cheaper even at full automation")
    return BreakEven(share, "pays below", f"{money}; {per}, so it pays only up to a share of {share:.1%}")
