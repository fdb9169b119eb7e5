"""The exact act / escalate / decline split of a sorted decision log, in O(n).

Over a log sorted by score (:func:`nogo.models.decision_log.sort_log`), acting on the top ``i``,
escalating ``i..j`` and declining the rest costs ``cost(i, j) = f(i) + g(j)``, so the best ``i`` for
every ``j`` is a running minimum of ``f``; with a cap of ``k`` escalations it is a sliding-window minimum
(:func:`scipy.ndimage.minimum_filter1d`, O(n) independent of ``k``). Memory is O(n). The same search
runs on every bootstrap resample at once (``weights``). :func:`nogo.best_two_thresholds` and
:func:`nogo.bootstrap_policy` are built on it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.ndimage import minimum_filter1d

from nogo.models.costs import ACT, DECLINE, ESCALATE
from nogo.models.decision_log import prefix_sums

__all__ = ["search_two_cuts"]


def _segmented_cummin(f: np.ndarray, segment: np.ndarray) -> np.ndarray:
    """Running minimum along the last axis that restarts wherever ``segment`` changes (rows independent)."""
    b, m = f.shape
    groups = (segment + np.arange(b)[:, None] * (m + 1)).ravel()
    return pd.Series(f.ravel()).groupby(groups, sort=False).cummin().to_numpy().reshape(b, m)


def search_two_cuts(
    cost: np.ndarray,
    wrong: np.ndarray,
    valid: np.ndarray,
    *,
    max_escalations: int | None,
    max_wrong_actions: float | None,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Best split positions (i, j) and cost for one log, or one per row of ``weights``.

    ``cost`` is (n, 3) in sorted order (:attr:`SortedLog.cost`), ``wrong`` and ``valid`` as in
    :class:`~nogo.models.decision_log.SortedLog`, ``weights`` (B, n) bootstrap counts
    (:func:`nogo.models.bootstrap.resample_counts`). At most ``max_escalations`` rows may be escalated
    and at most ``max_wrong_actions`` acted on wrongly (None: no limit). Returns arrays of length B
    (B = 1 without weights).

    A row whose escalation cost is inf (no reviewer for it) may not fall in the escalated band
    ``i <= k < j``: the band's cost is priced with those rows at 0 and ``i`` is searched only after the
    last such row before ``j`` (a running minimum that restarts there), so no ``inf - inf`` arises.

    Examples
    --------
    >>> from nogo.models.costs import DecisionCosts
    >>> from nogo.models.decision_log import sort_log
    >>> c = DecisionCosts(false_action_usd=9, missed_usd=1, escalate_usd=0.4)
    >>> log = sort_log([0.95, 0.7, 0.5, 0.1], [1, 0, 1, 0], c)
    >>> i, j, cost = search_two_cuts(
    ...     log.cost, log.wrong, log.valid, max_escalations=None, max_wrong_actions=None
    ... )
    >>> int(i[0]), int(j[0]), round(float(cost[0]), 6)
    (1, 3, 0.8)
    """
    w = np.ones((1, cost.shape[0])) if weights is None else weights
    n = cost.shape[0]
    esc = cost[:, ESCALATE]
    blocked_row = np.isinf(esc)
    blocked = (w > 0) & blocked_row  # (B, n): rows in the sample that cannot be escalated
    a = prefix_sums(w * cost[:, ACT])
    e = prefix_sums(w * np.where(blocked_row, 0.0, esc))
    d = prefix_sums(w * cost[:, DECLINE])
    f = a - e  # (B, n+1): depends on the act/escalate split i
    g = e - d  # depends on the escalate/decline split j
    ok_i = np.broadcast_to(valid, f.shape)
    if max_wrong_actions is not None:
        wrong_cum = prefix_sums(w * wrong)
        ok_i = ok_i & (wrong_cum <= max_wrong_actions + 1e-9)
    f = np.where(ok_i, f, np.inf)
    pos = np.arange(n + 1)
    any_blocked = bool(blocked.any())
    if any_blocked:
        # start[b, j]: the first split i allowed for j, just after the last blocked row before j.
        start = np.zeros(f.shape, dtype=np.int64)
        np.maximum.accumulate(np.where(blocked, pos[1:], 0), axis=-1, out=start[:, 1:])
    capped = max_escalations is not None and max_escalations < n
    if capped:
        size = int(max_escalations) + 1
        best_f = minimum_filter1d(f, size, axis=-1, mode="constant", cval=np.inf, origin=(size - 1) // 2)
    else:
        best_f = np.minimum.accumulate(f, axis=-1)
    if any_blocked:
        # Where a blocked row is nearer than the capacity window's start, the window starts after it.
        if blocked.all():
            segment_min = f  # no row can be escalated: the window of j is j alone
        else:
            segment = np.zeros(f.shape, dtype=np.int64)  # blocked rows before each split
            np.cumsum(blocked, axis=-1, out=segment[:, 1:])
            segment_min = _segmented_cummin(f, segment)
        window_lo = pos - int(max_escalations) if capped else np.zeros_like(pos)
        best_f = np.where(start > window_lo, segment_min, best_f)
    total = np.where(valid, g + best_f, np.inf) + d[:, -1:]
    j = np.argmin(total, axis=-1)
    rows = np.arange(total.shape[0])
    best = total[rows, j]
    # Recover i: the first valid split in the allowed window whose f equals the window minimum.
    target = best_f[rows, j]
    lo = start[rows, j] if any_blocked else np.zeros_like(j)
    if capped:
        lo = np.maximum(lo, j - int(max_escalations))
    in_window = (pos[None, :] >= lo[:, None]) & (pos[None, :] <= j[:, None])
    i = np.argmax(in_window & (f == target[:, None]), axis=-1)
    return i, j, best
