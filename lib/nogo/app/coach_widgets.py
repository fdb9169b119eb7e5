"""The coaching session's widgets: a visible countdown, the reveal, and the report button.

- :class:`Countdown` is a visible mm:ss countdown. A kernel cannot tick on its own without a thread, so
  the clock is an ``ipywidgets.Play`` widget: the browser advances its ``value`` once a second
  (``interval=1000``), ``jsdlink`` copies that value into an ``IntProgress`` bar entirely in the browser
  (the bar moves even while the kernel is busy), and a kernel-side observer renders the remaining mm:ss
  into an ``HTML`` label. No custom JavaScript; headless, setting ``play.value`` does what a tick does.
- :class:`Reveal` hides the answer (debrief, the optimal policy for this variant, the Agent Impact
  Contract) behind a button: nothing of it is computed into a visible output before the click.
- :class:`ReportButton` writes the session report when clicked.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import Any

import numpy as np

from nogo.cases.case import open_case
from nogo.cases.casefile import CaseFile
from nogo.errors import InputError
from nogo.formatting import format_count, math_safe_html
from nogo.models.contract import AgentImpactContract
from nogo.practice.live import LiveDrill, drill_view, status_html

__all__ = [
    "MAX_MINUTES",
    "Countdown",
    "ReportButton",
    "Reveal",
    "check_minutes",
    "drill_assumptions",
    "format_mmss",
]

MAX_MINUTES = 240


def drill_assumptions(case: CaseFile, parameters: Any = None) -> Any:
    """The review desk of ``case`` at ``parameters`` (the defaults when None), as its notebook states it:
    the policy drill's operating assumptions (:meth:`nogo.Case.desk`).

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> drill_assumptions(Project.find().case("resume-proxy-bias")).favourable
    'not_declined'
    """
    built = open_case(case)
    return built.desk(built.parameters(parameters))


# --------------------------------------------------------------------------- countdown
def check_minutes(minutes: Any) -> int:
    """``minutes`` if it is a whole number of minutes from 1 to :data:`MAX_MINUTES`, else an InputError.

    Examples
    --------
    >>> check_minutes(20)
    20
    """
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int | np.integer)
        or not 1 <= minutes <= MAX_MINUTES
    ):
        raise InputError(
            f"minutes: expected a whole number of minutes from 1 to {MAX_MINUTES}, got {minutes!r}"
        )
    return int(minutes)


def format_mmss(seconds: float) -> str:
    """Seconds as ``mm:ss`` (rounded up to the whole second, never negative).

    Examples
    --------
    >>> format_mmss(1200), format_mmss(65.2), format_mmss(-3)
    ('20:00', '01:06', '00:00')
    """
    s = max(0, math.ceil(float(seconds)))
    return f"{s // 60:02d}:{s % 60:02d}"


class Countdown(LiveDrill):
    """A visible mm:ss countdown of ``minutes``, ticked by the browser (see the module docstring).

    Press play to start; pause and resume with the same control. ``play.value`` is the seconds
    elapsed; ``remaining_seconds``, ``text`` and ``time_up`` follow it, and the line under the clock
    (:meth:`status_text`) says whether it has started, runs, is paused or is up (``play.playing``).

    Examples
    --------
    >>> c = Countdown(2)
    >>> c.status_text()
    'Not started: press play to start the clock.'
    >>> c.play.value, c.play.playing = 75, True
    >>> c.text, c.time_up, c.status_text()
    ('00:45 left', False, 'Running: the same control pauses it.')
    """

    drill_key = "countdown"

    def __init__(self, minutes: int) -> None:
        import ipywidgets as w

        check_minutes(minutes)
        self.minutes = int(minutes)
        self.total_seconds = 60 * self.minutes
        self.play = w.Play(value=0, min=0, max=self.total_seconds, step=1, interval=1000, show_repeat=False)
        self.bar = w.IntProgress(value=0, min=0, max=self.total_seconds, description="elapsed")
        self.link = w.jsdlink((self.play, "value"), (self.bar, "value"))  # moves in the browser alone
        self.label, self.status_html = w.HTML(), w.HTML()
        self.play.observe(lambda change: self._render(), names=["value", "playing"])
        self._render()
        self.view = drill_view([self.label, w.HBox([self.play, self.bar]), self.status_html], self)

    @property
    def remaining_seconds(self) -> int:
        return max(0, self.total_seconds - int(self.play.value))

    @property
    def time_up(self) -> bool:
        return self.remaining_seconds == 0

    @property
    def text(self) -> str:
        return "Time is up" if self.time_up else f"{format_mmss(self.remaining_seconds)} left"

    def _render(self) -> None:
        colour = "#b00020" if self.remaining_seconds <= 60 else "#222"
        self.label.value = math_safe_html(
            f'<div style="font-size:2em;font-family:monospace;color:{colour}">{html.escape(self.text)}</div>'
        )
        self.status_html.value = status_html(self.status_text())

    def status_text(self) -> str:
        """The line under the clock: not started, running, paused or time up."""
        if self.time_up:
            return "Time is up: make your launch call with what you have."
        if self.play.playing:
            return "Running: the same control pauses it."
        if int(self.play.value) == 0:
            return "Not started: press play to start the clock."
        return "Paused: press play to resume."

    def brief_text(self) -> str:
        return f"Countdown: {format_count(self.minutes, 'minute')} for this session; press play to start it."

    def record_text(self) -> str:
        return self.summary_text()

    def summary_text(self) -> str:
        state = self.status_text().split(":")[0].lower()
        return f"Countdown: {format_count(self.minutes, 'minute')}; {self.text} ({state})"

    def __repr__(self) -> str:
        return self.summary_text()


# --------------------------------------------------------------------------- reveal
def _optimum_text(optimum: Any) -> str:
    s = optimum.settings
    cap = "no value cap" if math.isinf(s.value_cap_usd) else f"a value cap of ${s.value_cap_usd:,.0f}"
    return (
        f"Optimal policy for this variant: decline below p = {s.t_lo:.2f}, act alone from p = {s.t_hi:.2f} "
        f"(escalate in between), {cap}, {format_count(s.reviewers, 'reviewer')}: {optimum.n_act:,} act, "
        f"{optimum.n_escalate:,} escalate, {optimum.n_decline:,} decline; expected cost "
        f"${optimum.cost_usd:,.0f} (${optimum.cost_per_decision_usd:,.2f} a decision)."
    )


class Reveal(LiveDrill):
    """The answer behind a button: debrief, the optimal policy for this variant, the Agent Impact Contract.

    The answer is the variant's: ``parameters`` (the session's variant; None: the defaults) pick the
    call, its debrief, key guardrails and contract from the case file (:meth:`nogo.CaseFile.call_for`).
    Nothing is computed or shown until :meth:`reveal` (the button's click) runs; then ``html.value``
    holds the answer, ``text`` its plain-text form and ``revealed`` is True.
    """

    drill_key = "reveal"

    def __init__(
        self, case: CaseFile, inputs: Any, *, assumptions: Any = None, parameters: Any = None
    ) -> None:
        import ipywidgets as w

        self.case, self.inputs = case, inputs
        self.parameters = case.check_parameters(dict(parameters or {}))  # a bad variant fails here
        self.assumptions = drill_assumptions(case, self.parameters) if assumptions is None else assumptions
        self.revealed = False
        self.optimum: Any = None
        self.text = ""
        self.button = w.Button(description="Reveal the answer", button_style="warning", icon="eye")
        self.html = w.HTML(status_html("Hidden until the session ends: press the button."))
        self.button.on_click(lambda _: self.reveal())
        self.view = drill_view([self.button, self.html], self)

    def reveal(self) -> str:
        """Compute and show the answer; returns its plain text."""
        from nogo.models.policy_optimum import optimal_policy
        from nogo.practice.policy_drill import case_policy_log

        log, p, costs, days = self.inputs
        prepared = case_policy_log(
            self.case, log, p, costs, days=days, assumptions=self.assumptions, parameters=self.parameters
        )
        self.optimum = optimal_policy(prepared)
        answer = self.case.call_for(self.parameters)
        optimum = _optimum_text(self.optimum)
        keys = list(answer.key_guardrails)
        self.text = "\n".join(
            [
                f"The launch call for this variant: {answer.call}",
                "Key guardrails: " + ("; ".join(keys) or "none"),
                optimum,
                "",
                str(answer.debrief).strip(),
            ]
        )
        guardrails = "".join(f"<li>{html.escape(g)}</li>" for g in keys) or "<li>none</li>"
        contract = AgentImpactContract.from_dict(answer.contract or self.case.contract, source=self.case.id)
        self.html.value = math_safe_html(
            f"<h3>Debrief</h3><p><b>The call for this variant:</b> {html.escape(answer.call)}</p>"
            f"<p><b>Key guardrails</b></p><ul>{guardrails}</ul>"
            f"<p>{html.escape(str(answer.debrief)).replace(chr(10), '<br>')}</p>"
            f"<h3>The optimal policy for this variant</h3><p>{html.escape(optimum)}</p>"
            f"<h3>Agent Impact Contract</h3>{contract._repr_html_()}"
        )
        self.revealed = True
        self.button.disabled = True
        return self.text

    def summary_text(self) -> str:
        return self.text if self.revealed else self.brief_text()

    def brief_text(self) -> str:
        return "The answer is hidden until you press 'Reveal the answer'."

    def record_text(self) -> str:
        return self.summary_text()

    def __repr__(self) -> str:
        return self.summary_text()


class ReportButton(LiveDrill):
    """A button that writes the learner's session report (:func:`nogo.app.report.session_report`).

    The report (HTML and CSV of this session's attempts) goes to ``out_dir`` on the machine running the
    kernel: the coach's, when the session is served. ``paths`` holds what was written, ``error`` why
    nothing was (e.g. no attempt yet); ``html`` shows either, or that none is written yet.
    """

    drill_key = "report"

    def __init__(
        self, store: Any, *, learner: str, case_id: str, variant_seed: int, out_dir: str | Path
    ) -> None:
        import ipywidgets as w

        if store is None:
            raise InputError(
                "store: expected a nogo.ProgressStore (set `learner` to save attempts), got None"
            )
        self.store, self.learner, self.case_id = store, learner, case_id
        self.variant_seed, self.out_dir = int(variant_seed), Path(out_dir)
        self.paths: Any = None
        self.error: str | None = None
        self.button = w.Button(description="Write my session report", icon="file")
        self.html = w.HTML(status_html(self.summary_text()))
        self.button.on_click(lambda _: self.write())
        self.view = drill_view([self.button, self.html], self)

    def write(self) -> Any:
        """Write the report now (what a click does); returns the paths, or None with ``error`` set."""
        from nogo.app.report import session_report
        from nogo.errors import NogoError

        try:
            self.paths = session_report(
                self.store, learner=self.learner, case_id=self.case_id, variant_seed=self.variant_seed,
                out_dir=self.out_dir,
            )  # fmt: skip
            self.error = None
            kept = (
                f" ({html.escape(self.paths.taken.name)} already held an earlier report, kept as it was)"
                if self.paths.taken is not None
                else ""
            )
            self.html.value = math_safe_html(
                '<div class="nogo-status">Report written: '
                f"<code>{html.escape(str(self.paths.html_path))}</code>{kept}</div>"
            )
        except NogoError as exc:
            self.paths, self.error = None, str(exc)
            self.html.value = status_html(self.error, tone="error")
        return self.paths

    def summary_text(self) -> str:
        if self.paths is not None:
            return f"Session report: {self.paths.html_path}"
        return self.error or f"No session report written yet (it goes to {self.out_dir})."

    def brief_text(self) -> str:
        return "Session report: the button writes this session's answers (HTML and CSV) for the coach."

    def record_text(self) -> str:
        return self.summary_text()

    def __repr__(self) -> str:
        return self.summary_text()
