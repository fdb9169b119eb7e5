"""A case's datasets: generated from the case file's ``data`` entries, or read from their snapshots.

A ``data`` entry names a generator (``nogo.module:function``) and its parameters (``${name}`` = a case
parameter). :func:`load_dataset` reads the snapshot in ``data/<case-id>/`` when its parameters match,
else generates; :mod:`nogo.casebook.datasets` writes and checks the snapshots.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from nogo.cases.casefile import CaseFile, Dataset
from nogo.errors import InputError, NogoError

__all__ = ["MANIFEST", "generate", "load_dataset", "resolve_parameters"]

MANIFEST = "manifest.json"


def resolve_parameters(dataset: Dataset, values: dict[str, Any]) -> dict[str, Any]:
    """The generator's keyword arguments, with each ``${name}`` replaced by the notebook parameter."""
    out = {}
    for key, value in dataset.parameters.items():
        ref = re.fullmatch(r"\$\{([a-z][a-z0-9_]*)\}", value) if isinstance(value, str) else None
        out[key] = values[ref.group(1)] if ref else value
    return out


def _generator(dataset: Dataset):
    module_name, func_name = dataset.generator.split(":")
    try:
        module = importlib.import_module(module_name)
        return getattr(module, func_name)
    except (ImportError, AttributeError):
        raise InputError(f"data {dataset.name!r}: generator {dataset.generator!r} does not exist") from None


def generate(case: CaseFile, name: str, values: dict[str, Any] | None = None) -> pd.DataFrame:
    """Generate dataset ``name`` of ``case`` for the parameter set ``values`` (defaults when None)."""
    dataset = _dataset(case, name)
    params = resolve_parameters(dataset, case.check_parameters(values or {}))
    generator = _generator(dataset)
    try:
        frame = generator(**params)
    except NogoError:
        raise
    except Exception as exc:  # a generator's own failure on these parameters, named with them
        raise InputError(
            f"data {name!r}: generator {dataset.generator} failed with {params}: {type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(frame, pd.DataFrame):
        raise InputError(
            f"data {name!r}: generator {dataset.generator} returned {type(frame).__name__}, "
            "expected a DataFrame"
        )
    return frame


def _dataset(case: CaseFile, name: str) -> Dataset:
    for d in case.data:
        if d.name == name:
            return d
    known = ", ".join(d.name for d in case.data) or "none"
    raise InputError(f"{case.id}: no dataset {name!r}; known: {known}")


def load_dataset(
    case: CaseFile, name: str, values: dict[str, Any] | None = None, *, root: str | Path = "data"
) -> pd.DataFrame:
    """Dataset ``name`` for the parameter set ``values``: the snapshot when it matches, else generated.

    The snapshot is used only when the resolved generator parameters equal the manifest's; any variant
    that changes them regenerates the data, so a variant never reads stale numbers.
    """
    dataset = _dataset(case, name)
    params = resolve_parameters(dataset, case.check_parameters(values or {}))
    folder = Path(root) / case.id
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        entry = next(e for e in manifest["files"] if e["name"] == name)
    except (OSError, ValueError, KeyError, StopIteration):
        entry = None
    if entry is not None and entry.get("parameters") == json.loads(json.dumps(params)):
        data = (folder / entry["file"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise InputError(f"{folder / entry['file']}: contents differ from the manifest's sha256")
        return pd.read_csv(io.BytesIO(data))
    return generate(case, name, values)
