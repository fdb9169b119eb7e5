"""Generated datasets: seeded snapshots in ``data/<case-id>/`` with a manifest, and checks against it.

A case file's ``data`` entries name a generator in ``nogo`` and its parameters. :func:`write_snapshots`
calls each generator at the case's default parameters and writes ``data/<case-id>/<name>.csv`` plus
``manifest.json`` (generator, parameters, seed, rows, sha256 per file). :func:`check_snapshots`
regenerates every file in memory and compares hashes, naming any file that differs; it lists every
problem (a generator that fails, an unreadable manifest or file) and never raises for one. A notebook calls
:func:`nogo.cases.data.load_dataset`: the snapshot at the defaults, or a fresh generation for a variant.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from nogo.cases.casefile import CaseFile, Dataset
from nogo.cases.data import MANIFEST, generate, resolve_parameters
from nogo.errors import NogoError

__all__ = ["check_snapshots", "write_snapshots"]


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue().encode("utf-8")


def _entry(case: CaseFile, dataset: Dataset) -> tuple[dict[str, Any], bytes]:
    frame = generate(case, dataset.name)
    data = _csv_bytes(frame)
    params = resolve_parameters(dataset, case.defaults())
    return {
        "name": dataset.name,
        "file": f"{dataset.name}.csv",
        "generator": dataset.generator,
        "parameters": params,
        "seed": params.get("seed"),
        "rows": len(frame),
        "sha256": hashlib.sha256(data).hexdigest(),
    }, data


def write_snapshots(case: CaseFile, root: str | Path = "data") -> Path:
    """Write every dataset of ``case`` at its defaults, and the manifest; return the folder."""
    folder = Path(root) / case.id
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for dataset in case.data:
        entry, data = _entry(case, dataset)
        (folder / entry["file"]).write_bytes(data)
        entries.append(entry)
    manifest = {"case_id": case.id, "files": entries}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return folder


def check_snapshots(case: CaseFile, root: str | Path = "data") -> list[str]:
    """Regenerate each dataset and compare with the manifest and the file on disk; list the problems."""
    folder = Path(root) / case.id
    if not case.data:
        return []
    path = folder / MANIFEST
    if not path.exists():
        return [f"{path}: missing (run `nogo data {case.id}` to write the snapshots)"]
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        recorded = {e["name"]: e for e in manifest["files"]}
        if not all(isinstance(e, dict) for e in recorded.values()):
            raise TypeError("every entry must be a mapping")
    except OSError as exc:
        return [f"{path}: cannot be read ({exc.strerror or exc})"]
    except (ValueError, KeyError, TypeError) as exc:
        return [f"{path}: not a valid manifest ({exc})"]
    problems = []
    for dataset in case.data:
        file = folder / f"{dataset.name}.csv"
        if dataset.name not in recorded:
            problems.append(f"{path}: no entry for dataset {dataset.name!r}")
            continue
        try:
            entry, _ = _entry(case, dataset)
        except Exception as exc:  # list it with the rest; one bad generator must not stop the check
            detail = str(exc) if isinstance(exc, NogoError) else f"{type(exc).__name__}: {exc}"
            problems.append(f"{file}: cannot be regenerated at the case file's defaults ({detail})")
            continue
        if entry["sha256"] != recorded[dataset.name].get("sha256"):
            problems.append(f"{file}: the generator no longer reproduces the manifest's sha256")
        try:
            on_disk = file.read_bytes() if file.exists() else None
        except OSError as exc:
            problems.append(f"{file}: cannot be read ({exc.strerror or exc})")
            continue
        if on_disk is None:
            problems.append(f"{file}: missing")
        elif hashlib.sha256(on_disk).hexdigest() != recorded[dataset.name].get("sha256"):
            problems.append(f"{file}: contents differ from the manifest's sha256")
    for extra in sorted(set(recorded) - {d.name for d in case.data}):
        problems.append(f"{path}: entry {extra!r} is not a dataset of the case file")
    return problems
