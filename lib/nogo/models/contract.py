"""The Agent Impact Contract: one validated page per workflow slice.

Before any work starts, the contract ties an agent to impact: the business outcome, the customer outcome,
adoption, workflow performance (cycle time, automation rate, escalation rate, rework, error budget), and
trust: the autonomy level, the promotion gate to the next level, rollback and escalation paths, and what
the agent must never optimise. Every metric has a baseline, a target, a window and an owner.

"If it does not fit on a page, the work is not ready for an agent": a page budget (:data:`MAX_METRICS`
metrics, short text fields, :data:`MAX_PAGE_CHARS` characters of Markdown) is enforced. Case files are
plain data: :meth:`AgentImpactContract.from_dict` names the offending field path
(``business_outcome[0].target``) and what was expected. The objects are frozen dataclasses with explicit
validation (pydantic is not a dependency of the package).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, asdict, dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from nogo.errors import InputError
from nogo.formatting import math_safe_html
from nogo.models.autonomy import AUTONOMY_LEVELS, check_promotion_gate, decisions_needed

__all__ = [
    "MAX_METRICS",
    "MAX_PAGE_CHARS",
    "METRIC_GROUPS",
    "AgentImpactContract",
    "ContractError",
    "Escalation",
    "Metric",
    "PromotionGate",
    "Rollback",
]

METRIC_GROUPS: dict[str, tuple[int, int]] = {
    "business_outcome": (1, 2),
    "customer_outcome": (1, 2),
    "adoption": (1, 2),
    "workflow_metrics": (1, 6),
}
"""The metric groups of a contract, each with the (fewest, most) metrics it may hold."""
MAX_METRICS = 10
"""Most metrics on one contract, over all groups."""
MAX_PAGE_CHARS = 4000
"""Most characters of the rendered Markdown page: roughly one printed page."""

_DIRECTIONS = ("increase", "decrease")
_LABEL_CHARS = 80  # names, units, owners, windows: a label, not a sentence
_TEXT_CHARS = 240  # criteria, triggers, paths: one or two sentences
_MAX_NEVER = 5
_WINDOW = re.compile(
    r"(?:rolling )?(?P<n>\d+) (?:hour|day|week|month|quarter|year)s?"
    r"|hourly|daily|weekly|fortnightly|monthly|quarterly|yearly|annually",
    re.IGNORECASE,
)
_BUDGET_HINT = (
    "If it does not fit on a page, the work is not ready for an agent: keep the metrics that decide "
    "the go / no-go call"
)


class ContractError(InputError):
    """A contract field that is missing, unknown or invalid.

    ``path`` names the field (``business_outcome[0].target``), ``detail`` says what was expected and
    ``source`` names the file it came from, when known.
    """

    def __init__(self, path: str, detail: str, source: str | None = None) -> None:
        self.path, self.detail, self.source = path, detail, source
        where = ": ".join(x for x in (source, path) if x)
        super().__init__(f"{where}: {detail}" if where else detail)

    def __reduce__(self) -> tuple[type, tuple[str, str, str | None]]:
        return (type(self), (self.path, self.detail, self.source))


def _join(prefix: str, path: str) -> str:
    if not prefix or not path:
        return prefix or path
    return prefix + path if path.startswith("[") else f"{prefix}.{path}"


def _text(name: str, value: Any, *, limit: int = _TEXT_CHARS, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise ContractError(name, f"expected text, got {value!r} ({type(value).__name__})")
    text = " ".join(value.split())
    if not text:
        raise ContractError(name, "expected non-empty text")
    if len(text) > limit:
        raise ContractError(name, f"expected at most {limit} characters (keep it short), got {len(text)}")
    return text


def _number(name: str, value: Any, *, allow_inf: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ContractError(name, f"expected a number, got {value!r} ({type(value).__name__})")
    x = float(value)
    if math.isnan(x) or (math.isinf(x) and not (allow_inf and x > 0)):
        raise ContractError(name, f"expected a finite number, got {x!r}")
    return x


def _open_rate(name: str, value: Any) -> float:
    x = _number(name, value)
    if not 0 < x < 1:
        raise ContractError(name, f"expected a number strictly between 0 and 1, got {x!r}")
    return x


def _sequence(name: str, value: Any, what: str) -> Sequence:
    if isinstance(value, str | Mapping) or not isinstance(value, Sequence):
        raise ContractError(name, f"expected a list of {what}, got {type(value).__name__}")
    return value


def _choice(name: str, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise ContractError(name, f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")
    return value


def _set(obj: object, **values: Any) -> None:
    for key, value in values.items():
        object.__setattr__(obj, key, value)


def _fmt(x: float) -> str:
    if x == int(x) and abs(x) < 1e15:
        return f"{int(x):,}"
    return f"{x:,.6g}"


@dataclass(frozen=True)
class Metric:
    """One committed metric: where it starts, where it must get to, over what window, and who owns it.

    Parameters
    ----------
    name, unit
        What is measured (``"cycle time"``) and its unit (``"hours"``, ``"%"``, ``"USD per ticket"``).
    baseline, target
        The value before the agent, and the committed target. The target must be above the baseline for
        ``direction="increase"`` and below it for ``"decrease"``.
    window
        The measurement window: ``"30 days"``, ``"rolling 4 weeks"``, ``"weekly"``, ...
    owner
        The person or team who owns the number (its data owner).
    direction
        ``"increase"`` (higher is better) or ``"decrease"``.
    data_source
        Optional: where the number comes from (a dashboard, a table).

    Examples
    --------
    >>> Metric("cycle time", baseline=48, target=24, unit="hours", window="30 days",
    ...        owner="Support operations", direction="decrease").target
    24.0
    >>> Metric("automation rate", 0.2, 0.1, "share", "weekly", "Ops")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nogo.models.contract.ContractError: target: expected a value above the baseline (0.2) for the ...
    """

    name: str
    baseline: float
    target: float
    unit: str
    window: str
    owner: str
    direction: str = "increase"
    data_source: str | None = None

    def __post_init__(self) -> None:
        name = _text("name", self.name, limit=_LABEL_CHARS)
        baseline = _number("baseline", self.baseline)
        target = _number("target", self.target)
        unit = _text("unit", self.unit, limit=_LABEL_CHARS)
        window = _text("window", self.window, limit=_LABEL_CHARS)
        match = _WINDOW.fullmatch(window)
        if match is None or (match["n"] is not None and int(match["n"]) == 0):
            raise ContractError(
                "window", f"expected a period such as '30 days', '12 weeks' or 'weekly', got {self.window!r}"
            )
        owner = _text("owner", self.owner, limit=_LABEL_CHARS)
        direction = _choice("direction", self.direction, _DIRECTIONS)
        up = direction == "increase"
        if (target <= baseline) if up else (target >= baseline):
            side, other = ("above", "decrease if lower") if up else ("below", "increase if higher")
            raise ContractError(
                "target",
                f"expected a value {side} the baseline ({_fmt(baseline)}) for the {direction!r} metric "
                f"{name!r}, got {_fmt(target)} (set direction: {other} is better)",
            )
        source = _text("data_source", self.data_source, limit=_LABEL_CHARS, optional=True)
        _set(self, name=name, baseline=baseline, target=target, unit=unit, window=window, owner=owner)
        _set(self, data_source=source)


@dataclass(frozen=True)
class PromotionGate:
    """What it takes to move the agent one autonomy level up: the gate in words, and its numbers.

    The numbers are evidence, not a point estimate (0 errors in 50 decisions does not show a 1% error
    rate): the gate passes when at least ``min_decisions`` decisions were seen and the one-sided upper
    confidence bound (Clopper-Pearson, at ``level``) on the error rate is at most ``error_budget``.
    :meth:`evaluate` applies :func:`nogo.models.autonomy.check_promotion_gate` to the evidence.

    Examples
    --------
    >>> gate = PromotionGate("Error rate under 1% on audited decisions", error_budget=0.01)
    >>> gate.min_error_free_decisions  # the "rule of three": about 3 / 0.01
    299
    >>> gate.evaluate(errors=[0, 0, 2], decisions=[200, 300, 1000])["passed"].tolist()
    [False, True, True]
    """

    criteria: str
    error_budget: float | None = None
    min_decisions: int | None = None
    level: float = 0.95

    def __post_init__(self) -> None:
        criteria = _text("criteria", self.criteria)
        budget = None if self.error_budget is None else _open_rate("error_budget", self.error_budget)
        n = self.min_decisions
        if n is not None:
            x = _number("min_decisions", n)
            if x < 1 or x != int(x):
                raise ContractError("min_decisions", f"expected a whole number of decisions >= 1, got {n!r}")
            n = int(x)
        _set(
            self,
            criteria=criteria,
            error_budget=budget,
            min_decisions=n,
            level=_open_rate("level", self.level),
        )

    @property
    def min_error_free_decisions(self) -> int | None:
        """Fewest decisions whose bound can meet the budget, reached only with zero errors (None: no budget).

        :func:`nogo.models.autonomy.decisions_needed` at an expected error rate of 0; ``min_decisions`` aside.
        """
        return None if self.error_budget is None else decisions_needed(self.error_budget, level=self.level)

    def evaluate(self, errors: npt.ArrayLike, decisions: npt.ArrayLike) -> pd.DataFrame:
        """Check the evidence (``errors`` in ``decisions``, arrays broadcast) against the numeric gate.

        Returns the frame of :func:`nogo.models.autonomy.check_promotion_gate`: one row per pair, with
        ``upper_bound``, ``passed`` and ``reason``.
        """
        if self.error_budget is None and self.min_decisions is None:
            raise InputError(
                "promotion gate: has no numeric criteria (error_budget, min_decisions) to evaluate"
            )
        budget = 1.0 if self.error_budget is None else self.error_budget
        return check_promotion_gate(
            errors,
            decisions,
            error_budget=budget,
            min_decisions=self.min_decisions or 0,
            level=self.level,
            method="clopper-pearson",
        )


@dataclass(frozen=True)
class Rollback:
    """What triggers a rollback, and the path back (to which level, who pulls it, how fast).

    Examples
    --------
    >>> Rollback("escalation rate above 30% for a day", "back to approval; on-call flips the flag")
    Rollback(trigger='escalation rate above 30% for a day', path='back to approval; on-call flips the flag')
    """

    trigger: str
    path: str

    def __post_init__(self) -> None:
        _set(self, trigger=_text("trigger", self.trigger), path=_text("path", self.path))


@dataclass(frozen=True)
class Escalation:
    """Who owns the edge case, how many they can take, and how fast they answer against time-to-harm.

    An escalation that arrives after the harm, or into a queue nobody staffs, is not an escalation: the
    latency target must be below the time-to-harm (``inf`` when the harm is not time-bound), and the
    capacity above zero.

    Examples
    --------
    >>> Escalation("Billing team lead", capacity_per_hour=20, latency_target_minutes=90,
    ...            time_to_harm_minutes=60)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nogo.models.contract.ContractError: latency_target_minutes: expected a latency below the ...
    """

    owner: str
    capacity_per_hour: float
    latency_target_minutes: float
    time_to_harm_minutes: float
    when_queue_full: str | None = None

    def __post_init__(self) -> None:
        owner = _text("owner", self.owner, limit=_LABEL_CHARS)
        values = {}
        for name in ("capacity_per_hour", "latency_target_minutes", "time_to_harm_minutes"):
            x = _number(name, getattr(self, name), allow_inf=name == "time_to_harm_minutes")
            if x <= 0:
                raise ContractError(name, f"expected a number above 0, got {_fmt(x)}")
            values[name] = x
        if values["latency_target_minutes"] >= values["time_to_harm_minutes"]:
            harm, latency = _fmt(values["time_to_harm_minutes"]), _fmt(values["latency_target_minutes"])
            raise ContractError(
                "latency_target_minutes",
                f"expected a latency below the time-to-harm ({harm} minutes), got {latency}: an escalation "
                "that arrives after the harm is not an escalation",
            )
        when_full = _text("when_queue_full", self.when_queue_full, optional=True)
        _set(self, owner=owner, when_queue_full=when_full, **values)


_NESTED: dict[str, type] = {"promotion_gate": PromotionGate, "rollback": Rollback, "escalation": Escalation}
_KINDS = {"str": "text", "float": "a number", "int": "a whole number", "tuple[str, ...]": "a list of text"}


@dataclass(frozen=True)
class AgentImpactContract:
    """One page per workflow slice: outcomes, workflow metrics and trust, each metric owned.

    Build it from plain data with :meth:`from_dict`; render it with :meth:`to_markdown`, in a notebook
    (``_repr_html_``) or as a tidy table with :meth:`to_frame`.

    Parameters
    ----------
    workflow
        The workflow slice the agent takes on (``"billing disputes under $50"``).
    business_outcome, customer_outcome, adoption, workflow_metrics
        Metrics, counts bounded by :data:`METRIC_GROUPS`, at most :data:`MAX_METRICS` in all; metric names
        are unique across the contract.
    autonomy_level
        One of :data:`nogo.models.autonomy.AUTONOMY_LEVELS`: draft, approval, constrained execution,
        expanded scope.
    promotion_gate, rollback, escalation
        The trust paths.
    never_optimise
        One to five things the agent must never optimise or do, whatever its confidence.

    Examples
    --------
    >>> m = dict(unit="%", window="30 days", owner="Support ops")
    >>> contract = AgentImpactContract.from_dict({
    ...     "workflow": "Billing disputes under $50",
    ...     "business_outcome": [dict(name="cost per dispute", baseline=14, target=9, unit="USD",
    ...                               window="quarterly", owner="Finance", direction="decrease")],
    ...     "customer_outcome": [dict(name="reopened within 24 hours", baseline=8, target=5,
    ...                               direction="decrease", **m)],
    ...     "adoption": [dict(name="agents using the draft", baseline=0, target=70, **m)],
    ...     "workflow_metrics": [dict(name="escalation rate", baseline=100, target=40,
    ...                               direction="decrease", **m)],
    ...     "autonomy_level": "approval",
    ...     "promotion_gate": {"criteria": "Audited errors under 2%", "error_budget": 0.02},
    ...     "rollback": {"trigger": "reopen rate above 8%", "path": "back to draft"},
    ...     "escalation": {"owner": "Billing lead", "capacity_per_hour": 30,
    ...                    "latency_target_minutes": 60, "time_to_harm_minutes": 1440},
    ...     "never_optimise": ["credits issued to close a dispute faster"],
    ... }, source="casebook/billing.yaml")
    >>> print(contract.to_markdown().splitlines()[4])
    | business outcome | cost per dispute (USD) | 14 | ≤ 9 | quarterly | Finance |
    >>> bad = contract.to_dict()
    >>> bad["business_outcome"][0]["target"] = 20
    >>> AgentImpactContract.from_dict(bad, source="x.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nogo.models.contract.ContractError: x.yaml: business_outcome[0].target: expected a value below ...
    """

    workflow: str
    business_outcome: tuple[Metric, ...]
    customer_outcome: tuple[Metric, ...]
    adoption: tuple[Metric, ...]
    workflow_metrics: tuple[Metric, ...]
    autonomy_level: str
    promotion_gate: PromotionGate
    rollback: Rollback
    escalation: Escalation
    never_optimise: tuple[str, ...]

    def __post_init__(self) -> None:
        _set(self, workflow=_text("workflow", self.workflow, limit=_LABEL_CHARS))
        seen: dict[str, str] = {}
        for group, (fewest, most) in METRIC_GROUPS.items():
            items = _sequence(group, getattr(self, group), "metrics")
            if not fewest <= len(items) <= most:
                raise ContractError(group, f"expected {fewest} to {most} metrics, got {len(items)}")
            for i, metric in enumerate(items):
                if not isinstance(metric, Metric):
                    raise ContractError(
                        f"{group}[{i}]",
                        f"expected a Metric, got {type(metric).__name__} (use from_dict for plain data)",
                    )
                key = metric.name.casefold()
                if key in seen:
                    raise ContractError(
                        f"{group}[{i}].name", f"duplicate metric name {metric.name!r} (already {seen[key]})"
                    )
                seen[key] = f"{group}[{i}]"
            _set(self, **{group: tuple(items)})
        if len(seen) > MAX_METRICS:
            raise ContractError(
                "", f"too many metrics for one page: {len(seen)}, at most {MAX_METRICS}. {_BUDGET_HINT}"
            )
        _choice("autonomy_level", self.autonomy_level, AUTONOMY_LEVELS)
        for name, cls in _NESTED.items():
            if not isinstance(getattr(self, name), cls):
                raise ContractError(
                    name, f"expected a {cls.__name__}, got {type(getattr(self, name)).__name__}"
                )
        never = _sequence("never_optimise", self.never_optimise, "text")
        if not 1 <= len(never) <= _MAX_NEVER:
            raise ContractError("never_optimise", f"expected 1 to {_MAX_NEVER} items, got {len(never)}")
        _set(self, never_optimise=tuple(_text(f"never_optimise[{i}]", x) for i, x in enumerate(never)))
        size = len(self.to_markdown())
        if size > MAX_PAGE_CHARS:
            raise ContractError(
                "",
                f"does not fit on one page: {size:,} characters, at most {MAX_PAGE_CHARS:,}. {_BUDGET_HINT}",
            )

    @property
    def metrics(self) -> tuple[Metric, ...]:
        """Every metric, in group order."""
        return tuple(m for group in METRIC_GROUPS for m in getattr(self, group))

    @property
    def next_level(self) -> str | None:
        """The autonomy level the promotion gate leads to (None at the top level)."""
        i = AUTONOMY_LEVELS.index(self.autonomy_level)
        return AUTONOMY_LEVELS[i + 1] if i + 1 < len(AUTONOMY_LEVELS) else None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> AgentImpactContract:
        """Build a contract from plain data (a YAML mapping); errors name ``source`` and the field path."""
        try:
            return _build(cls, data, "")
        except ContractError as exc:
            raise ContractError(exc.path, exc.detail, source) from None

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` reads back to an equal contract (unset optionals left out)."""
        return _plain(asdict(self))

    def to_frame(self) -> pd.DataFrame:
        """The metrics as a tidy table, one row per metric.

        Columns: ``group``, ``metric``, ``baseline``, ``target``, ``unit``, ``direction``, ``window``,
        ``owner``, ``data_source``, ``change`` (target minus baseline) and ``change_pct`` (change as a
        percentage of the baseline's magnitude; NaN for a zero baseline).
        """
        rows = [{"group": g.replace("_", " "), **asdict(m)} for g in METRIC_GROUPS for m in getattr(self, g)]
        frame = pd.DataFrame(rows).rename(columns={"name": "metric"})
        frame = frame[
            ["group", "metric", "baseline", "target", "unit", "direction", "window", "owner", "data_source"]
        ]
        frame["change"] = frame["target"] - frame["baseline"]
        base = frame["baseline"].abs().replace(0.0, np.nan)
        frame["change_pct"] = 100 * frame["change"] / base
        return frame

    def _page(self) -> tuple[list[list[str]], list[tuple[str, str]]]:
        """Plain-text content of the page: table rows, then labelled lines (renderers escape them)."""
        rows = [
            [g.replace("_", " "), f"{m.name} ({m.unit})", _fmt(m.baseline),
             ("≥ " if m.direction == "increase" else "≤ ") + _fmt(m.target), m.window, m.owner]
            for g in METRIC_GROUPS
            for m in getattr(self, g)
        ]  # fmt: skip
        gate, esc = self.promotion_gate, self.escalation
        level = f"{self.autonomy_level} (level {AUTONOMY_LEVELS.index(self.autonomy_level) + 1} of 4)"
        lines = [("Autonomy level", level)]
        sources = [f"{m.name}: {m.data_source}" for m in self.metrics if m.data_source]
        lines += [("Data sources", "; ".join(sources))] if sources else []
        evidence = [f"at least {gate.min_decisions:,} decisions"] if gate.min_decisions else []
        if gate.error_budget is not None:
            evidence.insert(0, f"the error rate's {gate.level:.0%} upper confidence bound at most "
                            f"{100 * gate.error_budget:.3g}% (at least {gate.min_error_free_decisions:,} "
                            "decisions even with zero errors)")  # fmt: skip
        evidence_text = f" Evidence: {'; '.join(evidence)}." if evidence else ""
        lines.append(
            (f"Promotion gate (to {self.next_level or 'wider scope'})", gate.criteria + evidence_text)
        )
        lines.append(("Rollback", f"when {self.rollback.trigger}: {self.rollback.path}"))
        harm = esc.time_to_harm_minutes
        escalation = (
            f"{esc.owner}; capacity {_fmt(esc.capacity_per_hour)} per hour; answers within "
            f"{_fmt(esc.latency_target_minutes)} minutes; "
            + (f"time-to-harm {_fmt(harm)} minutes" if math.isfinite(harm) else "no time-bound harm")
            + (f"; when the queue is full: {esc.when_queue_full}" if esc.when_queue_full else "")
        )
        lines.append(("Escalation", escalation))
        lines.append(("Never optimise, whatever the confidence", "; ".join(self.never_optimise)))
        return rows, lines

    def to_markdown(self) -> str:
        """The contract as a one-page Markdown document, with a table of metrics.

        User text is escaped for Markdown tables (``|``), for HTML (``<``, ``>``, ``&``) and for Jupyter's
        maths (``$``); the HTML view escapes every user string and opts out of maths typesetting.
        """
        rows, lines = self._page()
        out = [
            f"# Agent Impact Contract: {_md(self.workflow)}",
            "",
            "| group | metric | baseline | target | window | owner |",
            "|---|---|---:|---:|---|---|",
        ]
        out += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in rows]
        out.append("")
        out += [f"- **{label}:** {_md(text)}" for label, text in lines]
        return "\n".join(out) + "\n"

    def _repr_html_(self) -> str:
        e = html.escape
        rows, lines = self._page()
        head = "".join(f"<th>{h}</th>" for h in ("group", "metric", "baseline", "target", "window", "owner"))
        body = "".join("<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        items = "".join(f"<li><b>{e(label)}:</b> {e(text)}</li>" for label, text in lines)
        return math_safe_html(
            f'<div class="nogo-contract"><h3>Agent Impact Contract: {e(self.workflow)}</h3>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><ul>{items}</ul></div>"
        )


def _md(text: str) -> str:
    """Escape user text for a Markdown table cell: HTML, pipes and dollar signs (read as maths in Jupyter)."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("$", "\\$")


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _build(cls: type, data: Any, path: str) -> Any:
    """Build ``cls`` from a mapping: unknown and missing fields named, nested objects built first."""
    spec = {f.name: f for f in fields(cls)}
    if not isinstance(data, Mapping):
        raise ContractError(
            path, f"expected a mapping with fields {', '.join(spec)}, got {type(data).__name__}"
        )
    for key in data:
        if key not in spec:
            raise ContractError(_join(path, str(key)), f"unknown field; expected one of {', '.join(spec)}")
    for name, f in spec.items():
        if name not in data and f.default is MISSING:
            kind = _KINDS.get(str(f.type), "a list of metrics" if name in METRIC_GROUPS else "a mapping")
            raise ContractError(_join(path, name), f"required field missing: expected {kind}")
    kwargs = dict(data)
    if cls is AgentImpactContract:
        for group in METRIC_GROUPS:
            items = _sequence(group, kwargs[group], "metrics")
            kwargs[group] = tuple(_build(Metric, item, f"{group}[{i}]") for i, item in enumerate(items))
        for name, nested in _NESTED.items():
            kwargs[name] = _build(nested, kwargs[name], name)
    try:
        return cls(**kwargs)
    except ContractError as exc:
        raise ContractError(_join(path, exc.path), exc.detail) from None
