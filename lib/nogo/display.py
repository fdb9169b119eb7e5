"""One call to set a notebook up: the chart theme, the offline renderer, readable tables."""

from __future__ import annotations

import pandas as pd

from nogo import charts

__all__ = ["notebook_setup"]


def notebook_setup(renderer: str = "svg") -> None:
    """Prepare a notebook: No-Go's chart theme and offline renderer, and tables that show whole labels.

    Tables keep long text (a published figure's label, a rubric answer) instead of cutting it at 50
    characters, and show floats with four significant decimals.

    Examples
    --------
    >>> notebook_setup()
    >>> pd.get_option("display.max_colwidth") is None
    True
    >>> pd.reset_option("display.max_colwidth"); pd.reset_option("display.precision")
    """
    charts.setup(renderer)
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.precision", 4)
