"""What the pricing notebook shows a reader: its tables with words for headers, its figures, drill
summaries, the rubric and the sources as rendered text (presentation only; no number is computed here).

Readers are product managers: every table goes through :func:`nogo.format_frame` (currency, shares and
counts formatted by unit, never scientific notation) with a meaningful first column as its index and
plain words as headers (:func:`reader_table`); the check against the record shows each figure in its own
unit and its relative error in parts per million (:func:`figure_table`); a drill's plain-text summary,
the rubric and the sources are rendered Markdown (:func:`summary_prose`, :func:`rubric_prose`,
:func:`sources_prose`), with case-file text escaped so it is shown as written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from nogo.cases.reading import rubric_prose, sources_prose, summary_prose
from nogo.formatting import format_frame, format_number, format_usd

__all__ = ["figure_table", "one_decimal", "reader_table", "rubric_prose", "sources_prose", "summary_prose"]


def one_decimal(value: Any) -> str:
    """A plain number with one decimal and thousands separators: ``47.9``, ``1,335.3``.

    >>> one_decimal(19.5333), one_decimal(1335.26), one_decimal(float("nan"))
    ('19.5', '1,335.3', '—')
    """
    return format_number(value) if pd.isna(value) else f"{value:,.1f}"


def _yes_no(flag: Any) -> str:
    return "yes" if flag else "no"


def _words(name: Any) -> str:
    """A column name as a header: the unit suffix dropped, underscores as spaces (``price_at_fire``)."""
    return str(name).removesuffix("_usd").replace("_", " ")


def reader_table(
    frame: pd.DataFrame,
    *,
    index: str | list[str] | None = None,
    formats: Mapping[str, str | Callable[[Any], str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``frame`` as a reader reads it: every column formatted by unit (:func:`nogo.format_frame`, with
    ``formats`` overriding a column's unit), then ``index`` (a column or columns, formatted too) as the
    row labels, and headers in words (``headers``, else the name with ``_usd`` dropped and underscores
    as spaces). A true/false column reads yes/no. A single index's name heads the labels' column in the
    one header row (it is the columns' axis name), instead of a second, mostly empty header row.

    Examples
    --------
    >>> df = pd.DataFrame({"top_share": [0.01, 1.0], "share_reviewed": [0.0353, 1.0],
    ...                    "expected_cost_usd": [339669.4, 2091132.0], "correct": [True, False]})
    >>> table = reader_table(df, index="top_share", formats={"share_reviewed": "percent"},
    ...                      headers={"top_share": "top"})
    >>> table.index.tolist(), table.columns.name, table.columns.tolist()
    (['1%', '100%'], 'top', ['share reviewed', 'expected cost', 'correct'])
    >>> table.loc["1%"].tolist()
    ['4%', '$339,669', 'yes']
    """
    flags = {c: _yes_no for c in frame.columns if pd.api.types.is_bool_dtype(frame[c].dtype)}
    shown = format_frame(frame, {**flags, **(formats or {})})
    if index is not None:
        shown = shown.set_index(index)
    names = {c: (headers or {}).get(c, _words(c)) for c in [*shown.columns, *shown.index.names] if c}
    shown = shown.rename(columns=names).rename_axis(index=[names.get(n, n) for n in shown.index.names])
    if isinstance(index, str):  # one header row: the index's name heads its column, above the labels
        shown = shown.rename_axis(index=None, columns=names[index])
    return shown


def _figure_value(value: float, unit: str) -> str:
    return format_usd(value, decimals=2) if unit == "USD" else format_number(value, significant=7)


def figure_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The check against the record (:meth:`nogo.CaseFile.compare_figures`) as a reader reads it: one row
    per published figure, its kind, the published and reconstructed values in the figure's unit (dollars
    to the cent, other figures to seven significant digits), the relative error in parts per million,
    whether it is within tolerance, and the source.

    Examples
    --------
    >>> figures = pd.DataFrame({"figure": ["Peak price"], "kind": ["reproduced"], "unit": ["USD"],
    ...     "published": [23698655.93], "reconstructed": [23698690.10], "relative_error": [1.44196e-06],
    ...     "within_tolerance": [True], "source": ["F3, F5"]})
    >>> figure_table(figures).iloc[0].tolist()
    ['reproduced', '$23,698,655.93', '$23,698,690.10', '1.4', 'yes', 'F3, F5']
    """

    def values(column: str) -> list[str]:
        return [_figure_value(v, u) for v, u in zip(figures[column], figures["unit"], strict=True)]

    out = pd.DataFrame(
        {
            "kind": figures["kind"],
            "published": values("published"),
            "reconstructed": values("reconstructed"),
            "relative error (parts per million)": [one_decimal(e * 1e6) for e in figures["relative_error"]],
            "within tolerance": figures["within_tolerance"].map({True: "yes", False: "no"}),
            "source": figures["source"],
        }
    )
    return out.set_axis(pd.Index(figures["figure"]), axis=0).rename_axis(index=None, columns="figure")
