"""Where the casebook lives, and how a case is found from its id.

:class:`Project` is one root holding ``casebook/`` (case files), ``notebooks/`` and ``data/``; a case is
looked up by its id (a kebab-case slug, never a path: :func:`check_name`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nogo.cases.casefile import CaseFile, load_case
from nogo.errors import InputError

__all__ = ["Project", "check_name"]


@dataclass(frozen=True)
class Project:
    """Where the casebook lives: ``casebook/``, ``notebooks/`` and ``data/`` under one root."""

    root: Path

    @classmethod
    def find(cls, start: str | Path | None = None) -> Project:
        """The nearest folder at or above ``start`` (default: the working directory) with a casebook."""
        here = Path(start or os.environ.get("NOGO_ROOT") or Path.cwd()).resolve()
        for folder in (here, *here.parents):
            if (folder / "casebook").is_dir() and (folder / "notebooks").is_dir():
                return cls(folder)
        raise InputError(
            f"{here}: no casebook here or above (expected folders casebook/ and notebooks/); "
            "run from the project folder or set NOGO_ROOT"
        )

    @property
    def casebook(self) -> Path:
        return self.root / "casebook"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def case_files(self) -> list[Path]:
        """Case files, skipping templates (names starting with ``_``).

        Every ``*.yml`` file is listed too (templates included), so loading it reports that case files
        end in ``.yaml`` instead of the file being silently ignored.
        """
        yaml_files = [p for p in self.casebook.glob("*.yaml") if not p.name.startswith("_")]
        return sorted([*yaml_files, *self.casebook.glob("*.yml")])

    def cases(self) -> list[CaseFile]:
        """Every case file, validated."""
        return [load_case(p) for p in self.case_files()]

    def case(self, case_id: str) -> CaseFile:
        """One case by id (a kebab-case slug, never a path)."""
        check_name(case_id, "case id", known=[p.stem for p in self.case_files()])
        path = self.casebook / f"{case_id}.yaml"
        if not path.exists() and (self.casebook / f"_{case_id}.yaml").exists():
            path = self.casebook / f"_{case_id}.yaml"  # a template, e.g. _template.yaml
        if not path.exists():
            known = ", ".join(p.stem for p in self.case_files()) or "none"
            raise InputError(f"{case_id}: no case file {path}; known cases: {known}")
        return load_case(path)

    def notebook(self, name: str) -> Path:
        """The notebook ``notebooks/<name>.ipynb``; ``name`` is a notebook name, never a path."""
        known = self.notebook_names()
        check_name(name, "notebook name", known=known)
        path = self.notebooks / f"{name}.ipynb"
        if not path.is_file():
            names = ", ".join(known) or "none"
            raise InputError(f"{name}: no notebook notebooks/{name}.ipynb; known: {names}")
        return path

    def notebook_names(self) -> list[str]:
        """Notebooks to run: every case's and the extra ones, skipping templates."""
        return sorted(p.stem for p in self.notebooks.glob("*.ipynb") if not p.name.startswith("_"))


_NAME = re.compile(r"_?[a-z0-9]+(?:-[a-z0-9]+)*")
_NAME_MAX = 80


def check_name(name: object, what: str, *, known: Iterable[str] = ()) -> str:
    """Refuse anything but a kebab-case slug (``loan-steering``, ``_template``): no path, no traversal.

    Examples
    --------
    >>> check_name("loan-steering", "case id")
    'loan-steering'
    >>> check_name("../casebook/loan-steering", "case id")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: '../casebook/loan-steering': not a case id: expected a kebab-case name ...
    """
    if not isinstance(name, str) or len(name) > _NAME_MAX or not _NAME.fullmatch(name):
        long = isinstance(name, str) and len(name) > _NAME_MAX
        shown = repr(name[:_NAME_MAX] + "...") if long else repr(name)
        names = ", ".join(sorted(known))
        raise InputError(
            f"{shown}: not a {what}: expected a kebab-case name such as loan-steering (lower-case letters, "
            "digits and hyphens), not a path" + (f"; known: {names}" if names else "")
        )
    return name
