"""Benchmark the threshold searches against baselines measured in the same process.

Run with ``make bench`` (or ``python tests/bench/bench_thresholds.py [--sizes 1e6 1e7]``). It prints
ratios, never pass/fail: timings on a shared 2-core machine vary, ratios much less.

Rows, for each log size n:

- ``argsort``: one ``numpy.argsort`` of the scores, the floor any exact sweep must pay;
- ``sweep``: :func:`nogo.sweep_thresholds`, the realised cost, action rate and error rate at every
  distinct threshold;
- ``naive loop``: 1,000 candidate thresholds, each priced by its confusion counts over the whole log
  (false actions and misses, as a confusion-matrix loop computes them); measured on a subsample and
  extrapolated linearly to n, since one pass is linear in n;
- ``two-threshold``: :func:`nogo.best_two_thresholds`, the exact act / escalate / decline search;
- ``two-threshold, capacity``: the same within a reviewer-capacity cap;
- ``two-threshold, no reviewer on 10% of rows``: escalation unavailable (inf) on a random tenth of the
  decisions, so the escalated band may not cross those rows (a running minimum that restarts at each).

Each timing is the best of ``--repeat`` runs after one warm-up run (the first touch of fresh memory
costs more than the work itself at these sizes).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np

import nogo


def _best_of(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _naive_loop(score: np.ndarray, outcome: np.ndarray, costs: nogo.DecisionCosts) -> np.ndarray:
    """The loop the sweep replaces: per threshold, the confusion counts and their cost."""
    fa = costs.array("false_action_usd")
    miss = costs.array("missed_usd")
    grid = np.linspace(0.0, 1.0, 1000)
    out = np.empty(len(grid))
    for k, t in enumerate(grid):
        act = score >= t
        false_actions = act & ~outcome
        misses = ~act & outcome
        out[k] = (false_actions * fa).sum() + (misses * miss).sum()
    return out


def run(sizes: list[int], repeat: int, seed: int) -> list[dict[str, float | int | str]]:
    rng = np.random.default_rng(seed)
    costs = nogo.DecisionCosts(false_action_usd=90.0, missed_usd=10.0, escalate_usd=3.0)
    rows: list[dict[str, float | int | str]] = []
    for n in sizes:
        p = rng.uniform(size=n)
        y = rng.uniform(size=n) < p
        partial = nogo.DecisionCosts(
            false_action_usd=90.0, missed_usd=10.0, escalate_usd=np.where(rng.uniform(size=n) < 0.1, np.inf, 3.0)
        )
        base = _best_of(lambda p=p: np.argsort(p), repeat)
        sub = min(n, 100_000)
        t_naive = _best_of(lambda p=p, y=y, sub=sub: _naive_loop(p[:sub], y[:sub], costs), 1) * (n / sub)
        timings = {
            "argsort": base,
            "sweep": _best_of(lambda p=p, y=y: nogo.sweep_thresholds(p, y, costs), repeat),
            "naive loop (1,000 thresholds, extrapolated)": t_naive,
            "two-threshold": _best_of(lambda p=p, y=y: nogo.best_two_thresholds(p, y, costs), repeat),
            "two-threshold, capacity": _best_of(
                lambda p=p, y=y, n=n: nogo.best_two_thresholds(
                    p, y, costs, max_escalations_per_day=n // 20, days=1
                ),
                repeat,
            ),
            "two-threshold, no reviewer on 10% of rows": _best_of(
                lambda p=p, y=y, c=partial: nogo.best_two_thresholds(p, y, c), repeat
            ),
        }
        for name, seconds in timings.items():
            rows.append({"n": n, "step": name, "seconds": seconds, "x argsort": seconds / base})
        sweep = timings["sweep"]
        rows.append(
            {
                "n": n,
                "step": "naive loop / sweep",
                "seconds": float("nan"),
                "x argsort": t_naive / sweep,
            }
        )
        # The sweep prices all n + 1 thresholds, the loop 1,000: compare the cost of one threshold.
        rows.append(
            {
                "n": n,
                "step": "naive loop / sweep, per threshold priced",
                "seconds": float("nan"),
                "x argsort": (t_naive / 1000) / (sweep / (n + 1)),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e6, 1e7])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    rows = run([int(s) for s in args.sizes], args.repeat, args.seed)
    print(f"{'n':>12}  {'step':<44} {'seconds':>9} {'ratio':>9}")
    for r in rows:
        secs = "" if np.isnan(r["seconds"]) else f"{r['seconds']:.3f}"
        label = "speed-up" if r["step"].startswith("naive loop /") else "x argsort"
        print(f"{r['n']:>12,}  {r['step']:<44} {secs:>9} {r['x argsort']:>8.2f} {label}")


if __name__ == "__main__":
    main()
