"""Every notebook executes (papermill) at its defaults and at a second parameter set.

At the defaults the executed, normalised notebook must equal the committed file byte for byte: the
committed outputs are current, and execution is deterministic. (nbval then re-checks the committed
outputs cell by cell in its own run: see the Makefile's `test` target.)
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import nogo
from nogo.casebook.notebooks import execute

ROOT = Path(__file__).resolve().parents[2]
PROJECT = nogo.Project(ROOT)
NAMES = [*PROJECT.notebook_names(), "_template"]
SECOND = {"start-here": {"seed": 7, "n_decisions": 6000}, "coaching": {"seed": 7}}


def _second_parameters(name: str) -> dict:
    if name in SECOND:
        return SECOND[name]
    return PROJECT.case(name.lstrip("_")).variant(1)


def test_there_are_notebooks_and_each_case_has_one():
    assert "start-here" in NAMES
    for case in PROJECT.cases():
        assert case.id in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_outputs(name):
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "no code cells"
    unexecuted = [k for k, c in enumerate(code) if c.get("execution_count") is None]
    assert not unexecuted, f"code cells never executed: {unexecuted} (run `nogo refresh {name}`)"
    assert sum(len(c["outputs"]) for c in code) >= len(code) // 2, "most cells have no output"


@pytest.mark.parametrize("name", NAMES)
def test_executes_at_defaults_to_the_committed_file(name, tmp_path):
    result = execute(ROOT / "notebooks" / f"{name}.ipynb", tmp_path / f"{name}.ipynb", cwd=ROOT / "notebooks")
    assert result.ok, result.summary()
    committed = (ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8")
    assert result.output.read_text(encoding="utf-8") == committed, (
        f"notebooks/{name}.ipynb is not what executing it gives: run `nogo refresh {name}` and commit"
    )


@pytest.mark.parametrize("name", NAMES)
def test_executes_at_a_second_parameter_set(name, tmp_path):
    params = _second_parameters(name)
    result = execute(
        ROOT / "notebooks" / f"{name}.ipynb", tmp_path / f"{name}.ipynb", params, cwd=ROOT / "notebooks"
    )
    assert result.ok, result.summary()
    nb = json.loads(result.output.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == json.loads(json.dumps(params))
