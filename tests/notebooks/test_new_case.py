"""A new case made from the template by editing YAML only passes every suite and works in `nogo coach`.

This is the README's "Add a case", done the way a coach would do it, in a temporary copy of the project:
copy ``casebook/_template.yaml`` and ``notebooks/_template.ipynb`` under a new id, change the id, title,
domain, story and one segment's accuracy in the YAML (and the published figure planted from it, as the case
file's comment says), set ``case_id`` in the notebook's parameters cell, and run the commands the README
lists. No Python is written. Then the suites that enumerate the casebook run on the copy
(``NOGO_TEST_PROJECT``: see ``tests/conftest.py``) and must find and pass the new case, nbval passes on its
notebook, and ``nogo coach`` executes a variant of it (serving is faked: the Voila command is recorded).

One test, the whole flow once: it executes the new notebook four times and the coaching notebook twice (about
40 s), so it lives with the notebook suite.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
from click.testing import CliRunner

import nogo
from nogo.app.cli import main
from tests.conftest import ROOT, copy_project

NEW = "kit-case"
TITLE = "How a kit-built agent refunded orders it should have sent to a person"
DOMAIN = "retail refunds"
SUMMARY = "A case made from the template by a test, editing YAML only: no Python was written for it."

# The edits a coach makes to the copied case file: (pattern, replacement), each expected exactly once.
YAML_EDITS = [
    (r"^id: template[ \t]*$", f"id: {NEW}"),
    (r"^(\s*case_id: \{default: )template,", rf"\g<1>{NEW},"),
    (r"^title: .*$", f"title: {TITLE}"),
    (r"^domain: .*$", f"domain: {DOMAIN}"),
    (r"^(\s*accuracy: )0\.45\b", r"\g<1>0.62"),  # the agent is right on more goodwill requests
]
# The published figure planted from the segments ("the shares times the accuracies, summed").
PLANTED_FIGURE = r"^(\s*value: )0\.886\b"

# The suites that enumerate the casebook, narrowed to the new case's items (an id the enumeration did not
# produce is "not found": pytest exits non-zero).
SUITE_ITEMS = [
    "tests/notebooks/test_notebooks.py::test_there_are_notebooks_and_each_case_has_one",
    f"tests/notebooks/test_notebooks.py::test_executes_at_defaults_to_the_committed_file[{NEW}]",
    f"tests/notebooks/test_notebooks.py::test_committed_notebook_has_outputs[{NEW}]",
    f"tests/notebooks/test_notebooks.py::test_executes_at_a_second_parameter_set[{NEW}]",
    f"tests/notebooks/test_notebooks.py::test_executes_at_a_second_parameter_set[coaching-for-{NEW}]",
    f"tests/unit/test_catalogue.py::test_each_case_notebook_runs_its_own_case[{NEW}]",
]


def _edit_case_file(text: str) -> str:
    for pattern, replacement in YAML_EDITS:
        text, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
        assert n == 1, f"casebook/_template.yaml: no line matching {pattern!r} to edit"
    # The story: the incident summary is a folded block; replace its text, keep its indentation.
    match = re.search(r"^(  summary: >-\n)((?:    .*\n)+)", text, flags=re.M)
    assert match, "casebook/_template.yaml: no folded incident summary to edit"
    return text[: match.start(2)] + f"    {SUMMARY}\n" + text[match.end(2) :]


def _copy_notebook(root: Path) -> None:
    nb = nbformat.read(root / "notebooks" / "_template.ipynb", as_version=4)
    [params] = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    source, n = re.subn(r'^case_id = "template"', f'case_id = "{NEW}"', params.source, flags=re.M)
    assert n == 1, 'notebooks/_template.ipynb: its parameters cell does not set case_id = "template"'
    params.source = source
    nbformat.write(nb, root / "notebooks" / f"{NEW}.ipynb")


def _nogo(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, f"nogo {' '.join(args)} failed:\n{result.output}\n{result.exception!r}"
    return result


def _pytest(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)


def test_a_case_made_from_the_template_by_yaml_only_passes_every_suite(tmp_path, monkeypatch):
    root = copy_project(tmp_path / "project")
    for var, value in [("NOGO_ROOT", root), ("NOGO_DATA_DIR", tmp_path / "nogo-data")]:
        monkeypatch.setenv(var, str(value))  # the commands and their kernels see only the copy
    monkeypatch.delenv("NOGO_TEST_PROJECT", raising=False)
    monkeypatch.chdir(root)

    # Add a case: copy both templates, edit the YAML, set case_id (README, "Add a case", steps 1-3).
    template = (root / "casebook" / "_template.yaml").read_text(encoding="utf-8")
    case_file = root / "casebook" / f"{NEW}.yaml"
    case_file.write_text(_edit_case_file(template), encoding="utf-8")
    draft = nogo.Project(root).case(NEW)
    segments = draft.segments.resolve(draft.defaults()).segments
    # The new planted figure, worked out the way the case file's comment says.
    right_rate = round(sum(s.share * s.accuracy for s in segments), 4)
    text, n = re.subn(
        PLANTED_FIGURE, rf"\g<1>{right_rate:.4f}", case_file.read_text(encoding="utf-8"), flags=re.M
    )
    assert n == 1, f"casebook/_template.yaml: no line matching {PLANTED_FIGURE!r} to edit"
    case_file.write_text(text, encoding="utf-8")
    _copy_notebook(root)
    case = nogo.Project(root).case(NEW)
    assert (case.id, case.title, case.domain) == (NEW, TITLE, DOMAIN)
    assert " ".join(case.incident.summary.split()) == SUMMARY
    assert 0.62 in [s.accuracy for s in case.segments.resolve(case.defaults()).segments]
    assert [f.value for f in case.published_figures] == [right_rate] != [0.886]

    # Steps 4 and 6: its data (if it declares any), the README's case table, nogo check, nogo refresh.
    _nogo("data", NEW)
    _nogo("index")
    assert f"[`{NEW}`](notebooks/{NEW}.ipynb) | {TITLE} | {DOMAIN} |" in (root / "README.md").read_text()
    assert "casebook ok" in _nogo("check").output
    _nogo("refresh", NEW)
    refreshed = nbformat.read(root / "notebooks" / f"{NEW}.ipynb", as_version=4)
    code = [c for c in refreshed.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "nogo refresh left cells unexecuted"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == [], errors
    assert "casebook ok" in _nogo("check").output  # the refreshed outputs too (money safe from maths)

    # The suites that enumerate the casebook find the new case and pass on it; nbval on its notebook.
    env = {**os.environ, "NOGO_TEST_PROJECT": str(root)}
    suites = _pytest(SUITE_ITEMS, env)
    assert suites.returncode == 0, suites.stdout[-6000:] + suites.stderr[-3000:]
    assert f"{len(SUITE_ITEMS)} passed" in suites.stdout, suites.stdout[-2000:]
    nbval = _pytest(
        ["-o", "addopts=", f"--rootdir={root}", "--nbval", str(root / "notebooks" / f"{NEW}.ipynb"),
         "--nbval-current-env", f"--nbval-sanitize-with={ROOT / 'tests' / 'nbval_sanitize.cfg'}",
         "--nbval-cell-timeout=120"],
        env,
    )  # fmt: skip
    assert nbval.returncode == 0, nbval.stdout[-6000:] + nbval.stderr[-3000:]
    assert re.search(r"\d+ passed", nbval.stdout) and "failed" not in nbval.stdout, nbval.stdout[-2000:]

    # nogo coach: a variant of the new case is executed into build/coaching/, then served (faked here).
    served: list[list[str]] = []
    monkeypatch.setattr("nogo.app.cli.subprocess.call", lambda cmd, **kw: served.append(cmd) or 0)
    coached = _nogo("coach", NEW, "--learner", "Kit", "--seed", "3", "--no-browser")
    assert f"{NEW} variant --seed 3" in coached.output
    [session] = (root / "build" / "coaching").glob(f"*-{NEW}-3.ipynb")
    executed = json.loads(session.read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"]["case_id"] == NEW
    failed = [o for c in executed["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert failed == [], failed
    assert TITLE in json.dumps([o for c in executed["cells"] for o in c.get("outputs", [])])  # its brief
    # served by Voila (run as `-m voila`, or through nogo/app/voila_app.py since the app has its own template)
    assert len(served) == 1 and str(session) in served[0] and any("voila" in Path(a).name for a in served[0])
