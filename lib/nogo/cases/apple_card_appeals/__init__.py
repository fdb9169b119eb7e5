"""Apple Card: credit limits customers said nobody could explain or appeal, and disputes lost on the way to
the bank (``apple-card-appeals``).

Three things on the record, kept apart (incidents.md, section 7): the 2019 tweets were *allegations*
(20 times and 10 times a wife's limit); NYDFS *found* no fair-lending violation in March 2021 while
criticising how opaque the decisions were; the CFPB's October 2024 orders were about the *disputes
system* (launched four days after Goldman's board heard it was not fully ready), not about gender.

The decision log comes from the case file's segments (the generic generator, :class:`SegmentCase`):
routine limit increases, thin-file applicants, spouses who report joint finances, contested decisions
(which a person must decide: the case's hard rule) and increase requests after missed payments. What the
case adds is its own lever, the appeal and dispute desk and the launch gate, and two reconstructions,
all SYNTHETIC:

- :mod:`~nogo.cases.apple_card_appeals.households`: :func:`spousal_households` (married applicants, an
  individual underwriting model), :func:`group_audit` (the audit by group, which passes) and
  :func:`spousal_pairs` / :func:`pair_summary` (the household's question: how far apart are the limits);
- :mod:`~nogo.cases.apple_card_appeals.desk`: :class:`AppealDeskTask`, the signature drill (reviewers
  1, 2, 4, 8 or 16; launch now, after a readiness test, or not at all) on :func:`simulate_desk`;
- :mod:`~nogo.cases.apple_card_appeals.record`: :func:`record_timeline` (allegation, finding, order) and
  :func:`reconstructed_figures` for the check against the record;
- :mod:`~nogo.cases.apple_card_appeals.charts`: :func:`pair_ratio_chart`.

and :data:`CASE`, the case through the case interface.
"""

from __future__ import annotations

from nogo.cases.apple_card_appeals.charts import RATIO_BINS, pair_ratio_chart
from nogo.cases.apple_card_appeals.desk import (
    DESK_RULE,
    GATES,
    REVIEWER_CHOICES,
    AppealDeskTask,
    DeskInputs,
    simulate_desk,
)
from nogo.cases.apple_card_appeals.households import (
    AUDIT_SCORE_CUTS,
    group_audit,
    pair_summary,
    spousal_households,
    spousal_pairs,
)
from nogo.cases.apple_card_appeals.record import (
    BOARD_TOLD,
    LAUNCH,
    RECORD,
    reconstructed_figures,
    record_timeline,
)
from nogo.cases.case import CaseData
from nogo.cases.segments import SegmentCase
from nogo.errors import InputError

__all__ = [
    "AUDIT_SCORE_CUTS",
    "BOARD_TOLD",
    "CASE",
    "DESK_RULE",
    "GATES",
    "LAUNCH",
    "RATIO_BINS",
    "RECORD",
    "REVIEWER_CHOICES",
    "AppealDeskTask",
    "AppleCardAppealsCase",
    "DeskInputs",
    "appeals_per_day",
    "desk_inputs",
    "group_audit",
    "pair_ratio_chart",
    "pair_summary",
    "reconstructed_figures",
    "record_timeline",
    "simulate_desk",
    "spousal_households",
    "spousal_pairs",
]


def appeals_per_day(data: CaseData) -> float:
    """Contested credit decisions a day in the decision log: the rows the case's rule binds, per day."""
    bound = [r.applies for r in data.hard_rules if r.rule == DESK_RULE]
    if not bound:
        raise InputError(f"apple-card-appeals: no hard rule {DESK_RULE!r} in the case file's segments")
    return float(bound[0].sum()) / float(data.days)


def desk_inputs(data: CaseData) -> DeskInputs:
    """The desk simulation's numbers for a built case: its parameters, its desk and its appeal rate."""
    return DeskInputs.from_case(data.parameters, data.desk, appeals_per_day(data))


class AppleCardAppealsCase(SegmentCase):
    """The case on the generic segment generator, with its own signature drill (:class:`AppealDeskTask`).

    Everything but :meth:`signature_task` is :class:`~nogo.cases.segments.SegmentCase`'s: the decision log,
    ``p``, the costs, the desk and the hard rule come from the case file's ``segments`` section.
    """

    def signature_task(self, data: CaseData) -> AppealDeskTask:
        """The appeal and dispute desk's reviewers and the launch gate, on :func:`simulate_desk`."""
        return AppealDeskTask(desk_inputs(data))


CASE = AppleCardAppealsCase
