"""The one formatting layer for what people read (foundation: imports nothing from nogo but errors).

- :mod:`nogo.formatting.numbers`: currency (``$1,234``, compact ``$1.2M``), basis points, percentages,
  counts, plain numbers, p-values (``p < 0.001``), durations, dates and timestamps (to the second).
  Never scientific notation, never microseconds; a missing value reads :data:`MISSING` (an em dash).
- :mod:`nogo.formatting.frames`: :func:`format_frame` and :func:`style_frame` format a table's columns
  by the unit in their names (``*_usd``, ``*_bps``, ``*rate``/``*share``, counts, times);
  :func:`text_table` prints one for a terminal.
- :mod:`nogo.formatting.prose`: :func:`say`, sentences computed in a cell shown as rendered Markdown
  (never a monospace print); :func:`readable_label`, an identifier (``term_extension``) in words.
- :mod:`nogo.formatting.maths`: text and HTML safe from JupyterLab's maths typesetting
  (:func:`math_safe_html`, :func:`math_safe_text`), and the finder ``nogo check`` runs over notebooks
  for dollar amounts that would typeset as maths.

Tables, prose cells, drills, the CLI and reports format their numbers here, so a number reads the
same everywhere.

Examples
--------
>>> format_usd(23_698_655.93, compact=True), format_percent(0.996), format_p_value(3.6653e-161)
('$23.7M', '99.6%', 'p < 0.001')
"""

from nogo.formatting.frames import UNITS, column_unit, format_frame, style_frame, text_table
from nogo.formatting.maths import (
    MARKDOWN_CLOSE,
    MARKDOWN_OPEN,
    MATH_IGNORE_CLASSES,
    html_dollars,
    looks_like_money,
    markdown_maths,
    math_safe_html,
    math_safe_text,
)
from nogo.formatting.numbers import (
    MISSING,
    format_bps,
    format_count,
    format_date,
    format_duration,
    format_number,
    format_p_value,
    format_percent,
    format_timestamp,
    format_usd,
)
from nogo.formatting.prose import Prose, escape_markdown, readable_label, say

__all__ = [
    "MARKDOWN_CLOSE",
    "MARKDOWN_OPEN",
    "MATH_IGNORE_CLASSES",
    "MISSING",
    "UNITS",
    "Prose",
    "column_unit",
    "escape_markdown",
    "format_bps",
    "format_count",
    "format_date",
    "format_duration",
    "format_frame",
    "format_number",
    "format_p_value",
    "format_percent",
    "format_timestamp",
    "format_usd",
    "html_dollars",
    "looks_like_money",
    "markdown_maths",
    "math_safe_html",
    "math_safe_text",
    "readable_label",
    "say",
    "style_frame",
    "text_table",
]
