"""Sentences a reader reads, rendered: Markdown written by code, shown as HTML, never as a monospace print.

A notebook cell that computes a sentence ("The best cap is $15,633 ...") ends with ``say(...)`` instead of
``print(...)``: JupyterLab, Voila and the static casebook show it as a paragraph in the page's font, safe
from maths typesetting (:func:`nogo.formatting.maths.math_safe_html`, so ``$`` stays a dollar), and a
saved notebook keeps a plain-text copy for nbval and terminals. The Markdown is rendered by ``mistune``
(already installed with nbconvert), with raw HTML escaped: text from a case file or a learner can never
inject markup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from nogo.errors import InputError
from nogo.formatting.maths import math_safe_html

__all__ = ["Prose", "escape_markdown", "readable_label", "say"]


def _markdown_to_html(text: str) -> str:
    import mistune

    render = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return str(render(text)).strip()


@dataclass(frozen=True)
class Prose:
    """Markdown text that displays as rendered HTML in a notebook (see :func:`say`)."""

    markdown: str

    def _repr_html_(self) -> str:
        return math_safe_html(f'<div class="nogo-prose">{_markdown_to_html(self.markdown)}</div>')

    def __str__(self) -> str:
        return self.markdown

    def __repr__(self) -> str:  # the text/plain copy a saved notebook keeps
        return self.markdown


def say(*paragraphs: str) -> Prose:
    """Paragraphs of Markdown to show as rendered text: the last expression of a cell, or ``display(...)``.

    Each argument is one paragraph (joined by a blank line); ``**bold**``, ``*italics*``, lists, links and
    tables work; HTML in the text is shown as text, not interpreted.

    Examples
    --------
    >>> p = say("The best cap is **$15,633**.", "- 3.5% of reprices reviewed\\n- no loop")
    >>> print(p)
    The best cap is **$15,633**.
    <BLANKLINE>
    - 3.5% of reprices reviewed
    - no loop
    >>> print(p._repr_html_().removeprefix('<div class="mathjax_ignore tex2jax_ignore">'))
    <div class="nogo-prose"><p>The best cap is <strong>$15,633</strong>.</p>
    <ul>
    <li>3.5% of reprices reviewed</li>
    <li>no loop</li>
    </ul></div></div>
    >>> say("<script>alert(1)</script>")._repr_html_().count("<script>")
    0
    """
    for i, p in enumerate(paragraphs):
        if not isinstance(p, str):
            raise InputError(f"say: paragraph {i + 1} must be text, got {type(p).__name__}")
    return Prose("\n\n".join(p.strip("\n") for p in paragraphs))


def escape_markdown(text: str) -> str:
    """``text`` (a name, a case-file string) safe to put inside :func:`say`'s Markdown: markup shown as is.

    >>> escape_markdown("a *b* [c](d)")
    'a \\\\*b\\\\* \\\\[c\\\\](d)'
    """
    out = str(text)  # raw HTML is escaped by say's renderer
    for ch in "\\`*_[]#":
        out = out.replace(ch, "\\" + ch)
    return out


_IDENTIFIER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")


def readable_label(value: object, labels: Mapping[str, str] | None = None) -> str:
    """A value as a reader reads it: its entry in ``labels`` (a case's own words for its ids), else a
    snake_case identifier with its underscores as spaces, else the value as it is.

    Display only: what is stored and scored keeps the identifier.

    Examples
    --------
    >>> readable_label("rate_cut", {"rate_cut": "a rate cut"}), readable_label("term_extension")
    ('a rate cut', 'term extension')
    >>> readable_label("small markdown"), readable_label("A"), readable_label(12)
    ('small markdown', 'A', '12')
    """
    text = str(value)
    if labels and text in labels:
        return labels[text]
    return text.replace("_", " ") if _IDENTIFIER.fullmatch(text) else text
