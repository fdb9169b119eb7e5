"""nogo lab trusts the casebook's own notebooks (and the variants nogo variant writes), for this user only."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import nbformat
from nbformat.sign import NotebookNotary

from nogo.app.lab import VARIANTS, trust_notebooks
from tests.conftest import project


def _trusted(path) -> bool:
    return NotebookNotary().check_signature(nbformat.read(path, nbformat.NO_CONVERT))


def test_the_casebook_and_its_variants_are_signed_in_the_users_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    folder = tmp_path / "notebooks"
    (folder / VARIANTS).mkdir(parents=True)
    source = project().notebooks / "start-here.ipynb"
    shutil.copy(source, folder / "start-here.ipynb")
    shutil.copy(source, folder / VARIANTS / "start-here-seed1.ipynb")
    assert not _trusted(folder / "start-here.ipynb")
    signed = trust_notebooks(folder)
    assert [p.name for p in signed] == ["start-here.ipynb", "start-here-seed1.ipynb"]
    assert _trusted(folder / "start-here.ipynb") and _trusted(folder / VARIANTS / "start-here-seed1.ipynb")
    assert nbformat.read(folder / "start-here.ipynb", 4) == nbformat.read(source, 4)  # the file is unchanged
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "someone-else"))
    assert not _trusted(folder / "start-here.ipynb")  # trust is this user's, not written into the file


def test_an_edited_notebook_is_no_longer_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    path = tmp_path / "start-here.ipynb"
    shutil.copy(project().notebooks / "start-here.ipynb", path)
    trust_notebooks(path)
    nb = nbformat.read(path, 4)
    nb.cells[0].source += "\n<script>alert(1)</script>"
    assert not NotebookNotary().check_signature(nb)


def test_the_suite_signs_nothing_in_the_users_own_data_folder(tmp_path):
    """The suite's Jupyter data folder is a temporary one (tests/conftest.py), so trusting a notebook
    here, as nogo variant and the browser suite do, writes nothing under the user's home."""
    from jupyter_core.paths import jupyter_data_dir

    from tests.conftest import JUPYTER_DATA

    assert Path(jupyter_data_dir()) == JUPYTER_DATA
    assert not JUPYTER_DATA.is_relative_to(Path.home()) or Path(tempfile.gettempdir()).is_relative_to(Path.home())
    path = tmp_path / "start-here.ipynb"
    shutil.copy(project().notebooks / "start-here.ipynb", path)
    trust_notebooks(path)
    assert (JUPYTER_DATA / "nbsignatures.db").is_file() and _trusted(path)
