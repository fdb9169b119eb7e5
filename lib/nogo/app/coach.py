"""Coaching sessions: a case variant, a visible countdown, the drills, then the reveal, in app mode.

The pure helpers behind ``notebooks/coaching.ipynb`` and the ``nogo coach`` / ``nogo serve`` commands:

- :func:`coaching_parameters` checks a session's settings and gives the coaching notebook's parameters;
  the notebook draws the case variant itself with ``case.variant(seed)`` (same seed, same variant).
- :func:`case_drill_inputs` rebuilds a case's decision log, calibrated probability, costs and days the
  way its own notebook does, so the drills of a coaching session run on the variant's data.
- :class:`Countdown` is a visible mm:ss countdown. A kernel cannot tick on its own without a thread, so
  the clock is an ``ipywidgets.Play`` widget: the browser advances its ``value`` once a second
  (``interval=1000``), ``jsdlink`` copies that value into an ``IntProgress`` bar entirely in the browser
  (the bar moves even while the kernel is busy), and a kernel-side observer renders the remaining mm:ss
  into an ``HTML`` label. No custom JavaScript; headless, setting ``play.value`` does what a tick does.
- :class:`Reveal` hides the answer (debrief, the optimal policy for this variant, the Agent Impact
  Contract) behind a button: nothing of it is computed into a visible output before the click.
- :func:`voila_command` builds the Voila command line, bound to 127.0.0.1 unless told otherwise, answering
  only loopback Host names (and the ``--ip`` one), with a token required beyond loopback.
"""

from __future__ import annotations

import hashlib
import html
import ipaddress
import math
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from nogo.cases.case import open_case
from nogo.cases.casefile import CaseFile
from nogo.errors import InputError
from nogo.formatting import math_safe_html

__all__ = [
    "DRILLS",
    "EXPOSURE_WARNING",
    "Countdown",
    "DrillInputs",
    "ReportButton",
    "Reveal",
    "SessionPath",
    "allowed_hosts",
    "case_drill_inputs",
    "check_exposure",
    "claim_session_path",
    "coaching_parameters",
    "drill_assumptions",
    "format_mmss",
    "host_allowed",
    "is_loopback",
    "learner_file_tag",
    "parse_drills",
    "session_filename",
    "voila_command",
]

DRILLS: tuple[str, ...] = ("stream", "policy", "launch")
"""The drills a session can run, in the order they are shown."""
MAX_MINUTES = 240
LOOPBACK_IP = "127.0.0.1"
EXPOSURE_WARNING = (
    "WARNING: serving on {ip}, not on the loopback interface. Anyone who can reach {ip}:{port} and has "
    "the token can open the app and run the notebook's code through its widgets, with your user's rights "
    "on this machine. Do this only on a network you trust, and share the token only with learners."
)


# --------------------------------------------------------------------------- parameters
def parse_drills(drills: str | Iterable[str]) -> tuple[str, ...]:
    """The drill names in ``drills`` ("stream,policy" or a list), checked, in the order of :data:`DRILLS`.

    Examples
    --------
    >>> parse_drills("launch, stream")
    ('stream', 'launch')
    """
    items = drills.split(",") if isinstance(drills, str) else list(drills)
    names = [str(d).strip().lower() for d in items if str(d).strip()]
    unknown = [d for d in names if d not in DRILLS]
    if unknown:
        raise InputError(
            f"drills: unknown drill(s) {', '.join(unknown)}; expected some of {', '.join(DRILLS)}"
        )
    if not names:
        raise InputError(f"drills: expected at least one of {', '.join(DRILLS)}, got none")
    return tuple(d for d in DRILLS if d in names)


def _case(case: CaseFile | str, project: Any = None) -> CaseFile:
    if isinstance(case, CaseFile):
        return case
    if not isinstance(case, str) or not case.strip():
        raise InputError(f"case: expected a case id or a nogo.CaseFile, got {case!r}")
    from nogo.cases.project import Project

    return (project or Project.find()).case(case.strip())


def coaching_parameters(
    case: CaseFile | str,
    learner: str = "",
    seed: int = 1,
    minutes: int = 20,
    drills: str | Iterable[str] = DRILLS,
    *,
    project: Any = None,
) -> dict[str, Any]:
    """The coaching notebook's parameters for one session, checked.

    ``case`` is a case id (looked up in ``project``, default: the project found from the working folder)
    or a loaded case; ``learner`` may be empty (nothing is saved); ``seed`` is the variant's seed (a
    whole number >= 0: ``case.variant(seed)`` must draw); ``minutes`` the time limit, 1 to 240;
    ``drills`` some of :data:`DRILLS`.

    Returns
    -------
    dict
        ``learner``, ``case_id``, ``seed``, ``minutes``, ``drills`` (a comma-separated string), ready for
        papermill.

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> case = Project.find().case("loan-steering")
    >>> coaching_parameters(case, "ana", seed=3, minutes=15, drills="policy")
    {'learner': 'ana', 'case_id': 'loan-steering', 'seed': 3, 'minutes': 15, 'drills': 'policy'}
    """
    c = _case(case, project)
    if not isinstance(learner, str) or any(ord(ch) < 32 for ch in learner) or len(learner) > 100:
        raise InputError(f"learner: expected a name of at most 100 printable characters, got {learner!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise InputError(f"seed: expected a whole number >= 0, got {seed!r}")
    if (
        isinstance(minutes, bool)
        or not isinstance(minutes, int | np.integer)
        or not 1 <= minutes <= MAX_MINUTES
    ):
        raise InputError(
            f"minutes: expected a whole number of minutes from 1 to {MAX_MINUTES}, got {minutes!r}"
        )
    chosen = parse_drills(drills)
    c.variant(int(seed))  # the variant must draw
    return {
        "learner": learner.strip(),
        "case_id": c.id,
        "seed": int(seed),
        "minutes": int(minutes),
        "drills": ",".join(chosen),
    }


def learner_file_tag(learner: str) -> str:
    """A readable, file-safe tag of ``learner`` that is unique per name: ``<slug>-<8 hex of sha256>``.

    The slug keeps the name's ASCII letters and digits (accents dropped, at most 40 characters; "learner"
    when none are left, "anyone" for an empty name); the hash is of the exact name, so two names that
    slug alike ("Ana" and "ana", "李雷" and "王芳") still get different tags. Never a path separator,
    never a leading dot, at most 49 characters.

    Examples
    --------
    >>> learner_file_tag("Ana María / PM"), learner_file_tag("李雷")
    ('ana-maria-pm-7d9026b7', 'learner-3a47328a')
    """
    decomposed = unicodedata.normalize("NFKD", learner)
    ascii_name = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name).strip("-")[:40].strip("-")
    slug = slug or ("learner" if learner else "anyone")
    return f"{slug}-{hashlib.sha256(learner.encode('utf-8')).hexdigest()[:8]}"


def session_filename(learner: str, case_id: str, seed: int) -> str:
    """``<learner-tag>-<case>-<seed>.ipynb``, unique per learner (see :func:`learner_file_tag`).

    The tag is of the name as attempts are saved under it (surrounding spaces stripped, as
    :func:`coaching_parameters` does).

    Examples
    --------
    >>> session_filename("Ana María / PM", "loan-steering", 7)
    'ana-maria-pm-7d9026b7-loan-steering-7.ipynb'
    """
    case = re.sub(r"[^a-z0-9]+", "-", str(case_id).lower()).strip("-")[:40].strip("-") or "case"
    return f"{learner_file_tag(learner.strip())}-{case}-{int(seed)}.ipynb"


class SessionPath(NamedTuple):
    """Where a new session's notebook goes: ``path`` (claimed, empty), ``taken`` (the earlier session's
    notebook that held the plain name, or None) and ``message`` (what to tell the coach, or "")."""

    path: Path
    taken: Path | None
    message: str


def claim_session_path(folder: str | Path, learner: str, case_id: str, seed: int) -> SessionPath:
    """Claim a new notebook file for a session in ``folder``; never an earlier session's file.

    The name is :func:`session_filename`; when a file of that name exists (the same learner replaying
    the same seed, say), ``-2``, ``-3``, ... is added before ``.ipynb`` and ``message`` says so. The file
    is created empty (exclusively, so two sessions started at once never share it): write the executed
    notebook over it.

    Examples
    --------
    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> claim_session_path(folder, "ana", "loan-steering", 5).path.name
    'ana-24d4b96f-loan-steering-5.ipynb'
    >>> again = claim_session_path(folder, "ana", "loan-steering", 5)
    >>> again.path.name, again.taken.name
    ('ana-24d4b96f-loan-steering-5-2.ipynb', 'ana-24d4b96f-loan-steering-5.ipynb')
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    first = out / session_filename(learner, case_id, seed)
    for k in range(1, 10_000):
        path = first if k == 1 else first.with_name(f"{first.stem}-{k}.ipynb")
        try:
            with open(path, "x", encoding="utf-8"):
                pass
        except FileExistsError:
            continue
        if k == 1:
            return SessionPath(path, None, "")
        return SessionPath(
            path,
            first,
            f"{first} already holds an earlier session (kept): this one is {path.name}",
        )
    raise InputError(f"folder: {out} already holds 9,999 sessions named like {first.name}; clear some out")


# --------------------------------------------------------------------------- the drills' inputs
class DrillInputs(NamedTuple):
    """What the drills need: the decision log, the calibrated probability, the costs, the days covered."""

    log: pd.DataFrame
    p: np.ndarray
    costs: Any
    days: float


def case_drill_inputs(
    case: CaseFile, parameters: dict[str, Any] | None = None, *, data_root: str | Path | None = None
) -> DrillInputs:
    """The decision log, calibrated ``p``, costs and days of ``case``, built as its own notebook does.

    ``parameters`` are the case's parameters (e.g. ``case.variant(seed)``; missing ones take the
    defaults); ``data_root`` is the project's ``data/`` folder (default: found from the working folder).
    Built through the case interface (:meth:`nogo.Case.build`): any case of the casebook works.

    Returns
    -------
    DrillInputs
        ``(log, p, costs, days)``: ``log`` has at least ``score``, ``outcome``, ``value_usd``; ``p`` one
        calibrated probability per row; ``costs`` a ``nogo.DecisionCosts`` of the log's length.

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> case = Project.find().case("pricing-feedback-loop")
    >>> log, p, costs, days = case_drill_inputs(case, case.variant(1))
    >>> len(log) == len(p) == costs.expected(p).shape[0], days
    (True, 30.0)
    """
    data = open_case(case, data_root).build(parameters)
    return DrillInputs(data.log, data.p, data.costs, data.days)


def drill_assumptions(case: CaseFile) -> Any:
    """The policy drill's operating assumptions for ``case``, as its notebook states them.

    Examples
    --------
    >>> from nogo.cases.project import Project
    >>> drill_assumptions(Project.find().case("resume-proxy-bias")).favourable
    'not_declined'
    """
    built = open_case(case)
    return built.desk(built.parameters())


# --------------------------------------------------------------------------- countdown
def format_mmss(seconds: float) -> str:
    """Seconds as ``mm:ss`` (rounded up to the whole second, never negative).

    Examples
    --------
    >>> format_mmss(1200), format_mmss(65.2), format_mmss(-3)
    ('20:00', '01:06', '00:00')
    """
    s = max(0, math.ceil(float(seconds)))
    return f"{s // 60:02d}:{s % 60:02d}"


class Countdown:
    """A visible mm:ss countdown of ``minutes``, ticked by the browser (see the module docstring).

    Press play to start; pause and resume with the same control. ``play.value`` is the seconds
    elapsed; ``remaining_seconds``, ``text`` and ``time_up`` follow it.

    Examples
    --------
    >>> c = Countdown(2)
    >>> c.play.value = 75
    >>> c.text, c.time_up
    ('00:45 left', False)
    """

    def __init__(self, minutes: int) -> None:
        import ipywidgets as w

        if (
            isinstance(minutes, bool)
            or not isinstance(minutes, int | np.integer)
            or not 1 <= minutes <= MAX_MINUTES
        ):
            raise InputError(
                f"minutes: expected a whole number of minutes from 1 to {MAX_MINUTES}, got {minutes!r}"
            )
        self.minutes = int(minutes)
        self.total_seconds = 60 * self.minutes
        self.play = w.Play(value=0, min=0, max=self.total_seconds, step=1, interval=1000, description="start")
        self.bar = w.IntProgress(value=0, min=0, max=self.total_seconds, description="elapsed")
        self.link = w.jsdlink((self.play, "value"), (self.bar, "value"))  # moves in the browser alone
        self.label = w.HTML()
        self.play.observe(lambda change: self._render(), names="value")
        self._render()
        self.view = w.VBox([self.label, w.HBox([self.play, self.bar])])

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

    def summary_text(self) -> str:
        return f"Countdown: {self.minutes} minutes; {self.text} (press play to start)"

    def __repr__(self) -> str:
        return self.summary_text()

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import display

        display(self.view)


# --------------------------------------------------------------------------- reveal
def _optimum_text(optimum: Any) -> str:
    s = optimum.settings
    cap = "no value cap" if math.isinf(s.value_cap_usd) else f"a value cap of ${s.value_cap_usd:,.0f}"
    return (
        f"Optimal policy for this variant: decline below p = {s.t_lo:.2f}, act alone from p = {s.t_hi:.2f} "
        f"(escalate in between), {cap}, {s.reviewers} reviewer(s): {optimum.n_act:,} act, "
        f"{optimum.n_escalate:,} escalate, {optimum.n_decline:,} decline; expected cost "
        f"${optimum.cost_usd:,.0f} (${optimum.cost_per_decision_usd:,.2f} a decision)."
    )


class Reveal:
    """The answer behind a button: debrief, the optimal policy for this variant, the Agent Impact Contract.

    Nothing is computed or shown until :meth:`reveal` (the button's click) runs; then ``html.value``
    holds the answer, ``text`` its plain-text form and ``revealed`` is True.
    """

    def __init__(self, case: CaseFile, inputs: DrillInputs, *, assumptions: Any = None) -> None:
        import ipywidgets as w

        self.case, self.inputs = case, inputs
        self.assumptions = drill_assumptions(case) if assumptions is None else assumptions
        self.revealed = False
        self.optimum: Any = None
        self.text = ""
        self.button = w.Button(description="Reveal the answer", button_style="warning", icon="eye")
        self.html = w.HTML(math_safe_html("<i>Hidden until the session ends: press the button.</i>"))
        self.button.on_click(lambda _: self.reveal())
        self.view = w.VBox([self.button, self.html])

    def reveal(self) -> str:
        """Compute and show the answer; returns its plain text (also printed)."""
        from nogo.models.policy_model import prepare_policy_log
        from nogo.models.policy_optimum import optimal_policy

        log, p, costs, days = self.inputs
        prepared = prepare_policy_log(log, p, costs, days=days, assumptions=self.assumptions)
        self.optimum = optimal_policy(prepared)
        drill = self.case.drill
        optimum = _optimum_text(self.optimum)
        self.text = "\n".join(
            [
                f"The launch call the debrief defends: {drill.launch_call}",
                "Key guardrails: " + "; ".join(drill.key_guardrails),
                optimum,
                "",
                str(self.case.debrief).strip(),
            ]
        )
        guardrails = "".join(f"<li>{html.escape(g)}</li>" for g in drill.key_guardrails)
        self.html.value = math_safe_html(
            f"<h3>Debrief</h3><p><b>The call:</b> {html.escape(drill.launch_call)}</p>"
            f"<p><b>Key guardrails</b></p><ul>{guardrails}</ul>"
            f"<p>{html.escape(str(self.case.debrief)).replace(chr(10), '<br>')}</p>"
            f"<h3>The optimal policy for this variant</h3><p>{html.escape(optimum)}</p>"
            f"<h3>Agent Impact Contract</h3>{self.case.agent_impact_contract()._repr_html_()}"
        )
        self.revealed = True
        self.button.disabled = True
        print(self.text)
        return self.text

    def summary_text(self) -> str:
        return self.text if self.revealed else "The answer is hidden until you press 'Reveal the answer'."

    def __repr__(self) -> str:
        return self.summary_text()

    def _ipython_display_(self) -> None:  # pragma: no cover - display only
        from IPython.display import display

        display(self.view)


class ReportButton:
    """A button that writes the learner's session report (:func:`nogo.app.report.session_report`).

    The report (HTML and CSV of this session's attempts) goes to ``out_dir`` on the machine running the
    kernel: the coach's, when the session is served. ``paths`` holds what was written, ``error`` why
    nothing was (e.g. no attempt yet); ``html`` shows either.
    """

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
        self.html = w.HTML()
        self.button.on_click(lambda _: self.write())
        self.view = w.VBox([self.button, self.html])

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
                f"Report written: <code>{html.escape(str(self.paths.html_path))}</code>{kept}"
            )
        except NogoError as exc:
            self.paths, self.error = None, str(exc)
            self.html.value = math_safe_html(f'<span style="color:#b00020">{html.escape(self.error)}</span>')
        return self.paths

    def summary_text(self) -> str:
        if self.paths is not None:
            return f"Session report: {self.paths.html_path}"
        return self.error or f"No session report written yet (it goes to {self.out_dir})."

    def __repr__(self) -> str:
        return self.summary_text()


# --------------------------------------------------------------------------- serving
def is_loopback(ip: str) -> bool:
    """Whether ``ip`` is a loopback address (``localhost`` counts).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if ip.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(ip.strip()).is_loopback
    except ValueError:
        return False  # a host name: treat it as reachable from elsewhere


LOOPBACK_HOSTS: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")
"""The Host names a served app answers by default (with the ``--ip`` address, when it is not loopback)."""
_TOKEN = re.compile(r"[A-Za-z0-9._~-]{16,200}")


def _host_key(name: str) -> str:
    """A host name or address in one spelling: lower case, IPv6 without brackets and compressed."""
    name = name.strip().lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return ipaddress.ip_address(name).compressed
    except ValueError:
        return name


def _is_address(name: str) -> bool:
    try:
        ipaddress.ip_address(_host_key(name))
    except ValueError:
        return False
    return True


def host_allowed(host: str, allowed: Iterable[str]) -> bool:
    """Whether an HTTP ``Host`` header (``name``, ``name:port``, ``[v6]:port``) names one of ``allowed``.

    Examples
    --------
    >>> host_allowed("[::1]:8866", LOOPBACK_HOSTS), host_allowed("evil.example:8866", LOOPBACK_HOSTS)
    (True, False)
    """
    host = str(host or "").strip()
    m = re.fullmatch(r"(\[[^\]]*\]|[^:\[\]]*)(:\d{1,5})?", host)
    if not m or not m.group(1):
        return False
    return _host_key(m.group(1)) in {_host_key(a) for a in allowed}


def allowed_hosts(ip: str = LOOPBACK_IP) -> list[str]:
    """The Host names an app served on ``ip`` answers: :data:`LOOPBACK_HOSTS`, and ``ip`` itself.

    Examples
    --------
    >>> allowed_hosts(), allowed_hosts("192.168.1.5")
    (['localhost', '127.0.0.1', '::1'], ['localhost', '127.0.0.1', '::1', '192.168.1.5'])
    """
    hosts = list(LOOPBACK_HOSTS)
    if _host_key(ip) not in {_host_key(h) for h in hosts}:
        hosts.append(_host_key(ip))
    return hosts


def check_exposure(ip: str, token: str | None) -> str | None:
    """Check that serving on ``ip`` is safe; returns the token to use (None: no token, loopback only).

    Beyond loopback a token is required (16 to 200 of ``A-Z a-z 0-9 . _ ~ -``), and ``ip`` must be one
    address or name, not every interface (0.0.0.0, ::): the app answers only the Host names it knows.

    Examples
    --------
    >>> check_exposure("127.0.0.1", None) is None
    True
    >>> check_exposure("192.168.1.5", None)
    Traceback (most recent call last):
    ...
    nogo.errors.InputError: token: serving on 192.168.1.5 (beyond this machine) needs a token...
    """
    if token is not None and (not isinstance(token, str) or not _TOKEN.fullmatch(token)):
        raise InputError(
            "token: expected 16 to 200 characters of A-Z a-z 0-9 . _ ~ - (e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(24))'), got "
            + (f"{len(token)} character(s)" if isinstance(token, str) else repr(token))
        )  # the token itself is never echoed
    if is_loopback(ip):
        return token
    if token is None:
        raise InputError(
            f"token: serving on {ip} (beyond this machine) needs a token, or anyone who can reach it runs "
            "the notebook's code: pass --token with a secret of 16 or more characters (e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(24))') and give learners the URL "
            "ending in ?token=...; or serve on 127.0.0.1"
        )
    if _is_address(ip) and ipaddress.ip_address(_host_key(ip)).is_unspecified:
        raise InputError(
            f"ip: {ip} listens on every interface, but the app answers only the Host names it knows "
            "(localhost, 127.0.0.1, [::1] and --ip); bind the one address learners will open, "
            "e.g. --ip 192.168.1.5"
        )
    return token


def _host_allowlist_provider() -> type:
    from jupyter_server.auth.identity import PasswordIdentityProvider
    from tornado import web

    class HostAllowlistIdentityProvider(PasswordIdentityProvider):  # type: ignore[misc]
        """Voila's token login, first refusing (403) a request whose Host is not in the tornado setting
        ``nogo_allowed_hosts`` (no setting: every request refused). Every Voila page, API and kernel
        websocket asks the identity provider for the user before anything else."""

        def get_user(self, handler: Any) -> Any:
            allowed = handler.settings.get("nogo_allowed_hosts")
            if not allowed or not host_allowed(handler.request.host, allowed):
                self.log.warning("Blocking request with Host %r (not allowed)", handler.request.host)
                raise web.HTTPError(403, "Host not allowed")
            return super().get_user(handler)

    HostAllowlistIdentityProvider.__module__ = __name__
    return HostAllowlistIdentityProvider


def __getattr__(name: str) -> Any:  # the provider needs jupyter_server: built on first use only
    if name == "HostAllowlistIdentityProvider":
        cls = globals()[name] = _host_allowlist_provider()
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def voila_command(
    notebook: str | Path,
    *,
    port: int | None = None,
    ip: str = LOOPBACK_IP,
    open_browser: bool = False,
    python: str = sys.executable,
    token: str | None = None,
) -> list[str]:
    """The command line serving ``notebook`` in app mode with Voila (widgets and prose, no code).

    Bound to ``ip`` (default 127.0.0.1, this machine only). Sources are stripped (Voila's default, made
    explicit); the kernel runs with the notebook's folder as its working folder.

    Only the Host names of :func:`allowed_hosts` are answered (a web page that rebinds its own name to
    127.0.0.1 is refused with 403): on loopback or a named ``ip`` by jupyter_server's own Host check
    (``allow_remote_access=False`` and ``local_hostnames`` in ``Voila.tornado_settings``); on a
    non-loopback address, which that check cannot allow, by :class:`HostAllowlistIdentityProvider`.
    Beyond loopback a ``token`` is required (:func:`check_exposure`); it is passed as ``Voila.token``.

    Examples
    --------
    >>> voila_command("nb.ipynb", port=8866, python="python")  # doctest: +NORMALIZE_WHITESPACE
    ['python', '-m', 'voila', 'nb.ipynb', '--Voila.ip=127.0.0.1', '--strip_sources=True',
     "--Voila.tornado_settings={'allow_remote_access': False, 'local_hostnames': ['localhost']}",
     '--no-browser', '--port=8866']
    """
    if not isinstance(ip, str) or not ip.strip() or any(c.isspace() for c in ip.strip()):
        raise InputError(f"ip: expected an address such as 127.0.0.1, got {ip!r}")
    if port is not None and (isinstance(port, bool) or not isinstance(port, int) or not 0 < port < 65536):
        raise InputError(f"port: expected a port number from 1 to 65535, got {port!r}")
    ip = ip.strip()
    token = check_exposure(ip, token)
    hosts = allowed_hosts(ip)
    cmd = [python, "-m", "voila", str(notebook), f"--Voila.ip={ip}", "--strip_sources=True"]
    settings: dict[str, Any]
    if all(is_loopback(h) or not _is_address(h) for h in hosts):  # jupyter_server's check suffices
        settings = {"allow_remote_access": False, "local_hostnames": [h for h in hosts if not _is_address(h)]}
    else:
        settings = {"allow_remote_access": True, "nogo_allowed_hosts": hosts}
        cmd.append(f"--Voila.identity_provider_class={__name__}.HostAllowlistIdentityProvider")
    cmd.append(f"--Voila.tornado_settings={settings!r}")
    if token is not None:
        cmd.append(f"--Voila.token={token}")
    if not open_browser:
        cmd.append("--no-browser")
    if port is not None:
        cmd.append(f"--port={port}")
    return cmd
