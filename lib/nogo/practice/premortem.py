"""The pre-mortem: rank what could go wrong by expected harm, before the reveal.

Failure-mode prioritisation is one of the four rubric dimensions (``../shared/frameworks.md``): "what
breaks first?" A strong answer is a ranked inventory. :class:`Premortem` shows the case's failure modes
by name only (never their likelihood, severity or why, which are the answer) and asks for one ranking,
worst first, by expected harm: likelihood times severity. :func:`score_premortem` scores it against
the case's ranking (:attr:`nogo.CaseFile.ranked_failure_modes`) on two counts:

- **Spearman's rank correlation** between the learner's ranks and the case's: 1 for the case's order,
  -1 for its reverse. Failure modes the case cannot tell apart (the same likelihood x severity and the
  same severity) are a tie: the learner may put them in either order, so the case's ranking is read
  with each tie in the learner's order, and any ranking consistent with the case's scores 1.
- **Whether the worst one was in the learner's top two** (with a tie for worst, any of them counts).

What the progress store gets. One attempt per submission: ``drill="premortem"``, ``item="failure
modes"``, ``choice`` the learner's ranking and ``optimal_choice`` the case's (names joined by
``" > "``, worst first; ``correct`` when they agree), ``cost_usd`` and ``optimal_cost_usd`` 0 (no
dollar score), and ``score`` the rank correlation, which the track record reads (its regret on this
drill's own scale is ``1 - score``, from 0 to 2, never negative).

Examples
--------
>>> from nogo.cases.casefile import FailureMode
>>> modes = [FailureMode(name=n, likelihood=lk, severity=s, why="...")
...          for n, lk, s in [("stale prices", 4, 3), ("runaway loop", 2, 5), ("bad cap", 1, 2)]]
>>> s = score_premortem(modes, ["runaway loop", "stale prices", "bad cap"])
>>> s.reference, s.spearman_rho, s.worst_in_top_two
(('stale prices', 'runaway loop', 'bad cap'), 0.5, True)
>>> score_premortem(modes, ["bad cap", "runaway loop", "stale prices"]).spearman_rho
-1.0
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from nogo.errors import InputError
from nogo.formatting import format_count, math_safe_html, math_safe_text
from nogo.practice.live import DRILL_TEXT, LiveDrill, boxes, card_html, drill_view, status_html

__all__ = ["Premortem", "PremortemScore", "premortem_table", "score_premortem"]

SEPARATOR = " > "
"""Joins failure-mode names, worst first, in the ``choice`` and ``optimal_choice`` the store keeps."""


@dataclass(frozen=True)
class PremortemScore:
    """A learner's ranking of failure modes against the case's.

    Attributes
    ----------
    ranking
        The learner's ranking, worst first.
    reference
        The case's ranking, worst first, with each tie in the learner's order.
    spearman_rho
        Spearman's rank correlation of the two rankings, -1 to 1.
    worst
        The case's worst failure mode(s): more than one when they tie.
    worst_in_top_two
        Whether one of :attr:`worst` is in the learner's top two.
    modes
        The case's failure modes in :attr:`reference` order (name, likelihood, severity, why).
    """

    ranking: tuple[str, ...]
    reference: tuple[str, ...]
    spearman_rho: float
    worst: tuple[str, ...]
    worst_in_top_two: bool
    modes: tuple[Any, ...]

    @property
    def correct(self) -> bool:
        """Whether the ranking is consistent with the case's (:attr:`spearman_rho` is 1)."""
        return self.ranking == self.reference

    @property
    def regret(self) -> float:
        """``1 - spearman_rho``: 0 for the case's ranking, 2 for its reverse; never negative."""
        return max(0.0, 1.0 - self.spearman_rho)

    def table(self) -> pd.DataFrame:
        """The reveal: the case's ranking with each mode's numbers and why, and where the learner put it."""
        return premortem_table(self.modes, self.ranking)

    def to_text(self) -> str:
        """The verdict and the case's ranking as plain text (its record of the attempt)."""
        top = "was" if self.worst_in_top_two else "was not"
        lines = [
            f"Pre-mortem: rank correlation with the case's ranking {self.spearman_rho:+.2f} "
            f"(1 = the same order, -1 = reversed); the worst failure mode {top} in your top two.",
            "The case's ranking (likelihood x severity = expected harm; your rank):",
        ]
        for r in self.table().itertuples():
            lines.append(
                f"  {r.case_rank}. {r.name}: {r.likelihood} x {r.severity} = {r.expected_harm} "
                f"(yours: {r.your_rank}). {r.why}"
            )
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        e = html.escape
        colour = "#2a9d8f" if self.correct else ("#b26b00" if self.worst_in_top_two else "#b00020")
        top = "was" if self.worst_in_top_two else "was <b>not</b>"
        rows = "".join(
            f"<tr><td>{r.case_rank}</td><td>{e(r.name)}</td><td>{r.likelihood}</td><td>{r.severity}</td>"
            f"<td>{r.expected_harm}</td><td>{r.your_rank}</td><td>{e(r.why)}</td></tr>"
            for r in self.table().itertuples()
        )
        head = "".join(
            f"<th>{h}</th>"
            for h in ("rank", "failure mode", "likelihood", "severity", "expected harm", "yours", "why")
        )
        return math_safe_html(
            f"<p style='color:{colour}'>Rank correlation with the case's ranking "
            f"<b>{self.spearman_rho:+.2f}</b> (1 = the same order, -1 = reversed); the worst failure mode "
            f"{top} in your top two.</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
        )


def _modes_of(case_file: Any) -> list[Any]:
    """The failure modes of a case file (or of a list of them), at least two."""
    if isinstance(case_file, list | tuple):
        modes, where = list(case_file), "the list"
    else:
        modes, where = list(getattr(case_file, "failure_modes", None) or []), getattr(case_file, "id", "")
    if len(modes) < 2:
        raise InputError(f"failure_modes: {where or 'the case'} lists {len(modes)}; a pre-mortem needs two")
    return modes


def score_premortem(case_file: Any, ranking: Iterable[str]) -> PremortemScore:
    """Score a ranking of the case's failure modes (worst first) against the case's ranking.

    Parameters
    ----------
    case_file
        A :class:`nogo.CaseFile` (or anything with ``failure_modes``), or the list of
        :class:`nogo.FailureMode` itself.
    ranking
        Every failure mode's name once, worst first.

    Returns
    -------
    PremortemScore

    Raises
    ------
    InputError
        A name that is not one of the case's failure modes, a repeated one, or one left out.
    """
    modes = _modes_of(case_file)
    names = [m.name for m in modes]
    ranked = [ranking] if isinstance(ranking, str) else list(ranking)
    unknown = [r for r in ranked if r not in names]
    if unknown:
        raise InputError(f"ranking: {unknown[0]!r} is not one of the case's failure modes: {names}")
    seen: set[str] = set()
    repeated = [r for r in ranked if r in seen or seen.add(r)]  # type: ignore[func-returns-value]
    if repeated:
        raise InputError(f"ranking: {repeated[0]!r} is ranked twice; rank each failure mode once")
    left_out = [n for n in names if n not in ranked]
    if left_out:
        raise InputError(f"ranking: {', '.join(map(repr, left_out))} not ranked; rank every failure mode")
    position = {name: k for k, name in enumerate(ranked)}
    harm = np.array([m.likelihood * m.severity for m in modes])
    severity = np.array([m.severity for m in modes])
    mine = np.array([position[m.name] for m in modes])
    # the case's order, worst first; a tie (same harm, same severity) in the learner's order
    order = np.lexsort((mine, -severity, -harm))
    case_rank = np.empty(len(modes), dtype=int)
    case_rank[order] = np.arange(len(modes))
    n = len(modes)
    rho = 1.0 - 6.0 * float(np.sum((case_rank - mine) ** 2)) / (n * (n * n - 1))
    top = (harm == harm.max()) & (severity == severity[harm == harm.max()].max())
    worst = tuple(names[k] for k in order if top[k])
    return PremortemScore(
        ranking=tuple(ranked),
        reference=tuple(names[k] for k in order),
        spearman_rho=round(rho, 12),
        worst=worst,
        worst_in_top_two=any(position[w] < 2 for w in worst),
        modes=tuple(modes[k] for k in order),
    )


def premortem_table(modes: Sequence[Any], ranking: Sequence[str] | None = None) -> pd.DataFrame:
    """The failure modes in the order given, with their numbers, and the learner's rank of each.

    Columns: ``case_rank`` (1 = worst), ``name``, ``likelihood``, ``severity``, ``expected_harm``
    (likelihood x severity), ``why``, ``your_rank`` (``Int64``; missing without a ``ranking``).

    Examples
    --------
    >>> from nogo.cases.casefile import FailureMode
    >>> t = premortem_table([FailureMode(name="a", likelihood=2, severity=5, why="w")], ["a"])
    >>> t[["case_rank", "expected_harm", "your_rank"]].values.tolist()
    [[1, 10, 1]]
    """
    mine = {name: k + 1 for k, name in enumerate(ranking or ())}
    table = pd.DataFrame(
        {
            "case_rank": np.arange(1, len(modes) + 1),
            "name": [m.name for m in modes],
            "likelihood": [m.likelihood for m in modes],
            "severity": [m.severity for m in modes],
            "expected_harm": [m.likelihood * m.severity for m in modes],
            "why": [m.why for m in modes],
        }
    )
    table["your_rank"] = pd.array([mine.get(m.name) for m in modes], dtype="Int64")
    return table


# --- the widget: a thin shell over score_premortem ---------------------------------------------------


class Premortem(LiveDrill):
    """The pre-mortem as a widget: one dropdown per rank (worst first), Submit, then the case's ranking.

    Parameters
    ----------
    case_file
        A :class:`nogo.CaseFile` with ``failure_modes`` (or a :class:`nogo.Case`: its file is used).
    store
        A :class:`nogo.ProgressStore` (or anything with its ``record_attempt``); ``None`` records nothing.
    learner
        Whose ranking; ``""`` shows as "me".
    variant_seed
        The variant's seed, stored with the attempt.
    clock
        Seconds, for the time taken from the widget's creation to the submission.

    Before submitting, the widget shows each failure mode's name only, offered in alphabetical order
    and with no rank preselected, so neither the case file's order nor a default gives the answer away.
    **Submit** (or :meth:`submit`, or :meth:`run_scripted`) scores with :func:`score_premortem`, records
    one attempt (module docstring), and shows the case's ranking with each mode's likelihood, severity
    and why. One submission per widget; an incomplete ranking shows what is missing and can be fixed.
    State: :attr:`result` (``None`` before), :attr:`attempt_id`, :attr:`error`; :attr:`view`, whose
    status line (:meth:`status_text`) counts the ranks chosen.
    """

    drill_key = "premortem"

    def __init__(
        self,
        case_file: Any,
        *,
        store: Any = None,
        learner: str = "",
        variant_seed: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        import ipywidgets as w

        file = getattr(case_file, "file", case_file)  # a Case holds its CaseFile
        self.case_file, self.store, self.clock = file, store, clock
        self._names = sorted((m.name for m in _modes_of(file)), key=str.casefold)
        if not isinstance(learner, str):
            raise InputError(f"learner: expected a name (text), got {learner!r}")
        self.learner = learner.strip() or "me"
        if isinstance(variant_seed, bool) or not isinstance(variant_seed, int) or variant_seed < 0:
            raise InputError(f"variant_seed: expected a whole number >= 0, got {variant_seed!r}")
        self.variant_seed = variant_seed
        self.result: PremortemScore | None = None
        self.attempt_id: int | None = None
        self.error: str | None = None
        options = [(math_safe_text(n), n) for n in self._names]
        self.ranks = [
            w.Dropdown(options=options, value=None, description=f"{k + 1}.") for k in range(len(self._names))
        ]
        for rank in self.ranks:
            rank.observe(lambda _change: self._show_status(), names="value")
        self.submit_button, self.feedback_html = w.Button(description="Submit ranking"), w.HTML()
        self.status_html = w.HTML()
        self.submit_button.on_click(lambda _b: self._click())
        intro = w.HTML(
            "<b>Pre-mortem.</b> It is a year after launch and the agent has failed. Rank these failure "
            "modes by expected harm (how likely times how severe), worst first. The case's ranking, "
            "with each one's likelihood, severity and why, appears after you submit."
        )
        self.view = drill_view([intro, *self.ranks, self.submit_button, self.status_html, self.feedback_html],
                               self)  # fmt: skip
        self._started = float(clock())
        self._show_status()

    @property
    def submitted(self) -> bool:
        """Whether a ranking has been scored."""
        return self.result is not None

    def submit(self) -> PremortemScore:
        """Score the ranking on screen, record it, show the case's ranking; return the score."""
        if self.submitted:
            raise InputError("ranking: already submitted; build a new Premortem to try again")
        chosen = [d.value for d in self.ranks]
        empty = [k + 1 for k, v in enumerate(chosen) if v is None]
        if empty:
            raise InputError(f"ranking: choose a failure mode for rank {', '.join(map(str, empty))}")
        result = score_premortem(self.case_file, chosen)
        taken = max(0.0, float(self.clock()) - self._started)
        if self.store is not None:
            self.attempt_id = self.store.record_attempt(
                learner=self.learner, case_id=self.case_file.id, variant_seed=self.variant_seed,
                drill="premortem", item="failure modes", choice=SEPARATOR.join(result.ranking),
                cost_usd=0.0, optimal_choice=SEPARATOR.join(result.reference), optimal_cost_usd=0.0,
                time_taken_seconds=taken, score=result.spearman_rho,
            )  # fmt: skip
        self.result, self.error = result, None
        for control in (*self.ranks, self.submit_button):
            control.disabled = True
        self.feedback_html.value = result._repr_html_()
        self._show_status()
        return result

    def run_scripted(self, ranking: Sequence[str]) -> PremortemScore:
        """Set the dropdowns to ``ranking`` (worst first) and submit: the headless path."""
        ranked = list(ranking)
        if len(ranked) != len(self.ranks):
            raise InputError(f"ranking: expected {len(self.ranks)} failure modes, got {len(ranked)}")
        for dropdown, name in zip(self.ranks, ranked, strict=True):
            if name not in self._names:
                raise InputError(f"ranking: {name!r} is not one of the case's failure modes: {self._names}")
            dropdown.value = name
        return self.submit()

    def _click(self) -> None:
        try:
            self.submit()
        except Exception as exc:  # ipywidgets would swallow it: show it instead
            self.error = str(exc)
            self.status_html.value = status_html(self.error, tone="error")

    def status_text(self) -> str:
        """The widget's live status line: how many ranks are chosen (and any chosen twice), or the verdict."""
        if self.result is not None:
            return "Submitted: the case's ranking, with your rank of each failure mode and why, is below."
        chosen = [d.value for d in self.ranks if d.value is not None]
        n = len(self.ranks)
        text = f"Not submitted yet: {len(chosen)} of {format_count(n, 'rank')} chosen"
        twice = sorted({c for c in chosen if chosen.count(c) > 1}, key=str.casefold)
        if twice:
            return text + f"; chosen twice: {'; '.join(twice)}."
        return text + ("; press Submit ranking." if len(chosen) == n else ".")

    def _show_status(self) -> None:
        self.status_html.value = status_html(self.status_text())

    def brief_text(self) -> str:
        """The failure modes to rank (alphabetically), as plain text; never the case's ranking."""
        return (
            f"Pre-mortem on {self.case_file.id} ({self.learner}): not submitted yet. Rank by expected "
            f"harm, worst first: {'; '.join(self._names)}."
        )

    def static_html(self) -> str:
        """What the drill asks and the failure modes to rank, as a static card; never the case's ranking."""
        ask = '<p class="nogo-options"><b>Rank by expected harm, worst first:</b></p>'
        options = ask + boxes(self._names)
        return card_html(self.drill_key, html.escape(DRILL_TEXT[self.drill_key][1]), options,
                         case_id=self.case_file.id)  # fmt: skip

    def summary_text(self) -> str:
        """Plain text: the failure modes to rank before submitting; the verdict and ranking after."""
        return self.brief_text() if self.result is None else self.result.to_text()

    def record_text(self) -> str:
        """The verdict and the case's ranking once submitted, or that nothing is submitted yet."""
        return "no ranking submitted yet." if self.result is None else self.result.to_text()

    def __repr__(self) -> str:
        return self.summary_text()
