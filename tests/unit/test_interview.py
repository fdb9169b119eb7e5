"""Mock interview: determinism and coverage by seed, a brief without answers, escaping, the widget headless."""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from nogo.cases.casefile import RUBRIC_DIMENSIONS
from nogo.cases.project import Project
from nogo.errors import InputError
from nogo.practice.interview import FRAMEWORK_RUBRIC, MockInterviewWidget, mock_interview, reveal_html
from nogo.practice.progress import ProgressStore

ROOT = Path(__file__).resolve().parents[2]
PROJECT = Project(ROOT)
FRAMEWORKS = ROOT.parent / "shared" / "frameworks.md"


class _Loaded:
    """The real casebook, loaded once (loading validates every file: slow to repeat 300 times)."""

    casebook = PROJECT.casebook
    _cases = PROJECT.cases()

    def cases(self):
        return list(self._cases)


LOADED = _Loaded()
PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'


def test_same_seed_same_interview():
    for seed in (0, 1, 17, 2**40):
        a, b = mock_interview(PROJECT, seed=seed), mock_interview(PROJECT, seed=seed)
        assert (a.case.id, a.variant_seed) == (b.case.id, b.variant_seed)
        assert a.variant() == b.variant() and a.brief() == b.brief()


def test_seeds_cover_every_case_about_evenly():
    ids = sorted(c.id for c in PROJECT.cases())
    draws = [mock_interview(LOADED, seed=s) for s in range(300)]
    counts = Counter(m.case.id for m in draws)
    assert sorted(counts) == ids
    # uniform draw: each count ~ Binomial(300, 1/k); allow 4 standard deviations
    k = len(ids)
    sd = (300 * (1 / k) * (1 - 1 / k)) ** 0.5
    assert all(abs(n - 300 / k) < 4 * sd for n in counts.values())
    assert len({m.variant_seed for m in draws}) > 290  # variants differ too


def test_templates_are_skipped_and_a_one_case_project(tmp_path):
    (tmp_path / "casebook").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(ROOT / "casebook" / "_template.yaml", tmp_path / "casebook" / "_template.yaml")
    with pytest.raises(InputError, match="project: no case files"):
        mock_interview(Project(tmp_path), seed=0)
    shutil.copy(ROOT / "casebook" / "loan-steering.yaml", tmp_path / "casebook")
    assert {mock_interview(Project(tmp_path), seed=s).case.id for s in range(20)} == {"loan-steering"}


@pytest.mark.parametrize("seed", [-1, 1.5, True, "3"])
def test_bad_seed(seed):
    with pytest.raises(InputError, match="seed: expected a non-negative integer"):
        mock_interview(PROJECT, seed=seed)


@pytest.mark.parametrize("case", PROJECT.cases(), ids=lambda c: c.id)
def test_brief_has_the_decision_but_no_answer(case):
    seed = next(s for s in range(500) if mock_interview(LOADED, seed=s).case.id == case.id)
    m = mock_interview(PROJECT, seed=seed)
    text = m.brief()
    assert case.title in text and case.incident.decision in text and case.incident.summary in text
    assert case.debrief not in text
    for sentence in re.split(r"(?<=[.;:])\s+", case.debrief):  # no sentence of the debrief either
        if len(sentence) > 25:
            assert sentence not in text
    for d in RUBRIC_DIMENSIONS:
        assert getattr(case.rubric, d).strong not in text


def test_questions_are_the_case_questions_then_the_rubric():
    m = mock_interview(PROJECT, seed=5)
    q = m.questions()
    case_q = q[q["kind"] == "case"]
    assert case_q["question"].tolist() == m.case.questions
    assert case_q["key"].tolist() == [f"q{k}" for k in range(1, len(m.case.questions) + 1)]
    rubric_q = q[q["kind"] == "rubric"]
    assert rubric_q["dimension"].tolist() == list(RUBRIC_DIMENSIONS)
    assert rubric_q["question"].tolist() == [getattr(m.case.rubric, d).question for d in RUBRIC_DIMENSIONS]
    assert q["key"].is_unique


def test_reveal_keeps_answers_as_given_and_sets_the_patterns():
    m = mock_interview(PROJECT, seed=2)
    r = m.reveal(
        {"q1": "ignored here", "threshold_definition": PAYLOAD, "incentive_alignment": "  total cost "}
    )
    by = r.set_index("dimension")
    assert list(by.index) == list(RUBRIC_DIMENSIONS)
    assert by.loc["threshold_definition", "answer"] == PAYLOAD  # stored as given, not escaped
    assert by.loc["incentive_alignment", "answer"] == "  total cost "
    assert by.loc["escalation_design", "answer"] == ""
    for d in RUBRIC_DIMENSIONS:
        spec = getattr(m.case.rubric, d)
        assert (by.loc[d, "question"], by.loc[d, "weak"], by.loc[d, "strong"]) == (
            spec.question, spec.weak, spec.strong,
        )  # fmt: skip
        assert by.loc[d, "general_weak"] == FRAMEWORK_RUBRIC[d]["weak"]
        assert by.loc[d, "general_strong"] == FRAMEWORK_RUBRIC[d]["strong"]


def test_reveal_rejects_bad_answers():
    m = mock_interview(PROJECT, seed=2)
    with pytest.raises(InputError, match="answers: unknown question key 'q99'"):
        m.reveal({"q99": "x"})
    with pytest.raises(InputError, match=r"answers\['q1'\]: expected text, got int"):
        m.reveal({"q1": 3})
    with pytest.raises(InputError, match="answers: expected a dict"):
        m.reveal(["x"])


def test_reveal_html_escapes_everything():
    m = mock_interview(PROJECT, seed=2)
    page = reveal_html(m.reveal(dict.fromkeys(RUBRIC_DIMENSIONS, PAYLOAD)))
    assert "<script" not in page and "<img" not in page
    assert (
        page.count("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;") == 4
    )


@pytest.mark.skipif(not FRAMEWORKS.exists(), reason="shared/frameworks.md not present")
def test_framework_rubric_quotes_frameworks_md():
    """Parse the rubric table of frameworks.md independently and compare it with the constant."""
    table = FRAMEWORKS.read_text().split("## The interview rubric")[1]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "---" not in line][1:]
    parsed = {}
    for line in rows:
        dim, question, weak, strong = [c.strip() for c in line.strip("|").split("|")]
        parsed[dim.replace(" ", "_").replace("-", "_")] = {
            "question": question,
            "weak": weak,
            "strong": strong,
        }
    assert parsed == FRAMEWORK_RUBRIC


def test_widget_headless_reveal_and_self_marks(tmp_path, capsys):
    store = ProgressStore(tmp_path / "p.sqlite3")
    m = mock_interview(PROJECT, seed=4)
    widget = MockInterviewWidget(m, store=store, learner="ana")
    assert capsys.readouterr().out == ""  # nothing printed: the widget shows its own state
    n = len(widget.boxes)
    assert f"0 of {n} questions answered; not revealed yet." in widget.status_html.value
    widget.boxes["q1"].value = "first answer"
    widget.boxes["escalation_design"].value = PAYLOAD
    assert widget.answers["escalation_design"] == PAYLOAD and widget.revealed is None
    assert f"2 of {n} questions answered; not revealed yet." in widget.status_html.value  # live
    widget.reveal_button.click()
    assert widget.error is None and widget.revealed is not None
    assert widget.revealed.set_index("dimension").loc["escalation_design", "answer"] == PAYLOAD
    assert "<script" not in widget.result_html.value and "&lt;script&gt;" in widget.result_html.value
    assert all(box.disabled for box in widget.boxes.values())
    assert "revealed" in widget.summary_text() and PAYLOAD in widget.summary_text()  # plain text, unescaped
    assert repr(widget) == widget.summary_text()
    # a second click is refused, and says so on screen
    widget.reveal_button.click()
    assert widget.error is not None and "already revealed" in widget.status_html.value
    # self-marks through the rubric checklist land in the store
    widget.rubric.set(dict.fromkeys(RUBRIC_DIMENSIONS, 2), {"escalation_design": PAYLOAD})
    widget.rubric.save_button.click()
    marks = store.rubric_marks("ana")
    assert len(marks) == 4 and set(marks["case_id"]) == {m.case.id}
    assert set(marks["variant_seed"]) == {m.variant_seed} and set(marks["marked_by"]) == {"self"}
    assert PAYLOAD in marks["comment"].tolist()


def test_widget_run_scripted():
    m = mock_interview(PROJECT, seed=9)
    widget = MockInterviewWidget(m)
    with pytest.raises(InputError, match="answers: unknown question key 'nope'"):
        widget.run_scripted({"nope": "x"})
    revealed = widget.run_scripted({"threshold_definition": "tie autonomy to the dollar cost"})
    assert revealed.loc[0, "answer"] == "tie autonomy to the dollar cost"
    assert widget.revealed is revealed


def test_the_widget_shows_the_brief_as_prose_and_labels_each_question_in_words():
    m = mock_interview(PROJECT, seed=4)
    widget = MockInterviewWidget(m)
    shown = "".join(child.value for child in widget.view.children if hasattr(child, "value"))
    assert "<pre" not in shown and "<textarea" not in shown  # prose, not a monospace box
    assert f"<h3>{html.escape(m.case.title)}</h3>" in shown and "The decision you own:" in shown
    assert "<b>Question 1</b>:" in shown and "<b>Threshold definition</b> (rubric):" in shown
    assert not [k for k in RUBRIC_DIMENSIONS if f"<b>{k}</b>" in shown]  # never a raw key
    bundle = widget._repr_mimebundle_()
    assert bundle["text/plain"].startswith(f"Mock interview on {m.case.id}")
    assert "Threshold definition:" in bundle["text/plain"] and "VBox(" not in bundle["text/plain"]
    for dim in RUBRIC_DIMENSIONS:  # the patterns are the answer: never in the fallback
        spec = getattr(m.case.rubric, dim)
        assert spec.strong not in bundle["text/plain"] and spec.strong not in bundle["text/html"]
