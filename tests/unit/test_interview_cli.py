"""`nogo interview`: the mock interview served as an app, or printed as the interviewer's sheet (issue 15,
item 6)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner

import nogo
from nogo.app.cli import main
from nogo.app.coach import session_filename
from nogo.app.interview import draw_interview, interview_notebook, interview_sheet
from nogo.cases.casefile import RUBRIC_DIMENSIONS
from tests.conftest import case_ids

ROOT = Path(__file__).resolve().parents[2]
PROJECT = nogo.Project(ROOT)


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def served(monkeypatch, tmp_path):
    """Voila replaced by a recorder; the real project; progress kept in a temporary folder."""
    calls: list[list[str]] = []
    monkeypatch.setattr("nogo.app.cli.subprocess.call", lambda cmd, **kw: calls.append(cmd) or 0)
    monkeypatch.setenv("NOGO_ROOT", str(ROOT))
    monkeypatch.setenv("NOGO_DATA_DIR", str(tmp_path / "data"))
    return calls


BAD = [
    (["--seed", "-1"], "--seed"),
    (["--seed", str(2**32)], "--seed"),
    (["--seed", "one"], "--seed"),
    (["--case", "../casebook/loan-steering"], "not a case id"),
    (["--case", "/etc/passwd"], "not a case id"),
    (["--case", "nope"], "nope: no case file"),
    (["--learner", "ana\x1b[2J"], "--learner"),
    (["--learner", "a" * 101], "--learner"),
    (["--marked-by", "  "], "--marked-by"),
    (["--port", "0"], "--port"),
    (["--ip", "192.168.1.5"], "needs a token"),
    (["--ip", "0.0.0.0", "--token", "a-token-of-16-chars-or-more"], "listens on every interface"),
    (["--token", "short"], "token: expected"),
]


@pytest.mark.parametrize(("args", "fragment"), BAD, ids=[" ".join(a)[:40] for a, _ in BAD])
def test_bad_arguments_fail_first_with_one_clear_line(served, args, fragment):
    before = set((ROOT / "build").rglob("*.ipynb")) if (ROOT / "build").exists() else set()
    result = _run("interview", "--seed", "5", *args) if "--seed" not in args else _run("interview", *args)
    assert result.exit_code != 0, result.output
    assert isinstance(result.exception, SystemExit) and "Traceback" not in result.output
    assert fragment in result.output, result.output
    assert served == []  # nothing served
    after = set((ROOT / "build").rglob("*.ipynb")) if (ROOT / "build").exists() else set()
    assert after == before  # nothing executed


def test_the_sheet_has_the_brief_every_question_and_what_to_listen_for(served):
    result = _run("interview", "--case", "loan-steering", "--seed", "4", "--print")
    assert result.exit_code == 0, result.output
    out = result.output
    case = PROJECT.case("loan-steering")
    flat = " ".join(out.split())
    assert out.startswith("Mock interview on loan-steering, variant 4 (seed 4)")
    assert case.title in flat and " ".join(case.incident.decision.split()) in flat
    for question in [*case.questions, *(getattr(case.rubric, d).question for d in RUBRIC_DIMENSIONS)]:
        assert " ".join(question.split()) in flat, question
    for d in RUBRIC_DIMENSIONS:
        spec = getattr(case.rubric, d)
        assert (
            f"weak: {' '.join(spec.weak.split())}" in flat
            and f"strong: {' '.join(spec.strong.split())}" in flat
        )
    assert " ".join(case.debrief.split()) not in flat  # the debrief is the answer to the launch call
    assert max(len(line) for line in out.splitlines()) <= 100
    assert not re.search(r"\d\.\d+e[+-]\d+", out)
    assert served == []  # --print serves nothing


def test_same_seed_same_interview_and_a_case_takes_its_variant_seed():
    assert interview_sheet(draw_interview(11, project=PROJECT)) == interview_sheet(
        draw_interview(11, project=PROJECT)
    )
    drawn = {draw_interview(s, project=PROJECT).case.id for s in range(40)}
    assert drawn == set(case_ids(PROJECT))  # every case comes up
    chosen = draw_interview(7, "pricing-feedback-loop", project=PROJECT)
    assert (chosen.case.id, chosen.variant_seed) == ("pricing-feedback-loop", 7)
    assert chosen.variant() == PROJECT.case("pricing-feedback-loop").variant(7)  # nogo coach's --seed 7


def test_interview_executes_the_notebook_then_serves_it(served):
    result = _run(
        "interview", "--case", "resume-proxy-bias", "--seed", "9", "--learner", "Ana", "--no-browser"
    )
    try:
        assert result.exit_code == 0, result.output
        assert result.output.startswith(
            "Mock interview on resume-proxy-bias, variant 9 (replay with --seed 9 --case"
        )
        executed = ROOT / "build" / "interviews" / session_filename("Ana", "resume-proxy-bias", 9)
        assert str(executed) in served[-1] and "--Voila.ip=127.0.0.1" in served[-1]
        assert "--template=nogo" in served[-1]
        nb = nbformat.read(executed, as_version=4)
        assert nb.metadata.papermill.parameters == {
            "learner": "Ana", "seed": 9, "case_id": "resume-proxy-bias", "marked_by": "coach"
        }  # fmt: skip
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        assert not [o for o in outputs if o.output_type == "error"]
        assert not [o for o in outputs if o.output_type == "stream"]  # no stale summary above the widget
        [view] = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
        assert "resume-proxy-bias" in view["data"]["text/plain"]
    finally:
        for path in (ROOT / "build" / "interviews").glob("ana-*-resume-proxy-bias-9*.ipynb"):
            path.unlink()


def test_the_interview_notebook_is_the_same_every_time_and_has_a_parameters_cell():
    a, b = interview_notebook(), interview_notebook()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    [params] = [c for c in a.cells if "parameters" in c.metadata.get("tags", [])]
    assert {"learner", "seed", "case_id", "marked_by"} <= set(re.findall(r"^(\w+) =", params.source, re.M))
    nbformat.validate(a)


def test_interview_help_says_what_it_does():
    result = _run("interview", "--help")
    assert result.exit_code == 0
    flat = " ".join(result.output.split())
    for option in ("--seed", "--case", "--learner", "--print", "--ip", "--token"):
        assert option in flat
    assert "app mode" in flat and "Reveal" in flat
