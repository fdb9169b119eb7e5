"""Coaching sessions: a case variant, a visible countdown, the drills, then the reveal, in app mode.

The pure helpers behind ``notebooks/coaching.ipynb`` and the ``nogo coach`` / ``nogo serve`` commands:

- :func:`coaching_parameters` checks a session's settings and gives the coaching notebook's parameters;
  the notebook draws the case variant itself with ``case.variant(seed)`` (same seed, same variant).
- :func:`case_drill_inputs` rebuilds a case's decision log, calibrated probability, costs and days the
  way its own notebook does, so the drills of a coaching session run on the variant's data.
- :func:`claim_session_path` names each learner's session notebook and never reuses an earlier one.

The session's widgets (:class:`Countdown`, :class:`Reveal`, :class:`ReportButton`) live in
:mod:`nogo.app.coach_widgets` and serving (:func:`voila_command`) in :mod:`nogo.app.serve`; both are
re-exported here, so a coaching notebook needs ``from nogo.app import coach`` only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from nogo.app.coach_widgets import (
    Countdown,
    ReportButton,
    Reveal,
    check_minutes,
    drill_assumptions,
    format_mmss,
)
from nogo.app.serve import (
    EXPOSURE_WARNING,
    allowed_hosts,
    check_exposure,
    host_allowed,
    is_loopback,
    voila_command,
)
from nogo.cases.case import open_case
from nogo.cases.casefile import CaseFile
from nogo.errors import InputError

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

DRILLS: tuple[str, ...] = ("commit", "stream", "policy", "signature", "premortem", "launch")
"""The drills a session can run, in the order they are shown: the learner's call and confidence first
(``commit``), the decision stream, the policy, the case's own lever (``signature``, where the case has
one), the pre-mortem (where the case lists failure modes), and the launch call, which compares."""


# --------------------------------------------------------------------------- parameters
def parse_drills(drills: str | Iterable[str]) -> tuple[str, ...]:
    """The drill names in ``drills`` ("stream,policy" or a list), checked, in the order of :data:`DRILLS`.

    Examples
    --------
    >>> parse_drills("launch, stream, commit")
    ('commit', 'stream', 'launch')
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
    check_minutes(minutes)
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
