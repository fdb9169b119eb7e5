"""Shared by every suite: the casebook under test, enumerated, never listed by hand.

A test that covers "the cases" parametrises over :func:`case_ids` (or "the notebooks" over
:func:`notebook_names`), so adding a case file and its notebook adds its tests; templates (``_*``) are
skipped, as ``nogo`` skips them. A test about one case's own facts (``test_loans.py``, ...) names its case.

The casebook under test is this repository's, or the copy ``NOGO_TEST_PROJECT`` names: the new-case test
(``tests/notebooks/test_new_case.py``) runs the notebook suite on a temporary copy holding a case built
from the template.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import settings

import nogo

# Property tests draw their examples from a seed fixed by each test's name (derandomize), so the suite
# runs the same examples on every machine and every run, and writes no example database.
settings.register_profile("nogo", derandomize=True, database=None)
settings.load_profile("nogo")

ROOT = Path(__file__).resolve().parents[1]

# Tests never write outside the project and the temporary folder: notebook signatures (nogo variant and
# nogo lab trust what they open, the browser suite trusts its copies) go to a Jupyter data folder of this
# run, which the JupyterLab and Voila servers the suites start inherit; never the user's own.
JUPYTER_DATA = Path(tempfile.mkdtemp(prefix="nogo-test-jupyter-data-"))
os.environ["JUPYTER_DATA_DIR"] = str(JUPYTER_DATA)
atexit.register(shutil.rmtree, JUPYTER_DATA, ignore_errors=True)
PROJECT_FOLDERS = ("casebook", "notebooks", "data")


def project() -> nogo.Project:
    """The casebook the enumerating suites cover: ``NOGO_TEST_PROJECT`` if set, else this repository."""
    chosen = os.environ.get("NOGO_TEST_PROJECT")
    return nogo.Project(Path(chosen).resolve() if chosen else ROOT)


def case_ids(casebook: nogo.Project | None = None) -> list[str]:
    """Every case id (the stem of each ``casebook/*.yaml`` file), sorted, templates skipped.

    Read from the file names, not by loading the files: a broken case file still gets its tests (which
    then fail, naming it) instead of breaking collection for every case.
    """
    casebook = casebook or project()
    return [p.stem for p in casebook.case_files() if p.suffix == ".yaml"]


def notebook_names(casebook: nogo.Project | None = None) -> list[str]:
    """Every notebook to run: each case's and the extra ones (``start-here``, ``coaching``), sorted."""
    return (casebook or project()).notebook_names()


def copy_project(dest: Path, source: Path = ROOT) -> Path:
    """Copy what a casebook needs (``casebook/``, ``notebooks/``, ``data/`` and the README) into ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FOLDERS:
        if (source / name).exists():
            shutil.copytree(source / name, dest / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(source / "README.md", dest / "README.md")
    return dest
