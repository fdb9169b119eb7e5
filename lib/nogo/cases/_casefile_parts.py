"""The sections of a case file: sources, incident, published figures, parameters, rubric, datasets.

Each section is a strict pydantic model (a quoted "0.9" is not a number, 12.0 is not a whole number,
"yes" is not a boolean; unknown fields are refused). A validator that finds problems raises :class:`ProblemAt`
with every problem it found, each at a field path relative to where it ran, so a case file's errors
name the field (``sources[0].date``) and the loader can list them all.

Examples
--------
>>> Parameter(default=5000, low=2000, high=20000, description="Decisions").varies
True
>>> Source(id="S1", publisher="P", title="T", date="2024-02", url="https://example.org/a").citation()
'[S1] P, "T", 2024-02. https://example.org/a'
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from nogo.models.contract import AgentImpactContract, ContractError

__all__ = [
    "CONCEPTS",
    "DATE_PATTERN",
    "LAUNCH_CALLS",
    "MODELS",
    "NAME_PATTERN",
    "RUBRIC_DIMENSIONS",
    "SLUG_PATTERN",
    "Dataset",
    "Incident",
    "Parameter",
    "ProblemAt",
    "PublishedFigure",
    "Rubric",
    "RubricDimension",
    "Source",
    "Strict",
    "Text",
    "contract_problems",
    "raise_all",
    "repeated_values",
]

MODELS: tuple[str, ...] = (
    "cost-of-error",
    "thresholds",
    "calibration",
    "escalation",
    "autonomy",
    "dynamics",
    "fairness",
    "quiet-failure-metrics",
    "contract",
)
CONCEPTS: tuple[str, ...] = (
    "autonomy-surface",
    "escalation-design",
    "cost-of-error",
    "quiet-failure-metrics",
    "unit-economics",
    "guardrails-and-kill-switches",
    "fairness",
    "evaluation-and-red-teaming",
)
"""The PM concepts a case can train (its ``concepts:`` list), as the README's case table names them."""
RUBRIC_DIMENSIONS: tuple[str, ...] = (
    "threshold_definition",
    "failure_mode_prioritisation",
    "escalation_design",
    "incentive_alignment",
)
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"

Text = Annotated[str, Field(min_length=1)]

LAUNCH_CALLS: tuple[str, ...] = ("ship", "ship with guardrails", "no-go")
NAME_PATTERN = r"^[a-z][a-z0-9_]*$"


class ProblemAt(ValueError):
    """A validator's problems, each at a field path relative to the model that raised it (``loc``).

    ``ProblemAt(loc, message)`` is one problem; ``ProblemAt.many([(loc, message), ...])`` several, in order.
    """

    def __init__(self, loc: tuple, message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.items: list[tuple[tuple, str]] = [(loc, message)]

    @classmethod
    def many(cls, items: list[tuple[tuple, str]]) -> ProblemAt:
        first = cls(*items[0])
        first.items = list(items)
        return first


def raise_all(found: list[tuple[tuple, str]]) -> None:
    """Raise every problem in ``found`` at once, if there is any."""
    if found:
        raise ProblemAt.many(found)


def repeated_values(values: list[str]) -> list[str]:
    """The values that appear more than once, sorted (counted once: linear, not pairwise)."""
    seen: dict[str, int] = {}
    for v in values:
        seen[v] = seen.get(v, 0) + 1
    return sorted(v for v, n in seen.items() if n > 1)


class Strict(BaseModel):
    # strict: a quoted "0.9" is not a number, 12.0 is not a whole number, "yes" is not a boolean
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )


class Source(Strict):
    """A public source the case cites: the original publication, never a mirror as the source.

    ``url`` is the publication's canonical address; leave it out (and say so in ``note``) when only
    mirrors of the original are known, rather than citing a mirror.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]+$")]
    publisher: Text
    title: Text
    date: Annotated[str, Field(pattern=DATE_PATTERN)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    note: str | None = None

    @field_validator("date")
    @classmethod
    def _real_date(cls, value: str) -> str:
        parts = [int(p) for p in value.split("-")]
        try:
            first_day = dt.date(*parts, *[1] * (3 - len(parts)))  # YYYY and YYYY-MM: their first day
        except ValueError as exc:
            raise ValueError(f"not a real date ({exc})") from None
        today = dt.date.today()
        if first_day > today:
            raise ValueError(f"a date after today ({today.isoformat()}): a source cannot be from the future")
        return value

    @field_validator("url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        try:
            parts.port  # noqa: B018 (raises on a port out of range)
        except ValueError:
            raise ValueError("expected a web address like https://publisher.org/page (bad port)") from None
        if parts.username is not None or parts.password is not None:
            raise ValueError("a source's web address must not carry credentials (user:password@)")
        host = parts.hostname or ""
        if not re.fullmatch(r"([a-z0-9-]+\.)+[a-z0-9-]*[a-z][a-z0-9-]*|\d{1,3}(\.\d{1,3}){3}", host):
            raise ValueError("expected a web address like https://publisher.org/page (with the host)")
        return value

    @model_validator(mode="after")
    def _url_or_note(self) -> Source:
        if self.url is None and not self.note:
            raise ValueError("a source without a url needs a 'note' saying why (e.g. only mirrors known)")
        return self

    def citation(self) -> str:
        """``[id] Publisher, "Title", date. URL`` (or the note when there is no canonical URL)."""
        where = self.url or f"({self.note})"
        return f'[{self.id}] {self.publisher}, "{self.title}", {self.date}. {where}'



class Incident(Strict):
    """What happened, when, who, where; and the decision the reader owns as the PM."""

    summary: Text
    when: Text
    who: Text
    where: str | None = None
    decision: Text


class PublishedFigure(Strict):
    """A figure from the public record that the reconstruction must reproduce within ``tolerance``.

    ``tolerance`` is relative (0.01 = within 1%). ``status`` is ``SEEN`` (read in the cited source),
    ``SEEN-2nd`` (seen only in a secondary page restating a primary source; ``note`` says which, and
    every table that shows the figure says it is secondary) or ``DERIVED`` (computed from SEEN figures;
    ``derivation`` says how).

    ``kind`` says what the check against it is worth as evidence:

    ``reproduced``
        an independent reproduction: the model, run from other inputs, arrives at this figure (real
        evidence that the reconstruction is faithful);
    ``input``
        the figure is an input of the reconstruction, used as given and echoed back (no evidence);
    ``consistency``
        a consistency check on synthetic data whose truth was planted or assumed from this figure (it
        shows the code recovers what was planted, not that the world behaved so).
    """

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    value: float
    unit: Text
    tolerance: Annotated[float, Field(ge=0, le=1)]
    source: Text
    status: Literal["SEEN", "SEEN-2nd", "DERIVED"]
    kind: Literal["reproduced", "input", "consistency"]
    derivation: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _derived_says_how(self) -> PublishedFigure:
        if self.status == "DERIVED" and not self.derivation:
            raise ValueError("a DERIVED figure needs a 'derivation' saying how it was computed")
        if self.status == "SEEN-2nd" and not self.note:
            raise ValueError(
                "a SEEN-2nd figure needs a 'note' naming the secondary page and the primary it restates"
            )
        return self

    @property
    def cited_as(self) -> str:
        """The source as a table shows it: a secondary figure says so."""
        return f"{self.source} (secondary source)" if self.status == "SEEN-2nd" else self.source


class Parameter(Strict):
    """A notebook parameter: its default and the range a coaching variant draws from."""

    default: bool | int | float | str
    description: Text
    unit: str | None = None
    low: float | None = None
    high: float | None = None
    choices: list[bool | int | float | str] | None = None

    @model_validator(mode="after")
    def _range_holds_default(self) -> Parameter:
        if (self.low is None) != (self.high is None):
            raise ValueError("give both 'low' and 'high', or neither")
        if self.low is not None and self.choices is not None:
            raise ValueError("give a range ('low'/'high') or 'choices', not both")
        if self.low is not None:
            if isinstance(self.default, bool) or not isinstance(self.default, int | float):
                raise ValueError(f"a range needs a numeric default, got {self.default!r}")
            if not self.low <= self.default <= self.high:
                raise ValueError(
                    f"default {self.default!r} is outside the variant range [{self.low:g}, {self.high:g}]"
                )
        if self.choices is not None and self.default not in self.choices:
            raise ValueError(f"default {self.default!r} is not one of the choices {self.choices!r}")
        return self

    @property
    def numeric(self) -> bool:
        """Whether its values are numbers (an int or float default; a boolean is not a number)."""
        return isinstance(self.default, int | float) and not isinstance(self.default, bool)

    @property
    def varies(self) -> bool:
        """Whether a coaching variant may change it."""
        return self.low is not None or self.choices is not None

    def draw(self, rng: np.random.Generator) -> bool | int | float | str:
        """A value for a variant: uniform in the range (whole numbers for an int default), or a choice."""
        if self.choices is not None:
            return self.choices[int(rng.integers(len(self.choices)))]
        if self.low is None:
            return self.default
        if isinstance(self.default, int):
            return int(rng.integers(int(np.ceil(self.low)), int(np.floor(self.high)) + 1))
        return float(np.round(rng.uniform(self.low, self.high), 6))


class RubricDimension(Strict):
    """One interview dimension: the question, and what a weak and a strong answer look like."""

    question: Text
    weak: Text
    strong: Text


class Rubric(Strict):
    """The four interview dimensions of ``shared/frameworks.md``."""

    threshold_definition: RubricDimension
    failure_mode_prioritisation: RubricDimension
    escalation_design: RubricDimension
    incentive_alignment: RubricDimension


class Dataset(Strict):
    """A generated dataset: ``generator`` (``nogo.module:function``) called with ``parameters`` and ``seed``.

    A parameter value written ``${name}`` takes the notebook parameter ``name``, so a variant regenerates
    its data; ``data/<case-id>/<name>.csv`` is the snapshot at the defaults.
    """

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    generator: Annotated[str, Field(pattern=r"^nogo(\.[a-z_][a-z0-9_]*)+:[a-z_][a-z0-9_]*$")]
    description: Text
    parameters: dict[str, Any] = {}



def contract_problems(value: dict[str, Any]) -> list[tuple[tuple, str]]:
    """The Agent Impact Contract's problem, at its field path (the contract stops at its first)."""
    try:
        AgentImpactContract.from_dict(value)
    except ContractError as exc:
        loc = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", exc.path))
        return [(loc, exc.detail)]
    return []
