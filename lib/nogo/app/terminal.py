"""What the ``nogo`` command prints: lines that fit a terminal, numbers formatted for people.

Every number goes through :mod:`nogo.formatting` (never ``6.738859e+06``, never microseconds), and every
line fits :data:`WIDTH` characters: :func:`fit` wraps long lines under their own indentation,
:func:`wrapped_table` wraps one column of a table, :func:`parameters_text` lists a variant's parameters
in the units their names carry, and :func:`minute` writes a moment to the minute.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from nogo.formatting import MISSING, UNITS, column_unit, format_percent, text_table

__all__ = ["WIDTH", "fit", "minute", "parameters_text", "shown_path", "wrapped_table"]

WIDTH = 100
"""The widest line the command prints (a terminal beside an editor, a coach's laptop)."""

_NOT_SHOWN = ("case_id", "seed", "learner")  # said elsewhere on the line, or nobody's business


def fit(text: str, width: int = WIDTH) -> str:
    """``text`` with every line longer than ``width`` wrapped under its own indentation (plus two).

    Words are never broken (a long path stays whole, on a line of its own).

    Examples
    --------
    >>> print(fit("  stream: " + "regret $5 " * 6, width=30))
      stream: regret $5 regret $5
        regret $5 regret $5 regret
        $5 regret $5
    """
    out: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out += textwrap.wrap(
            line.strip(), width, initial_indent=indent, subsequent_indent=indent + "  ",
            break_long_words=False, break_on_hyphens=False,
        )  # fmt: skip
    return "\n".join(out)


def wrapped_table(
    frame: pd.DataFrame, wrap: str, *, headers: Mapping[str, str] | None = None, width: int = WIDTH
) -> str:
    """A :func:`nogo.formatting.text_table` of ``frame`` whose column ``wrap`` (text, the last shown)
    is wrapped to keep every line within ``width``; a wrapped cell continues on the next lines.

    Examples
    --------
    >>> df = pd.DataFrame({"case": ["loan-steering"], "models": ["cost-of-error, thresholds, fairness"]})
    >>> print(wrapped_table(df, "models", width=36))
    case           models
    loan-steering  cost-of-error,
                   thresholds, fairness
    """
    fixed = [c for c in frame.columns if c != wrap]
    left = text_table(frame[fixed], headers=headers).splitlines()
    pad = max(len(line) for line in left) + 2
    room = max(width - pad, 20)
    header = str((headers or {}).get(wrap, wrap))
    cells = [header, *(str(v) for v in frame[wrap])]
    lines: list[str] = []
    for row, cell in zip(left, cells, strict=True):
        parts = textwrap.wrap(cell, room, break_long_words=False, break_on_hyphens=False) or [""]
        lines.append((row.ljust(pad) + parts[0]).rstrip())
        lines += [" " * pad + part for part in parts[1:]]
    return "\n".join(lines)


def _parameter_value(name: str, value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else value
    unit = column_unit(name, pd.Series([value]).dtype)
    if unit == "percent":
        return format_percent(value, decimals=1)  # a variant's share reads 9.4%, not 9%
    return UNITS[unit](value)


def parameters_text(values: Mapping[str, Any], *, skip: tuple[str, ...] = _NOT_SHOWN) -> str:
    """A variant's parameters for a person: each in the unit its name carries, ``; `` apart.

    ``case_id``, ``seed`` and ``learner`` are left out (the line names them already).

    Examples
    --------
    >>> parameters_text({"case_id": "x", "seed": 7, "n_skus": 25592, "review_usd": 160.894083,
    ...     "reviewer_miss_rate": 0.15042, "noise_sd": 0.033838, "markup_group_c_bps": 46.964694})
    'n_skus 25,592; review_usd $161; reviewer_miss_rate 15.0%; noise_sd 0.0338; markup_group_c_bps 47 bps'
    """
    return "; ".join(f"{k} {_parameter_value(k, v)}" for k, v in values.items() if k not in skip)


def minute(value: Any) -> str:
    """A moment to the minute, in UTC when it carries a zone (seconds cut, never rounded up).

    Examples
    --------
    >>> minute(pd.Timestamp("2026-11-02 09:59:59.987654", tz="UTC")), minute(None)
    ('2026-11-02 09:59', '—')
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    t = pd.Timestamp(value)
    if t.tzinfo is not None:
        t = t.tz_convert("UTC")
    return f"{t:%Y-%m-%d %H:%M}"


def shown_path(path: str | Path, root: str | Path | None) -> str:
    """``path`` relative to ``root`` when it lies inside it (shorter, and what a person types), else whole.

    Examples
    --------
    >>> shown_path("/p/build/run/a.ipynb", "/p"), shown_path("/elsewhere/a.ipynb", "/p")
    ('build/run/a.ipynb', '/elsewhere/a.ipynb')
    """
    p = Path(path)
    if root is not None:
        try:
            return str(p.resolve().relative_to(Path(root).resolve()))
        except ValueError:
            pass
    return str(p)
