"""Session reports: one self-contained HTML file and the raw attempts as CSV, for a coach to keep or send.

:func:`session_report` reads a learner's attempts and rubric marks from a :class:`nogo.ProgressStore`
and writes two files to ``out_dir`` (default ``reports/``)::

    <learner-slug>-<case or all-cases>-<seed or all-variants>-<YYYYmmddTHHMMSSZ>.html
    <learner-slug>-<case or all-cases>-<seed or all-variants>-<YYYYmmddTHHMMSSZ>.csv

Offline and inert. The HTML has no ``<script>``, no external stylesheet, font or image: the CSS is an
inline ``<style>`` block and the charts are SVG markup rendered by ``vl_convert.vegalite_to_svg`` and
pasted in, so the file opens with no network. Every string a person typed (learner, item, choice,
optimal choice, comment, marked_by, case id, session id, title) goes through :func:`html.escape`
before it reaches the page; the charts are built from numbers and from the fixed drill and rubric
dimension names only, so no typed text can reach the SVG.

CSV injection. A spreadsheet treats a cell starting with ``=``, ``+``, ``-`` or ``@`` (and, in some
programs, a tab or carriage return) as a formula. In the CSV every *text* cell starting with one of
those characters is prefixed with a single quote ``'`` (OWASP's advice), so ``=cmd|' /C calc'!A0``
is written as ``'=cmd|' /C calc'!A0`` and shows as text. Numeric columns are written as numbers (a
negative regret stays ``-5.0``), and strip the quote (:func:`neutralise_csv_cell` is the exact rule)
to get back what was typed.
"""

from __future__ import annotations

import html
import re
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from nogo.cases.casefile import RUBRIC_DIMENSIONS
from nogo.errors import InputError
from nogo.formatting import format_duration, format_percent, format_usd

__all__ = [
    "CSV_FORMULA_PREFIXES",
    "ReportNameWarning",
    "ReportPaths",
    "neutralise_csv_cell",
    "report_file_stem",
    "session_report",
    "session_summary",
]

CSV_FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
"""A text cell starting with one of these is written to the CSV with a leading ``'``."""

_CSV_COLUMNS = [
    "attempt_id", "learner", "case_id", "variant_seed", "session_id", "drill", "item", "choice",
    "optimal_choice", "cost_usd", "optimal_cost_usd", "regret_usd", "correct", "time_taken_seconds",
    "timestamp_utc", "confidence", "score", "justification",
]  # fmt: skip
_TEXT_COLUMNS = [
    "learner", "case_id", "session_id", "drill", "item", "choice", "optimal_choice", "justification",
]  # fmt: skip
_STYLE = (
    'body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em;color:#222;max-width:70em}'
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
    "th,td{border:1px solid #ccc;padding:0.25em 0.6em;text-align:left;vertical-align:top}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}"
    "th{background:#f3f3f3}.chart{margin:1em 0}.muted{color:#666}"
)


@dataclass(frozen=True)
class ReportPaths:
    """Where :func:`session_report` wrote the report (``html_path``) and the raw attempts (``csv_path``)."""

    html_path: Path
    csv_path: Path
    taken: Path | None = None
    """The earlier report that held this report's plain name (kept as it was), or None."""


class ReportNameWarning(UserWarning):
    """A report's name was taken by an earlier report (same learner, case, seed and second): the new one
    got ``-2``, ``-3``, ... added, and the earlier one was kept."""


def neutralise_csv_cell(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would read as a formula with ``'``; leave the rest alone.

    Examples
    --------
    >>> neutralise_csv_cell("=1+1"), neutralise_csv_cell("act"), neutralise_csv_cell(-5.0)
    ("'=1+1", 'act', -5.0)
    """
    if isinstance(value, str) and value.startswith(CSV_FORMULA_PREFIXES):
        return "'" + value
    return value


def _slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:40].strip("-") or "learner"


def report_file_stem(learner: str, case_id: str | None, variant_seed: int | None, now: datetime) -> str:
    """The report's file name without extension: ``<learner-tag>-<case>-<seed>-<UTC timestamp>``.

    The learner's tag is a readable slug and 8 hex digits of the sha256 of the exact name
    (:func:`nogo.app.coach.learner_file_tag`), so two learners never share a name ("李雷" and "王芳", "Ana"
    and "ana"); never a path separator or a leading dot.

    Examples
    --------
    >>> report_file_stem("Ana <b>", "loan-steering", 7, datetime(2026, 11, 2, 9, tzinfo=UTC))
    'ana-b-794f890e-loan-steering-7-20261102T090000Z'
    >>> report_file_stem("Ana", None, None, datetime(2026, 11, 2, tzinfo=UTC))
    'ana-dea210f0-all-cases-all-variants-20261102T000000Z'
    """
    from nogo.app.coach import learner_file_tag

    case = _slugify(case_id) if case_id is not None else "all-cases"
    seed = str(int(variant_seed)) if variant_seed is not None else "all-variants"
    return f"{learner_file_tag(learner)}-{case}-{seed}-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _claim_report_paths(out: Path, stem: str) -> ReportPaths:
    """Claim a free ``<stem>[-k].html`` and ``.csv`` pair in ``out`` (created exclusively, empty)."""
    first = ReportPaths(out / f"{stem}.html", out / f"{stem}.csv")
    for k in range(1, 10_000):
        name = stem if k == 1 else f"{stem}-{k}"
        html_path, csv_path = out / f"{name}.html", out / f"{name}.csv"
        try:
            with open(html_path, "x", encoding="utf-8"):
                pass
        except FileExistsError:
            continue
        try:
            with open(csv_path, "x", encoding="utf-8"):
                pass
        except FileExistsError:  # a lone CSV of that name: keep the pair together, try the next
            html_path.unlink()
            continue
        if k == 1:
            return ReportPaths(html_path, csv_path)
        warnings.warn(
            f"{first.html_path} already exists (an earlier report, kept): this one is {html_path.name}",
            ReportNameWarning,
            stacklevel=3,
        )
        return ReportPaths(html_path, csv_path, taken=first.html_path)
    raise InputError(f"out_dir: {out} already holds 9,999 reports named like {stem}.html; clear some out")


def session_summary(attempts: pd.DataFrame) -> pd.DataFrame:
    """One row per drill (commit, stream, policy, signature, pre-mortem, launch) plus a ``total`` row.

    Columns: ``drill``, ``attempts``, ``correct``, ``accuracy`` (share of choices equal to the optimal
    one), ``cost_usd`` and ``optimal_cost_usd`` (sums), ``regret_usd`` (the sum over answers of ``cost_usd
    - optimal_cost_usd``, each counted 0 when a lucky outcome made it negative: regret is never
    negative), ``time_taken_seconds`` (sum), and ``regret`` with its ``unit``: the drill's regret on its
    own scale (:func:`nogo.regret_over_time`: dollars, ``1 - rank correlation`` for the pre-mortem, the
    share of points missed for the launch call, wrong calls for the commit; missing on the total, which
    would add unlike units).

    Examples
    --------
    >>> log = pd.DataFrame({"drill": ["stream", "stream"], "choice": ["act", "escalate"],
    ...     "optimal_choice": ["act", "decline"], "cost_usd": [0.0, 30.0], "optimal_cost_usd": [0.0, 10.0],
    ...     "time_taken_seconds": [4.0, 6.0]})
    >>> session_summary(log)[["drill", "accuracy", "regret_usd"]].values.tolist()
    [['stream', 0.5, 20.0], ['total', 0.5, 20.0]]
    """
    from nogo.practice.track_record import REGRET_UNITS, regret_over_time

    df = attempts.assign(correct=attempts["choice"] == attempts["optimal_choice"])
    df["_regret_usd"] = (df["cost_usd"] - df["optimal_cost_usd"]).clip(lower=0.0)
    order = {d: k for k, d in enumerate(("commit", "stream", "policy", "signature", "premortem", "launch"))}
    parts = df.assign(_order=df["drill"].map(order).fillna(len(order)))
    grouped = parts.groupby(["_order", "drill"], sort=True)
    out = (
        grouped.agg(
            attempts=("choice", "size"),
            correct=("correct", "sum"),
            cost_usd=("cost_usd", "sum"),
            optimal_cost_usd=("optimal_cost_usd", "sum"),
            regret_usd=("_regret_usd", "sum"),
            time_taken_seconds=("time_taken_seconds", "sum"),
        )
        .reset_index(level="drill")
        .reset_index(drop=True)
    )
    total = pd.DataFrame([{"drill": "total", **out.drop(columns="drill").sum().to_dict()}])
    out = pd.concat([out, total], ignore_index=True).astype({"attempts": "int64", "correct": "int64"})
    out.insert(3, "accuracy", out["correct"] / out["attempts"])
    own = df.assign(case_id="", timestamp=0, score=df.get("score", pd.Series(float("nan"), index=df.index)))
    out["regret"] = out["drill"].map(regret_over_time(own).groupby("drill")["regret"].sum())
    out["unit"] = out["drill"].map(lambda d: "" if d == "total" else REGRET_UNITS.get(d, "USD"))
    return out


def _filter(frame: pd.DataFrame, variant_seed: int | None, session_id: str | None) -> pd.DataFrame:
    keep = pd.Series(True, index=frame.index)
    if variant_seed is not None:
        keep &= frame["variant_seed"] == int(variant_seed)
    if session_id is not None:
        keep &= frame["session_id"] == session_id
    return frame[keep].reset_index(drop=True)


def _e(value: Any) -> str:
    return html.escape("" if value is None or value is pd.NA else str(value), quote=True)


def _table(frame: pd.DataFrame, numeric: dict[str, Any], table_id: str) -> str:
    """An HTML table; every cell escaped, numeric columns formatted with ``numeric[column]`` (a function
    of the formatting layer, or a format string)."""
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    cells = pd.DataFrame(index=frame.index)
    for c in frame.columns:  # a loop over columns; each column is rendered in one vectorised map
        if c in numeric:
            fmt = numeric[c] if callable(numeric[c]) else numeric[c].format
            cells[c] = '<td class="num">' + frame[c].map(fmt).map(_e) + "</td>"
        else:
            cells[c] = "<td>" + frame[c].map(_e) + "</td>"
    rows = ("<tr>" + cells.agg("".join, axis=1) + "</tr>") if len(cells.columns) else pd.Series([], dtype=str)
    return f'<table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _svg(chart: Any) -> str:
    import vl_convert

    return f'<div class="chart">{vl_convert.vegalite_to_svg(chart.to_dict())}</div>'


def _charts(attempts: pd.DataFrame, marks: pd.DataFrame) -> list[str]:
    """Inline SVG charts built from numbers and fixed names only (no typed text reaches them)."""
    import altair as alt

    from nogo.charts.track_record import calibration_chart, regret_chart
    from nogo.practice.track_record import calibration_table, regret_over_time

    out: list[str] = []
    if not attempts.empty:  # each drill on its own scale: one dollar axis would flatten all but the largest
        out.append(_svg(regret_chart(regret_over_time(attempts))))
        said = attempts[attempts["confidence"].notna()]
        if not said.empty:
            out.append(_svg(calibration_chart(calibration_table(said["confidence"], said["correct"]))))
    if not marks.empty:
        share = marks.groupby("dimension", sort=False)["score_share"].mean()
        dims = pd.DataFrame({"dimension": list(RUBRIC_DIMENSIONS)})
        dims["mean_score_share"] = dims["dimension"].map(share)
        rubric = (
            alt.Chart(dims.dropna())
            .mark_bar()
            .encode(
                y=alt.Y("dimension:N", sort=list(RUBRIC_DIMENSIONS), title=None),
                x=alt.X(
                    "mean_score_share:Q", title="mean mark (share of scale)", scale=alt.Scale(domain=[0, 1])
                ),
            )
            .properties(title="Rubric marks", width=300, height=140)
        )
        out.append(_svg(rubric))
    return out


def _case_title(case_id: str | None, project: Any) -> str | None:
    if case_id is None:
        return None
    try:
        from nogo.cases.project import Project

        return (project or Project.find()).case(case_id).title
    except Exception:  # no casebook here, or no such case: the id stands in for the title
        return None


def session_report(
    store: Any,
    *,
    learner: str,
    case_id: str | None = None,
    variant_seed: int | None = None,
    session_id: str | None = None,
    out_dir: str | Path = "reports",
    title: str | None = None,
    now: datetime | None = None,
    project: Any = None,
) -> ReportPaths:
    """Write a learner's session report (HTML) and raw attempts (CSV) to ``out_dir``; return the paths.

    Parameters
    ----------
    store
        A :class:`nogo.ProgressStore`.
    learner, case_id, variant_seed, session_id
        Which attempts and rubric marks to report (``None``: do not filter on that field).
    out_dir
        The folder to write to (created if missing). An earlier report is never overwritten: when its
        name (:func:`report_file_stem`) is taken, this one gets ``-2``, ``-3``, ... and a
        :class:`ReportNameWarning` says so.
    title
        The page title (default ``"Session report: <learner>"``); escaped like everything typed.
    now
        The report's time (timezone-aware): the date in the header and the file name. Same store, same
        ``now``: byte-identical files.
    project
        A :class:`nogo.Project` to look the case title up in (default ``Project.find()``; the case id is
        shown when no case file is found).

    Returns
    -------
    ReportPaths
        ``html_path`` and ``csv_path``. The CSV has one row per attempt, columns ``attempt_id``,
        ``learner``, ``case_id``, ``variant_seed``, ``session_id``, ``drill``, ``item``, ``choice``,
        ``optimal_choice``, ``cost_usd``, ``optimal_cost_usd``, ``regret_usd``, ``correct``,
        ``time_taken_seconds``, ``timestamp_utc``, formula-like text cells neutralised (module docstring).
        ``taken`` is the earlier report whose name this one could not have (or None).

    Raises
    ------
    InputError
        No attempt and no rubric mark match; ``learner`` empty; ``now`` not timezone-aware.

    Examples
    --------
    >>> import tempfile
    >>> from nogo.practice.progress import ProgressStore
    >>> store = ProgressStore(":memory:")
    >>> _ = store.record_attempt(learner="ana", case_id="loan-steering", variant_seed=7, drill="stream",
    ...     item="decision-3", choice="act", cost_usd=120.0, optimal_choice="escalate",
    ...     optimal_cost_usd=15.0, time_taken_seconds=9.5)
    >>> paths = session_report(store, learner="ana", case_id="loan-steering", out_dir=tempfile.mkdtemp(),
    ...     now=datetime(2026, 11, 2, 9, tzinfo=UTC))
    >>> paths.csv_path.name
    'ana-24d4b96f-loan-steering-all-variants-20261102T090000Z.csv'
    >>> "<script" in paths.html_path.read_text()
    False
    """
    if not isinstance(learner, str) or not learner.strip():
        raise InputError(f"learner: expected a non-empty name, got {learner!r}")
    when = datetime.now(UTC) if now is None else now
    if not isinstance(when, datetime) or when.utcoffset() is None:
        raise InputError(f"now: expected a timezone-aware datetime, got {now!r}")
    attempts = _filter(store.attempts(learner=learner, case_id=case_id), variant_seed, session_id)
    marks = _filter(store.rubric_marks(learner=learner, case_id=case_id), variant_seed, session_id)
    if attempts.empty and marks.empty:
        scope = ", ".join(
            f"{k}={v!r}"
            for k, v in {"case_id": case_id, "variant_seed": variant_seed, "session_id": session_id}.items()
            if v is not None
        )
        raise InputError(
            f"learner: no attempts and no rubric marks for {learner!r}{' with ' + scope if scope else ''} "
            f"in {getattr(store, 'path', 'the store')}; nothing to report"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = report_file_stem(learner, case_id, variant_seed, when)
    paths = _claim_report_paths(out, stem)  # never over an earlier report (a ReportNameWarning says so)

    raw = attempts.assign(timestamp_utc=attempts["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    raw = raw[_CSV_COLUMNS]
    raw = raw.assign(**{c: raw[c].map(neutralise_csv_cell) for c in _TEXT_COLUMNS})
    raw.to_csv(paths.csv_path, index=False, lineterminator="\n")

    page = _page(attempts, marks, learner, case_id, variant_seed, session_id, title, when, project)
    paths.html_path.write_text(page, encoding="utf-8")
    return paths


def _page(
    attempts: pd.DataFrame,
    marks: pd.DataFrame,
    learner: str,
    case_id: str | None,
    variant_seed: int | None,
    session_id: str | None,
    title: str | None,
    when: datetime,
    project: Any,
) -> str:
    cases = sorted({*attempts["case_id"], *marks["case_id"]})
    seeds = sorted({*attempts["variant_seed"].tolist(), *marks["variant_seed"].tolist()})
    case_title = _case_title(case_id, project)
    case_text = f"{case_title} ({case_id})" if case_title else (case_id or ", ".join(cases))
    variant = str(variant_seed) if variant_seed is not None else ", ".join(map(str, seeds))
    head = title or f"Session report: {learner}"
    facts = [
        ("Learner", learner), ("Case", case_text), ("Variant seed", variant),
        ("Session", session_id or "all"), ("Report date (UTC)", f"{when.astimezone(UTC):%Y-%m-%d %H:%M}"),
    ]  # fmt: skip
    body = [
        f"<h1>{_e(head)}</h1>",
        "<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts) + "</dl>",
    ]
    money, secs = partial(format_usd, decimals=2), format_duration  # $1,234.50; 4 min 05 s
    if attempts.empty:
        body.append('<p class="muted">No drill attempts in this session.</p>')
    else:
        from nogo.practice.track_record import regret_text

        summary = session_summary(attempts)
        summary["regret"] = [  # each drill on its own scale (dollars, rank correlation, wrong calls)
            "" if pd.isna(x) else money(x) if u == "USD" else regret_text(x, u)
            for x, u in zip(summary["regret"], summary.pop("unit"), strict=True)
        ]
        share = partial(format_percent, decimals=1)
        body += [
            "<h2>Summary by drill</h2>",
            "<p>Regret is never negative: an answer a lucky outcome made cheaper than the best one counts 0. "
            "<i>regret</i> puts each drill on its own scale.</p>",
            _table(summary, {"accuracy": share, "cost_usd": money, "optimal_cost_usd": money,
                             "regret_usd": money, "time_taken_seconds": secs}, "summary"),
        ]  # fmt: skip
        rows = attempts[
            ["drill", "item", "choice", "optimal_choice", "confidence", "cost_usd", "optimal_cost_usd",
             "regret_usd", "time_taken_seconds"]
        ].assign(regret_usd=attempts["regret_usd"].clip(lower=0.0))  # fmt: skip
        sure = partial(format_percent, decimals=0)
        body += [
            "<h2>Every attempt</h2>",
            _table(rows, {"cost_usd": money, "optimal_cost_usd": money, "regret_usd": money,
                          "time_taken_seconds": secs, "confidence": lambda c: "" if pd.isna(c) else sure(c)},
                   "attempts"),
        ]  # fmt: skip
        written = attempts[attempts["justification"].fillna("").str.strip() != ""]
        if not written.empty:
            body += [
                "<h2>Written justification</h2>",
                _table(written[["drill", "item", "choice", "justification"]], {}, "justifications"),
            ]
    body.append("<h2>Rubric marks</h2>")
    if marks.empty:
        body.append('<p class="muted">No rubric marks in this session.</p>')
    else:
        shown = marks.assign(
            dimension=marks["dimension"].str.replace("_", " "),
            marked_at=marks["timestamp"].dt.strftime("%Y-%m-%d %H:%M"),
        )[["dimension", "score", "scale_max", "comment", "marked_by", "marked_at"]]
        body.append(
            "<p>Each dimension of the interview rubric is marked from 0 to <i>scale_max</i> "
            "(the casebook's checklist uses 0 missing, 1 weak, 2 adequate, 3 strong).</p>"
        )
        body.append(_table(shown, {"score": "{:g}", "scale_max": "{:g}"}, "rubric"))
    charts = _charts(attempts, marks)
    if charts:
        body += ["<h2>Charts</h2>", *charts]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(head)}</title><style>{_STYLE}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
