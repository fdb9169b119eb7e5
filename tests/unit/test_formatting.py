"""Math-safe HTML and text, and the finder for dollar amounts JupyterLab would typeset as maths.

The finder follows what was measured in JupyterLab 4.6 (tests/browser/test_jupyterlab.py checks the
page itself): `\\$` pairs in one paragraph are still typeset, `mathjax_ignore` is honoured and
`tex2jax_ignore` alone is not, table cells and list items are separate strings.
"""

from __future__ import annotations

import pytest

import nogo
from nogo.formatting import (
    MARKDOWN_CLOSE,
    MARKDOWN_OPEN,
    MATH_IGNORE_CLASSES,
    html_dollars,
    looks_like_money,
    markdown_maths,
    math_safe_html,
    math_safe_text,
)


def test_math_safe_html_wraps_in_both_ignore_classes_once():
    page = math_safe_html("<td>$200-$300</td>")
    assert page == '<div class="mathjax_ignore tex2jax_ignore"><td>$200-$300</td></div>'
    assert MATH_IGNORE_CLASSES.split() == ["mathjax_ignore", "tex2jax_ignore"]
    assert math_safe_html(page) == page  # idempotent
    # starts like a wrapper but is not one from end to end: wrapped again
    partial = '<div class="mathjax_ignore tex2jax_ignore">a</div><p>$1 and $2</p><div>b</div>'
    assert math_safe_html(partial) != partial and html_dollars(math_safe_html(partial)) == 0
    assert nogo.math_safe_html(page) == page and nogo.math_safe_text("$1") == math_safe_text("$1")


def test_math_safe_text_escapes_dollars_and_backslashes_for_mathjax():
    assert math_safe_text("cap above $50 and $100") == "cap above \\$50 and \\$100"
    assert math_safe_text("a \\ b $1") == "a \\\\ b \\$1"
    assert math_safe_text("no money") == "no money"


@pytest.mark.parametrize(
    ("source", "maths"),
    [
        ("costs $100 and $200 each", ["100 and "]),
        ("costs \\$100 and \\$200 each", ["100 and "]),  # jupyterlab#8645: \$ is not enough
        ("**The $200-$300 extra** per borrower", ["200-"]),
        ("- \\$100 in one item\n- \\$200 in the next", []),  # separate list items
        ("| a | b |\n|---|---|\n| \\$1,234 | \\$5,678 |", []),  # separate cells
        ("| a |\n|---|\n| \\$200-\\$300 |", ["200-"]),  # one cell
        ("costs **\\$100** and **\\$200**", []),  # each in its own element
        ("costs \\\\$100 and \\\\$200", []),  # \\$ leaves \$ for MathJax's escapes
        ("a single $5 fee", []),
        ("costs `$100` and `$200`", []),
        ("```\nx = $1 + $2\n```", []),
        ("pays \\$200 a month at rate $r$", ["200 a month at rate "]),
        ("balance $L$ at rate $r$: $L\\,r / (1 - (1+r)^{-n})$", ["L", "r", "L\\,r / (1 - (1+r)^{-n})"]),
        (MARKDOWN_OPEN + "costs \\$100 and \\$200\n\n- \\$1 and \\$2" + MARKDOWN_CLOSE, []),
        ('<div class="mathjax_ignore">\n\ncosts \\$100 and \\$200\n\n</div>', []),
        ('<div class="tex2jax_ignore">\n\ncosts \\$100 and \\$200\n\n</div>', ["100 and "]),  # not honoured
        ("first paragraph $100\n\nsecond paragraph $200", []),
    ],
)
def test_markdown_maths_is_what_jupyterlab_typesets(source, maths):
    assert markdown_maths(source) == maths


def test_html_dollars_counts_what_mathjax_could_read():
    table = "<table><tr><td>$1,234</td><td>$5,678</td></tr></table>"
    assert html_dollars(table) == 2
    assert html_dollars(math_safe_html(table)) == 0
    assert html_dollars(f'<div class="tex2jax_ignore">{table}</div>') == 2  # MathJax 3 ignores this class
    assert html_dollars("<p>\\$1 and \\$2</p><code>$x$</code><style>a{content:'$$'}</style>") == 0
    assert html_dollars("<p>one $5</p>") == 1
    page = '<div class="mathjax_ignore"><p>$1</p><span class="mathjax_process">$2 $3</span></div>'
    assert html_dollars(page) == 2  # mathjax_process turns typesetting back on


def test_looks_like_money():
    assert looks_like_money("200-") and looks_like_money("1,730,045.91 (F1, F2). The")
    assert looks_like_money(" 5 and ") and looks_like_money(".5 of")
    assert not looks_like_money("L") and not looks_like_money("L\\,r / (1 - (1+r)^{-n})")
