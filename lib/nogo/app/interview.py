"""Mock interviews from the command line: ``nogo interview`` serves one as an app, or prints the sheet.

A mock interview (:func:`nogo.mock_interview`) draws a case and a variant from a seed; with a case id
the coach chooses the case, and the seed is that case's variant seed (the variant ``nogo coach CASE
--seed N`` serves). :func:`draw_interview` does both. :func:`interview_notebook` is the small notebook
``nogo interview`` executes and serves with Voila: the brief, a box per question, **Reveal** (each
answer beside the weak and the strong pattern), then the rubric checklist, saved to the progress store
under the learner's name. :func:`interview_sheet` is the interviewer's plain-text sheet (``--print``):
the brief, the questions, and what to listen for.
"""

from __future__ import annotations

import textwrap
from typing import Any

import nbformat

from nogo.app.terminal import WIDTH
from nogo.practice.interview import MockInterview, mock_interview

__all__ = ["draw_interview", "interview_notebook", "interview_sheet"]


def draw_interview(seed: int, case_id: str | None = None, *, project: Any = None) -> MockInterview:
    """The mock interview of ``seed``: a case and a variant drawn from it, or, with ``case_id``, that
    case at variant ``seed`` (the variant ``nogo coach CASE_ID --seed SEED`` serves).

    Examples
    --------
    >>> a, b = draw_interview(5), draw_interview(5)
    >>> draw_interview(5, "loan-steering").variant_seed, a.case.id == b.case.id
    (5, True)
    """
    from nogo.cases.project import Project

    project = project or Project.find()
    if case_id is None:
        return mock_interview(project, seed=seed)
    case = project.case(case_id)
    case.variant(seed)  # the variant must draw
    return MockInterview(case=case, variant_seed=int(seed), seed=int(seed))


_INTRO = """\
# Mock interview

Read the brief, then answer each question in its box, as you would in the interview room: the case's own
questions first, then one per rubric dimension (when the agent may act, what breaks first, who owns the
edge case, what it optimises). Short, concrete answers beat long ones.

Press **Reveal** when you are done: each answer appears beside the weak and the strong pattern for this
case and in general, and the rubric checklist below it takes the marks (0 to 3 per dimension), saved to
the learner's track record (`nogo progress`)."""

_PARAMETERS = """\
learner = ""  # whose marks are saved; empty saves nothing
seed = 0  # the interview's seed (with a case_id, the case's variant seed)
case_id = ""  # empty: the case is drawn from the seed
marked_by = "coach"  # who marks the rubric"""

_SETUP = """\
import nogo
from nogo.app.interview import draw_interview

interview = draw_interview(seed, case_id or None)
store = nogo.ProgressStore() if learner else None  # empty learner: nothing is saved
widget = nogo.MockInterviewWidget(interview, store=store, learner=learner or "me", marked_by=marked_by)"""


def interview_notebook() -> nbformat.NotebookNode:
    """The notebook ``nogo interview`` executes (papermill sets its ``parameters`` cell) and serves.

    Examples
    --------
    >>> nb = interview_notebook()
    >>> [c.metadata.get("tags", []) for c in nb.cells if c.cell_type == "code"][0]
    ['parameters']
    """
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell(_INTRO),
        nbformat.v4.new_code_cell(_PARAMETERS, metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(_SETUP),
        nbformat.v4.new_code_cell("widget  # the brief, a box per question, Reveal, then the rubric"),
    ]
    for k, cell in enumerate(nb.cells):
        cell.id = f"interview-{k}"  # stable ids: the same notebook every time
    return nb


def interview_sheet(interview: MockInterview, width: int = WIDTH) -> str:
    """The interviewer's sheet: the brief, the questions in order, then per rubric dimension what a
    weak and a strong answer sound like (for the interviewer only). Plain text within ``width``.

    Examples
    --------
    >>> sheet = interview_sheet(draw_interview(3, "pricing-feedback-loop"))
    >>> "QUESTIONS" in sheet and "strong:" in sheet, max(len(line) for line in sheet.splitlines()) <= 100
    (True, True)
    """
    i, q = interview, interview.questions()
    revealed = interview.reveal({})

    def para(text: str, indent: str, hang: str = "") -> list[str]:
        wrapped = textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + hang,
                                break_long_words=False, break_on_hyphens=False)  # fmt: skip
        return wrapped or [""]

    lines = [f"Mock interview on {i.case.id}, variant {i.variant_seed} (seed {i.seed})", ""]
    lines += ["THE BRIEF (the candidate reads this)"]
    for line in i.brief().splitlines():
        lines += para(line, "  ")
    lines += ["", "QUESTIONS (ask them in this order)"]
    for k, text in enumerate(q["question"], start=1):
        lines += para(f"{k}. {text}", "  ", " " * (len(str(k)) + 2))
    lines += ["", "WHAT TO LISTEN FOR (the interviewer's eyes only)"]
    for r in revealed.itertuples(index=False):
        lines += para(f"{r.dimension.replace('_', ' ')}: {r.question}", "  ", "  ")
        lines += para(f"weak: {r.weak} (in general: {r.general_weak})", "    ", "  ")
        lines += para(f"strong: {r.strong} (in general: {r.general_strong})", "    ", "  ")
    return "\n".join(lines)
