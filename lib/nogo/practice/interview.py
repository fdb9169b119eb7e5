"""Mock interview: a random case and variant, its interview questions, then weak beside strong answers.

:func:`mock_interview` draws a case from the casebook and a coaching variant from ``seed`` (same seed,
same case and variant). The candidate reads :meth:`MockInterview.brief` (the incident and the decision
they own: no answer, no debrief), answers :meth:`MockInterview.questions` (the case's interview
questions, then the question of each of the four rubric dimensions), and :meth:`MockInterview.reveal`
sets each dimension's answer beside the case's weak and strong patterns and the general weak and strong
openings of the rubric in ``shared/frameworks.md`` (:data:`FRAMEWORK_RUBRIC`).

:class:`MockInterviewWidget` is the thin ipywidgets shell: a text box per question, a **Reveal** button,
then an HTML table (every answer escaped) and a rubric checklist for self-marking, recorded in a
:class:`nogo.ProgressStore` when one is given.
"""

from __future__ import annotations

import html
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nogo.cases.casefile import RUBRIC_DIMENSIONS, CaseFile
from nogo.errors import InputError
from nogo.formatting import format_count, math_safe_html
from nogo.practice.live import DRILL_TEXT, LiveDrill, boxes, card_html, drill_view, status_html

__all__ = [
    "FRAMEWORK_RUBRIC",
    "MockInterview",
    "MockInterviewWidget",
    "brief_html",
    "mock_interview",
    "question_label",
    "reveal_html",
]

FRAMEWORK_RUBRIC: dict[str, dict[str, str]] = {
    "threshold_definition": {
        "question": "when should the agent act?",
        "weak": "one confidence cut-off for everything",
        "strong": "autonomy tied to consequence; risky categories escalate whatever the confidence",
    },
    "failure_mode_prioritisation": {
        "question": "what breaks first?",
        "weak": '"I\'d fix the model"',
        "strong": "a ranked inventory with detection, and autonomy limited until the fix is proven",
    },
    "escalation_design": {
        "question": "who owns the edge case, how fast?",
        "weak": '"a human reviews low-confidence cases"',
        "strong": "named owner, capacity, latency against time-to-harm, what happens when the queue is full",
    },
    "incentive_alignment": {
        "question": "does it optimise what we really want?",
        "weak": "resolution rate, CSAT, conversion",
        "strong": "total customer cost, recurrence, overrides; what it must never optimise",
    },
}
"""The interview rubric table of ``shared/frameworks.md``, quoted as written: per dimension, the
question and the general weak and strong answer."""

_SEED_SALT = 0x6D6F636B  # "mock": keeps the interview's draw apart from the variant's own draw


@dataclass(frozen=True)
class MockInterview:
    """One mock interview: the case, the variant seed, and the seed that drew them."""

    case: CaseFile
    variant_seed: int
    seed: int

    def variant(self) -> dict[str, Any]:
        """The variant's parameter values (:meth:`nogo.CaseFile.variant`)."""
        return self.case.variant(self.variant_seed)

    def brief(self) -> str:
        """What the candidate reads first: title, domain, incident, the decision they own. No answer.

        Examples
        --------
        >>> m = mock_interview(seed=3)
        >>> m.case.debrief in m.brief(), m.case.title in m.brief()
        (False, True)
        """
        i = self.case.incident
        where = f" Where: {_sentence(i.where)}" if i.where else ""
        lines = [
            f"{self.case.title}",
            f"Domain: {self.case.domain}. Variant seed: {self.variant_seed}.",
            "",
            i.summary,
            "",
            f"When: {_sentence(i.when)} Who: {_sentence(i.who)}{where}",
            "",
            f"The decision you own: {i.decision}",
        ]
        return "\n".join(lines)

    def questions(self) -> pd.DataFrame:
        """The questions to answer, in order.

        Columns: ``key`` (``q1``, ``q2``... for the case's questions, the dimension name for a rubric
        question: the key :meth:`reveal` and the widget use), ``kind`` (``case`` or ``rubric``),
        ``dimension`` (empty for case questions), ``question``.

        Examples
        --------
        >>> q = mock_interview(seed=0).questions()
        >>> q[q["kind"] == "rubric"]["key"].tolist()[:2]
        ['threshold_definition', 'failure_mode_prioritisation']
        """
        n = len(self.case.questions)
        return pd.DataFrame(
            {
                "key": [f"q{k + 1}" for k in range(n)] + list(RUBRIC_DIMENSIONS),
                "kind": ["case"] * n + ["rubric"] * len(RUBRIC_DIMENSIONS),
                "dimension": [""] * n + list(RUBRIC_DIMENSIONS),
                "question": [*self.case.questions]
                + [getattr(self.case.rubric, d).question for d in RUBRIC_DIMENSIONS],
            }
        )

    def reveal(self, answers: dict[str, str]) -> pd.DataFrame:
        """Each rubric dimension's answer beside the weak and strong patterns.

        Parameters
        ----------
        answers
            Keyed by the ``key`` of :meth:`questions` (case-question answers are accepted and ignored
            here); a dimension with no answer gets ``""``. Answers are stored exactly as given.

        Returns
        -------
        pandas.DataFrame
            One row per dimension: ``dimension``, ``question``, ``answer``, ``weak`` and ``strong``
            (the case file's rubric), ``general_weak`` and ``general_strong`` (:data:`FRAMEWORK_RUBRIC`).

        Examples
        --------
        >>> m = mock_interview(seed=0)
        >>> r = m.reveal({"escalation_design": "<b>a named officer</b>"})
        >>> r.set_index("dimension").loc["escalation_design", "answer"]
        '<b>a named officer</b>'
        """
        if not isinstance(answers, dict):
            raise InputError(
                f"answers: expected a dict of question key to text, got {type(answers).__name__}"
            )
        keys = self.questions()["key"].tolist()
        for key, text in answers.items():
            if key not in keys:
                raise InputError(f"answers: unknown question key {key!r}; expected one of {', '.join(keys)}")
            if not isinstance(text, str):
                raise InputError(f"answers[{key!r}]: expected text, got {type(text).__name__}")
        dims = list(RUBRIC_DIMENSIONS)
        specs = [getattr(self.case.rubric, d) for d in dims]
        return pd.DataFrame(
            {
                "dimension": dims,
                "question": [s.question for s in specs],
                "answer": [answers.get(d, "") for d in dims],
                "weak": [s.weak for s in specs],
                "strong": [s.strong for s in specs],
                "general_weak": [FRAMEWORK_RUBRIC[d]["weak"] for d in dims],
                "general_strong": [FRAMEWORK_RUBRIC[d]["strong"] for d in dims],
            }
        )


def mock_interview(project: Any = None, *, seed: int) -> MockInterview:
    """Draw a case (uniformly, from the casebook's ready and draft cases) and a variant seed from ``seed``.

    The case and the variant seed are drawn by ``numpy.random.default_rng([seed, salt])``: the same seed
    always gives the same interview; over many seeds every case comes up. ``project`` defaults to
    :meth:`nogo.Project.find` (templates are skipped).

    Examples
    --------
    >>> a, b = mock_interview(seed=11), mock_interview(seed=11)
    >>> (a.case.id, a.variant_seed) == (b.case.id, b.variant_seed)
    True
    """
    try:
        s = operator.index(seed)
    except TypeError:
        s = -1
    if isinstance(seed, bool) or s < 0:
        raise InputError(f"seed: expected a non-negative integer, got {seed!r}")
    if project is None:
        from nogo.cases.project import Project

        project = Project.find()
    cases = sorted(project.cases(), key=lambda c: c.id)
    if not cases:
        raise InputError(f"project: no case files in {project.casebook}; nothing to interview on")
    rng = np.random.default_rng([s, _SEED_SALT])
    case = cases[int(rng.integers(len(cases)))]
    return MockInterview(case=case, variant_seed=int(rng.integers(0, 2**31)), seed=s)


def reveal_html(revealed: pd.DataFrame) -> str:
    """The frame of :meth:`MockInterview.reveal` as an HTML table, every cell escaped.

    Examples
    --------
    >>> r = mock_interview(seed=0).reveal({"threshold_definition": "<script>x</script>"})
    >>> "<script>" in reveal_html(r), "&lt;script&gt;x" in reveal_html(r)
    (False, True)
    """
    e = html.escape
    head = "<tr><th>dimension</th><th>your answer</th><th>weak</th><th>strong</th></tr>"
    rows = [
        f"<tr><td><b>{e(d.replace('_', ' '))}</b><br>{e(q)}</td><td>{e(a) or '<i>(no answer)</i>'}</td>"
        f"<td>{e(w)}<br><i>in general: {e(gw)}</i></td><td>{e(s)}<br><i>in general: {e(gs)}</i></td></tr>"
        for d, q, a, w, s, gw, gs in revealed[
            ["dimension", "question", "answer", "weak", "strong", "general_weak", "general_strong"]
        ].itertuples(index=False)
    ]  # four rows: one per rubric dimension
    return f"<table>{head}{''.join(rows)}</table>"


def question_label(key: str, dimension: str = "") -> str:
    """A question's label in words: ``Question 1`` for the case's ``q1``, the dimension for a rubric one.

    Examples
    --------
    >>> question_label("q2"), question_label("threshold_definition", "threshold_definition")
    ('Question 2', 'Threshold definition')
    """
    if dimension:
        return dimension.replace("_", " ").capitalize()
    return f"Question {key.removeprefix('q')}" if key[1:].isdigit() else key.replace("_", " ").capitalize()


def _sentence(text: str) -> str:
    """``text`` ending with one full stop (a case file's field may bring its own)."""
    return str(text).strip().rstrip(".") + "."


def brief_html(interview: MockInterview) -> str:
    """The brief as rendered prose (HTML, every case-file string escaped, safe from maths typesetting)."""
    e, case = html.escape, interview.case
    i = case.incident
    summary = "".join(f"<p>{e(p.strip())}</p>" for p in str(i.summary).split("\n\n") if p.strip())
    where = f" <b>Where:</b> {e(_sentence(i.where))}" if i.where else ""
    return math_safe_html(
        f"<h3>{e(case.title)}</h3><p><i>Domain: {e(case.domain)}. Variant seed: {interview.variant_seed}.</i>"
        f"</p>{summary}<p><b>When:</b> {e(_sentence(i.when))} <b>Who:</b> {e(_sentence(i.who))}{where}</p>"
        f"<p><b>The decision you own:</b> {e(i.decision)}</p>"
    )


class MockInterviewWidget(LiveDrill):
    """The mock interview as a widget: a text box per question, **Reveal**, then weak beside strong.

    The brief is rendered prose (:func:`brief_html`); each question is labelled in words
    (:func:`question_label`). State: :attr:`answers` (dict key to text, read from the boxes),
    :attr:`revealed` (the frame of :meth:`MockInterview.reveal`, ``None`` before), :attr:`rubric` (a
    :class:`nogo.RubricChecklist` after revealing, for self-marks recorded in ``store``), :attr:`error`;
    :attr:`view` is the widget, whose status line (:meth:`status_text`) counts the questions answered.
    """

    drill_key = "interview"

    def __init__(
        self, interview: MockInterview, *, store: Any = None, learner: str = "me", marked_by: str = "self"
    ) -> None:
        import ipywidgets as w

        self.interview, self.store, self.learner, self.marked_by = interview, store, learner, marked_by
        self.revealed: pd.DataFrame | None = None
        self.rubric: Any = None
        self.error: str | None = None
        q = interview.questions()
        self.boxes = {
            k: w.Textarea(placeholder="your answer", layout=w.Layout(width="95%"))
            for k in q["key"]  # a handful of questions
        }
        e = html.escape
        rows: list[Any] = [w.HTML(brief_html(interview))]
        for k, dim, question in zip(q["key"], q["dimension"], q["question"], strict=True):
            label = f"<b>{e(question_label(k, dim))}</b>" + (" (rubric)" if dim else "")
            rows += [w.HTML(math_safe_html(f"<p>{label}: {e(question)}</p>")), self.boxes[k]]
        for box in self.boxes.values():
            box.observe(lambda _change: self._show_status(), names="value")
        self.reveal_button, self.result_html = w.Button(description="Reveal"), w.HTML()
        self.status_html = w.HTML()
        self.reveal_button.on_click(lambda _b: self._click())
        self.view = drill_view([*rows, self.reveal_button, self.status_html, self.result_html], self)
        self._show_status()

    @property
    def answers(self) -> dict[str, str]:
        """The text in each box, keyed by question key."""
        return {k: box.value for k, box in self.boxes.items()}

    def reveal(self) -> pd.DataFrame:
        """What **Reveal** does: lock the boxes, show weak beside strong, offer the rubric checklist."""
        from nogo.practice.launch import RubricChecklist

        if self.revealed is not None:
            raise InputError("answers: already revealed; start a new mock interview to try again")
        revealed = self.interview.reveal(self.answers)
        for box in (*self.boxes.values(), self.reveal_button):
            box.disabled = True
        self.revealed, self.error = revealed, None
        self.result_html.value = math_safe_html(reveal_html(revealed))
        self._show_status()
        self.rubric = RubricChecklist(
            self.interview.case, store=self.store, learner=self.learner,
            variant_seed=self.interview.variant_seed, marked_by=self.marked_by,
        )  # fmt: skip
        self.view.children = (*self.view.children, self.rubric.view)
        return revealed

    def run_scripted(self, answers: dict[str, str]) -> pd.DataFrame:
        """Type ``answers`` into the boxes and reveal (the headless path)."""
        for key in answers:
            if key not in self.boxes:
                raise InputError(
                    f"answers: unknown question key {key!r}; expected one of {', '.join(self.boxes)}"
                )
        for key, text in answers.items():
            self.boxes[key].value = text
        return self.reveal()

    def _click(self) -> None:
        try:
            self.reveal()
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.status_html.value = status_html(self.error, tone="error")

    def status_text(self) -> str:
        """The widget's live status line: how many questions have an answer, revealed or not."""
        n = len(self.boxes)
        answered = sum(bool(v.strip()) for v in self.answers.values())
        if self.revealed is not None:
            return (
                f"Revealed ({answered} of {format_count(n, 'question')} answered): each rubric answer is "
                "below beside the weak and the strong pattern; mark it on the rubric."
            )
        return f"{answered} of {format_count(n, 'question')} answered; not revealed yet."

    def _show_status(self) -> None:
        self.status_html.value = status_html(self.status_text())

    def brief_text(self) -> str:
        """The brief and the questions, as plain text; never the weak or strong patterns."""
        q = self.interview.questions()
        asked = [
            f"{question_label(k, d)}: {text}" for k, d, text in zip(q["key"], q["dimension"], q["question"],
                                                                     strict=True)
        ]  # fmt: skip
        return "\n".join([f"{self._head()}.", "", self.interview.brief(), "", "Questions:", *asked])

    def static_html(self) -> str:
        """The brief and the questions, as a static card; never the weak or strong patterns."""
        q = self.interview.questions()
        asked = [f"{question_label(k, d)}: {t}" for k, d, t in zip(q["key"], q["dimension"], q["question"],
                                                                  strict=True)]  # fmt: skip
        return card_html(
            self.drill_key, html.escape(DRILL_TEXT[self.drill_key][1]),
            brief_html(self.interview) + boxes(asked), case_id=self.interview.case.id,
        )  # fmt: skip

    def record_text(self) -> str:
        """The answers beside the patterns once revealed, or how many are answered so far."""
        return self.summary_text()

    def _head(self) -> str:
        i = self.interview
        return f"Mock interview on {i.case.id} (variant {i.variant_seed}, seed {i.seed}) for {self.learner}"

    def summary_text(self) -> str:
        """Plain text: the case and the questions before revealing; answers beside patterns after."""
        head = self._head()
        if self.revealed is None:
            answered = sum(bool(v.strip()) for v in self.answers.values())
            return f"{head}: {answered} of {len(self.boxes)} questions answered, not revealed yet."
        lines = [f"{head}: revealed."]
        for r in self.revealed.itertuples(index=False):
            lines += [
                f"- {r.dimension.replace('_', ' ')}: {r.question}",
                f"  answer: {r.answer or '(no answer)'}",
                f"  weak: {r.weak}",
                f"  strong: {r.strong}",
            ]
        if self.rubric is not None and self.rubric.saved:
            lines.append(self.rubric.summary_text())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary_text()
