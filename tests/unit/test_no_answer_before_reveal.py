"""No saved notebook shows an answer before the learner asks for it (issue 14, item 1).

For every notebook in ``notebooks/`` (enumerated, no list of names) and the case it runs, the answer is:
the case's debrief and each reachable call's debrief (any sentence of them), the call presented as the
answer ("the call the debrief defends: ship"), and the key guardrails presented as the answer ("Key
guardrails: ..."). None may appear in a saved output of a cell that is not a reveal (a reveal is a cell
whose outputs are collapsed until the learner opens them: ``nogo.casebook.site.is_reveal``), nor in the
saved widget state (JupyterLab redraws a widget from it), nor in the notebook's prose.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nogo.casebook.site import is_reveal
from nogo.cases.project import Project

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Project(ROOT)
NOTEBOOKS = sorted(PROJECT.notebooks.glob("*.ipynb"))

CALL = r"(ship with guardrails|ship|no-go)"
CALL_AS_ANSWER = re.compile(
    rf"(debrief defends|the (right|correct|best) call( is| was| here| for this \w+)?|the call (is|was)|"
    rf"launch call for this variant|verdict)\W{{0,6}}{CALL}\b",
    re.I,
)
GUARDRAILS_AS_ANSWER = re.compile(r"\bkey guardrails?\s*(are|to name)?\s*:", re.I)


def _case_id(nb: dict, path: Path) -> str | None:
    """The case a notebook runs: its parameters cell's ``case_id``, else the case named like the notebook."""
    for cell in nb["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            found = re.search(r"""^case_id\s*=\s*["']([^"']+)["']""", "".join(cell["source"]), re.M)
            if found:
                return found.group(1)
    stem = path.stem.lstrip("_")
    return stem if (PROJECT.casebook / f"{path.stem}.yaml").exists() else None


def _sentences(text: str) -> list[str]:
    """The debrief's sentences long enough to be its own words (30 characters or more), spaces normalised."""
    flat = " ".join(str(text).split())
    return [s.strip() for s in re.split(r"(?<=[.!?;:])\s+", flat) if len(s.strip()) >= 30]


def _texts(output: dict) -> list[str]:
    out = []
    if "text" in output:
        out.append(output["text"])
    for mime, value in (output.get("data") or {}).items():
        if mime.startswith("text/") or mime in ("application/json",):
            out.append(value if isinstance(value, str) else json.dumps(value))
    return ["".join(t) if isinstance(t, list) else str(t) for t in out]


def _visible(nb: dict) -> list[tuple[str, str]]:
    """(where, text) of everything a reader sees before opening a reveal."""
    seen = []
    for k, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "markdown":
            seen.append((f"cell {k} (prose)", "".join(cell["source"])))
        elif cell["cell_type"] == "code" and not is_reveal(cell):
            seen += [(f"cell {k} (output)", t) for o in cell.get("outputs", []) for t in _texts(o)]
    state = nb.get("metadata", {}).get("widgets")
    if state:
        seen.append(("saved widget state", json.dumps(state)))
    return seen


def _answer_sentences(case) -> list[str]:
    texts = [case.debrief, *(c.debrief for c in case.calls)]
    return sorted({s for t in texts for s in _sentences(t)})


PENDING: dict[str, str] = {}
"""Notebooks known to show an answer, each with why; expected to fail until reworked (never a new one)."""


def _marked(path: Path):
    reason = PENDING.get(path.stem)
    return pytest.param(path, marks=pytest.mark.xfail(reason=reason, strict=False)) if reason else path


@pytest.mark.parametrize("path", [_marked(p) for p in NOTEBOOKS], ids=lambda p: p.stem)
def test_no_answer_is_visible_before_a_reveal(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    case_id = _case_id(nb, path)
    sentences = _answer_sentences(PROJECT.case(case_id)) if case_id else []
    problems = []
    for where, text in _visible(nb):
        flat = " ".join(text.split())
        problems += [f"{where}: the debrief's words {s[:70]!r}" for s in sentences if s in flat]
        problems += [f"{where}: the call as the answer {m.group(0)!r}" for m in CALL_AS_ANSWER.finditer(flat)]
        problems += [
            f"{where}: key guardrails as the answer {m.group(0)!r}"
            for m in GUARDRAILS_AS_ANSWER.finditer(flat)
        ]
    assert not problems, f"{path.name} shows an answer before a reveal:\n" + "\n".join(problems[:12])


def test_the_patterns_catch_what_issue_14_found_and_pass_what_a_drill_asks():
    assert CALL_AS_ANSWER.search("The call the debrief defends: ship with guardrails")
    assert CALL_AS_ANSWER.search("The launch call for this variant: no-go")
    assert GUARDRAILS_AS_ANSWER.search("Key guardrails: a person confirms every account closure")
    assert GUARDRAILS_AS_ANSWER.search("Its key guardrails:\n- a cap")
    assert not GUARDRAILS_AS_ANSWER.search("its debrief and its key guardrails are inside the launch call")
    asked = "Launch call on x (me): not submitted yet. Calls: ship / ship with guardrails / no-go. Guardrails: a; b."
    assert not CALL_AS_ANSWER.search(asked) and not GUARDRAILS_AS_ANSWER.search(asked)
    commit = "Before any analysis: your call (ship / ship with guardrails / no-go) and how sure you are."
    assert not CALL_AS_ANSWER.search(commit)
    assert _sentences("Short. This sentence is long enough to be the debrief's own words.") == [
        "This sentence is long enough to be the debrief's own words."
    ]


def test_a_notebook_that_prints_the_debrief_is_caught(tmp_path):
    case = PROJECT.case("template")
    leaked = {
        "cells": [
            {"cell_type": "code", "metadata": {"tags": ["parameters"]}, "source": 'case_id = "template"', "outputs": []},
            {"cell_type": "code", "metadata": {}, "source": "print(case.debrief)",
             "outputs": [{"output_type": "stream", "name": "stdout", "text": case.debrief}]},
        ],
        "metadata": {},
    }  # fmt: skip
    path = tmp_path / "leak.ipynb"
    path.write_text(json.dumps(leaked), encoding="utf-8")
    with pytest.raises(AssertionError, match="the debrief's words"):
        test_no_answer_is_visible_before_a_reveal(path)
    leaked["cells"][1]["metadata"] = {"jupyter": {"outputs_hidden": True}, "tags": ["hide-input"]}
    path.write_text(json.dumps(leaked), encoding="utf-8")
    test_no_answer_is_visible_before_a_reveal(path)  # collapsed: the learner opens it
