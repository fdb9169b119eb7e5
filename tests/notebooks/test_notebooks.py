"""Every notebook executes (papermill) at its defaults and at a second parameter set.

At the defaults the executed, normalised notebook must equal the committed file byte for byte: the
committed outputs are current, and execution is deterministic. (nbval then re-checks the committed
outputs cell by cell in its own run: see the Makefile's `test` target.) The notebooks and cases are
enumerated from the casebook (``tests/conftest.py``); the coaching notebook runs once for every case.
"""

from __future__ import annotations

import json

import pytest

from nogo.casebook.notebooks import execute
from tests.conftest import case_ids, notebook_names, project

PROJECT = project()
NAMES = [*notebook_names(PROJECT), "_template"]
CASES = case_ids(PROJECT)
EXTRA_SECOND = {"start-here": {"seed": 7, "n_decisions": 6000}}
SECOND = [
    *((name, None) for name in NAMES if name != "coaching"),
    *(("coaching", case_id) for case_id in (CASES if "coaching" in NAMES else [])),
]


def _second_parameters(name: str, case_id: str | None) -> dict:
    if name == "coaching":
        return {"case_id": case_id, "seed": 7}
    if name in EXTRA_SECOND:
        return EXTRA_SECOND[name]
    return PROJECT.case(name.lstrip("_")).variant(1)


def _path(name: str):
    return PROJECT.notebooks / f"{name}.ipynb"


def test_there_are_notebooks_and_each_case_has_one():
    assert "start-here" in NAMES and CASES
    for case in PROJECT.cases():
        assert case.id in NAMES


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_has_outputs(name):
    nb = json.loads(_path(name).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert code, "no code cells"
    unexecuted = [k for k, c in enumerate(code) if c.get("execution_count") is None]
    assert not unexecuted, f"code cells never executed: {unexecuted} (run `nogo refresh {name}`)"
    assert sum(len(c["outputs"]) for c in code) >= len(code) // 2, "most cells have no output"


@pytest.mark.parametrize("name", NAMES)
def test_executes_at_defaults_to_the_committed_file(name, tmp_path):
    result = execute(_path(name), tmp_path / f"{name}.ipynb", cwd=PROJECT.notebooks)
    assert result.ok, result.summary()
    committed = _path(name).read_text(encoding="utf-8")
    assert result.output.read_text(encoding="utf-8") == committed, (
        f"notebooks/{name}.ipynb is not what executing it gives: run `nogo refresh {name}` and commit"
    )


@pytest.mark.parametrize(("name", "case_id"), SECOND, ids=[f"{n}-for-{c}" if c else n for n, c in SECOND])
def test_executes_at_a_second_parameter_set(name, case_id, tmp_path):
    params = _second_parameters(name, case_id)
    result = execute(_path(name), tmp_path / f"{name}.ipynb", params, cwd=PROJECT.notebooks)
    assert result.ok, result.summary()
    nb = json.loads(result.output.read_text(encoding="utf-8"))
    assert nb["metadata"]["papermill"]["parameters"] == json.loads(json.dumps(params))
