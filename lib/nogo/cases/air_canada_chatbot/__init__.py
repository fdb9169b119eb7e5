"""Air Canada's website chatbot and the bereavement fare (``air-canada-chatbot``): the generic segment case.

The case is built entirely by the generic segment generator from ``casebook/air-canada-chatbot.yaml``
(intents as segments; every intent, accuracy and cost there is an illustrative assumption, the record
being Moffatt v. Air Canada, 2024 BCCRT 149). This module exists for one workaround, not for mechanics:

:class:`AirCanadaChatbotCase` fits the case's calibration (Platt scaling, out of fold, per intent) with
the native thread pools of NumPy and scikit-learn limited to one thread. The numbers are exactly those of
:meth:`nogo.SegmentCase.probability`; on a busy machine, scikit-learn's logistic regression on a few hundred
rows spent most of its time synchronising threads (about 4 seconds against 0.2 for the same fits on one
thread, measured on the project's 2-core machines), which alone put this notebook over its 2x budget
against an empty notebook importing :mod:`nogo`. The shared layer could do the same in
:func:`nogo.calibrate_out_of_fold`; until it does, this case keeps it local.

:data:`CASE` is what :func:`nogo.open_case` finds from the id.

Examples
--------
>>> from nogo.cases.project import Project
>>> from nogo.cases.case import open_case
>>> case = open_case(Project.find().case("air-canada-chatbot"))
>>> type(case).__name__
'AirCanadaChatbotCase'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.segments import SegmentCase

__all__ = ["CASE", "AirCanadaChatbotCase"]


class AirCanadaChatbotCase(SegmentCase):
    """The generic segment case, with its calibration fitted on one native thread (same numbers, faster)."""

    def probability(self, log: pd.DataFrame, params: Mapping[str, Any]) -> np.ndarray:
        """:meth:`nogo.SegmentCase.probability` with native thread pools limited to one thread.

        Parameters
        ----------
        log
            The decision log the generator built.
        params
            The case's parameters (``seed`` seeds the folds).

        Returns
        -------
        numpy.ndarray
            The calibrated probability that the assistant's answer is right, one per question.
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return super().probability(log, params)


CASE = AirCanadaChatbotCase
