"""What every case notebook shows a reader in prose: a drill's summary, the rubric and the sources as
rendered Markdown, case-file text escaped so it is shown as written (presentation only).

The case packages re-export these from their own ``reading`` modules, beside their tables.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from nogo.formatting import Prose, escape_markdown, say

__all__ = ["rubric_prose", "sources_prose", "summary_prose"]


def summary_prose(text: str) -> Prose:
    """A drill's plain-text summary (``summary_text()``) as rendered Markdown, its words unchanged:
    each line a paragraph, indented lines and lines starting ``- `` a bulleted list.

    Examples
    --------
    >>> print(summary_prose("Set the policy: t_lo=0\\n  cost: $948,525\\n  error rate: 3.40%"))
    Set the policy: t\\_lo=0
    <BLANKLINE>
    - cost: $948,525
    - error rate: 3.40%
    """
    blocks: list[str] = []
    items: list[str] = []
    for line in str(text).splitlines():
        if line.startswith((" ", "- ")) and line.strip():
            items.append("- " + escape_markdown(line.strip().removeprefix("- ")))
            continue
        if items:
            blocks.append("\n".join(items))
            items = []
        if line.strip():
            blocks.append(escape_markdown(line.strip()))
    if items:
        blocks.append("\n".join(items))
    return say(*blocks)


def rubric_prose(rubric: Any, dimensions: Iterable[str]) -> Prose:
    """The rubric, one paragraph per dimension: its name and question, then the weak and the strong
    answer as a list (case-file text escaped)."""
    return say(
        *(
            f"**{d.replace('_', ' ').capitalize()}**: {escape_markdown(r.question)}\n"
            f"- weak: {escape_markdown(r.weak)}\n- strong: {escape_markdown(r.strong)}"
            for d, r in ((d, getattr(rubric, d)) for d in dimensions)
        )
    )


def sources_prose(sources: Iterable[Any]) -> Prose:
    """The sources as a list, each as :meth:`Source.citation` writes it, with its address as a link
    (or the note saying why there is none)."""
    items = []
    for s in sources:
        where = f"<{s.url}>" if s.url else escape_markdown(f"({s.note})")
        text = escape_markdown(f'[{s.id}] {s.publisher}, "{s.title}", {s.date}.')
        items.append(f"- {text} {where}")
    return say("\n".join(items))
