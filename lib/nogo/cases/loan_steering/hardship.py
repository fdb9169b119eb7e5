"""The quiet failure: SYNTHETIC hardship calls over months, and the repeat-forbearance rate.

A forbearance call resolves the call, not the hardship: :func:`simulate_hardship_calls` follows the book
month by month under either policy, and :func:`repeat_forbearance_rate` counts the spells followed by
another soon after their end, the metric that moves before the complaints do.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from nogo._validate import as_months as _months
from nogo._validate import check_choice, check_rate
from nogo.cases.loan_steering._checks import check_frame
from nogo.cases.loan_steering.policies import LOAN_POLICIES
from nogo.errors import InputError

__all__ = ["repeat_forbearance_rate", "simulate_hardship_calls"]


def simulate_hardship_calls(
    book: pd.DataFrame,
    *,
    months: int = 36,
    policy: str = "immediate_saving",
    seed: int,
    p_enter: float = 0.02,
    p_exit: float = 0.06,
    forbearance_months: int = 3,
    idr_months: int = 12,
) -> pd.DataFrame:
    """SYNTHETIC hardship calls over ``months`` months, and the arrangement each call ends in.

    Each borrower starts in the book's ``hardship`` state; every later month a borrower out of hardship
    enters it with probability ``p_enter`` and one in hardship leaves it with ``p_exit`` (a two-state
    Markov chain: mean spell ``1 / p_exit`` months). A borrower in hardship with no arrangement running
    calls. The ``"immediate_saving"`` agent grants ``forbearance_months`` of forbearance (the
    ``forbearance_3m`` its ranking picks in :func:`choose_offers`), so a borrower still in hardship calls
    again when it ends; the ``"total_cost"`` agent enrols the borrower in the income-driven plan for
    ``idr_months`` (renewed at recertification while hardship lasts). Stylised; the month loop is needed
    because each month's state depends on the last.

    Returns
    -------
    pandas.DataFrame
        One row per arrangement, by month then borrower: ``borrower_id``, ``group``, ``month`` (0-based),
        ``action_type`` (``"forbearance"`` or ``"income_driven"``), ``relief_months``,
        ``arrangement_number`` (1 for a borrower's first). ``attrs``: ``months``, ``policy``, ``seed``,
        ``p_enter``, ``p_exit``, ``synthetic=True``.

    Examples
    --------
    >>> from nogo.cases.loan_steering import borrower_book
    >>> calls = simulate_hardship_calls(borrower_book(500, seed=1), months=24, seed=1)
    >>> int(calls["arrangement_number"].max()) > 1
    True
    """
    book = check_frame(book, "book", ("borrower_id", "group", "hardship"))
    check_choice("policy", policy, LOAN_POLICIES)
    if isinstance(months, bool) or not isinstance(months, int | np.integer) or months < 1:
        raise InputError(f"months: expected a whole number of months >= 1, got {months!r}")
    enter, leave = check_rate("p_enter", p_enter), check_rate("p_exit", p_exit)
    fb = int(_months("forbearance_months", forbearance_months, low=1)[0])
    k = fb if policy == "immediate_saving" else int(_months("idr_months", idr_months, low=1)[0])
    action = "forbearance" if policy == "immediate_saving" else "income_driven"
    rng = np.random.default_rng(seed)
    hard = book["hardship"].to_numpy(dtype=bool).copy()
    until = np.zeros(len(hard), dtype=np.int64)  # an arrangement runs while month < until
    rows, when = [], []
    for t in range(months):
        if t > 0:
            u = rng.random(len(hard))
            hard = np.where(hard, u >= leave, u < enter)
        idx = np.flatnonzero(hard & (until <= t))
        until[idx] = t + k
        rows.append(idx)
        when.append(np.full(len(idx), t, dtype=np.int64))
    idx = np.concatenate(rows)
    out = pd.DataFrame(
        {
            "borrower_id": book["borrower_id"].to_numpy()[idx],
            "group": book["group"].to_numpy()[idx],
            "month": np.concatenate(when),
            "action_type": action,
            "relief_months": k,
        }
    )
    out["arrangement_number"] = out.groupby("borrower_id").cumcount().to_numpy() + 1
    out.attrs.update(months=months, policy=policy, seed=seed, p_enter=enter, p_exit=leave, synthetic=True)
    return out


def repeat_forbearance_rate(
    events: pd.DataFrame,
    *,
    within_months: int = 6,
    months_observed: int | None = None,
    by: str | None = "month",
    action: str = "forbearance",
) -> pd.DataFrame:
    """Share of forbearance spells followed by another within ``within_months`` months of their end.

    A spell starting in month ``s`` with ``relief_months`` ``k`` ends at ``e = s + k`` (the first month
    due again); it is *repeated* when the borrower's next forbearance starts by ``e + within_months``. It
    is *observed* when that whole window lies in the log (``e + within_months <= months_observed - 1``);
    the rate counts observed spells only, so the last months do not look falsely healthy. Rows whose
    ``action_type`` starts with ``action`` are spells (``"income_driven"`` gives that plan's renewal
    rate instead); other rows are ignored.

    Parameters
    ----------
    events
        ``borrower_id``, ``month``, ``action_type``, ``relief_months`` (as :func:`simulate_hardship_calls`).
    months_observed
        Months the log covers (default: ``events.attrs["months"]``, else the last month + 1).
    by
        ``"month"`` (the spell's start month, a cohort), ``None`` (one row) or a column of ``events``.
    action
        Prefix of the ``action_type`` values that count as spells.

    Returns
    -------
    pandas.DataFrame
        ``period``, ``n_spells``, ``n_observed``, ``n_repeat``, ``repeat_rate`` (NaN with none observed).

    Examples
    --------
    >>> log = pd.DataFrame({"borrower_id": [1, 1, 2], "month": [0, 3, 0],
    ...                     "action_type": "forbearance", "relief_months": 3})
    >>> repeat_forbearance_rate(log, within_months=2, months_observed=12, by=None).values.tolist()
    [['all', 3, 3, 1, 0.3333333333333333]]
    """
    events = check_frame(events, "events", ("borrower_id", "month", "action_type", "relief_months"))
    w = float(_months("within_months", within_months)[0])
    start_all = _months("events: column 'month'", events["month"])
    total = (
        months_observed if months_observed is not None else events.attrs.get("months", start_all.max() + 1)
    )
    t_obs = float(_months("months_observed", total, low=1)[0])
    if by is not None and by != "month" and by not in events.columns:
        raise InputError(f"by: expected 'month', None or a column of events, got {by!r}")
    relief = _months("events: column 'relief_months'", events["relief_months"])
    spell = events["action_type"].astype(str).str.startswith(action).to_numpy()
    order = np.lexsort((start_all[spell], events["borrower_id"].to_numpy()[spell]))
    f = events[spell].iloc[order]
    b, start = f["borrower_id"].to_numpy(), start_all[spell][order]
    end = start + relief[spell][order]
    same = np.r_[b[1:] == b[:-1], False]
    nxt = np.r_[start[1:], np.inf]
    observed = end + w <= t_obs - 1
    repeat = observed & same & (nxt <= end + w)
    period = "all" if by is None else (f["month"].to_numpy() if by == "month" else f[by].to_numpy())
    work = pd.DataFrame({"period": period, "spell": 1, "observed": observed, "repeat": repeat})
    if by is None and len(f) == 0:  # one row saying so, rather than none
        work = pd.DataFrame({"period": ["all"], "spell": [0], "observed": [False], "repeat": [False]})
    g = work.groupby("period", sort=True)[["spell", "observed", "repeat"]].sum().reset_index()
    g.columns = ["period", "n_spells", "n_observed", "n_repeat"]
    with np.errstate(invalid="ignore", divide="ignore"):
        g["repeat_rate"] = g["n_repeat"] / g["n_observed"].where(g["n_observed"] > 0)
    return g
