"""What the resume notebook shows a reader: tables with words for headers, the brief, drill summaries, the
questions, the rubric and the sources as rendered text (presentation only; no result is computed here
except the two small tables a reader is invited to redo with other inputs).

Readers are product managers: every table goes through :func:`nogo.format_frame` (currency, shares and
counts formatted by unit, never scientific notation) with plain words as headers (:func:`reader_table`);
shares that differ in the first decimal keep it (:func:`share`), ratios keep the decimals the analysis
reads (:func:`fixed`), a gap between two shares reads in percentage points (:func:`points`). Text from
the case file is escaped, so it is shown as written (:func:`nogo.formatting.escape_markdown`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from nogo.cases.reading import rubric_prose, sources_prose, summary_prose
from nogo.cases.resume_proxy_bias.label_audit import label_audit
from nogo.formatting import MISSING, Prose, escape_markdown, format_frame, format_percent, say

__all__ = [
    "audit_table",
    "brief_prose",
    "bullets_prose",
    "expected_cost_table",
    "fixed",
    "percent",
    "points",
    "ratio",
    "reader_table",
    "rubric_prose",
    "share",
    "sources_prose",
    "summary_prose",
]


def _missing(value: Any) -> bool:
    return value is None or bool(pd.isna(value))


def share(value: Any) -> str:
    """A share as a percentage with one decimal, so 0.299 and 0.301 stay apart: ``29.9%``.

    >>> share(0.299), share(1.0), share(float("nan"))
    ('29.9%', '100.0%', '—')
    """
    return format_percent(value, decimals=1)


def fixed(decimals: int) -> Callable[[Any], str]:
    """A formatter showing a plain number with ``decimals`` places (a ratio, a coefficient): ``0.80``.

    >>> fixed(2)(0.8), fixed(3)(-0.4891), fixed(2)(float("nan"))
    ('0.80', '-0.489', '—')
    """

    def shown(value: Any) -> str:
        return MISSING if _missing(value) else f"{float(value):,.{decimals}f}"

    return shown


def percent(decimals: int) -> Callable[[Any], str]:
    """A formatter showing a share as a percentage with ``decimals`` places: ``percent(2)(0.0037)`` is
    ``'0.37%'``."""

    def shown(value: Any) -> str:
        return format_percent(value, decimals=decimals)

    return shown


ratio = fixed(2)
"""A ratio with two decimals, as the sentences read it: ``ratio(0.2812)`` is ``'0.28'``."""


def points(value: Any) -> str:
    """A difference between two shares in percentage points, signed: ``+10.0 points``.

    >>> points(0.1), points(-0.0253), points(None)
    ('+10.0 points', '-2.5 points', '—')
    """
    return MISSING if _missing(value) else f"{100 * float(value):+.1f} points"


def _words(name: Any) -> str:
    """A column name as a header: the ``_usd`` suffix dropped, underscores as spaces."""
    return str(name).removesuffix("_usd").replace("_", " ")


def reader_table(
    frame: pd.DataFrame,
    *,
    formats: Mapping[Any, str | Callable[[Any], str]] | None = None,
    headers: Mapping[Any, str] | None = None,
) -> pd.DataFrame:
    """``frame`` as a reader reads it: columns formatted by unit (:func:`nogo.format_frame`, with
    ``formats`` overriding a column's unit), headers and index names in words (``headers``, else the
    name with ``_usd`` dropped and underscores as spaces). Named row labels are formatted like columns;
    a single level's name goes in the header row's corner.

    Examples
    --------
    >>> df = pd.DataFrame({"n_selected": [12140, 1940], "selection_rate": [0.505, 0.325],
    ...                    "cost_usd": [1.8785e8, 2.2577e7]}, index=pd.Index(["man", "woman"], name="group"))
    >>> shown = reader_table(df, formats={"selection_rate": share})
    >>> shown.columns.name, shown.columns.tolist(), shown.loc["woman"].tolist()
    ('group', ['n selected', 'selection rate', 'cost'], ['1,940', '32.5%', '$22,577,000'])
    """
    named = [n for n in frame.index.names if n is not None]
    if named and len(named) == frame.index.nlevels:  # row labels formatted by unit too (1,000 resumes)
        shown = format_frame(frame.reset_index(), formats).set_index(named)
    else:
        shown = format_frame(frame, formats)

    def word(name: Any) -> Any:
        return name if name is None else (headers or {}).get(name, _words(name))

    shown = shown.rename(columns={c: word(c) for c in shown.columns})
    shown.columns.name = word(frame.columns.name)
    shown = shown.rename_axis(index=[word(n) for n in shown.index.names])
    if shown.index.nlevels == 1 and shown.index.name is not None and shown.columns.name is None:
        # one header row: the row labels' name in the corner, not on a row of its own
        shown.columns.name, shown.index.name = shown.index.name, None
    return shown


def expected_cost_table(cost_model: Any, p_qualified: Sequence[float], salary_usd: float) -> pd.DataFrame:
    """What each action costs on average for an applicant with each chance ``p_qualified`` of being
    qualified, at ``salary_usd`` (the cost model's :meth:`expected_costs`, to the dollar), and the
    cheapest action, as a reader reads it."""
    p = [float(x) for x in p_qualified]
    expected = cost_model.expected_costs(p, [salary_usd] * len(p)).round(0)
    expected.insert(0, "p_qualified", p)
    return reader_table(expected.set_index("p_qualified"), formats={"p_qualified": "percent"},
                        headers={"p_qualified": "chance qualified"})  # fmt: skip


def audit_table(label_bias: float, audited_resumes: Iterable[int]) -> pd.DataFrame:
    """What an audit of each size would find (:func:`label_audit`, synthetic): the hired qualified women
    it expects to see and the two hire rates among the qualified, as a reader reads it."""
    audits = pd.DataFrame(
        [{"audited_resumes": n, "hired_qualified_women_expected": a.qualified_women_hired,
          "hire_rate_qualified_women": a.hire_rate_qualified_women,
          "hire_rate_qualified_men": a.hire_rate_qualified_men}
         for n in audited_resumes for a in [label_audit(label_bias, n)]]
    )  # fmt: skip
    return reader_table(
        audits.set_index("audited_resumes"),
        formats={"hired_qualified_women_expected": fixed(1), "hire_rate_qualified_women": share,
                 "hire_rate_qualified_men": share},
    )  # fmt: skip


def brief_prose(case: Any) -> Prose:
    """The case's title, incident summary and the decision the reader owns, from the case file."""
    return say(
        f"**{escape_markdown(case.title)}**",
        escape_markdown(case.incident.summary),
        f"**The decision you own:** {escape_markdown(case.incident.decision)}",
    )


def bullets_prose(items: Iterable[str]) -> Prose:
    """Case-file sentences (the interview questions) as a bulleted list, shown as written."""
    return say("\n".join(f"- {escape_markdown(item)}" for item in items))
