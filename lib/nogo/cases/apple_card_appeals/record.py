"""The record, kept apart: what was alleged (2019), what NYDFS found (2021), what the CFPB ordered (2024).

:data:`RECORD` is the case's timeline in three kinds of statement (an allegation is never a finding, and
the 2024 orders were about the disputes system, not about gender); :func:`reconstructed_figures` computes
what the notebook checks against the case file's published figures: the days from the board's warning to
the launch, from the two dates, and the orders' total, from the three amounts used as given.

Examples
--------
>>> from nogo.cases.project import Project
>>> case = Project.find().case("apple-card-appeals")
>>> figures = reconstructed_figures(case)
>>> figures["board_warning_to_launch_days"], round(figures["cfpb_total_usd"] / 1e6, 1)
(4, 89.8)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

__all__ = ["BOARD_TOLD", "LAUNCH", "RECORD", "reconstructed_figures", "record_timeline"]

BOARD_TOLD = dt.date(2019, 8, 16)
"""Goldman's board told the disputes system was "not fully ready" (P9)."""
LAUNCH = dt.date(2019, 8, 20)
"""Apple Card launched (P9)."""
RECORD: tuple[tuple[str, str, str, str], ...] = (
    ("2019-08-16", "warning", "Goldman's board told the disputes system was not fully ready", "P9"),
    ("2019-08-20", "event", "Apple Card launched", "P9"),
    ("2019-11-07", "allegation", "Hansson: 20 times his wife's limit despite joint finances, no appeal of "
                                 "'the algorithm'; Wozniak reported 10 times", "P1, P2, P3"),
    ("2019-11-10", "event", "NYDFS announced an investigation; the wife's limit raised after the outcry",
     "P3, P8"),
    ("2021-03-23", "finding", "NYDFS: no fair-lending violation found (about 400,000 New York applicants "
                              "analysed); opacity and communication criticised", "P5, P6"),
    ("2024-10-23", "order", "CFPB orders on the disputes system: disputes not forwarded, launched before "
                            "it was ready; $25M (Apple), $45M plus at least $19.8M redress (Goldman)",
     "P9, P10, P11"),
    ("2025-09-22", "event", "CFPB terminated the Apple order early, the penalty paid", "P11, P12"),
)  # fmt: skip
"""Date, kind (allegation, finding, order, warning, event), what, sources."""


def record_timeline() -> pd.DataFrame:
    """:data:`RECORD` as a frame: ``date``, ``kind``, ``what``, ``sources``."""
    return pd.DataFrame(list(RECORD), columns=["date", "kind", "what", "sources"])


def reconstructed_figures(case: Any) -> dict[str, float]:
    """What the notebook checks against each published figure of the case file (``case``: its CaseFile).

    The two ratios and the three amounts are used as given (``kind: input``); the days are computed from
    the two dates; the total is the sum of the three amounts, which must reach the published floor.
    """
    given = {f.name: f.value for f in case.published_figures}
    total = given["apple_penalty_usd"] + given["goldman_penalty_usd"] + given["goldman_redress_usd"]
    return {
        "hansson_limit_ratio": given["hansson_limit_ratio"],
        "wozniak_limit_ratio": given["wozniak_limit_ratio"],
        "board_warning_to_launch_days": (LAUNCH - BOARD_TOLD).days,
        "apple_penalty_usd": given["apple_penalty_usd"],
        "goldman_penalty_usd": given["goldman_penalty_usd"],
        "goldman_redress_usd": given["goldman_redress_usd"],
        "cfpb_total_usd": total,
    }
