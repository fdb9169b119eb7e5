"""The generic segment generator: a case's decision log from its case file alone.

Many agent failures are segments of work with different stakes (intents, action types, offer types). A
case file describes them under ``segments:`` (the fields: :mod:`nogo.cases.segments_schema`), and
:class:`SegmentCase` builds everything from it, seeded by the case's ``seed`` parameter and vectorised
(one draw per column, no loop over decisions). :func:`nogo.open_case` uses it for a case file with a
``segments`` section and no module of its own.

The model, per decision ``i`` of segment ``s``:

* the segment: drawn with probability ``share[s]``;
* the true chance that acting is right: ``p_true ~ Beta(accuracy * c, (1 - accuracy) * c)`` with
  ``c = concentration[s]``, so its mean is the segment's ``accuracy``;
* the outcome (1 where acting is right): ``Bernoulli(p_true)``;
* the agent's stated score, a strictly increasing distortion of ``p_true`` within the segment:
  ``score = sigmoid(4 ** overconfidence * logit(p_true) + shift)``. ``overconfidence`` 0 and ``shift`` 0
  state the truth; ``overconfidence`` 1 stretches the log-odds fourfold (0.9 is stated as 0.99998), -1
  shrinks them fourfold toward 1/2; ``shift`` adds log-odds (positive: the agent claims more than it
  has). Being monotone within a segment, the distortion is undone by a calibration fitted per segment;
* the value at stake: ``fixed`` (``value``), ``uniform`` (``low`` to ``high``) or ``lognormal`` (median
  ``median``; ``p90 = median * exp(1.2816 sigma)``), rounded to cents.

The log's columns: ``decision_id`` (1, 2, ...), ``segment`` (its name), ``score``, ``outcome``,
``value_usd``, and ``p_true`` (the planted truth, for tests and the segment drill's simulation; the
case's ``p`` is never it). The case's calibrated probability :meth:`SegmentCase.probability` is what a
calibration fitted on the log gives: per segment, out of fold (:func:`nogo.calibrate_out_of_fold`,
isotonic or Platt on the score's log-odds), falling back to the segment's smoothed right rate
``(k + 1) / (n + 2)`` where a segment has too few right or wrong outcomes to fit.

Examples
--------
>>> from nogo.cases.segments_schema import SegmentsSpec
>>> spec = SegmentsSpec.model_validate({
...     "decisions": 4000,
...     "segments": [
...         {"name": "small", "share": 0.75, "accuracy": 0.95, "value_usd": {"dist": "fixed", "value": 20}},
...         {"name": "large", "share": 0.25, "accuracy": 0.7, "confidence": {"overconfidence": 0.8},
...          "value_usd": {"dist": "lognormal", "median": 900, "p90": 3000}}],
...     "costs": {"components": [{"name": "refund", "outcome": "false_action", "value_share": 1.0}]},
... })
>>> log = generate_log(spec, seed=7)
>>> list(log.columns)
['decision_id', 'segment', 'score', 'outcome', 'value_usd', 'p_true']
>>> log.groupby("segment")["outcome"].mean().round(2).to_dict()
{'large': 0.69, 'small': 0.95}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from nogo.cases.case import Case, CaseData, HardRule
from nogo.cases.segments_schema import SegmentsSpec
from nogo.cases.signature import SignatureTask
from nogo.errors import InputError
from nogo.models.calibration import calibrate_out_of_fold
from nogo.models.costs import CostComponent, CostModel
from nogo.models.policy_model import PolicyAssumptions

__all__ = ["SegmentCase", "calibrated_probability", "generate_log", "segment_codes", "segment_summary"]

Z90 = 1.2815515655446004
"""The standard normal's 90th percentile: a lognormal's ``p90 / median = exp(Z90 * sigma)``."""
_P_FLOOR = 1e-6  # p_true is kept in [1e-6, 1 - 1e-6] so its log-odds are finite
_STREAM = 0x5E65  # the generator's own random stream beside the case's seed


def _per_segment(spec: SegmentsSpec, get: Any) -> np.ndarray:
    return np.array([get(s) for s in spec.segments], dtype=float)


def generate_log(spec: SegmentsSpec, seed: int) -> pd.DataFrame:
    """The decision log the ``segments`` section describes (numbers resolved), for ``seed``.

    The same spec and seed always give the same log; each column is one vectorised draw.
    """
    if spec.references():
        raise InputError("segments: resolve the ${parameter} references first (SegmentsSpec.resolve)")
    rng = np.random.default_rng([int(seed), _STREAM])
    n = int(spec.decisions)
    shares = _per_segment(spec, lambda s: s.share)
    seg = rng.choice(len(shares), size=n, p=shares / shares.sum())
    accuracy = _per_segment(spec, lambda s: s.accuracy)[seg]
    conc = _per_segment(spec, lambda s: s.concentration)[seg]
    p_true = np.clip(rng.beta(accuracy * conc, (1 - accuracy) * conc), _P_FLOOR, 1 - _P_FLOOR)
    outcome = (rng.random(n) < p_true).astype(np.int64)
    stretch = 4.0 ** _per_segment(spec, lambda s: s.confidence.overconfidence)[seg]
    shift = _per_segment(spec, lambda s: s.confidence.shift)[seg]
    score = expit(stretch * logit(p_true) + shift)
    value = _values(spec, seg, rng.random(n), rng.standard_normal(n))
    names = np.array([s.name for s in spec.segments], dtype=object)
    log = pd.DataFrame(
        {
            "decision_id": np.arange(1, n + 1),
            "segment": names[seg],
            "score": score,
            "outcome": outcome,
            "value_usd": value,
            "p_true": p_true,
        }
    )
    log.attrs["segments"] = [str(name) for name in names]  # the case file's order, for tables
    return log


def _values(spec: SegmentsSpec, seg: np.ndarray, u: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The value at stake of each decision from its segment's distribution (``u`` uniform, ``z`` normal)."""

    def field(name: str) -> np.ndarray:
        return _per_segment(
            spec, lambda s: np.nan if getattr(s.value_usd, name) is None else getattr(s.value_usd, name)
        )[seg]

    dist = np.array([s.value_usd.dist for s in spec.segments])[seg]
    with np.errstate(invalid="ignore", divide="ignore"):
        sigma = np.log(field("p90") / field("median")) / Z90
        value = np.select(
            [dist == "fixed", dist == "uniform"],
            [field("value"), field("low") + (field("high") - field("low")) * u],
            default=field("median") * np.exp(sigma * z),
        )
    return np.round(value, 2)


def calibrated_probability(
    log: pd.DataFrame, *, method: str = "isotonic", seed: int = 0, n_folds: int = 5
) -> np.ndarray:
    """P(acting is right) fitted on the log: per segment, out of fold, on the score's log-odds.

    A segment with fewer than ``n_folds`` right or wrong outcomes, or a fold that sees only one kind,
    gets the segment's smoothed right rate ``(k + 1) / (n + 2)`` for every decision instead.
    """
    score = np.clip(log["score"].to_numpy(dtype=float), _P_FLOOR, 1 - _P_FLOOR)
    y = log["outcome"].to_numpy(dtype=np.int64)
    out = np.empty(len(log))
    for _, rows in log.groupby("segment", sort=False).indices.items():
        k, m = int(y[rows].sum()), len(rows)
        out[rows] = (k + 1) / (m + 2)
        if min(k, m - k) < n_folds:
            continue
        try:
            out[rows] = calibrate_out_of_fold(
                logit(score[rows]), y[rows], method=method, n_folds=n_folds, seed=seed
            )
        except InputError:  # a training fold with one kind of outcome: keep the smoothed rate
            pass
    return out


def segment_codes(log: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Each decision's segment as a code, and the segments present, in the case file's order.

    The order is ``log.attrs["segments"]`` (the generator sets it) when it names every segment of the
    log, else the order of first appearance; a segment with no decision is left out.

    Examples
    --------
    >>> log = pd.DataFrame({"segment": ["b", "a", "b"]})
    >>> log.attrs["segments"] = ["a", "b", "c"]
    >>> codes, names = segment_codes(log)
    >>> codes.tolist(), names
    ([1, 0, 1], ['a', 'b'])
    """
    if "segment" not in log.columns:
        raise InputError("decision log: no 'segment' column")
    present = set(log["segment"])
    declared = log.attrs.get("segments")
    if declared is not None and present <= set(declared):
        names = [s for s in declared if s in present]
        return np.asarray(pd.Categorical(log["segment"], categories=names).codes, dtype=np.int64), names
    codes, uniques = pd.factorize(log["segment"], sort=False)
    return np.asarray(codes, dtype=np.int64), list(uniques)


def segment_summary(log: pd.DataFrame, p: np.ndarray | None = None) -> pd.DataFrame:
    """Per segment, what the log shows: decisions, share, stated score, right rate, value at stake.

    Columns ``segment``, ``decisions``, ``share``, ``mean_score`` (the agent's stated confidence),
    ``right_rate`` (observed), ``mean_p`` (calibrated, when ``p`` is given), ``median_value_usd``,
    ``p90_value_usd``; in the case file's order (:func:`segment_codes`).
    """
    codes, names = segment_codes(log)
    frame = log.assign(p=np.nan if p is None else np.asarray(p, dtype=float), _code=codes)
    grouped = frame.groupby("_code", sort=True)
    out = grouped.agg(
        decisions=("score", "size"),
        mean_score=("score", "mean"),
        right_rate=("outcome", "mean"),
        mean_p=("p", "mean"),
        median_value_usd=("value_usd", "median"),
        p90_value_usd=("value_usd", lambda v: v.quantile(0.9)),
    ).reset_index(drop=True)
    out.insert(0, "segment", names)
    out.insert(2, "share", out["decisions"] / len(frame))
    return out if p is not None else out.drop(columns="mean_p")


class SegmentCase(Case):
    """A case built by the generic generator from its case file's ``segments`` section.

    Every hook reads the section at the parameter set given (``${name}`` references resolved), so a
    variant changes the log, the costs, the desk and the days exactly as the case file says.
    """

    def spec(self, params: Mapping[str, Any]) -> SegmentsSpec:
        """The ``segments`` section with every ``${name}`` resolved at ``params``."""
        section = getattr(self.file, "segments", None)
        if section is None:
            raise InputError(f"{self.id}: the case file has no `segments` section")
        try:
            return section.resolve(params)
        except InputError as exc:
            raise InputError(f"{self.id}: {exc}") from None

    def decision_log(self, params: Mapping[str, Any]) -> pd.DataFrame:
        """:func:`generate_log` at the case's ``seed``."""
        return generate_log(self.spec(params), seed=int(params["seed"]))

    def probability(self, log: pd.DataFrame, params: Mapping[str, Any]) -> np.ndarray:
        """:func:`calibrated_probability` with the section's ``calibration`` method."""
        return calibrated_probability(log, method=self.spec(params).calibration, seed=int(params["seed"]))

    def cost_model(self, log: pd.DataFrame, params: Mapping[str, Any]) -> CostModel:
        """The section's components; one limited to some segments is zero on the others' decisions."""
        costs = self.spec(params).costs
        segment = log["segment"].to_numpy()
        components = []
        for c in costs.components:
            on = 1.0 if c.segments is None else np.isin(segment, c.segments).astype(float)

            def scaled(x: float | None, on: Any = on) -> Any:
                return None if x is None else x * on

            components.append(
                CostComponent(
                    c.name,
                    c.outcome,
                    c.category,
                    base_usd=scaled(c.base_usd),
                    low_usd=scaled(c.low_usd),
                    high_usd=scaled(c.high_usd),
                    value_share=scaled(c.value_share),
                    value_share_low=scaled(c.value_share_low),
                    value_share_high=scaled(c.value_share_high),
                )
            )
        return CostModel(
            components,
            reviewer_miss_rate=costs.reviewer_miss_rate,
            reviewer_false_block_rate=costs.reviewer_false_block_rate,
        )

    def days(self, log: pd.DataFrame, params: Mapping[str, Any]) -> float:
        """The section's ``days``."""
        return float(self.spec(params).days)

    def desk(self, params: Mapping[str, Any]) -> PolicyAssumptions:
        """The section's ``desk``, then any case parameter named like a desk field."""
        given = self.spec(params).desk.given()
        named = {f.name for f in fields(PolicyAssumptions)}
        given.update({k: v for k, v in params.items() if k in named})
        return PolicyAssumptions.from_case(self.file, **given)

    def signature_task(self, data: CaseData) -> SignatureTask:
        """The per-segment table (act alone, escalate, decline) scored by the generator's simulation.

        It asks the case file's ``signature.question`` where the file has one. See
        :class:`nogo.cases.segment_policy.SegmentTask`.
        """
        from nogo.cases.segment_policy import SegmentTask

        task = SegmentTask(data)
        if self.file.signature is not None:
            task.question = self.file.signature.question
        return task

    def hard_rules(self, log: pd.DataFrame, params: Mapping[str, Any]) -> list[HardRule]:
        """One :class:`HardRule` per rule of the section, binding the decisions of the segments listing it."""
        spec = self.spec(params)
        segment = log["segment"].to_numpy()
        out = []
        for rule in spec.rules:
            listing = [s.name for s in spec.segments if rule.id in s.hard_rules]
            out.append(HardRule(rule.rule, rule.forbids, np.isin(segment, listing)))
        return out
