"""Running the casebook's notebooks: papermill with a timeout, parallel jobs, stable saved outputs.

Every run has an execution timeout, so a stalled cell fails loudly instead of hanging CI. A failure is
reported with the notebook, the cell and the error, and the other notebooks still run. Notebooks
re-executed in place (:func:`refresh`) have papermill's timings and other run-to-run noise removed, so
executing twice in a row gives byte-identical files.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from nogo.casebook.reader import set_reader_metadata
from nogo.errors import InputError

__all__ = [
    "EXTRA_NOTEBOOKS",
    "NotebookResult",
    "execute",
    "kernel_config",
    "normalise",
    "parameters_cell",
    "run_many",
]

EXTRA_NOTEBOOKS: tuple[str, ...] = ("start-here", "coaching")
"""Notebooks that are not cases (no case file), run and tested like the cases."""
CELL_TIMEOUT_SECONDS = 120


def kernel_config() -> Any:
    """Configuration for the kernels papermill starts: CurveZMQ transport encryption where supported.

    ipykernel warns on every start that a kernel "is running over TCP without encryption" unless its
    manager provisions CurveZMQ keys. jupyter_client's documented switch is
    ``KernelManager.transport_encryption``: ``"auto"`` encrypts when the kernelspec declares support
    (ipykernel's ``python3`` does) and changes nothing otherwise. Empty where pyzmq lacks CurveZMQ or
    jupyter_client predates the option (the kernel then warns as before).

    Examples
    --------
    >>> dict(kernel_config().KernelManager) in ({"transport_encryption": "auto"}, {})
    True
    """
    import zmq
    from jupyter_client.manager import KernelManager
    from traitlets.config import Config

    if zmq.has("curve") and KernelManager.class_traits().get("transport_encryption") is not None:
        return Config({"KernelManager": {"transport_encryption": "auto"}})
    return Config()


def inside(folder: Path, path: Path) -> Path:
    """``path`` resolved, refused unless it stays inside ``folder`` (resolved)."""
    resolved, root = Path(path).resolve(), Path(folder).resolve()
    if not resolved.is_relative_to(root):
        raise InputError(f"{path}: refused, it would be written outside {root}")
    return resolved


def writable_folder(folder: Path, option: str) -> Path:
    """Create ``folder`` if needed and prove it can be written, before any work starts."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".nogo-write-probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise InputError(f"{option} {folder}: cannot write there ({exc.strerror or exc})") from None
    return folder


def parameters_cell(path: str | Path) -> nbformat.NotebookNode | None:
    """The cell tagged ``parameters`` (papermill's convention), or None."""
    nb = nbformat.read(str(path), as_version=4)
    for cell in nb.cells:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return cell
    return None


@dataclass
class NotebookResult:
    """What happened to one notebook run."""

    name: str
    ok: bool
    seconds: float
    output: Path
    parameters: dict[str, Any] = field(default_factory=dict)
    cell: int | None = None
    error: str = ""

    def summary(self) -> str:
        if self.ok:
            return f"{self.name}: ok in {self.seconds:.1f} s"
        where = f" cell {self.cell}" if self.cell is not None else ""
        return f"{self.name}: FAILED at{where}: {self.error}"


def execute(
    notebook: str | Path,
    output: str | Path,
    parameters: dict[str, Any] | None = None,
    *,
    cwd: str | Path | None = None,
    cell_timeout_seconds: int = CELL_TIMEOUT_SECONDS,
) -> NotebookResult:
    """Execute one notebook with papermill; never raises for a failing cell (see the result)."""
    import papermill as pm

    notebook, output = Path(notebook), Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    try:
        pm.execute_notebook(
            str(notebook),
            str(output),
            parameters=parameters or {},
            kernel_name="python3",
            cwd=str(cwd or notebook.parent),
            execution_timeout=cell_timeout_seconds,
            progress_bar=False,
            log_output=False,
            config=kernel_config(),  # no "running over TCP without encryption" warning
        )
    except pm.PapermillExecutionError as exc:
        return NotebookResult(
            notebook.stem, False, time.perf_counter() - start, output, parameters or {},
            cell=exc.cell_index, error=f"{exc.ename}: {exc.evalue}".strip(),
        )  # fmt: skip
    except Exception as exc:  # a timeout, a dead kernel, a notebook papermill cannot read
        return NotebookResult(
            notebook.stem, False, time.perf_counter() - start, output, parameters or {},
            error=f"{type(exc).__name__}: {exc}".strip().splitlines()[0],
        )  # fmt: skip
    normalise(output)
    return NotebookResult(notebook.stem, True, time.perf_counter() - start, output, parameters or {})


def _run_one(args: tuple) -> NotebookResult:
    return execute(*args[:3], cwd=args[3], cell_timeout_seconds=args[4])


def run_many(
    jobs: Iterable[tuple[Path, Path, dict[str, Any]]],
    *,
    workers: int = 1,
    cwd: Path | None = None,
    cell_timeout_seconds: int = CELL_TIMEOUT_SECONDS,
    on_done=None,
) -> list[NotebookResult]:
    """Execute several notebooks, ``workers`` at a time; every one runs even when others fail."""
    jobs = [(nb, out, params, cwd, cell_timeout_seconds) for nb, out, params in jobs]
    results: list[NotebookResult] = []
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            results.append(_run_one(job))
            if on_done:
                on_done(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run_one, job) for job in jobs]
        for future in as_completed(futures):
            results.append(future.result())
            if on_done:
                on_done(results[-1])
    order = {job[0].stem: k for k, job in enumerate(jobs)}
    return sorted(results, key=lambda r: order.get(r.name, 0))


def normalise(path: str | Path) -> None:
    """Remove what changes from run to run without meaning anything: timings, widget model ids; and fold
    the code (reader mode, :func:`nogo.casebook.reader.set_reader_metadata`).

    Papermill's per-cell and per-notebook timestamps and durations go; widget views keep their text
    fallback and lose the model id, which a saved notebook cannot reconnect to anyway.
    """
    path = Path(path)
    nb = json.loads(path.read_text(encoding="utf-8"))
    meta = nb.get("metadata", {})
    meta.pop("widgets", None)  # saved widget state: random model ids, no use without a kernel
    pm_meta = meta.get("papermill")
    if isinstance(pm_meta, dict):
        for key in ("duration", "end_time", "start_time", "input_path", "output_path", "exception"):
            pm_meta.pop(key, None)
        pm_meta.pop("environment_variables", None)
    for cell in nb.get("cells", []):
        merged: list[dict] = []  # one print can arrive as several stream messages: join them
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and isinstance(out.get("text"), list):
                out["text"] = "".join(out["text"])  # one canonical form, however it was split
            prev = merged[-1] if merged else None
            if (
                prev is not None
                and out.get("output_type") == "stream"
                and prev.get("output_type") == "stream"
                and out.get("name") == prev.get("name")
            ):
                prev["text"] += out["text"]
            else:
                merged.append(out)
        if "outputs" in cell:
            cell["outputs"] = merged
        cell_meta = cell.get("metadata", {})
        cell_meta.pop("execution", None)
        papermill = cell_meta.get("papermill")
        if isinstance(papermill, dict):
            for key in ("duration", "end_time", "start_time"):
                papermill.pop(key, None)
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            view = data.get("application/vnd.jupyter.widget-view+json")
            if isinstance(view, dict):
                view["model_id"] = ""
    set_reader_metadata(nb)  # reader mode: code folded but the invited cells, however the source was saved
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
