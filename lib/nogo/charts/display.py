"""One call to set a notebook up: the chart theme, the offline renderer, readable tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from nogo.charts.theme import setup as setup_charts
from nogo.formatting import math_safe_html

__all__ = ["notebook_setup", "register_math_safe_tables"]


def notebook_setup(renderer: str = "svg") -> None:
    """Prepare a notebook: No-Go's chart theme and offline renderer, and tables that show whole labels.

    Tables keep long text (a published figure's label, a rubric answer) instead of cutting it at 50
    characters, and show floats with four significant decimals. Under IPython, every pandas table
    (DataFrame and Styler) is shown inside a ``mathjax_ignore`` wrapper
    (:func:`register_math_safe_tables`), so "$200-$300" in a cell stays text in JupyterLab.

    Examples
    --------
    >>> notebook_setup()
    >>> pd.get_option("display.max_colwidth") is None
    True
    >>> pd.reset_option("display.max_colwidth"); pd.reset_option("display.precision")
    """
    setup_charts(renderer)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.precision", 4)
    register_math_safe_tables()


def _frame_html(frame: pd.DataFrame) -> str | None:
    page = frame._repr_html_()
    return None if page is None else math_safe_html(page)


def _styler_html(styler: Any) -> str | None:
    page = styler._repr_html_()
    return None if page is None else math_safe_html(page)


def register_math_safe_tables(shell: Any = None) -> bool:
    """Show pandas DataFrames and Stylers as HTML that MathJax leaves alone, in ``shell``.

    ``shell`` defaults to the running IPython shell; outside IPython (a script, a test) nothing
    happens and the result is False. True when the formatters are registered. A DataFrame whose
    ``_repr_html_`` gives nothing (``display.notebook_repr_html`` off) still shows as text.
    """
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with Jupyter
            return False
        shell = get_ipython()
    if shell is None:
        return False
    formatter = shell.display_formatter.formatters["text/html"]
    formatter.for_type(pd.DataFrame, _frame_html)
    formatter.for_type_by_name("pandas.io.formats.style", "Styler", _styler_html)
    return True
