"""The casebook in JupyterLab: the command line ``nogo lab`` runs, and how a variant opens from it.

``nogo lab`` serves ``notebooks/`` with start-here first and the templates (:data:`TEMPLATE_GLOB`)
hidden from the file browser; ``nogo variant`` writes into ``notebooks/variants/`` (:data:`VARIANTS`),
which the file browser shows and git and the test suites ignore.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["TEMPLATE_GLOB", "VARIANTS", "lab_command", "open_in_lab", "trust_notebooks"]

VARIANTS = "variants"
"""The folder of ``notebooks/`` that ``nogo variant`` writes to: JupyterLab shows it; git (.gitignore)
and the test suites ignore it (the Makefile's nbval line passes ``--ignore=notebooks/variants``;
``Project.notebook_names``, the catalogue and the static casebook read only the notebooks directly in
``notebooks/``)."""

TEMPLATE_GLOB = "_*.ipynb"
"""Notebooks JupyterLab's file browser hides under ``nogo lab``: the templates (``_template.ipynb``),
which authors copy (README: Add a case) and learners never open. A hidden file still opens by its URL
(``/lab/tree/_template.ipynb``)."""


def lab_command(project: Any, lab_args: tuple[str, ...] | list[str] = ()) -> list[str]:
    """The JupyterLab command line of ``nogo lab``, ``lab_args`` last (so they win).

    ``notebooks/`` is the root and start-here opens first; the file browser hides JupyterLab's default
    ``ContentsManager.hide_globs`` and :data:`TEMPLATE_GLOB`; kernels start without the "running over
    TCP without encryption" warning (:func:`nogo.app.serve.kernel_encryption_args`).

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> cmd = lab_command(Project.find(), ["--no-browser"])
    >>> cmd[1:4], cmd[-1], any("_*.ipynb" in a for a in cmd if a.startswith("--ContentsManager.hide_globs="))
    (['-m', 'jupyter', 'lab'], '--no-browser', True)
    """
    from jupyter_server.services.contents.manager import ContentsManager

    from nogo.app.serve import kernel_encryption_args

    hidden = [*ContentsManager.class_traits()["hide_globs"].default(), TEMPLATE_GLOB]
    cmd = [
        sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={project.notebooks}",
        f"--ContentsManager.hide_globs={hidden!r}", *kernel_encryption_args(),
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    if (project.notebooks / "start-here.ipynb").exists():
        cmd.append("--LabApp.default_url=/lab/tree/start-here.ipynb")
    return [*cmd, *lab_args]


def trust_notebooks(folder: Path) -> list[Path]:
    """Mark the casebook's own notebooks in ``folder`` (and its ``variants/``; or the one notebook
    ``folder`` names) as trusted for this user.

    JupyterLab shows a saved notebook's SVG charts (and styled HTML) only when the notebook is trusted:
    otherwise a reader who opens a case sees ``alt.LayerChart(...)`` where each chart should be until
    they run it. The notebooks here are the project's own, executed by ``nogo refresh``; ``nogo lab``
    signs them (nbformat's notary, the signature database in the user's Jupyter data folder, the same
    as ``jupyter trust``) before JupyterLab starts. Returns the notebooks signed.
    """
    from nbformat import NO_CONVERT, read
    from nbformat.sign import NotebookNotary

    notary = NotebookNotary()
    signed = []
    paths = [Path(folder)] if Path(folder).is_file() else [*Path(folder).glob("*.ipynb"),
                                                          *(Path(folder) / VARIANTS).glob("*.ipynb")]
    for path in sorted(paths):
        with open(path, encoding="utf-8") as f:
            nb = read(f, NO_CONVERT)
        notary.sign(nb)
        signed.append(path)
    return signed


def open_in_lab(project: Any, target: Path) -> str:
    """How to open the notebook ``target`` from JupyterLab, which ``nogo lab`` starts on ``notebooks/``:
    its path as the file browser shows it, on a line of its own.

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> p = Project.find()
    >>> print(open_in_lab(p, p.notebooks / "variants" / "loan-steering-seed7.ipynb"))
    In JupyterLab (nogo lab, or make lab), open it from the file browser:
      variants/loan-steering-seed7.ipynb
    """
    try:
        in_lab = Path(target).resolve().relative_to(project.notebooks.resolve()).as_posix()
    except ValueError:
        return (
            "JupyterLab (nogo lab) shows notebooks/ only; to open this notebook, run\n"
            f"  jupyter lab --ServerApp.root_dir={Path(target).parent}"
        )
    return f"In JupyterLab (nogo lab, or make lab), open it from the file browser:\n  {in_lab}"
