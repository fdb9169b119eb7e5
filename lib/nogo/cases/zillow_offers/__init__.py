"""Zillow Offers: an automated home buyer's binding offers, the winner's curse and when to stop buying
(``zillow-offers``).

The case (shared/incidents.md section 2) runs on the generic segment generator for its decision log: offers
by kind of home and market (homes in stable markets, in cooling markets, unusual homes the model knows
poorly, homes in a market past its margin stop), built by :class:`nogo.cases.segments.SegmentCase` with
the case file's hard rules. What the case adds, all SYNTHETIC:

- :mod:`.curse`: the winner's curse of a binding offer in closed form (:func:`winners_curse`) and the same
  homes drawn one by one (:func:`simulate_offers`, on :func:`nogo.binding_offers`);
- :mod:`.record`: the 2021 book, the model's error fitted to the Q3 write-down per home
  (:func:`fit_error_sd`, :class:`BookFit`), the two figures it then reproduces, how they move with the
  assumptions (:func:`reproduction_grid`), and the homes drawn (:func:`book_2021`);
- :mod:`.drill`: the signature drill, :class:`MarginCapTask` (the margin of safety, the weekly cap, the stop
  on realised margin) on a year of offers (:class:`OfferYear`);
- :mod:`.charts`: :func:`curse_chart` (the overpayment on accepted homes against the model's error).

and :data:`CASE`, the case through the case interface.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nogo.cases.case import CaseData
from nogo.cases.segments import SegmentCase
from nogo.cases.zillow_offers.charts import curse_chart, curse_frame
from nogo.cases.zillow_offers.curse import MEDIAN_ABS_Z, error_sd_from_median, simulate_offers, winners_curse
from nogo.cases.zillow_offers.drill import (
    CAPS,
    MARGIN_RULE,
    MARGINS_PCT,
    NO_STOP,
    STOP_RULE,
    STOPS,
    MarginCapTask,
    OfferYear,
    replay_year,
)
from nogo.cases.zillow_offers.record import (
    BookFit,
    book_2021,
    fit_error_sd,
    reproduction_grid,
    writedown_share,
)

__all__ = [
    "CAPS",
    "CASE",
    "MARGINS_PCT",
    "MARGIN_RULE",
    "MEDIAN_ABS_Z",
    "NO_STOP",
    "STOPS",
    "STOP_RULE",
    "BookFit",
    "MarginCapTask",
    "OfferYear",
    "ZillowOffersCase",
    "book_2021",
    "curse_chart",
    "curse_frame",
    "error_sd_from_median",
    "fit_error_sd",
    "offer_year",
    "replay_year",
    "reproduction_grid",
    "simulate_offers",
    "winners_curse",
    "writedown_share",
]


def offer_year(params: Mapping[str, Any]) -> OfferYear:
    """The signature drill's year at a parameter set (the case file's parameters of the same names)."""
    return OfferYear(
        model_error_share=float(params["model_error_share"]),
        resale_margin_share=float(params["resale_margin_share"]),
        market_drift_per_year=float(params["market_drift_per_year"]),
        offers_per_week=int(params["offers_per_week"]),
        seller_sd=float(params["seller_spread_share"]),
        resale_impact_per_100_homes=float(params["resale_impact_per_100_homes"]),
    )


class ZillowOffersCase(SegmentCase):
    """The case on the generic segment generator, with the margin-and-cap drill as its signature task.

    The decision log, the calibrated ``p``, the costs, the desk and the hard rules all come from the case
    file's ``segments`` section (:class:`SegmentCase`); :meth:`signature_task` is :class:`MarginCapTask`
    on :func:`offer_year` at the parameter set, seeded by the case's ``seed``.
    """

    def signature_task(self, data: CaseData) -> MarginCapTask:
        """The margin of safety, the weekly cap and the stop, scored by :class:`MarginCapTask`."""
        signature = self.file.signature
        return MarginCapTask(offer_year(data.parameters), seed=int(data.parameters["seed"]),
                             question=None if signature is None else signature.question)  # fmt: skip


CASE = ZillowOffersCase
