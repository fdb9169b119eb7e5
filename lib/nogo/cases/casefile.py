"""Case files: one YAML file per case, the single source of a case's facts, parameters and drill.

A case file is validated against a schema (pydantic, strict types) when it is loaded. Loading is safe
and bounded: the file is parsed once, event by event, into plain data (mappings, lists, strings,
numbers, booleans, null) and a map of each field's line. Anything beyond plain data is refused with its
line: tags (``!!binary``, ``!!python/...``), anchors and aliases (so an alias bomb cannot expand),
repeated keys, NaN and infinite numbers, nesting deeper than :data:`MAX_DEPTH` levels, and files larger
than :data:`MAX_CASE_FILE_BYTES`. A bad file raises one :class:`CaseFileError` listing every problem
found (:attr:`CaseFileError.problems`), each naming the file, the field path (``sources[1].date``), the
line, and what was expected. (A file that is not plain YAML stops at its first problem: there is no
data to check beyond it.)

The fields, in the order a case file lists them:

=================== ===================================================================================
id                  stable kebab-case slug; names ``notebooks/<id>.ipynb`` and ``data/<id>/``
title               names the failure with a verb
domain, status      e.g. "consumer lending"; ``draft`` or ``ready``
models              the decision models the case uses (see :data:`MODELS`)
concepts            the PM concepts the case trains (see :data:`CONCEPTS`); ``nogo check`` requires one
incident            what happened, when, who, where; the decision the PM owns
sources             publisher, title, date, URL, and an ``id`` the figures cite
published_figures   name, value, unit, relative tolerance, source id, status (SEEN, SEEN-2nd or DERIVED)
parameters          default, and the range (``low``/``high``) or ``choices`` a coaching variant draws from
drill               stream size, the guardrails a launch call may name, the launch call at the defaults,
                    ``distractors`` (guardrails that are not enough, with why), ``max_guardrails``,
                    ``evidence`` (optional: facts, each with ``deciding`` true or false and why; the
                    launch call's justification picks the deciding ones; :class:`Evidence`)
rubric              the four interview dimensions, each with its question, a weak and a strong answer
questions, debrief  interview questions; what the PM should have decided
contract            the Agent Impact Contract (see :class:`nogo.AgentImpactContract`)
data                datasets the notebook reads: generator, parameters (``${name}`` = a notebook parameter)
failure_modes       optional, at least three: name, likelihood and severity (1-5), why (:class:`FailureMode`)
signature           optional: the case's own lever and the question its signature drill asks
calls               optional: every call the case can reach, each with ``when`` (conditions on numeric
                    parameters), debrief, key guardrails and contract; the last has no ``when``
                    (:class:`Call`, :meth:`CaseFile.call_for`)
segments            optional: the generic generator's segments, rules, costs and desk, from which a case
                    with no module of its own builds its decision log (:mod:`nogo.cases.segments_schema`)
=================== ===================================================================================

The schema lives in private modules, re-exported here: the sections in :mod:`._casefile_parts`, the
drills' sections in :mod:`._casefile_drills`, the cross-section checks in :mod:`._casefile_checks`,
the :class:`CaseFile` model in :mod:`._casefile_schema`, the YAML reader in :mod:`._casefile_yaml`.

Examples
--------
>>> err = CaseFileError.of([CaseProblem("x.yaml", "id", 6, "must match the file name 'y'"),
...                         CaseProblem("x.yaml", "status", 9, "Input should be 'draft' or 'ready'")])
>>> print(err)
x.yaml:6: id: must match the file name 'y'
x.yaml:9: status: Input should be 'draft' or 'ready'
>>> err.path, err.line, len(err.problems)
('id', 6, 2)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from nogo.cases._casefile_drills import Call, Condition, Distractor, Drill, Evidence, FailureMode, Signature
from nogo.cases._casefile_parts import (
    CONCEPTS,
    LAUNCH_CALLS,
    MODELS,
    RUBRIC_DIMENSIONS,
    Dataset,
    Incident,
    Parameter,
    ProblemAt,
    PublishedFigure,
    Rubric,
    RubricDimension,
    Source,
)
from nogo.cases._casefile_schema import CaseFile
from nogo.cases._casefile_yaml import (
    MAX_DEPTH,
    ReadProblem,
    dotted,
    kind_of,
    line_for,
    parse,
    read_text,
    short,
    yaml_error,
)
from nogo.errors import InputError

__all__ = [
    "CONCEPTS",
    "LAUNCH_CALLS",
    "MAX_CASE_FILE_BYTES",
    "MAX_DEPTH",
    "MODELS",
    "RUBRIC_DIMENSIONS",
    "Call",
    "CaseFile",
    "CaseFileError",
    "CaseProblem",
    "Condition",
    "Dataset",
    "Distractor",
    "Drill",
    "Evidence",
    "FailureMode",
    "Incident",
    "Parameter",
    "PublishedFigure",
    "Rubric",
    "RubricDimension",
    "Signature",
    "Source",
    "load_case",
    "load_casebook",
]

_At = ProblemAt  # the name other modules knew; new code imports ProblemAt from nogo.cases._casefile_parts
MAX_CASE_FILE_BYTES = 1 << 20
"""The largest case file :func:`load_case` reads (1 MiB; the largest real one is under 20 KB)."""


@dataclass(frozen=True)
class CaseProblem:
    """One problem in a case file: the file, the field path (``""`` for the file), its line, what is wrong."""

    source: str
    path: str
    line: int | None
    detail: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        field = f" {self.path}:" if self.path else ""
        return f"{where}:{field} {self.detail}"


class CaseFileError(InputError):
    """A case file that is not what the schema expects, with every problem found.

    ``source``, ``path``, ``line`` and ``detail`` are the first problem's; :attr:`problems` lists them
    all (:class:`CaseProblem`), and the message has one line per problem, the first problem first.
    """

    def __init__(
        self, source: str, path: str, line: int | None, detail: str, problems: Sequence[CaseProblem] = ()
    ) -> None:
        self.source, self.path, self.line, self.detail = source, path, line, detail
        self.problems: list[CaseProblem] = list(problems) or [CaseProblem(source, path, line, detail)]
        super().__init__("\n".join(map(str, self.problems)))

    @classmethod
    def of(cls, problems: Sequence[CaseProblem]) -> CaseFileError:
        """One error for a file's problems (at least one), named by the first."""
        first = problems[0]
        return cls(first.source, first.path, first.line, first.detail, problems)

    def __reduce__(self):  # keep the error picklable (papermill and multiprocessing pass it around)
        return (CaseFileError, (self.source, self.path, self.line, self.detail, tuple(self.problems)))


# -- pydantic's errors, said for a case file's author ------------------------------------------------

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


def _validation_messages(err: dict) -> list[tuple[tuple, str]]:
    """The field path and the message of each problem in one pydantic error (a validator may list several)."""
    loc = tuple(err["loc"])
    located = (err.get("ctx") or {}).get("error")
    if isinstance(located, ProblemAt):  # a validator naming its own fields, relative to where it ran
        return [((*loc, *where), message) for where, message in located.items]
    message = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        message = f"unknown field {short(loc[-1])}"
    elif err["type"] == "missing":
        message = "missing required field"
    elif err["type"] == "finite_number":
        message = f"expected a finite number, got {short(err.get('input'))}"
    elif isinstance(err.get("input"), str | int | float | bool):
        message = f"{message}, got {short(err['input'])}"
    elif isinstance(err.get("input"), list | dict) or (err.get("input") is None and "input" in err):
        message = f"{message}, got {kind_of(err['input'])}"
    return [(loc, message)]


def _schema_problems(data: dict[str, Any]) -> tuple[CaseFile | None, list[tuple[tuple, str]]]:
    """The validated case (``None`` when it has problems) and every problem, an unknown field first."""
    try:
        return CaseFile.model_validate(data), []
    except ValidationError as exc:
        errors = _merge_unions(exc.errors())
        errors = sorted(errors, key=lambda e: e["type"] != "extra_forbidden")  # a typo explains a gap
        return None, [found for err in errors for found in _validation_messages(err)]


def load_case(path: str | Path, *, max_bytes: int | None = None) -> CaseFile:
    """Read and validate one case file (``<id>.yaml``, at most ``max_bytes``, default 1 MiB).

    Raises
    ------
    CaseFileError
        Listing every problem (:attr:`CaseFileError.problems`), each naming the file, the field path,
        the line and what was expected; for any bad file, whatever it holds: never another exception,
        and it never reads more than ``max_bytes``.
    """
    path = Path(path)
    name = str(path)
    if path.suffix != ".yaml":
        raise CaseFileError(
            name, "", None, f"case files end in .yaml: rename it {path.stem}.yaml (this file is not loaded)"
        )
    limit = MAX_CASE_FILE_BYTES if max_bytes is None else max_bytes
    text = ""
    try:
        text = read_text(path, limit)
        data, lines = parse(text)
    except ReadProblem as exc:
        raise CaseFileError(name, dotted(exc.path), exc.line, exc.detail) from None
    except yaml.MarkedYAMLError as exc:
        line, detail = yaml_error(exc, text)
        raise CaseFileError(name, "", line, detail) from None
    except yaml.YAMLError as exc:
        raise CaseFileError(name, "", None, f"not valid YAML: {exc}") from None
    if data is None and not lines:
        detail = "the file is empty: expected the fields of casebook/_template.yaml"
        raise CaseFileError(name, "", None, detail)
    if not isinstance(data, dict):
        raise CaseFileError(name, "", lines.get((), 1), f"expected a mapping of fields, got {kind_of(data)}")
    case, found = _schema_problems(data)
    case_id = case.id if case is not None else data.get("id")
    case_id = case_id.strip() if isinstance(case_id, str) else None  # as the schema reads it
    id_ok = not any(loc[:1] == ("id",) for loc, _ in found)
    if id_ok and case_id is not None and path.stem.lstrip("_") != case_id:
        found.append((("id",), f"must match the file name {path.stem!r}"))  # a template carries its copy's id
    if found:
        problems = [CaseProblem(name, dotted(loc), line_for(lines, loc), detail) for loc, detail in found]
        raise CaseFileError.of(problems)
    assert case is not None
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
