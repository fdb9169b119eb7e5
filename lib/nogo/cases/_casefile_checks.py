"""Checks across a case file's sections: figures cite known sources, datasets name real generators.

Each check returns every problem it finds as ``(loc, message)`` pairs, ``loc`` relative to the section
it checks, so the case file lists them all (:func:`nogo.cases.casefile.load_case`). A check that needs
another section gets ``None`` for it when that section is itself invalid, and skips what depends on it.

The data generators are checked against their signatures: the function exists in ``nogo``, takes every
parameter the case file gives it, of the type it declares (``${name}`` stands for a notebook parameter:
its default and every choice a variant may draw), and gets every parameter it needs.

Examples
--------
>>> from nogo.cases._casefile_parts import Dataset
>>> ds = Dataset(name="log", generator="nogo.models.synthetic:example_log", description="a log",
...              parameters={"n_decisions": 10.5, "seed": 1})
>>> [(loc, detail.split(" expects ")[1]) for loc, detail in dataset_problems([ds], None)]
[((0, 'parameters', 'n_decisions'), "an int for 'n_decisions', got 10.5")]
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Mapping
from typing import Any

from nogo.cases._casefile_parts import Dataset, Parameter, PublishedFigure, Source, repeated_values
from nogo.cases._casefile_yaml import short

__all__ = [
    "dataset_problems",
    "figure_problems",
    "parameter_problems",
    "source_problems",
]

_REF = re.compile(r"\$\{([a-z][a-z0-9_]*)\}")
Found = list[tuple[tuple, str]]


def source_problems(sources: list[Source]) -> Found:
    repeated = repeated_values([s.id for s in sources])
    return [((), f"repeated source id(s) {', '.join(repeated)}")] if repeated else []


def figure_problems(figures: list[PublishedFigure], sources: list[Source] | None) -> Found:
    """Every figure cites known source ids (when the sources are valid); names are unique."""
    found: Found = []
    if sources is not None:
        ids = [s.id for s in sources]
        known = ", ".join(ids) if len(ids) <= 20 else ", ".join(ids[:20]) + ", ..."
        for k, figure in enumerate(figures):
            for ref in re.split(r"[,\s]+", figure.source.strip()):
                if ref and ref not in ids:
                    found.append(((k, "source"), f"{ref!r} is not a source id; known: {known}"))
    repeated = repeated_values([f.name for f in figures])
    if repeated:
        found.append(((), f"repeated name(s) {', '.join(repeated)}"))
    return found


def parameter_problems(parameters: dict[str, Parameter], case_id: str | None) -> Found:
    """Names are identifiers; ``case_id`` and ``seed`` are there; the seed fits numpy; the id matches."""
    found: Found = [
        ((), f"parameter name {name!r} must be a lower-case Python identifier")
        for name in parameters
        if not re.match(r"^[a-z][a-z0-9_]*$", name)
    ]
    found += [((), f"every case needs a {r!r} parameter") for r in ("case_id", "seed") if r not in parameters]
    if "seed" in parameters:
        seed = parameters["seed"].default
        if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**32:
            detail = f"a seed must be a whole number from 0 to 2**32 - 1, got {short(seed)}"
            found.append((("seed", "default"), detail))
    if "case_id" in parameters and case_id is not None and parameters["case_id"].default != case_id:
        detail = f"default must be the case id {case_id!r}, got {short(parameters['case_id'].default)}"
        found.append((("case_id",), detail))
    return found


def dataset_problems(data: list[Dataset], parameters: Mapping[str, Parameter] | None) -> Found:
    """Names are unique; ``${name}`` names a parameter; each generator takes what it is given."""
    found: Found = []
    repeated = repeated_values([d.name for d in data])
    if repeated:
        found.append(((), f"repeated dataset name(s) {', '.join(repeated)}: each snapshot needs its own"))
    for k, ds in enumerate(data):
        if parameters is not None:
            for value in ds.parameters.values():
                ref = _REF.fullmatch(value) if isinstance(value, str) else None
                if ref and ref.group(1) not in parameters:
                    detail = f"{value!r} names no parameter; known: {', '.join(parameters)}"
                    found.append(((k, "parameters"), detail))
        found += _generator_problems(k, ds, parameters)
    return found


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


def _generator_function(dataset: Dataset) -> tuple[Any, str | None]:
    """The generator function, or ``None`` and what is wrong with its name."""
    module_name, func_name = dataset.generator.split(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None, f"no module {module_name} in nogo"
    except Exception as exc:  # a module that fails on import is a bug there, but name it here
        return None, f"module {module_name} cannot be imported ({type(exc).__name__}: {exc})"
    func = getattr(module, func_name, None)
    if func is None:
        return None, f"{module_name} has no {func_name!r}"
    if not callable(func) or isinstance(func, type):
        return None, f"{dataset.generator} is not a function"
    return func, None


def _generator_problems(k: int, dataset: Dataset, parameters: Mapping[str, Parameter] | None) -> Found:
    """The generator exists, takes every parameter given (of the type it declares) and gets all it needs."""
    func, problem = _generator_function(dataset)
    if problem is not None:
        return [((k, "generator"), problem)]
    try:
        signature = inspect.signature(func)
    except (TypeError, ValueError):
        return []  # nothing to check against
    found: Found = []
    params = signature.parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    named = {n: p for n, p in params.items() if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
    for key, value in dataset.parameters.items():
        where = (k, "parameters", key)
        if key not in named:
            if not takes_any:
                detail = f"{dataset.generator} takes no parameter {key!r}; it takes: {', '.join(named)}"
                found.append((where, detail))
            continue
        accepts = _accepts(named[key].annotation)
        if accepts is None:
            continue
        ref = _REF.fullmatch(value) if isinstance(value, str) else None
        if ref:  # a notebook parameter: its default and every choice a variant may draw
            p = (parameters or {}).get(ref.group(1))
            if p is None:
                continue  # named no parameter (reported), or the parameters are invalid
            candidates = [p.default, *(p.choices or [])]
            shown = f"parameter {ref.group(1)} = "
        else:
            candidates, shown = [value], ""
        wrong = [c for c in candidates if not any(test(c) for _, test in accepts)]
        if wrong:
            expected = " or ".join(name for name, _ in accepts)
            got = f"{shown}{short(wrong[0])}"
            found.append((where, f"{dataset.generator} expects {expected} for {key!r}, got {got}"))
    missing = [
        n for n, p in named.items() if p.default is inspect.Parameter.empty and n not in dataset.parameters
    ]
    positional = [
        n for n, p in params.items() if p.kind is p.POSITIONAL_ONLY and p.default is inspect.Parameter.empty
    ]
    if missing or positional:
        needed = ", ".join(map(repr, missing + positional))
        found.append(((k, "parameters"), f"{dataset.generator} needs {needed}"))
    return found
