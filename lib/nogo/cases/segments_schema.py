"""The ``segments`` section of a case file: the generic generator's inputs, validated.

A case whose failure is "segments of work with different stakes" describes them in YAML, under the
case file's top-level ``segments:`` key, and needs no Python (:mod:`nogo.cases.segments` builds the log).
Every number may be written ``${name}``, a reference to a case parameter, so a coaching variant changes
it; the case file is then checked at the parameter's default and at every value a variant may draw
(``low``, ``high``, each of ``choices``), so no variant can build an invalid log.

======================= =============================================================================
``decisions``           decisions in the log: a whole number from 1 to 2,000,000 (or ``${param}``)
``days``                days of traffic the log covers (> 0; default 30)
``calibration``         how the case's ``p`` is fitted on the log, per segment and out of fold:
                        ``isotonic`` (default) or ``platt`` (logistic on the score's log-odds)
``segments``            the segments (at least one); their ``share`` values sum to 1 (within 1e-9)
``rules``               the hard rules: ``id``, ``rule`` (the text), ``forbids`` (``act`` or ``decline``)
``costs``               ``components`` (as :class:`nogo.CostComponent`), ``reviewer_miss_rate``,
                        ``reviewer_false_block_rate``
``desk``                the review desk: ``handle_minutes``, ``hours_per_day``, ``sla_minutes``,
                        ``reviewer_cost_per_hour_usd`` (all optional)
======================= =============================================================================

A segment: ``name``; ``share`` of traffic in [0, 1]; ``accuracy`` in (0, 1), the chance that acting is
right; ``concentration`` (> 0, default 10) of each decision's true chance around ``accuracy`` (a Beta
distribution with mean ``accuracy``: higher, the decisions are more alike); ``confidence``, how the
agent's stated score distorts the truth (``overconfidence`` in [-1, 1], ``shift`` in [-5, 5] log-odds;
see :mod:`nogo.cases.segments`); ``value_usd``, the value at stake, one of ``{dist: fixed, value: V}``,
``{dist: uniform, low: L, high: H}``, ``{dist: lognormal, median: M, p90: P}`` (P > M); and
``hard_rules``, the ids of the rules that bind its decisions.

A cost component is :class:`nogo.CostComponent`'s fields (``name``, ``outcome``, ``category``,
``base_usd``, ``low_usd``, ``high_usd``, ``value_share``, ``value_share_low``, ``value_share_high``)
plus an optional ``segments``: the names of the segments it applies to (default: all).

Examples
--------
>>> spec = SegmentsSpec.model_validate({
...     "decisions": "${n}",
...     "segments": [{"name": "small", "share": 1.0, "accuracy": 0.9,
...                   "value_usd": {"dist": "fixed", "value": 20}}],
...     "costs": {"components": [{"name": "refund", "outcome": "false_action", "value_share": 1.0}]},
... })
>>> spec.references()
{('decisions',): 'n'}
>>> spec.resolve({"n": 500}).decisions
500
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, ValidationError, model_validator

from nogo.cases._casefile_parts import ProblemAt, Strict, Text, raise_all, repeated_values
from nogo.errors import InputError
from nogo.models.costs import CATEGORIES, OUTCOMES

__all__ = ["MAX_DECISIONS", "SegmentsSpec"]

MAX_DECISIONS = 2_000_000
"""The largest log the generic generator builds."""
SHARE_TOLERANCE = 1e-9
_REF = re.compile(r"^\$\{([a-z][a-z0-9_]*)\}$")


def _number(
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    whole: bool = False,
) -> Any:
    """A number in a range, or a ``${parameter}`` reference (checked once the parameter is known)."""

    def show(x: float) -> str:
        return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:g}"

    lo = "" if low is None else f"{'>' if low_open else '>='} {show(low)}"
    hi = "" if high is None else f"{'<' if high_open else '<='} {show(high)}"
    bounds = " and ".join(b for b in (lo, hi) if b)
    kind = "a whole number" if whole else "a number"
    expected = f"{kind}{' ' + bounds if bounds else ''}, or ${{parameter}}"

    def check(value: Any) -> float | int | str:
        if isinstance(value, str):
            if _REF.fullmatch(value.strip()):
                return value.strip()
            raise ValueError(f"expected {expected} (a case parameter's name in ${{...}})")
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"expected {expected}")
        if whole and not isinstance(value, int):  # 12.0 is not a whole number, as elsewhere
            raise ValueError(f"expected {expected}")
        if low is not None and (value <= low if low_open else value < low):
            raise ValueError(f"expected {expected}")
        if high is not None and (value >= high if high_open else value > high):
            raise ValueError(f"expected {expected}")
        return int(value) if whole else float(value)

    return Annotated[Any, PlainValidator(check)]


Usd = _number(0)
Rate = _number(0, 1)
Found = list[tuple[tuple, str]]


def _is_num(*values: Any) -> bool:
    return all(isinstance(v, int | float) for v in values)


class Confidence(Strict):
    """How the stated score distorts the true chance: ``sigmoid(4**overconfidence * logit + shift)``."""

    overconfidence: _number(-1, 1) = 0.0  # type: ignore[valid-type]
    shift: _number(-5, 5) = 0.0  # type: ignore[valid-type]


class ValueDist(Strict):
    """The value at stake: ``fixed`` (``value``), ``uniform`` (``low``, ``high``) or ``lognormal``
    (``median``, ``p90``)."""

    dist: Literal["fixed", "uniform", "lognormal"]
    value: Usd | None = None  # type: ignore[valid-type]
    low: Usd | None = None  # type: ignore[valid-type]
    high: Usd | None = None  # type: ignore[valid-type]
    median: _number(0, low_open=True) | None = None  # type: ignore[valid-type]
    p90: _number(0, low_open=True) | None = None  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _fields_of_dist(self) -> ValueDist:
        needs = {"fixed": ("value",), "uniform": ("low", "high"), "lognormal": ("median", "p90")}[self.dist]
        takes = " and ".join(needs)
        found: Found = []
        for name in ("value", "low", "high", "median", "p90"):
            given = getattr(self, name) is not None
            if name in needs and not given:
                found.append(((name,), f"missing required field (a {self.dist} distribution needs {takes})"))
            if name not in needs and given:
                found.append(((name,), f"not a field of a {self.dist} distribution (it takes {takes})"))
        if self.dist == "uniform" and _is_num(self.low, self.high) and self.low > self.high:
            found.append((("high",), f"expected high >= low ({self.low:g})"))
        if self.dist == "lognormal" and _is_num(self.median, self.p90) and self.p90 <= self.median:
            found.append((("p90",), f"expected p90 above the median ({self.median:g})"))
        raise_all(found)
        return self


class Segment(Strict):
    """One segment of the work: its traffic, the agent's accuracy and confidence, the stakes, the rules."""

    name: Text
    share: Rate  # type: ignore[valid-type]
    accuracy: _number(0, 1, low_open=True, high_open=True)  # type: ignore[valid-type]
    concentration: _number(0, 1e6, low_open=True) = 10.0  # type: ignore[valid-type]
    confidence: Confidence = Confidence()
    value_usd: ValueDist
    hard_rules: list[Text] = Field(default_factory=list)


class HardRuleSpec(Strict):
    """A rule the agent may never break alone: what it says and the action it forbids."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]+$")]
    rule: Text
    forbids: Literal["act", "decline"]


class Component(Strict):
    """A :class:`nogo.CostComponent` in YAML, optionally limited to some ``segments``."""

    name: Text
    outcome: Literal[OUTCOMES]  # type: ignore[valid-type]
    category: Literal[CATEGORIES] = "financial"  # type: ignore[valid-type]
    base_usd: Usd = 0.0  # type: ignore[valid-type]
    low_usd: Usd | None = None  # type: ignore[valid-type]
    high_usd: Usd | None = None  # type: ignore[valid-type]
    value_share: Usd = 0.0  # type: ignore[valid-type]
    value_share_low: Usd | None = None  # type: ignore[valid-type]
    value_share_high: Usd | None = None  # type: ignore[valid-type]
    segments: Annotated[list[Text], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Component:
        found: Found = []
        for base, low, high in (
            ("base_usd", "low_usd", "high_usd"),
            ("value_share", "value_share_low", "value_share_high"),
        ):
            b, lo, hi = getattr(self, base), getattr(self, low), getattr(self, high)
            if lo is not None and _is_num(lo, b) and lo > b:
                found.append(((low,), f"expected {low} <= {base} ({b:g})"))
            if hi is not None and _is_num(hi, b) and hi < b:
                found.append(((high,), f"expected {high} >= {base} ({b:g})"))
        raise_all(found)
        return self


class Costs(Strict):
    """The cost components and the reviewer's error rates (as :class:`nogo.CostModel`)."""

    components: Annotated[list[Component], Field(min_length=1)]
    reviewer_miss_rate: Rate = 0.0  # type: ignore[valid-type]
    reviewer_false_block_rate: Rate = 0.0  # type: ignore[valid-type]


class Desk(Strict):
    """The review desk's assumptions (:class:`nogo.models.policy_model.PolicyAssumptions` fields)."""

    handle_minutes: _number(0, low_open=True) | None = None  # type: ignore[valid-type]
    hours_per_day: _number(0, 24, low_open=True) | None = None  # type: ignore[valid-type]
    sla_minutes: _number(0) | None = None  # type: ignore[valid-type]
    reviewer_cost_per_hour_usd: Usd | None = None  # type: ignore[valid-type]

    def given(self) -> dict[str, float]:
        """The fields the case file sets."""
        return {k: v for k, v in self.model_dump().items() if v is not None}


class SegmentsSpec(Strict):
    """The ``segments`` section of a case file (see the module docstring for the fields)."""

    decisions: _number(1, MAX_DECISIONS, whole=True)  # type: ignore[valid-type]
    days: _number(0, low_open=True) = 30.0  # type: ignore[valid-type]
    calibration: Literal["isotonic", "platt"] = "isotonic"
    segments: Annotated[list[Segment], Field(min_length=1)]
    rules: list[HardRuleSpec] = Field(default_factory=list)
    costs: Costs
    desk: Desk = Desk()

    @model_validator(mode="after")
    def _consistent(self) -> SegmentsSpec:
        found: Found = []
        names = [s.name for s in self.segments]
        ids = [r.id for r in self.rules]
        for field, what, values in (("segments", "segment name", names), ("rules", "rule id", ids)):
            repeated = repeated_values(values)
            if repeated:
                found.append(
                    ((field,), f"repeated {what}(s) {', '.join(map(repr, repeated))}: name each once")
                )
        shares = [s.share for s in self.segments]
        if _is_num(*shares) and abs(math.fsum(shares) - 1) > SHARE_TOLERANCE:
            found.append((("segments",), f"the shares sum to {math.fsum(shares):.12g}; they must sum to 1"))
        known = ", ".join(ids) or "none (add a `rules:` list)"
        for k, segment in enumerate(self.segments):
            found += [
                (("segments", k, "hard_rules", j), f"{rule!r} is not a rule id; known: {known}")
                for j, rule in enumerate(segment.hard_rules)
                if rule not in ids
            ]
            found += [
                (("segments", k, "hard_rules"), f"rule {rule!r} listed more than once")
                for rule in repeated_values(segment.hard_rules)
            ]
        for k, component in enumerate(self.costs.components):
            found += [
                (
                    ("costs", "components", k, "segments", j),
                    f"{name!r} is not a segment; known: {', '.join(names)}",
                )
                for j, name in enumerate(component.segments or [])
                if name not in names
            ]
        repeated = repeated_values([c.name for c in self.costs.components])
        if repeated:
            found.append((("costs", "components"), f"repeated component name(s) {', '.join(repeated)}"))
        raise_all(found)
        return self

    # ----------------------------------------------------------------------------- parameter references
    def references(self) -> dict[tuple, str]:
        """Every ``${name}`` in the section: field path (relative to the section) to parameter name."""
        return {loc: _REF.fullmatch(v).group(1) for loc, v in _leaves(self.model_dump()) if _is_ref(v)}

    def resolve(self, values: Mapping[str, Any]) -> SegmentsSpec:
        """The section with every ``${name}`` replaced by ``values[name]`` and checked again.

        Raises
        ------
        InputError
            A reference with no value, or a value the field does not allow, naming the field path
            (``segments.segments[2].share``) and the parameter.
        """
        refs = self.references()
        if not refs:
            return self
        missing = sorted({n for n in refs.values() if n not in values})
        if missing:
            raise InputError(f"segments: no value for parameter(s) {', '.join(missing)}")
        try:
            return SegmentsSpec.model_validate(_substitute(self.model_dump(), values))
        except ValidationError as exc:
            loc, message = _problems(exc)[0]
            named = sorted(
                {n for path, n in refs.items() if path[: len(loc)] == loc or loc[: len(path)] == path}
            )
            given = f" (parameter {', '.join(f'{n} = {values[n]!r}' for n in named)})" if named else ""
            raise InputError(f"segments.{_dotted(loc)}: {message}{given}") from None

    def parameter_problems(self, parameters: Mapping[str, Any] | None) -> Found:
        """Each reference names a numeric case parameter, and every value a variant may draw fits.

        ``parameters`` maps names to :class:`nogo.cases.casefile.Parameter` (``None``: they did not
        validate, nothing to check). Returns ``(field path, message)`` pairs, paths relative to the
        section, for the case file to report (``segments.segments[2].share``).
        """
        if parameters is None:
            return []
        refs = self.references()
        found: Found = []
        for loc, name in refs.items():
            p = parameters.get(name)
            if p is None:
                found.append((loc, f"${{{name}}} names no parameter; known: {', '.join(parameters)}"))
            elif isinstance(p.default, bool) or not isinstance(p.default, int | float):
                found.append((loc, f"${{{name}}}: parameter {name} is not a number (default {p.default!r})"))
        if found:
            return found
        defaults = {n: parameters[n].default for n in set(refs.values())}
        seen: set[tuple] = set()
        for name in sorted(set(refs.values())):
            p = parameters[name]
            ends = [p.low, p.high]
            if isinstance(p.default, int) and p.low is not None:  # a variant draws whole numbers
                ends = [math.ceil(p.low), math.floor(p.high)]
            for value in dict.fromkeys([p.default, *ends, *(p.choices or [])]):
                if value is None:
                    continue
                try:
                    SegmentsSpec.model_validate(_substitute(self.model_dump(), {**defaults, name: value}))
                except ValidationError as exc:
                    which = "default" if value == p.default else "variant value"
                    for loc, message in _problems(exc):
                        if (loc, message) not in seen:
                            seen.add((loc, message))
                            found.append((loc, f"{message} (parameter {name} = {value!r}, its {which})"))
        return found


def _is_ref(value: Any) -> bool:
    return isinstance(value, str) and _REF.fullmatch(value) is not None


def _leaves(data: Any, loc: tuple = ()) -> list[tuple[tuple, Any]]:
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, (*loc, k))]
    if isinstance(data, list):
        return [leaf for k, v in enumerate(data) for leaf in _leaves(v, (*loc, k))]
    return [(loc, data)]


def _substitute(data: Any, values: Mapping[str, Any]) -> Any:
    if isinstance(data, dict):
        return {k: _substitute(v, values) for k, v in data.items() if v is not None}
    if isinstance(data, list):
        return [_substitute(v, values) for v in data]
    return values[_REF.fullmatch(data).group(1)] if _is_ref(data) else data


def _problems(exc: ValidationError) -> Found:
    """Every problem's path and message (a located validator error keeps its own paths)."""
    found: Found = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        located = (err.get("ctx") or {}).get("error")
        if isinstance(located, ProblemAt):
            found += [((*loc, *where), message) for where, message in located.items]
            continue
        message = err["msg"].removeprefix("Value error, ")
        if isinstance(err.get("input"), int | float | str) and not isinstance(err.get("input"), bool):
            message += f", got {err['input']!r}"
        found.append((loc, message))
    return found


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
