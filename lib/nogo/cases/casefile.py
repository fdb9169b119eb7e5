"""Case files: one YAML file per case, the single source of a case's facts, parameters and drill.

A case file is validated against a schema (pydantic, strict types) when it is loaded. Loading is safe
and bounded: the file is parsed once, event by event, into plain data (mappings, lists, strings,
numbers, booleans, null) and a map of each field's line. Anything beyond plain data is refused with its
line: tags (``!!binary``, ``!!python/...``), anchors and aliases (so an alias bomb cannot expand),
repeated keys, NaN and infinite numbers, nesting deeper than :data:`MAX_DEPTH` levels, and files larger
than :data:`MAX_CASE_FILE_BYTES`. A bad file raises :class:`CaseFileError`, which names the file, the
field path (``sources[1].date``), the line, and what was expected.

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

import datetime as dt
import importlib
import inspect
import math
import re
import stat
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nogo.errors import InputError
from nogo.models.contract import AgentImpactContract, ContractError

__all__ = [
    "LAUNCH_CALLS",
    "MAX_CASE_FILE_BYTES",
    "MAX_DEPTH",
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
MAX_CASE_FILE_BYTES = 1 << 20
"""The largest case file :func:`load_case` reads (1 MiB; the largest real one is under 20 KB)."""
MAX_DEPTH = 32
"""How deeply a case file may nest mappings and lists (the schema needs five levels)."""

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


class _At(ValueError):
    """A validator's problem at a field path relative to the model that raised it (``loc``)."""

    def __init__(self, loc: tuple, message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _short(value: Any, limit: int = 60) -> str:
    """``repr(value)``, cut to ``limit`` characters so a huge bad value cannot flood a message."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


class _Strict(BaseModel):
    # strict: a quoted "0.9" is not a number, 12.0 is not a whole number, "yes" is not a boolean
    model_config = ConfigDict(
        extra="forbid", frozen=True, str_strip_whitespace=True, strict=True, allow_inf_nan=False
    )


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
            raise _At(("key_guardrails",), f"{unknown[0]!r} is not one of the drill's guardrails")
        if self.launch_call == "ship with guardrails" and not self.key_guardrails:
            raise _At(("key_guardrails",), "a 'ship with guardrails' call must name at least one")
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
        seed = value["seed"].default
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            raise _At(
                ("seed", "default"), f"a seed must be a whole number from 0 to 2**32 - 1, got {_short(seed)}"
            )
        return value

    @model_validator(mode="after")
    def _cross_references(self) -> CaseFile:
        ids = [s.id for s in self.sources]
        dupes = sorted(i for i, n in Counter(ids).items() if n > 1)
        if dupes:
            raise _At(("sources",), f"repeated source id(s) {', '.join(dupes)}")
        known_ids = set(ids)
        for k, figure in enumerate(self.published_figures):
            for ref in re.split(r"[,\s]+", figure.source.strip()):
                if ref and ref not in known_ids:
                    known = ", ".join(ids) if len(ids) <= 20 else ", ".join(ids[:20]) + ", ..."
                    where = ("published_figures", k, "source")
                    raise _At(where, f"{ref!r} is not a source id; known: {known}")
        names = [f.name for f in self.published_figures]
        dupes = sorted(n for n, c in Counter(names).items() if c > 1)
        if dupes:
            raise _At(("published_figures",), f"repeated name(s) {', '.join(dupes)}")
        names = [d.name for d in self.data]
        dupes = sorted(n for n, c in Counter(names).items() if c > 1)
        if dupes:
            raise _At(("data",), f"repeated dataset name(s) {', '.join(dupes)}: each snapshot needs its own")
        for k, ds in enumerate(self.data):
            for value in ds.parameters.values():
                ref = re.fullmatch(r"\$\{([a-z][a-z0-9_]*)\}", value) if isinstance(value, str) else None
                if ref and ref.group(1) not in self.parameters:
                    known = ", ".join(self.parameters)
                    raise _At(("data", k, "parameters"), f"{value!r} names no parameter; known: {known}")
            _check_generator(k, ds, self.parameters)
        if self.parameters["case_id"].default != self.id:
            raise _At(
                ("parameters", "case_id"),
                f"default must be the case id {self.id!r}, got {_short(self.parameters['case_id'].default)}",
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
                ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
                if ok and isinstance(default, int) and float(value) != int(value):
                    ok = False
                if ok and name == "seed" and not 0 <= value <= 2**32 - 1:
                    raise InputError(
                        f"{self.id}: parameter seed: expected a whole number from 0 to 2**32 - 1, "
                        f"got {value!r}"
                    )
            else:
                ok = isinstance(value, str)
            if not ok:
                raise InputError(
                    f"{self.id}: parameter {name}: expected a {type(default).__name__} like "
                    f"{default!r}, got {value!r}"
                )
            out[name] = int(value) if isinstance(default, int) and not isinstance(default, bool) else value
        return out


# -- data generators: they exist, and take the parameters the case file gives them -----------------

_SIMPLE_TYPES: dict[str, tuple[str, Any]] = {  # annotation -> (what to call it, test of a YAML value)
    "int": ("an int", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    "float": ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    "bool": ("a boolean", lambda v: isinstance(v, bool)),
    "str": ("a string", lambda v: isinstance(v, str)),
    "None": ("null", lambda v: v is None),
}
_NOT_FROM_YAML = {"np.random.Generator", "numpy.random.Generator", "Generator"}  # a seed may also be one


def _accepts(annotation: Any) -> list[tuple[str, Any]] | None:
    """The plain types a parameter annotation allows a YAML value to be, or None when it cannot say."""
    if annotation is inspect.Parameter.empty:
        return None
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    parts = [p.strip() for p in text.split("|")]
    if not all(p in _SIMPLE_TYPES or p in _NOT_FROM_YAML for p in parts):
        return None
    return [_SIMPLE_TYPES[p] for p in parts if p in _SIMPLE_TYPES] or None


def _generator_function(dataset: Dataset, k: int) -> Any:
    module_name, func_name = dataset.generator.split(":")
    where = ("data", k, "generator")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise _At(where, f"no module {module_name} in nogo") from None
    except Exception as exc:  # a module that fails on import is a bug there, but name it here
        raise _At(where, f"module {module_name} cannot be imported ({type(exc).__name__}: {exc})") from None
    func = getattr(module, func_name, None)
    if func is None:
        raise _At(where, f"{module_name} has no {func_name!r}")
    if not callable(func) or isinstance(func, type):
        raise _At(where, f"{dataset.generator} is not a function")
    return func


def _check_generator(k: int, dataset: Dataset, parameters: dict[str, Parameter]) -> None:
    """The generator exists, takes every parameter given (of the type it declares) and gets all it needs."""
    func = _generator_function(dataset, k)
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return  # nothing to check against
    params = signature.parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    named = {n: p for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    for key, value in dataset.parameters.items():
        where = ("data", k, "parameters", key)
        if key not in named:
            if takes_any:
                continue
            raise _At(where, f"{dataset.generator} takes no parameter {key!r}; it takes: {', '.join(named)}")
        accepts = _accepts(named[key].annotation)
        if accepts is None:
            continue
        ref = re.fullmatch(r"\$\{([a-z][a-z0-9_]*)\}", value) if isinstance(value, str) else None
        if ref:  # a notebook parameter: its default and every choice a variant may draw
            p = parameters[ref.group(1)]
            candidates = [p.default, *(p.choices or [])]
            shown = f"parameter {ref.group(1)} = "
        else:
            candidates, shown = [value], ""
        for candidate in candidates:
            if not any(test(candidate) for _, test in accepts):
                expected = " or ".join(name for name, _ in accepts)
                got = f"{shown}{_short(candidate)}"
                raise _At(where, f"{dataset.generator} expects {expected} for {key!r}, got {got}")
    missing = [
        n for n, p in named.items() if p.default is inspect.Parameter.empty and n not in dataset.parameters
    ]
    positional = [
        n for n, p in params.items() if p.kind is p.POSITIONAL_ONLY and p.default is inspect.Parameter.empty
    ]
    if missing or positional:
        needed = ", ".join(map(repr, missing + positional))
        raise _At(("data", k, "parameters"), f"{dataset.generator} needs {needed}")


# -- loading with line numbers -----------------------------------------------------------------

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: the same events, faster
_NON_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_TAG = "tag:yaml.org,2002:"


class _Problem(Exception):
    """A problem found while reading the YAML: field path, line, what was wrong."""

    def __init__(self, path: tuple, line: int | None, detail: str) -> None:
        super().__init__(detail)
        self.path, self.line, self.detail = path, line, detail


def _read(path: Path, max_bytes: int) -> str:
    """The file's text: a regular file, at most ``max_bytes``, UTF-8, printable characters only."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _Problem((), None, "no such file") from None
    except OSError as exc:
        raise _Problem((), None, f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise _Problem((), None, "expected a case file, found a folder")
    if not stat.S_ISREG(info.st_mode):  # a FIFO would block, a device never end
        raise _Problem((), None, "expected a regular file (this is a device, FIFO or socket)")
    too_large = f"too large: {{:,}} bytes; a case file may be at most {max_bytes:,} bytes"
    if info.st_size > max_bytes:
        raise _Problem((), None, too_large.format(info.st_size))
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise _Problem((), None, f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:  # it grew since
        raise _Problem((), None, too_large.format(len(raw)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise _Problem(
            (), line, f"expected UTF-8 text: byte 0x{raw[exc.start]:02x} is not ({exc.reason})"
        ) from None
    text = text.removeprefix("\ufeff")  # a byte-order mark at the start is harmless
    if "\ufeff" in text:  # elsewhere it is an invisible character glued to a key or value
        line = text.count("\n", 0, text.index("\ufeff")) + 1
        raise _Problem((), line, "an invisible byte-order mark (U+FEFF) inside the file: delete it")
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise _Problem(
            (), line, f"character U+{ord(bad.group()):04X} is not allowed in a case file (a control code)"
        )
    return text


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


def _scalar(loader: Any, event: yaml.ScalarEvent, path: tuple, line: int) -> Any:
    """A plain scalar's value: null, a boolean, an int, a finite float, or else the string as written."""
    tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _YAML_TAG + "null":
        return None
    if tag == _YAML_TAG + "bool":
        return loader.bool_values[event.value.lower()]
    node = yaml.ScalarNode(tag, event.value)
    if tag == _YAML_TAG + "int":
        try:
            return loader.construct_yaml_int(node)
        except ValueError:
            detail = f"a number too long to read ({len(event.value):,} characters)"
            raise _Problem(path, line, detail) from None
    if tag == _YAML_TAG + "float":
        value = loader.construct_yaml_float(node)
        if not math.isfinite(value):
            raise _Problem(path, line, f"expected a finite number, got {_short(event.value)}")
        return value
    return event.value  # strings; dates (2024-02-14) stay the text they are, checked by the schema


def _parse(text: str) -> tuple[Any, dict[tuple, int]]:
    """Parse ``text`` once into plain data and a map from each field path to its 1-based line.

    The parse is iterative over the YAML events, so it needs no recursion, and refuses what is not
    plain data as soon as it appears: anchors and aliases, tags, merge keys, non-scalar and repeated
    keys, keys with invisible characters, nesting deeper than :data:`MAX_DEPTH`, more than one document.
    """
    loader = _Loader(text)
    lines: dict[tuple, int] = {}
    stack: list[list] = []  # [container, path, pending key, {key: line}]
    root: Any = None
    documents = 0
    try:
        while True:
            event = loader.get_event()
            if isinstance(event, yaml.StreamEndEvent):
                return root, lines
            line = event.start_mark.line + 1
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise _Problem((), line, "more than one YAML document (---): a case file holds one")
                continue
            if isinstance(event, yaml.StreamStartEvent | yaml.DocumentEndEvent):
                continue
            if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
                continue
            # a node: where it goes
            if stack:
                frame = stack[-1]
                container, parent = frame[0], frame[1]
                if isinstance(container, dict) and frame[2] is None:  # a key
                    key = _key(loader, event, parent, line, frame[3])
                    frame[2] = key
                    lines[(*parent, key)] = line
                    continue
                if isinstance(container, dict):
                    path = (*parent, frame[2])
                else:
                    path = (*parent, len(container))
                    lines[path] = line
            else:
                path = ()
                lines[()] = line
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
                raise _Problem(
                    path, line, "anchors (&name) and aliases (*name) are not allowed in a case file"
                )
            if event.tag is not None:
                raise _Problem(
                    path, line, f"tag {_tag_name(event.tag)} is not allowed in a case file: write plain data"
                )
            if isinstance(event, yaml.ScalarEvent):
                value = _scalar(loader, event, path, line)
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _Problem(path, line, f"nested deeper than {MAX_DEPTH} levels")
                value = {} if isinstance(event, yaml.MappingStartEvent) else []
            if stack:
                container = stack[-1][0]
                if isinstance(container, dict):
                    container[stack[-1][2]] = value
                    stack[-1][2] = None
                else:
                    container.append(value)
            else:
                root = value
            if isinstance(event, yaml.MappingStartEvent):
                stack.append([value, path, None, {}])
            elif isinstance(event, yaml.SequenceStartEvent):
                stack.append([value, path, None, None])
    finally:
        loader.dispose()


def _key(loader: Any, event: yaml.Event, parent: tuple, line: int, seen: dict[str, int]) -> str:
    """A mapping key: a plain name, written once, with no invisible characters."""
    if not isinstance(event, yaml.ScalarEvent):
        raise _Problem(parent, line, "a key must be a plain name, not a list, a mapping or an alias")
    if event.anchor is not None:
        raise _Problem(parent, line, "anchors (&name) and aliases (*name) are not allowed in a case file")
    if event.tag is not None:
        raise _Problem(parent, line, f"tag {_tag_name(event.tag)} is not allowed in a case file")
    key = event.value
    if loader.resolve(yaml.ScalarNode, key, event.implicit) == _YAML_TAG + "merge":
        raise _Problem((*parent, key), line, "merge keys (<<) are not allowed in a case file")
    hidden = next((c for c in key if not c.isprintable() and c != " "), None)
    if hidden is not None:
        detail = f"key {key!r} holds an invisible character U+{ord(hidden):04X}: retype it"
        raise _Problem(parent, line, detail)
    if key in seen:
        raise _Problem(
            (*parent, key), line, f"repeated key {key!r} (first on line {seen[key]}): each field appears once"
        )
    seen[key] = line
    return key


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


def _yaml_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int | None, str]:
    """The line to name for a YAML syntax error, and what went wrong.

    A flow collection or a quoted string that is never closed is named where it starts (the context);
    inside a block mapping or list the parser stops at the offending line, so that line is named and
    the block's first line given too.
    """
    problem, context = exc.problem_mark, exc.context_mark
    in_block = bool(exc.context) and exc.context.startswith("while parsing a block")
    mark = problem if in_block or context is None else context
    line = mark.line + 1 if mark else None
    detail = f"not valid YAML: {exc.problem}"
    if exc.context:
        detail += f" ({exc.context}"
        if in_block and context is not None and context.line != (problem.line if problem else None):
            detail += f" from line {context.line + 1}"
        detail += ")"
    if problem is not None:
        row = text.split("\n")[problem.line] if problem.line < text.count("\n") + 1 else ""
        if "\t" in row[: problem.column + 1]:
            detail += ": a tab; indent with spaces"
    return line, detail


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, str):
        return "a string"
    return f"a {type(value).__name__}"


_UNION_MEMBER = re.compile(
    r"^(bool|int|float|str|none|constrained-\w+|(list|dict|function-\w+|literal)\[.*\])$"
)
_KINDS = {
    "bool": "a boolean",
    "int": "a whole number",
    "float": "a number",
    "str": "a string",
    "constrained-str": "a string",
}


def _merge_unions(errors: list[dict]) -> list[dict]:
    """One error per value that fits no member of a union (``bool | int | float | str``), not one each."""
    out: list[dict] = []
    merged: dict[tuple, dict] = {}
    for err in errors:
        loc = tuple(err["loc"])
        if loc and isinstance(loc[-1], str) and _UNION_MEMBER.match(loc[-1]):
            if loc[:-1] in merged:
                merged[loc[:-1]]["members"].append(loc[-1])
                continue
            err = {"loc": loc[:-1], "type": "union", "input": err.get("input"), "members": [loc[-1]]}
            merged[loc[:-1]] = err
        out.append(err)
    for err in merged.values():
        kinds = [_KINDS.get(m, m) for m in err["members"]]
        listed = f"{', '.join(kinds[:-1])} or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
        err["msg"] = f"expected {listed}"
    return out


def _validation_message(err: dict) -> tuple[tuple, str]:
    """The field path and the message for one pydantic error."""
    loc = tuple(err["loc"])
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, _At):  # a validator naming its own field, relative to where it ran
        return (*loc, *located.loc), str(located)
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = f"unknown field {_short(loc[-1])}"
    elif err["type"] == "missing":
        message = "missing required field"
    elif err["type"] == "finite_number":
        message = f"expected a finite number, got {_short(err.get('input'))}"
    elif isinstance(err.get("input"), str | int | float | bool):
        message = f"{message}, got {_short(err['input'])}"
    elif isinstance(err.get("input"), list | dict) or (err.get("input") is None and "input" in err):
        message = f"{message}, got {_kind(err['input'])}"
    return loc, message


def load_case(path: str | Path, *, max_bytes: int | None = None) -> CaseFile:
    """Read and validate one case file (``<id>.yaml``, at most ``max_bytes``, default 1 MiB).

    Raises
    ------
    CaseFileError
        Naming the file, the field path, the line and what was expected; for any bad file, whatever
        it holds: never another exception, and it never reads more than ``max_bytes``.
    """
    path = Path(path)
    name = str(path)
    if path.suffix != ".yaml":
        raise CaseFileError(
            name, "", None, f"case files end in .yaml: rename it {path.stem}.yaml (this file is not loaded)"
        )
    limit = MAX_CASE_FILE_BYTES if max_bytes is None else max_bytes
    try:
        text = _read(path, limit)
        data, lines = _parse(text)
    except _Problem as exc:
        raise CaseFileError(name, _dotted(exc.path), exc.line, exc.detail) from None
    except yaml.MarkedYAMLError as exc:
        line, detail = _yaml_error(exc, text)
        raise CaseFileError(name, "", line, detail) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(name, "", None, f"not valid YAML: {exc}") from None
    if data is None and not lines:
        detail = "the file is empty: expected the fields of casebook/_template.yaml"
        raise CaseFileError(name, "", None, detail)
    if not isinstance(data, dict):
        raise CaseFileError(name, "", lines.get((), 1), f"expected a mapping of fields, got {_kind(data)}")
    try:
        case = CaseFile.model_validate(data)
    except ValidationError as exc:
        errors = _merge_unions(exc.errors())
        errors = sorted(errors, key=lambda e: e["type"] != "extra_forbidden")  # a typo explains a gap
        loc, message = _validation_message(errors[0])
        more = len(errors) - 1
        if more:
            message += f" (and {more} more problem(s) in this file)"
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
    """Every case file (``*.yaml``) in ``directory``, sorted by id; files starting with ``_`` are skipped.

    A ``*.yml`` file is an error (:class:`CaseFileError`, asking to rename it), never silently skipped.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError(f"{directory}: expected the casebook folder, found none")
    paths = sorted(p for p in directory.glob("*.yaml") if not p.name.startswith("_"))
    paths += sorted(directory.glob("*.yml"))
    return sorted((load_case(p) for p in paths), key=lambda c: c.id)
