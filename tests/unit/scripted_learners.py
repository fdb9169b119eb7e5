"""What the scripted-learner tests of more than one case check the same way (test_loans_scripted,
test_pricing_scripted)."""

from __future__ import annotations

import pytest

from nogo.practice.premortem import score_premortem


def check_informed_premortem(case) -> None:
    """The pre-mortem: ranking the case's failure modes as the case file ranks them scores perfectly (rank
    correlation 1, the worst in the top two); the file's own listing order and its reverse score below 0.5
    and miss the worst, so the drill cannot be passed without reading the case."""
    names = [m.name for m in case.failure_modes]
    informed = score_premortem(case, [m.name for m in case.ranked_failure_modes])
    assert informed.spearman_rho == pytest.approx(1.0) and informed.worst_in_top_two
    for ranking in (names, names[::-1]):
        s = score_premortem(case, ranking)
        assert s.spearman_rho < 0.5 and not s.worst_in_top_two, ranking
