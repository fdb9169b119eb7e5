"""Benchmark one update of the "set the policy" drill against a baseline measured in the same process.

Run with ``python tests/bench/bench_policy_drill.py [--sizes 1e5 1e6] [--settings 50]``. It prints
times and ratios, never pass/fail: timings on a shared 2-core machine vary, ratios much less.

Rows, for each log size n (a synthetic :func:`nogo.example_log`, value-dependent costs):

- ``numpy.sort of p``: the baseline, one sort of the calibrated probabilities;
- ``prepare (once)``: :func:`nogo.models.policy_model.prepare_policy_log`, paid once when the drill opens;
- ``evaluate_policy``: the metrics of one policy, over ``--settings`` random settings (thresholds and
  caps on the sliders' lattices, half of them with no cap, random headcount); median and p95;
- ``chart spec``: :func:`nogo.practice.policy_drill.policy_chart` built and turned into a Vega-Lite dict, as a
  notebook uses it (the widget skips this: it patches the data of a spec compiled once);
- ``SVG render``: ``vl_convert.vegalite_to_svg`` of that dict (the widget shows SVG, offline-safe);
- ``widget update (set)``: :meth:`PolicyDrill.set` end to end, i.e. what one slider release costs:
  compute, the HTML panel, the chart's data and its SVG;
- ``widget update, headcount only``: moving only the reviewers slider, which leaves the chart alone;
- ``optimal_policy (once)``: the grid search, paid once at the first submission;
- ``... with hard rules``: the same three steps on the same log under a case's hard rules and its own
  fairness measure, as :meth:`PolicyDrill.for_case` prepares it (acting alone forbidden on a random
  30% of decisions, declining alone on 20%, a weighted gap between the groups as the fairness measure).

Each per-update row is timed on every setting after one warm-up call; one-off rows are the best of
``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import vl_convert as vlc

import nogo
from nogo.models.policy_model import PolicyFairness, PolicySettings, evaluate_policy, prepare_policy_log
from nogo.models.policy_optimum import optimal_policy
from nogo.practice.policy_drill import PolicyDrill, policy_chart

TEMPLATE = Path(__file__).resolve().parents[2] / "casebook" / "_template.yaml"


def _costs(log) -> nogo.DecisionCosts:
    model = nogo.CostModel(
        [
            nogo.CostComponent("wrong action", "false_action", base_usd=5, value_share=1.0),
            nogo.CostComponent("missed", "missed", base_usd=2, value_share=0.2),
            nogo.CostComponent("delay", "delay", base_usd=3),
        ],
        reviewer_miss_rate=0.05,
    )
    return model.decision_costs(log["value_usd"])


def _best_of(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _each(fn: Callable[[PolicySettings], object], settings: list[PolicySettings]) -> np.ndarray:
    fn(settings[0])
    out = []
    for s in settings:
        t0 = time.perf_counter()
        fn(s)
        out.append(time.perf_counter() - t0)
    return np.asarray(out)


def _random_settings(prep, k: int, rng: np.random.Generator) -> list[PolicySettings]:
    out = []
    for _ in range(k):
        lo, hi = np.sort(rng.choice(prep.thresholds, 2))
        cap = float(rng.choice(prep.value_caps_usd[:-1])) if rng.uniform() < 0.5 else float("inf")
        out.append(PolicySettings(float(lo), float(hi), cap, int(rng.integers(1, 60))))
    return out


def _rules(log, rng: np.random.Generator) -> tuple[np.ndarray, PolicyFairness]:
    """Hard rules and a fairness measure like a case's: some decisions may not be acted on or declined
    alone; the measure is a weighted rate per group compared as a gap."""
    n = len(log)
    allowed = np.column_stack([rng.uniform(size=n) > 0.3, np.ones(n, bool), rng.uniform(size=n) > 0.2])
    weight = np.where(rng.uniform(size=n) < 0.3, 50.0, 0.0)
    return allowed, PolicyFairness(
        "relief granted alone", log["group"], "act", "gap", 2.0, weight, unit="bps"
    )


def run(sizes: list[int], k: int, repeat: int, seed: int) -> list[dict[str, object]]:
    rng = np.random.default_rng(seed)
    case = nogo.load_case(TEMPLATE)
    rows: list[dict[str, object]] = []
    for n in sizes:
        log = nogo.example_log(n, seed=seed, days=30)
        costs = _costs(log)
        p = log["p_true"].to_numpy()
        base = _best_of(lambda p=p: np.sort(p), repeat)
        prep_s = _best_of(lambda log=log, costs=costs: prepare_policy_log(log, "p_true", costs, days=30), 1)
        prep = prepare_policy_log(log, "p_true", costs, days=30)
        settings = _random_settings(prep, k, rng)
        evaluate = _each(lambda s, prep=prep: evaluate_policy(prep, s), settings)
        specs = {}

        def spec(s, prep=prep, specs=specs):
            specs[s] = policy_chart(prep, s).to_dict()

        chart = _each(spec, settings)
        svg = _each(lambda s, specs=specs: vlc.vegalite_to_svg(specs[s]), settings)
        with contextlib.redirect_stdout(io.StringIO()):  # the drill prints its summary when created
            drill = PolicyDrill(case, log, "p_true", costs, days=30, assumptions=prep.assumptions)
        top = drill.reviewers_slider.max
        in_range = [PolicySettings(s.t_lo, s.t_hi, s.value_cap_usd, min(s.reviewers, top)) for s in settings]
        widget = _each(
            lambda s, d=drill: d.set(
                t_lo=s.t_lo, t_hi=s.t_hi, value_cap_usd=s.value_cap_usd, reviewers=s.reviewers
            ),
            in_range,
        )
        staff = _each(lambda s, d=drill: d.set(reviewers=s.reviewers), in_range)
        opt = _best_of(lambda prep=prep: optimal_policy(prep), 1)
        allowed, fair = _rules(log, np.random.default_rng(seed + 1))  # its own draws: same settings as before

        def ruled(log=log, costs=costs, allowed=allowed, fair=fair):
            return prepare_policy_log(log, "p_true", costs, days=30, allowed=allowed, fairness=fair)

        prep_r = _best_of(ruled, 1)
        rprep = ruled()
        evaluate_r = _each(lambda s, prep=rprep: evaluate_policy(prep, s), settings)
        opt_r = _best_of(lambda prep=rprep: optimal_policy(prep), 1)
        for step, t in [
            ("numpy.sort of p (baseline)", np.array([base])),
            ("prepare (once)", np.array([prep_s])),
            ("evaluate_policy", evaluate),
            ("chart spec (Altair to_dict)", chart),
            ("SVG render (vl-convert)", svg),
            ("widget update (set: all of it)", widget),
            ("widget update, headcount only", staff),
            ("optimal_policy (once)", np.array([opt])),
            ("prepare, with hard rules (once)", np.array([prep_r])),
            ("evaluate_policy, with hard rules", evaluate_r),
            ("optimal_policy, with hard rules", np.array([opt_r])),
        ]:
            med, p95 = float(np.median(t)), float(np.percentile(t, 95))
            rows.append(
                {"n": n, "step": step, "median_ms": med * 1e3, "p95_ms": p95 * 1e3, "x sort": med / base}
            )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", type=float, default=[1e5, 1e6])
    parser.add_argument("--settings", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args(argv)
    rows = run([int(s) for s in args.sizes], args.settings, args.repeat, args.seed)
    print(f"{'n':>10}  {'step':<34} {'median ms':>10} {'p95 ms':>9} {'x sort':>8}")
    for r in rows:
        print(
            f"{r['n']:>10,}  {r['step']:<34} {r['median_ms']:>10.2f} {r['p95_ms']:>9.2f} {r['x sort']:>8.2f}"
        )


if __name__ == "__main__":
    main()
