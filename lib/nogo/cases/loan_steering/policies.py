"""Who gets which offer and who pays: the two policies, the harm by segment, the markup, the rules.

:func:`choose_offers` applies the misaligned policy (largest saving this month) or the aligned one
(lowest total cost of credit the borrower can afford); :func:`policy_summary` puts the headline beside
the total cost; :func:`harm_by` shows who is harmed most; :func:`rate_gap_by_group` is the fairness layer
(the rate gap in bps and the extra interest it costs); :func:`loan_autonomy_surface` writes the
constraint and the escalation rule as :mod:`nogo.models.autonomy` rules. *Harmed* means the chosen offer
raises the total cost without the borrower's informed consent.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from nogo._validate import as_float_array, check_choice
from nogo._validate import as_months as _months
from nogo.cases.loan_steering._checks import HALF_CENT_USD, check_frame
from nogo.errors import InputError
from nogo.models.amortisation import level_payment_usd as _payment
from nogo.models.autonomy import AutonomySurface, Never, ValueCap, When
from nogo.models.fairness import selection_rates

__all__ = [
    "LOAN_POLICIES",
    "NO_HIDDEN_COST_RULE",
    "choose_offers",
    "harm_by",
    "loan_autonomy_surface",
    "markup_cost_usd",
    "markup_no_go_bps",
    "policy_summary",
    "rate_gap_by_group",
]

LOAN_POLICIES: tuple[str, ...] = ("immediate_saving", "total_cost")
"""Offer policies: the misaligned objective (saving this month) and the aligned one (total cost)."""
NO_HIDDEN_COST_RULE = "never raise the total cost of credit without disclosure and consent"


def choose_offers(offers: pd.DataFrame, policy: str) -> pd.DataFrame:
    """One offer per borrower under ``policy`` (one of :data:`LOAN_POLICIES`).

    ``"immediate_saving"`` (the misaligned objective): the largest ``monthly_saving_usd``; ties go to the
    lower total cost, then the first offer. ``"total_cost"`` (aligned): among the ``affordable`` offers,
    the lowest ``total_cost_change_usd`` (ties: larger saving); a borrower with no affordable offer gets
    the largest saving, as under the other policy. By construction, for every borrower, the misaligned
    pick saves at least as much now and costs at least as much over the loan: its pick has the lowest
    payment now, so it is affordable whenever any offer is. One sort, no loop over rows.

    Returns
    -------
    pandas.DataFrame
        The chosen rows of ``offers`` (all their columns), one per borrower in ``borrower_id`` order,
        with ``policy`` first.

    Examples
    --------
    >>> from nogo.cases.loan_steering import borrower_book, loan_offers
    >>> offers = loan_offers(borrower_book(1_000, seed=2))
    >>> bad, good = (choose_offers(offers, p) for p in LOAN_POLICIES)
    >>> bool(bad.monthly_saving_usd.mean() > good.monthly_saving_usd.mean())
    True
    >>> bool(bad.total_cost_change_usd.mean() > good.total_cost_change_usd.mean())
    True
    """
    check_choice("policy", policy, LOAN_POLICIES)
    cols = ("decision_id", "borrower_id", "monthly_saving_usd", "total_cost_change_usd", "affordable")
    offers = check_frame(offers, "offers", cols)
    b = offers["borrower_id"].to_numpy()
    save = as_float_array("offers: column 'monthly_saving_usd'", offers["monthly_saving_usd"])
    cost = as_float_array("offers: column 'total_cost_change_usd'", offers["total_cost_change_usd"])
    did = offers["decision_id"].to_numpy()
    if policy == "immediate_saving":
        order = np.lexsort((did, cost, -save, b))
    else:
        ok = offers["affordable"].to_numpy(dtype=bool)
        has = pd.Series(ok).groupby(b).transform("any").to_numpy(dtype=bool)
        keys = (did, np.where(has, -save, cost), np.where(has, cost, -save), has & ~ok, b)
        order = np.lexsort(keys)
    first = order[np.r_[True, b[order][1:] != b[order][:-1]]]
    out = offers.iloc[first].reset_index(drop=True)
    out.insert(0, "policy", policy)
    return out


def _harmed(frame: pd.DataFrame) -> np.ndarray:
    return frame["raises_total_cost"].to_numpy(dtype=bool) & ~frame["informed_consent"].to_numpy(dtype=bool)


_CHOSEN = (
    "monthly_saving_usd",
    "annual_saving_usd",
    "total_cost_change_usd",
    "raises_total_cost",
    "informed_consent",
)


def policy_summary(chosen: pd.DataFrame) -> pd.DataFrame:
    """The headline beside the total cost of credit, per ``policy`` (one row over all without the column).

    Returns
    -------
    pandas.DataFrame
        ``policy``, ``n_borrowers``, ``mean_monthly_saving_usd``, ``mean_annual_saving_usd`` (the
        headline: payments saved over the next 12 months), ``mean_score`` (the agent's acceptance
        confidence, a resolution-rate proxy), ``mean_total_cost_change_usd``, ``total_cost_change_usd``
        (sum), ``share_raising_cost``, ``share_extending_term`` and ``share_harmed`` (cost raised without
        informed consent).

    Examples
    --------
    >>> from nogo.cases.loan_steering import borrower_book, loan_offers
    >>> offers = loan_offers(borrower_book(1_000, seed=2))
    >>> both = pd.concat([choose_offers(offers, p) for p in LOAN_POLICIES])
    >>> policy_summary(both)["policy"].tolist()
    ['immediate_saving', 'total_cost']
    """
    chosen = check_frame(chosen, "chosen", (*_CHOSEN, "extends_term", "score"))
    save = as_float_array("chosen: column 'monthly_saving_usd'", chosen["monthly_saving_usd"])
    work = pd.DataFrame(
        {
            "policy": chosen["policy"].to_numpy() if "policy" in chosen else "all",
            "save": save,
            "annual": as_float_array("chosen: column 'annual_saving_usd'", chosen["annual_saving_usd"]),
            "score": as_float_array("chosen: column 'score'", chosen["score"], unit_interval=True),
            "cost": as_float_array("chosen: column 'total_cost_change_usd'", chosen["total_cost_change_usd"]),
            "raises": chosen["raises_total_cost"].to_numpy(dtype=bool),
            "extends": chosen["extends_term"].to_numpy(dtype=bool),
            "harmed": _harmed(chosen),
        }
    )
    return (
        work.groupby("policy", sort=False)
        .agg(
            n_borrowers=("save", "size"),
            mean_monthly_saving_usd=("save", "mean"),
            mean_annual_saving_usd=("annual", "mean"),
            mean_score=("score", "mean"),
            mean_total_cost_change_usd=("cost", "mean"),
            total_cost_change_usd=("cost", "sum"),
            share_raising_cost=("raises", "mean"),
            share_extending_term=("extends", "mean"),
            share_harmed=("harmed", "mean"),
        )
        .reset_index()
    )


def harm_by(chosen: pd.DataFrame, by: str = "group") -> pd.DataFrame:
    """Who is harmed most: harm and benefit rates per value of the column ``by`` of the chosen offers.

    Rates come from :func:`nogo.models.fairness.selection_rates`. Harmed: the offer raises the total cost of
    credit without informed consent. Benefit: the offer lowers it; its impact ratio against the group
    most often given a cost-lowering offer, and the four-fifths check, are the fairness view.

    Returns
    -------
    pandas.DataFrame
        One row per value of ``by``, sorted: ``by``, ``n_borrowers``, ``n_harmed``, ``harm_rate``,
        ``mean_total_cost_change_usd``, ``p90_total_cost_change_usd``, ``unconsented_cost_usd`` (sum of
        the harmed borrowers' increases), ``mean_increase_if_harmed_usd``, ``benefit_rate``,
        ``benefit_impact_ratio``, ``benefit_passes_four_fifths``. ``attrs["most_harmed"]``: the value
        with the highest harm rate.

    Examples
    --------
    >>> from nogo.cases.loan_steering import borrower_book, loan_offers
    >>> chosen = choose_offers(loan_offers(borrower_book(2_000, seed=2)), "immediate_saving")
    >>> harm_by(chosen, "hardship")[["hardship", "n_borrowers"]].values.tolist()
    [[False, 1290], [True, 710]]
    """
    chosen = check_frame(chosen, "chosen", (by, *_CHOSEN))
    cost = as_float_array("chosen: column 'total_cost_change_usd'", chosen["total_cost_change_usd"])
    harmed = _harmed(chosen)
    work = pd.DataFrame(
        {by: chosen[by].to_numpy(), "__harmed": harmed, "__benefit": cost < -HALF_CENT_USD, "__cost": cost}
    )
    work["__harm_usd"] = np.where(harmed, cost, 0.0)
    h = selection_rates(by, "__harmed", data=work)[["group", "n", "n_selected", "selection_rate"]]
    h.columns = [by, "n_borrowers", "n_harmed", "harm_rate"]
    ben = selection_rates(by, "__benefit", data=work)
    ben = ben[["group", "selection_rate", "impact_ratio", "passes_four_fifths"]]
    ben.columns = [by, "benefit_rate", "benefit_impact_ratio", "benefit_passes_four_fifths"]
    g = work.groupby(by)
    stats = pd.DataFrame(
        {
            "mean_total_cost_change_usd": g["__cost"].mean(),
            "p90_total_cost_change_usd": g["__cost"].quantile(0.9),
            "unconsented_cost_usd": g["__harm_usd"].sum(),
        }
    ).reset_index()
    out = h.merge(stats, on=by).merge(ben, on=by)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_harm = out["unconsented_cost_usd"] / out["n_harmed"].where(out["n_harmed"] > 0)
    out.insert(out.columns.get_loc("unconsented_cost_usd") + 1, "mean_increase_if_harmed_usd", mean_harm)
    out.attrs["most_harmed"] = out[by].iloc[int(np.argmax(out["harm_rate"].to_numpy()))]
    return out


# -- the fairness layer -------------------------------------------------------------------------------


def rate_gap_by_group(
    book: pd.DataFrame, *, reference: str = "A", control: str | None = "risk_tier"
) -> pd.DataFrame:
    """The rate gap by group in basis points, and the extra interest it costs each borrower (the Ally layer).

    With ``control`` (a column such as the risk tier), the gap compares similar borrowers: the difference
    from the ``reference`` group's mean rate within each level of ``control``, averaged with the group's own
    mix of levels (direct standardisation; levels the reference lacks are left out). Without it, the raw
    difference of mean rates. The extra interest re-prices each borrower's remaining loan at their rate
    minus their group's gap (floored at 0): ``total_interest(rate) - total_interest(rate - gap)``.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: ``group``, ``n_borrowers``, ``mean_rate``, ``rate_gap_bps``,
        ``extra_interest_usd_per_borrower`` (mean), ``extra_interest_usd_total``.

    Examples
    --------
    >>> from nogo.cases.loan_steering import borrower_book
    >>> gap = rate_gap_by_group(borrower_book(20_000, seed=4))
    >>> bool((gap["rate_gap_bps"] - [0.0, 20.0, 30.0]).abs().max() < 2)  # the planted markup
    True
    """
    cols = ("group", "annual_rate", "balance_usd", "remaining_term_months")
    book = check_frame(book, "book", cols + (() if control is None else (control,)))
    rate = as_float_array("book: column 'annual_rate'", book["annual_rate"], unit_interval=True)
    group = book["group"].to_numpy()
    if reference not in set(group):
        raise InputError(
            f"reference: group {reference!r} not in the book (groups: {sorted(set(map(str, group)))})"
        )
    s = pd.Series(rate)
    if control is None:
        means = s.groupby(group).mean()
        gap = means - means[reference]
    else:
        keys = [group, book[control].to_numpy()]
        cell = s.groupby(keys).mean().unstack()
        diff = cell - cell.loc[reference]
        w = s.groupby(keys).size().unstack().where(diff.notna(), 0.0).fillna(0.0)
        gap = (diff.fillna(0.0) * w).sum(axis=1) / w.sum(axis=1)
    gap_i = gap.reindex(group).to_numpy()
    b = as_float_array("book: column 'balance_usd'", book["balance_usd"], nonnegative=True)
    n = _months("book: column 'remaining_term_months'", book["remaining_term_months"], low=1)
    extra = n * (_payment(b, rate, n) - _payment(b, np.maximum(rate - gap_i, 0.0), n))
    g = pd.DataFrame({"group": group, "rate": rate, "extra": extra}).groupby("group")
    out = g.agg(n_borrowers=("rate", "size"), mean_rate=("rate", "mean")).reset_index()
    out["rate_gap_bps"] = gap.reindex(out["group"]).to_numpy() * 1e4
    out["extra_interest_usd_per_borrower"] = g["extra"].mean().to_numpy()
    out["extra_interest_usd_total"] = g["extra"].sum().to_numpy()
    out.attrs.update(reference=reference, control=control)
    return out


def _group_loans(
    book: pd.DataFrame, group: str, planted_bps: float | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Balance, rate with the group's planted markup taken out, and months left, for ``group``'s loans."""
    book = check_frame(book, "book", ("group", "annual_rate", "balance_usd", "remaining_term_months"))
    if planted_bps is None:
        planted = dict(book.attrs.get("markup_bps", {}))
        if group not in planted:
            raise InputError(
                f"planted_bps: the book's attrs hold no markup for group {group!r} (a snapshot read from "
                "disk keeps none): pass the markup planted in it"
            )
        planted_bps = float(planted[group])
    planted_rate = float(as_float_array("planted_bps", planted_bps, nonnegative=True)[0]) / 1e4
    rows = book["group"].to_numpy() == group
    b = as_float_array("book: column 'balance_usd'", book["balance_usd"], nonnegative=True)[rows]
    rate = as_float_array("book: column 'annual_rate'", book["annual_rate"], unit_interval=True)[rows]
    n = _months("book: column 'remaining_term_months'", book["remaining_term_months"], low=1)[rows]
    return b, np.maximum(rate - planted_rate, 0.0), n


def markup_cost_usd(
    book: pd.DataFrame, markup_bps: Any, *, group: str = "C", planted_bps: float | None = None
) -> np.ndarray:
    """Extra interest a markup costs each borrower of ``group`` on average over their remaining loans (USD).

    The group's planted markup (``planted_bps``, default ``book.attrs["markup_bps"][group]``) is taken out
    of each rate first, then each
    remaining loan is re-priced at that rate plus ``markup_bps``: ``n * (payment(rate + m) -
    payment(rate))``, averaged over the group. One value per markup in ``markup_bps``.

    Examples
    --------
    >>> from nogo.cases.loan_steering import steering_book
    >>> book = steering_book(4_000, seed=1)
    >>> cost = markup_cost_usd(book, [0.0, 30.0, 60.0])
    >>> float(cost[0]), bool(0 < cost[1] < cost[2])
    (0.0, True)
    """
    b, rate, n = _group_loans(book, group, planted_bps)
    m = as_float_array("markup_bps", markup_bps, nonnegative=True).reshape(-1, 1) / 1e4
    extra = n * (_payment(b, rate + m, n) - _payment(b, rate, n))
    return extra.mean(axis=1) if b.size else np.zeros(m.shape[0])


def markup_no_go_bps(
    book: pd.DataFrame,
    *,
    per_borrower_usd: float = 250.0,
    group: str = "C",
    planted_bps: float | None = None,
    max_bps: int = 500,
) -> int:
    """The smallest whole markup (bps) in ``group`` that costs its borrowers ``per_borrower_usd`` each.

    The loan case's launch call turns on it: a markup that costs each marked-up borrower as much as
    Ally's borrowers were overcharged on average (``$250``, the midpoint of the $200-$300 of source L2)
    is a gap of the size the CFPB and the DOJ settled over, and no agent should renegotiate those loans
    before it is removed. Found by pricing every whole markup from 0 to ``max_bps`` with
    :func:`markup_cost_usd` (monotone in the markup).

    Examples
    --------
    >>> from nogo.cases.loan_steering import steering_book
    >>> book = steering_book(4_000, seed=1)
    >>> line = markup_no_go_bps(book)
    >>> bool(markup_cost_usd(book, line - 1)[0] < 250 <= markup_cost_usd(book, line)[0])
    True
    """
    cost = markup_cost_usd(book, np.arange(max_bps + 1, dtype=float), group=group, planted_bps=planted_bps)
    over = np.flatnonzero(cost >= per_borrower_usd)
    if over.size == 0:
        raise InputError(f"per_borrower_usd: no markup up to {max_bps} bps costs ${per_borrower_usd:,.2f}")
    return int(over[0])


# -- the autonomy rules ---------------------------------------------------------------------------


def loan_autonomy_surface(*, value_cap_usd: float | None = None) -> AutonomySurface:
    """The constraint and the escalation rule over an offers frame, as :mod:`nogo.models.autonomy` rules.

    1. :data:`NO_HIDDEN_COST_RULE`: ``Never("raises_total_cost and not consent_recorded")``: blocked
       whatever the agent's confidence (``consent_recorded`` is set by :func:`disclose`).
    2. Term-extending offers escalate: ``When("extends_term", verdict="approval")``.
    3. Optionally ``ValueCap(value_cap_usd)`` on ``value_usd`` (the total cost change at stake): approval.

    Examples
    --------
    >>> o = pd.DataFrame({"raises_total_cost": [False, True, True], "consent_recorded": [False, False, True],
    ...                   "extends_term": [False, True, True]})
    >>> loan_autonomy_surface().evaluate(o)["verdict"].tolist()
    ['alone', 'blocked', 'approval']
    """
    rules: list[Any] = [
        Never("raises_total_cost and not consent_recorded", label=NO_HIDDEN_COST_RULE),
        When("extends_term", verdict="approval", label="term-extending offers: a person approves"),
    ]
    if value_cap_usd is not None:
        rules.append(ValueCap(value_cap_usd))
    return AutonomySurface(tuple(rules))
