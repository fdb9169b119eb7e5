"""Case files: one YAML file per case, the single source of a case's facts, parameters and drill.

A case file is validated against a schema (pydantic) when it is loaded. Loading is safe: the YAML is
read with the safe loader, so a file can hold data only, never objects or code. A bad file raises
:class:`CaseFileError`, which names the file, the field path (``sources[1].date``), the line, and what
was expected.

The fields, in the order a case file lists them:

=================== ===================================================================================
id                  stable kebab-case slug; names ``notebooks/<id>.ipynb`` and ``data/<id>/``
title               names the failure with a verb
domain, status      e.g. "consumer lending"; ``draft`` or ``ready``
models              the decision models the case uses (see :data:`MODELS`)
incident            what happened, when, who, where; the decision the PM owns
sources             publisher, title, date, URL, and an ``id`` the figures cite
published_figures   name, value, unit, relative tolerance, source id, status (SEEN or DERIVED)
parameters          default, and the range (``low``/``high``) or ``choices`` a coaching variant draws from
drill               stream size, the guardrails a launch call may name, launch options
rubric              the four interview dimensions, each with its question, a weak and a strong answer
questions, debrief  interview questions; what the PM should have decided
contract            the Agent Impact Contract (see :class:`nogo.AgentImpactContract`)
data                datasets the notebook reads: generator, parameters (``${name}`` = a notebook parameter)
=================== ===================================================================================
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nogo.contract import AgentImpactContract, ContractError
from nogo.errors import InputError

__all__ = [
    "LAUNCH_CALLS",
    "MODELS",
    "RUBRIC_DIMENSIONS",
    "CaseFile",
    "CaseFileError",
    "Dataset",
    "Parameter",
    "PublishedFigure",
    "Source",
    "load_case",
    "load_casebook",
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
RUBRIC_DIMENSIONS: tuple[str, ...] = (
    "threshold_definition",
    "failure_mode_prioritisation",
    "escalation_design",
    "incentive_alignment",
)
_SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"

Text = Annotated[str, Field(min_length=1)]


class CaseFileError(InputError):
    """A case file that is not what the schema expects: file, field path, line, and what was wrong."""

    def __init__(self, source: str, path: str, line: int | None, detail: str) -> None:
        self.source, self.path, self.line, self.detail = source, path, line, detail
        where = f"{source}:{line}" if line is not None else source
        field = f" {path}:" if path else ""
        super().__init__(f"{where}:{field} {detail}")

    def __reduce__(self):  # keep the error picklable (papermill and multiprocessing pass it around)
        return (CaseFileError, (self.source, self.path, self.line, self.detail))


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Strict):
    """A public source the case cites: the original publication, never a mirror as the source.

    ``url`` is the publication's canonical address; leave it out (and say so in ``note``) when only
    mirrors of the original are known, rather than citing a mirror.
    """

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9-]+$")]
    publisher: Text
    title: Text
    date: Annotated[str, Field(pattern=_DATE)]
    url: Annotated[str, Field(pattern=r"^https?://\S+$")] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _url_or_note(self) -> Source:
        if self.url is None and not self.note:
            raise ValueError("a source without a url needs a 'note' saying why (e.g. only mirrors known)")
        return self

    def citation(self) -> str:
        """``[id] Publisher, "Title", date. URL`` (or the note when there is no canonical URL)."""
        where = self.url or f"({self.note})"
        return f'[{self.id}] {self.publisher}, "{self.title}", {self.date}. {where}'



class Incident(_Strict):
    """What happened, when, who, where; and the decision the reader owns as the PM."""

    summary: Text
    when: Text
    who: Text
    where: str | None = None
    decision: Text


class PublishedFigure(_Strict):
    """A figure from the public record that the reconstruction must reproduce within ``tolerance``.

    ``tolerance`` is relative (0.01 = within 1%). ``status`` is ``SEEN`` (read in the cited source) or
    ``DERIVED`` (computed from SEEN figures; ``derivation`` says how).

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
    status: Literal["SEEN", "DERIVED"]
    kind: Literal["reproduced", "input", "consistency"]
    derivation: str | None = None

    @model_validator(mode="after")
    def _derived_says_how(self) -> PublishedFigure:
        if self.status == "DERIVED" and not self.derivation:
            raise ValueError("a DERIVED figure needs a 'derivation' saying how it was computed")
        return self


class Parameter(_Strict):
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


LAUNCH_CALLS: tuple[str, ...] = ("ship", "ship with guardrails", "no-go")


class Drill(_Strict):
    """What the practice widgets need beyond the decision log.

    ``launch_call`` is the call the debrief defends; with ``"ship with guardrails"``, ``key_guardrails``
    lists the guardrails (from ``guardrails``) a sound answer must name.
    """

    stream_items: Annotated[int, Field(ge=4, le=60)] = 12
    guardrails: Annotated[list[Text], Field(min_length=2)]
    naive_confidence: Annotated[float, Field(gt=0, lt=1)] = 0.9
    launch_call: Literal["ship", "ship with guardrails", "no-go"]
    key_guardrails: list[Text] = []

    @model_validator(mode="after")
    def _key_guardrails_are_listed(self) -> Drill:
        unknown = [g for g in self.key_guardrails if g not in self.guardrails]
        if unknown:
            raise ValueError(f"key_guardrails: {unknown[0]!r} is not one of the drill's guardrails")
        if self.launch_call == "ship with guardrails" and not self.key_guardrails:
            raise ValueError("key_guardrails: a 'ship with guardrails' call must name at least one")
        return self


class RubricDimension(_Strict):
    """One interview dimension: the question, and what a weak and a strong answer look like."""

    question: Text
    weak: Text
    strong: Text


class Rubric(_Strict):
    """The four interview dimensions of ``shared/frameworks.md``."""

    threshold_definition: RubricDimension
    failure_mode_prioritisation: RubricDimension
    escalation_design: RubricDimension
    incentive_alignment: RubricDimension


class Dataset(_Strict):
    """A generated dataset: ``generator`` (``nogo.module:function``) called with ``parameters`` and ``seed``.

    A parameter value written ``${name}`` takes the notebook parameter ``name``, so a variant regenerates
    its data; ``data/<case-id>/<name>.csv`` is the snapshot at the defaults.
    """

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    generator: Annotated[str, Field(pattern=r"^nogo(\.[a-z_][a-z0-9_]*)+:[a-z_][a-z0-9_]*$")]
    description: Text
    parameters: dict[str, Any] = {}


class CaseFile(_Strict):
    """One case, validated. See the module docstring for the fields."""

    id: Annotated[str, Field(pattern=_SLUG)]
    title: Text
    domain: Text
    status: Literal["draft", "ready"]
    models: Annotated[list[Literal[MODELS]], Field(min_length=1)]  # type: ignore[valid-type]
    incident: Incident
    sources: Annotated[list[Source], Field(min_length=1)]
    published_figures: list[PublishedFigure]
    parameters: dict[str, Parameter]
    drill: Drill
    rubric: Rubric
    questions: Annotated[list[Text], Field(min_length=1)]
    debrief: Text
    contract: dict[str, Any]
    data: list[Dataset] = []

    @field_validator("parameters")
    @classmethod
    def _parameter_names(cls, value: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in value:
            if not re.match(r"^[a-z][a-z0-9_]*$", name):
                raise ValueError(f"parameter name {name!r} must be a lower-case Python identifier")
        for required in ("case_id", "seed"):
            if required not in value:
                raise ValueError(f"every case needs a {required!r} parameter")
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> CaseFile:
        ids = [s.id for s in self.sources]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"sources: repeated source id(s) {', '.join(dupes)}")
        for k, figure in enumerate(self.published_figures):
            for ref in re.split(r"[,\s]+", figure.source.strip()):
                if ref and ref not in ids:
                    raise ValueError(
                        f"published_figures[{k}].source: {ref!r} is not a source id; known: {', '.join(ids)}"
                    )
        names = [f.name for f in self.published_figures]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"published_figures: repeated name(s) {', '.join(dupes)}")
        for k, ds in enumerate(self.data):
            for value in ds.parameters.values():
                ref = re.fullmatch(r"\$\{([a-z][a-z0-9_]*)\}", value) if isinstance(value, str) else None
                if ref and ref.group(1) not in self.parameters:
                    known = ", ".join(self.parameters)
                    raise ValueError(f"data[{k}].parameters: {value!r} names no parameter; known: {known}")
        if self.parameters["case_id"].default != self.id:
            raise ValueError(
                f"parameters.case_id: default must be the case id {self.id!r}, "
                f"got {self.parameters['case_id'].default!r}"
            )
        return self

    def agent_impact_contract(self, source: str = "") -> AgentImpactContract:
        """The case's Agent Impact Contract, validated."""
        return AgentImpactContract.from_dict(self.contract, source=source or f"casebook/{self.id}.yaml")

    def figure(self, name: str) -> PublishedFigure:
        """The published figure called ``name``."""
        for f in self.published_figures:
            if f.name == name:
                return f
        known = ", ".join(f.name for f in self.published_figures)
        raise InputError(f"{self.id}: no published figure {name!r}; known: {known}")

    def compare_figures(self, reconstructed: dict[str, float]) -> pd.DataFrame:
        """Each published figure beside its reconstruction, and whether it is within tolerance.

        Returns a frame with ``figure``, ``kind`` (what the check is worth: ``reproduced``, ``input`` or
        ``consistency``, see :class:`PublishedFigure`), ``published``, ``reconstructed``, ``unit``,
        ``tolerance``, ``relative_error``, ``within_tolerance`` and ``source``; a figure without a
        reconstruction, or a reconstruction naming no figure, is an error.
        """
        names = {f.name for f in self.published_figures}
        extra = sorted(set(reconstructed) - names)
        missing = sorted(names - set(reconstructed))
        if extra or missing:
            raise InputError(
                f"{self.id}: reconstructed figures must match the case file's published figures; "
                f"missing: {', '.join(missing) or 'none'}; unknown: {', '.join(extra) or 'none'}"
            )
        rows = []
        for f in self.published_figures:
            value = float(reconstructed[f.name])
            rel = abs(value - f.value) / abs(f.value) if f.value else abs(value)
            rows.append(
                {
                    "figure": f.label,
                    "kind": f.kind,
                    "published": f.value,
                    "reconstructed": value,
                    "unit": f.unit,
                    "tolerance": f.tolerance,
                    "relative_error": rel,
                    "within_tolerance": bool(rel <= f.tolerance),
                    "source": f.source,
                }
            )
        return pd.DataFrame(rows)

    def defaults(self) -> dict[str, Any]:
        """Every parameter at its default."""
        return {k: p.default for k, p in self.parameters.items()}

    def variant(self, seed: int) -> dict[str, Any]:
        """A coaching variant: each varying parameter drawn from its range with ``seed``.

        The same seed always gives the same variant; ``seed`` itself becomes the notebook's seed.
        """
        rng = np.random.default_rng([int(seed), 0x6E6F676F])
        values = self.defaults()
        for name, p in self.parameters.items():
            if p.varies and name not in ("case_id", "seed"):
                values[name] = p.draw(rng)
        values["seed"] = int(seed)
        return values

    def check_parameters(self, values: dict[str, Any]) -> dict[str, Any]:
        """Check names (unknown is an error) and types of parameter overrides; return the full set."""
        unknown = sorted(set(values) - set(self.parameters))
        if unknown:
            raise InputError(
                f"{self.id}: unknown parameter(s) {', '.join(unknown)}; known: {', '.join(self.parameters)}"
            )
        out = self.defaults()
        for name, value in values.items():
            default = self.parameters[name].default
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, int | float):
                ok = isinstance(value, int | float) and not isinstance(value, bool)
                if ok and isinstance(default, int) and float(value) != int(value):
                    ok = False
            else:
                ok = isinstance(value, str)
            if not ok:
                raise InputError(
                    f"{self.id}: parameter {name}: expected a {type(default).__name__} like "
                    f"{default!r}, got {value!r}"
                )
            out[name] = int(value) if isinstance(default, int) and not isinstance(default, bool) else value
        return out


# -- loading with line numbers -----------------------------------------------------------------


def _line_map(node: yaml.Node, prefix: tuple = (), out: dict | None = None) -> dict[tuple, int]:
    """Map each field path (a tuple of keys and indices) to its 1-based line in the file."""
    out = {} if out is None else out
    out.setdefault(prefix, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            path = (*prefix, key.value)
            out[path] = key.start_mark.line + 1
            _line_map(value, path, out)
            out[path] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*prefix, i), out)
    return out


def _dotted(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _line_for(lines: dict[tuple, int], loc: tuple) -> int | None:
    loc = tuple(str(p) if not isinstance(p, int) else p for p in loc)
    while loc and loc not in lines:
        loc = loc[:-1]
    return lines.get(loc)


def load_case(path: str | Path) -> CaseFile:
    """Read and validate one case file.

    Raises
    ------
    CaseFileError
        Naming the file, the field path, the line and what was expected.
    """
    path = Path(path)
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(name, "", None, "no such file") from None
    except UnicodeDecodeError as exc:
        raise CaseFileError(name, "", None, f"expected UTF-8 text ({exc.reason})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        line = mark.line + 1 if mark else None
        context = f" ({exc.context})" if exc.context else ""
        raise CaseFileError(name, "", line, f"not valid YAML: {exc.problem}{context}") from None
    except yaml.YAMLError as exc:
        raise CaseFileError(name, "", None, f"not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise CaseFileError(name, "", 1, f"expected a mapping of fields, got {type(data).__name__}")
    lines = _line_map(node) if node is not None else {}
    try:
        case = CaseFile.model_validate(data)
    except ValidationError as exc:
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")  # a typo explains a gap
        err = errors[0]
        loc = tuple(err["loc"])
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown field {loc[-1]!r}"
        elif err["type"] == "missing":
            message = "missing required field"
        elif isinstance(err.get("input"), str | int | float | bool):
            message = f"{message}, got {err['input']!r}"
        more = len(errors) - 1
        if more:
            message += f" (and {more} more problem(s) in this file)"
        match = re.match(
            r"^(published_figures\[\d+\]\.source|parameters\.case_id|sources|data\[\d+\]\.parameters): ",
            message,
        )
        if match:  # a cross-reference error names its own field
            field = match.group(1)
            message = message[match.end() :]
            loc = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[a-z_]+|\d+", field))
        raise CaseFileError(name, _dotted(loc), _line_for(lines, loc), message) from None
    if path.stem.lstrip("_") != case.id:  # a template (_name.yaml) carries the id it is copied to
        raise CaseFileError(name, "id", _line_for(lines, ("id",)), f"must match the file name {path.stem!r}")
    try:
        case.agent_impact_contract(source=name)
    except ContractError as exc:
        loc = tuple(int(p) if p.isdigit() else p for p in re.findall(r"[A-Za-z_]+|\d+", exc.path))
        raise CaseFileError(
            name, f"contract.{exc.path}", _line_for(lines, ("contract", *loc)), exc.detail
        ) from None
    return case


def load_casebook(directory: str | Path = "casebook") -> list[CaseFile]:
    """Every case file (``*.yaml``) in ``directory``, sorted by id; files starting with ``_`` are skipped."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: expected the casebook folder, found none")
    return sorted(
        (load_case(p) for p in directory.glob("*.yaml") if not p.name.startswith("_")), key=lambda c: c.id
    )
