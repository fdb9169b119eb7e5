"""The interview rubric as a checklist: four dimensions, each marked 0-3 by the learner or a coach.

:func:`rubric_marks` validates a mark (0-3, or its label on :data:`RUBRIC_SCALE`) on every dimension of
:data:`nogo.RUBRIC_DIMENSIONS`; :class:`RubricChecklist` is the widget over it that the launch call and
the mock interview show, recording one mark per dimension with ``store.record_rubric`` (``scale_max=3``).
"""

from __future__ import annotations

import html
import operator
from collections.abc import Mapping
from typing import Any

import pandas as pd

from nogo.cases.casefile import RUBRIC_DIMENSIONS
from nogo.errors import InputError
from nogo.formatting import format_count, math_safe_html
from nogo.practice.live import LiveDrill, drill_view, status_html

__all__ = [
    "RUBRIC_SCALE",
    "RubricChecklist",
    "error_html",
    "learner_name",
    "rubric_marks",
    "rubric_score",
    "rubric_text",
]

RUBRIC_SCALE: tuple[str, ...] = ("missing", "weak", "adequate", "strong")
"""Rubric marks 0 to 3: the label of each; ``scale_max`` in the store is 3."""


def rubric_score(dimension: str, value: Any) -> int:
    """A mark as a whole number 0-3, from the number or its label; an error naming the dimension."""
    if isinstance(value, str) and value.strip().lower() in RUBRIC_SCALE:
        return RUBRIC_SCALE.index(value.strip().lower())
    try:
        score = operator.index(value)
    except TypeError:
        score = -1
    if isinstance(value, bool) or not 0 <= score < len(RUBRIC_SCALE):
        scale = ", ".join(f"{i} {label}" for i, label in enumerate(RUBRIC_SCALE))
        raise InputError(f"marks[{dimension!r}]: expected a mark from 0 to 3 ({scale}), got {value!r}")
    return score


def rubric_marks(
    case: Any, marks: Mapping[str, Any], comments: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Validate a mark (0-3 or its label) on every rubric dimension; return the marked checklist.

    Parameters
    ----------
    case
        A :class:`nogo.CaseFile`: its rubric gives each dimension's question and weak and strong answers.
    marks
        ``{dimension: mark}`` for all four of :data:`nogo.RUBRIC_DIMENSIONS`; a mark is 0, 1, 2, 3 or
        ``"missing"``, ``"weak"``, ``"adequate"``, ``"strong"``.
    comments
        Optional ``{dimension: comment}``.

    Returns
    -------
    pandas.DataFrame
        One row per dimension, in rubric order: ``dimension``, ``question``, ``weak``, ``strong``,
        ``score``, ``label``, ``scale_max`` (3) and ``comment``.

    Examples
    --------
    >>> from nogo import Project
    >>> case = Project.find().case("template")  # casebook/_template.yaml
    >>> m = rubric_marks(case, {"threshold_definition": 3, "failure_mode_prioritisation": "weak",
    ...     "escalation_design": 2, "incentive_alignment": 0}, {"escalation_design": "no owner named"})
    >>> m[["dimension", "score", "label"]].values.tolist()[:2]
    [['threshold_definition', 3, 'strong'], ['failure_mode_prioritisation', 1, 'weak']]
    """
    comments = {} if comments is None else comments
    for name, given in (("marks", marks), ("comments", comments)):
        if not isinstance(given, Mapping):
            raise InputError(f"{name}: expected a mapping of dimension to value, got {type(given).__name__}")
        for dim in (d for d in given if d not in RUBRIC_DIMENSIONS):
            raise InputError(
                f"{name}: unknown dimension {dim!r}; the four are {', '.join(RUBRIC_DIMENSIONS)}"
            )
    for dim in (d for d in RUBRIC_DIMENSIONS if marks.get(d) is None):
        raise InputError(
            f"marks: no mark for {dim!r}; mark all four dimensions ({', '.join(RUBRIC_DIMENSIONS)})"
        )
    for dim in (d for d, c in comments.items() if not isinstance(c, str)):
        raise InputError(f"comments[{dim!r}]: expected text, got {type(comments[dim]).__name__}")
    rows = []
    for dim in RUBRIC_DIMENSIONS:
        spec, score = getattr(case.rubric, dim), rubric_score(dim, marks[dim])
        rows.append({"dimension": dim, "question": spec.question, "weak": spec.weak, "strong": spec.strong,
                     "score": score, "label": RUBRIC_SCALE[score], "scale_max": len(RUBRIC_SCALE) - 1,
                     "comment": comments.get(dim, "").strip()})  # fmt: skip
    return pd.DataFrame(rows)


def rubric_text(marks: pd.DataFrame) -> str:
    """The marked rubric as plain text, one line per dimension, and the total.

    Examples
    --------
    >>> m = pd.DataFrame({"dimension": ["escalation_design"], "score": [2], "label": ["adequate"],
    ...                   "scale_max": [3], "comment": ["no owner named"]})
    >>> print(rubric_text(m))
    Rubric: 2 of 3.
    - escalation design: 2/3 adequate (no owner named)
    """
    lines = [f"Rubric: {int(marks['score'].sum())} of {int(marks['scale_max'].sum())}."]
    for r in marks.itertuples():
        note = f" ({r.comment})" if r.comment else ""
        lines.append(f"- {r.dimension.replace('_', ' ')}: {r.score}/{r.scale_max} {r.label}{note}")
    return "\n".join(lines)


# --- the checklist widget: a thin shell over the functions above -----------------------------------


def learner_name(name: str, value: Any) -> str:
    """``value`` if it is a non-empty name (a learner, a marker), else an error naming ``name``."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{name}: expected a non-empty name, got {value!r}")
    return value


def error_html(message: str) -> str:
    """A widget's error message as escaped, maths-safe HTML in red."""
    return math_safe_html(f'<p style="color:#b00020">{html.escape(message)}</p>')


class RubricChecklist(LiveDrill):
    """The four interview dimensions as a checklist the learner or a coach marks, 0-3, with comments.

    Each dimension shows the case's question, a weak and a strong answer, a mark (:data:`RUBRIC_SCALE`)
    and a comment box; **Save marks** (or :meth:`save`) validates with :func:`rubric_marks` and records
    one mark per dimension in ``store`` (``scale_max=3``, ``marked_by``, linked to ``attempt_id``).
    State: :attr:`marks` (the last saved frame, ``None`` before), :attr:`saved`, :attr:`mark_ids`,
    :attr:`error`; :attr:`view` is the widget, whose status line (:meth:`status_text`) counts the marks.
    """

    drill_key = "rubric"

    def __init__(
        self,
        case: Any,
        *,
        store: Any = None,
        learner: str = "me",
        variant_seed: int = 0,
        marked_by: str = "self",
        attempt_id: int | None = None,
    ) -> None:
        import ipywidgets as w

        self.case, self.store, self.variant_seed, self.attempt_id = case, store, variant_seed, attempt_id
        self.learner, self.marked_by = learner_name("learner", learner), learner_name("marked_by", marked_by)
        self.marks: pd.DataFrame | None = None
        self.mark_ids: list[int] = []
        self.error: str | None = None
        options = [(f"{i} {label}", i) for i, label in enumerate(RUBRIC_SCALE)]
        self.scores = {
            d: w.ToggleButtons(options=options, value=None, style={"button_width": "auto"})
            for d in RUBRIC_DIMENSIONS
        }
        self.comments = {d: w.Textarea(placeholder="comment (optional)", rows=2) for d in RUBRIC_DIMENSIONS}
        for toggle in self.scores.values():
            toggle.observe(lambda _change: self._show_status(), names="value")
        self.save_button, self.status_html = w.Button(description="Save marks"), w.HTML()
        self.save_button.on_click(lambda _b: self._click())
        e = html.escape
        rows = [w.HTML(math_safe_html(f"<h4>Rubric, marked by {e(self.marked_by)}</h4>"))]
        for d in RUBRIC_DIMENSIONS:
            spec = getattr(case.rubric, d)
            rows.append(w.HTML(math_safe_html(
                f"<p><b>{e(d.replace('_', ' '))}</b>: {e(spec.question)}<br><i>weak:</i> "
                f"{e(spec.weak)}<br><i>strong:</i> {e(spec.strong)}</p>"
            )))  # fmt: skip
            rows += [self.scores[d], self.comments[d]]
        self.view = drill_view([*rows, self.save_button, self.status_html], self)
        self._show_status()

    @property
    def saved(self) -> bool:
        """Whether marks have been saved (validated, and recorded when there is a store)."""
        return self.marks is not None

    def set(self, marks: Mapping[str, Any], comments: Mapping[str, str] | None = None) -> None:
        """Fill the checklist as a person would (marks 0-3 or labels); :meth:`save` still needs calling."""
        for d in (d for d in [*marks, *(comments or {})] if d not in self.scores):
            raise InputError(f"marks: unknown dimension {d!r}; the four are {', '.join(RUBRIC_DIMENSIONS)}")
        for d, value in marks.items():
            self.scores[d].value = rubric_score(d, value)
        for d, text in (comments or {}).items():
            self.comments[d].value = text

    def save(self) -> pd.DataFrame:
        """Validate the marks on screen, record them, and return the frame of :func:`rubric_marks`."""
        marks = rubric_marks(
            self.case,
            {d: t.value for d, t in self.scores.items()},
            {d: t.value for d, t in self.comments.items()},
        )
        for r in marks.itertuples() if self.store is not None else ():
            who = (self.learner, self.case.id, self.variant_seed)
            mark = (r.dimension, r.score, r.scale_max, r.comment, self.marked_by)
            self.mark_ids.append(self.store.record_rubric(*who, *mark, attempt_id=self.attempt_id))
        self.marks, self.error = marks, None
        self._show_status()
        return marks

    def _click(self) -> None:
        try:
            self.save()
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.status_html.value = status_html(self.error, tone="error")

    def status_text(self) -> str:
        """The widget's live status line: how many dimensions are marked, or the saved marks."""
        if self.marks is not None:
            return "Marks saved. " + rubric_text(self.marks)
        marked = sum(t.value is not None for t in self.scores.values())
        n = len(self.scores)
        ready = "press Save marks" if marked == n else "mark every dimension, then Save marks"
        return f"Not marked yet: {marked} of {format_count(n, 'dimension')} marked; {ready}."

    def _show_status(self) -> None:
        self.status_html.value = status_html(self.status_text())

    def brief_text(self) -> str:
        """What the checklist asks: a mark from 0 to 3 on each of the four dimensions."""
        dims = "; ".join(d.replace("_", " ") for d in RUBRIC_DIMENSIONS)
        scale = ", ".join(f"{i} {label}" for i, label in enumerate(RUBRIC_SCALE))
        return f"Rubric on {self.case.id}, marked by {self.marked_by}: mark each of {dims} ({scale})."

    def record_text(self) -> str:
        """The saved marks, or that none are saved yet."""
        return self.summary_text()

    def summary_text(self) -> str:
        """The saved marks as plain text, or a line saying none are saved yet."""
        head = f"Rubric (marked by {self.marked_by}):"
        return (
            f"{head} not marked yet."
            if self.marks is None
            else rubric_text(self.marks).replace("Rubric:", head, 1)
        )
