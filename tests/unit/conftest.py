"""Shared fixtures of the unit tests: a small throwaway project for the command line."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

from nogo.app.cli import main

ROOT = Path(__file__).resolve().parents[2]

DATASET = """
data:
  - name: decisions
    generator: nogo.models.synthetic:example_log
    description: the generic example log
    parameters: {n_decisions: "${n_decisions}", seed: "${seed}"}
"""


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A casebook with one case (`demo`, from the template) and its notebook, README and data."""
    (tmp_path / "casebook").mkdir()
    (tmp_path / "notebooks").mkdir()
    text = (ROOT / "casebook" / "_template.yaml").read_text(encoding="utf-8")
    text = text.replace("id: template", "id: demo").replace("{default: template,", "{default: demo,")
    (tmp_path / "casebook" / "demo.yaml").write_text(text + DATASET, encoding="utf-8")
    nb = nbformat.read(ROOT / "notebooks" / "_template.ipynb", as_version=4)
    params = nb.cells[1]
    params.source = params.source.replace('case_id = "template"', 'case_id = "demo"').replace(
        "n_decisions = 5000", "n_decisions = 2000"
    )
    for cell in nb.cells:
        cell.outputs = [] if cell.cell_type == "code" else None
        if cell.cell_type == "code":
            cell.execution_count = None
        else:
            del cell["outputs"]
    nbformat.write(nb, tmp_path / "notebooks" / "demo.ipynb")
    (tmp_path / "README.md").write_text("# t\n\n<!-- cases:start -->\n<!-- cases:end -->\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOGO_ROOT", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["index"]).exit_code == 0
    assert runner.invoke(main, ["data"]).exit_code == 0
    return tmp_path


